//! Throttles failed sign-ins per account and per client address. Only failures count, so
//! people who type their password right are never slowed down.
//!
//! An attempt is *reserved* before the password is checked — counted as a failure at once,
//! under one lock — and handed back on success. So parallel guesses cannot all pass the check
//! before the first failure is recorded, and a burst of N requests gets at most the limit.
use super::auth::login_name;
use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Most distinct keys kept; past it the least recently used are forgotten first.
const MAX_KEYS: usize = 100_000;

pub struct LoginLimiter {
    window: Duration,
    per_account: usize,
    per_address: usize,
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    failures: HashMap<String, VecDeque<Instant>>,
    last_sweep: Option<Instant>,
}

/// An attempt counted against an account and an address until [`LoginLimiter::succeeded`].
#[must_use]
#[derive(Debug)]
pub struct Reservation {
    account: String,
    address: String,
    at: Instant,
}

fn account_key(account: &str) -> String {
    format!("acct:{}", login_name(account).to_lowercase())
}

fn address_key(address: &str) -> String {
    format!("addr:{address}")
}

impl LoginLimiter {
    pub fn new(window: Duration, per_account: usize, per_address: usize) -> Self {
        LoginLimiter { window, per_account, per_address, state: Mutex::new(State::default()) }
    }

    /// Reserves an attempt for `account` from `address`, or says how long to wait when either
    /// has used up its failures in the window.
    pub fn reserve(&self, account: &str, address: &str, now: Instant) -> Result<Reservation, Duration> {
        let (account, address) = (account_key(account), address_key(address));
        let mut state = self.state.lock().unwrap_or_else(|p| p.into_inner());
        self.sweep(&mut state, now);
        let mut wait = Duration::ZERO;
        for (key, limit) in [(&account, self.per_account), (&address, self.per_address)] {
            if let Some(q) = state.failures.get_mut(key) {
                while q.front().is_some_and(|t| now.duration_since(*t) >= self.window) {
                    q.pop_front();
                }
                if q.len() >= limit {
                    let oldest = q.front().copied().unwrap_or(now);
                    wait = wait.max(self.window.saturating_sub(now.duration_since(oldest)));
                }
            }
        }
        if !wait.is_zero() {
            return Err(wait);
        }
        for key in [&account, &address] {
            state.failures.entry(key.clone()).or_default().push_back(now);
        }
        Ok(Reservation { account, address, at: now })
    }

    /// The reserved attempt succeeded: it no longer counts, and the account's failures are forgotten.
    pub fn succeeded(&self, r: Reservation) {
        let mut state = self.state.lock().unwrap_or_else(|p| p.into_inner());
        state.failures.remove(&r.account);
        if let Some(q) = state.failures.get_mut(&r.address) {
            if let Some(i) = q.iter().rposition(|t| *t == r.at) {
                q.remove(i);
            }
            if q.is_empty() {
                state.failures.remove(&r.address);
            }
        }
    }

    /// How many keys are remembered (for tests and metrics).
    pub fn tracked_keys(&self) -> usize {
        self.state.lock().unwrap_or_else(|p| p.into_inner()).failures.len()
    }

    /// Forgets expired failures once per window, and the least recently used keys past [`MAX_KEYS`].
    fn sweep(&self, state: &mut State, now: Instant) {
        if state.last_sweep.is_some_and(|t| now.duration_since(t) < self.window) && state.failures.len() < MAX_KEYS {
            return;
        }
        state.last_sweep = Some(now);
        let window = self.window;
        state.failures.retain(|_, q| q.back().is_some_and(|t| now.duration_since(*t) < window));
        if state.failures.len() >= MAX_KEYS {
            let mut by_age: Vec<(Instant, String)> =
                state.failures.iter().filter_map(|(k, q)| q.back().map(|t| (*t, k.clone()))).collect();
            by_age.sort_unstable();
            for (_, key) in by_age.into_iter().take(MAX_KEYS / 10) {
                state.failures.remove(&key);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ADDR: &str = "1.2.3.4";

    #[test]
    fn fifth_failure_locks_the_account_until_the_window_passes() {
        let l = LoginLimiter::new(Duration::from_secs(60), 5, 100);
        let t = Instant::now();
        for _ in 0..5 {
            let _failed = l.reserve("admin", ADDR, t).unwrap();
        }
        assert!(l.reserve("admin", "5.6.7.8", t).is_err());
        assert!(l.reserve("other", ADDR, t).is_ok());
        assert!(l.reserve("admin", ADDR, t + Duration::from_secs(61)).is_ok());
    }

    #[test]
    fn spaces_and_case_do_not_give_a_name_more_tries() {
        let l = LoginLimiter::new(Duration::from_secs(60), 5, 100);
        let t = Instant::now();
        for name in ["admin", "admin ", " admin", "\tADMIN", "Admin  "] {
            let _failed = l.reserve(name, ADDR, t).unwrap();
        }
        let wait = l.reserve("  admin", ADDR, t).unwrap_err();
        assert!(wait > Duration::ZERO && wait <= Duration::from_secs(60));
    }

    #[test]
    fn a_burst_in_parallel_gets_no_more_than_the_limit() {
        let l = std::sync::Arc::new(LoginLimiter::new(Duration::from_secs(60), 5, 1000));
        let t = Instant::now();
        let granted: usize = (0..32)
            .map(|_| {
                let l = l.clone();
                std::thread::spawn(move || l.reserve("admin", ADDR, t).is_ok())
            })
            .collect::<Vec<_>>()
            .into_iter()
            .map(|h| usize::from(h.join().unwrap()))
            .sum();
        assert_eq!(granted, 5);
    }

    #[test]
    fn address_limit_applies_across_accounts() {
        let l = LoginLimiter::new(Duration::from_secs(60), 5, 3);
        let t = Instant::now();
        for u in ["a", "b", "c"] {
            let _failed = l.reserve(u, "9.9.9.9", t).unwrap();
        }
        assert!(l.reserve("d", "9.9.9.9", t).is_err());
        assert!(l.reserve("d", "8.8.8.8", t).is_ok());
    }

    #[test]
    fn success_hands_the_attempt_back_and_clears_the_account() {
        let l = LoginLimiter::new(Duration::from_secs(60), 2, 2);
        let t = Instant::now();
        let _failed = l.reserve("a", "x", t).unwrap();
        let ok = l.reserve("a", "x", t).unwrap();
        assert!(l.reserve("a", "x", t).is_err());
        l.succeeded(ok);
        assert!(l.reserve("a", "x", t).is_ok(), "the success does not count against the address");
    }

    #[test]
    fn expired_entries_are_forgotten() {
        let l = LoginLimiter::new(Duration::from_secs(60), 5, 100);
        let t = Instant::now();
        for i in 0..1000 {
            let _failed = l.reserve(&format!("user{i}"), &format!("10.0.{}.{}", i / 256, i % 256), t).unwrap();
        }
        assert_eq!(l.tracked_keys(), 2000);
        let _later = l.reserve("late", ADDR, t + Duration::from_secs(120)).unwrap();
        assert_eq!(l.tracked_keys(), 2);
    }
}
