//! Throttles failed sign-ins per account and per client address. Only failures count,
//! so people who type their password right are never slowed down.
use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::{Duration, Instant};

pub struct LoginLimiter {
    window: Duration,
    per_account: usize,
    per_address: usize,
    failures: Mutex<HashMap<String, VecDeque<Instant>>>,
}

impl LoginLimiter {
    pub fn new(window: Duration, per_account: usize, per_address: usize) -> Self {
        LoginLimiter { window, per_account, per_address, failures: Mutex::new(HashMap::new()) }
    }

    fn keys(account: &str, address: &str) -> [(String, bool); 2] {
        [(format!("acct:{}", account.to_lowercase()), true), (format!("addr:{address}"), false)]
    }

    /// Whether another attempt is allowed now.
    pub fn allows(&self, account: &str, address: &str, now: Instant) -> bool {
        let mut map = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        Self::keys(account, address).iter().all(|(key, is_account)| {
            let limit = if *is_account { self.per_account } else { self.per_address };
            map.get_mut(key).is_none_or(|q| {
                while q.front().is_some_and(|t| now.duration_since(*t) > self.window) {
                    q.pop_front();
                }
                q.len() < limit
            })
        })
    }

    /// Records a failed attempt.
    pub fn record_failure(&self, account: &str, address: &str, now: Instant) {
        let mut map = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        for (key, _) in Self::keys(account, address) {
            map.entry(key).or_default().push_back(now);
        }
    }

    /// Forgets an account's failures after a successful sign-in.
    pub fn record_success(&self, account: &str) {
        let mut map = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        map.remove(&format!("acct:{}", account.to_lowercase()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fifth_failure_locks_the_account_until_the_window_passes() {
        let l = LoginLimiter::new(Duration::from_secs(60), 5, 100);
        let t = Instant::now();
        for _ in 0..5 {
            assert!(l.allows("Admin", "1.2.3.4", t));
            l.record_failure("admin", "1.2.3.4", t);
        }
        assert!(!l.allows("admin", "5.6.7.8", t));
        assert!(l.allows("other", "1.2.3.4", t));
        assert!(l.allows("admin", "1.2.3.4", t + Duration::from_secs(61)));
    }

    #[test]
    fn address_limit_applies_across_accounts() {
        let l = LoginLimiter::new(Duration::from_secs(60), 5, 3);
        let t = Instant::now();
        for u in ["a", "b", "c"] {
            l.record_failure(u, "9.9.9.9", t);
        }
        assert!(!l.allows("d", "9.9.9.9", t));
        assert!(l.allows("d", "8.8.8.8", t));
    }

    #[test]
    fn success_clears_the_account_counter() {
        let l = LoginLimiter::new(Duration::from_secs(60), 2, 100);
        let t = Instant::now();
        l.record_failure("a", "x", t);
        l.record_failure("a", "x", t);
        assert!(!l.allows("a", "x", t));
        l.record_success("a");
        assert!(l.allows("a", "x", t));
    }
}
