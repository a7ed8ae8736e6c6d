//! Password hashing (argon2id), off the async workers. Argon2 is deliberately slow, so it runs
//! on blocking threads, at most a few at a time: a burst of sign-ins waits in a bounded queue
//! (or is refused when the queue is full) instead of stalling every other request.
use super::crypto::random_token;
use crate::error::{AppError, AppResult};
use argon2::{
    password_hash::{rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString},
    Argon2,
};
use std::sync::{
    atomic::{AtomicUsize, Ordering},
    LazyLock,
};
use tokio::sync::Semaphore;

/// An argon2id hash in PHC format.
pub fn hash_blocking(password: &str) -> String {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .expect("argon2 hashing with default parameters cannot fail")
        .to_string()
}

/// Checks a password against a stored hash.
pub fn verify_blocking(hash: &str, password: &str) -> bool {
    PasswordHash::new(hash).map(|h| Argon2::default().verify_password(password.as_bytes(), &h).is_ok()).unwrap_or(false)
}

/// A hash of a random password, so that timing does not reveal whether an account exists.
fn dummy_hash() -> &'static str {
    static HASH: LazyLock<String> = LazyLock::new(|| hash_blocking(&random_token()));
    &HASH
}

/// One caller's place in the queue; dropping it leaves the queue.
struct QueuePlace<'a>(&'a AtomicUsize);

impl Drop for QueuePlace<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

/// Runs argon2 on at most `workers` blocking threads, with at most `queue` callers waiting.
pub struct PasswordWork {
    running: Semaphore,
    waiting: AtomicUsize,
    queue: usize,
}

impl PasswordWork {
    pub fn new(workers: usize, queue: usize) -> Self {
        PasswordWork { running: Semaphore::new(workers.max(1)), waiting: AtomicUsize::new(0), queue }
    }

    /// The process-wide pool: one worker per core (at most 4), 64 waiting.
    pub fn shared() -> &'static PasswordWork {
        static SHARED: LazyLock<PasswordWork> = LazyLock::new(|| {
            let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1);
            PasswordWork::new(cores.min(4), 64)
        });
        &SHARED
    }

    async fn run<T: Send + 'static>(&self, work: impl FnOnce() -> T + Send + 'static) -> AppResult<T> {
        // Count ourselves as waiting; refuse at once when the queue is already full.
        if self.waiting.fetch_add(1, Ordering::SeqCst) >= self.queue {
            self.waiting.fetch_sub(1, Ordering::SeqCst);
            return Err(AppError::Busy);
        }
        // The place in the queue is given back however the wait ends: with a worker, or when the
        // caller is dropped while waiting (a client that hangs up). Otherwise every abandoned
        // sign-in would keep its place for good, and after `queue` of them all sign-ins are Busy.
        let place = QueuePlace(&self.waiting);
        let permit = self.running.acquire().await;
        drop(place);
        let _permit = permit.map_err(|_| AppError::Internal)?;
        tokio::task::spawn_blocking(work).await.map_err(|e| {
            tracing::error!(error = %e, "password hashing task failed");
            AppError::Internal
        })
    }

    /// Hashes a new password.
    pub async fn hash(&self, password: &str) -> AppResult<String> {
        let password = password.to_string();
        self.run(move || hash_blocking(&password)).await
    }

    /// Checks `password` against `hash`, or against a dummy hash when there is no account, so
    /// that both take the same time.
    pub async fn verify(&self, hash: Option<String>, password: &str) -> AppResult<bool> {
        let password = password.to_string();
        self.run(move || match hash {
            Some(h) => verify_blocking(&h, &password),
            None => {
                verify_blocking(dummy_hash(), &password);
                false
            }
        })
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    #[test]
    fn password_hash_verifies_only_the_right_password() {
        let h = hash_blocking("correct horse battery");
        assert!(h.starts_with("$argon2id$"));
        assert!(verify_blocking(&h, "correct horse battery"));
        assert!(!verify_blocking(&h, "wrong"));
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_full_queue_refuses_at_once_instead_of_waiting() {
        let work = Arc::new(PasswordWork::new(1, 2));
        let hash = hash_blocking("pw");
        let calls: Vec<_> = (0..8)
            .map(|_| {
                let (work, hash) = (work.clone(), hash.clone());
                tokio::spawn(async move { work.verify(Some(hash), "pw").await })
            })
            .collect();
        let mut busy = 0;
        let mut verified = 0;
        for c in calls {
            match c.await.unwrap() {
                Ok(true) => verified += 1,
                Err(AppError::Busy) => busy += 1,
                other => panic!("unexpected {other:?}"),
            }
        }
        assert!(verified >= 1 && busy >= 1, "verified {verified}, busy {busy}");
        assert_eq!(verified + busy, 8);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_caller_that_gives_up_while_waiting_leaves_the_queue() {
        let work = Arc::new(PasswordWork::new(1, 1));
        // The one worker is busy until told to stop.
        let (stop, stopped) = std::sync::mpsc::channel::<()>();
        let busy = tokio::spawn({
            let work = work.clone();
            async move { work.run(move || stopped.recv().ok()).await }
        });
        // It holds the permit, and has left the queue (it takes the permit first, then gives
        // its place back, so seeing the permit taken alone is too early).
        while work.running.available_permits() > 0 || work.waiting.load(Ordering::SeqCst) > 0 {
            tokio::task::yield_now().await;
        }
        // Three callers in turn take the one place in the queue and give up (the client hung up).
        for _ in 0..3 {
            let waited = tokio::time::timeout(std::time::Duration::from_millis(50), work.run(|| ())).await;
            assert!(waited.is_err(), "still waiting for the worker when given up");
        }
        assert_eq!(work.waiting.load(Ordering::SeqCst), 0, "nobody is waiting any more");
        let next = tokio::spawn({
            let work = work.clone();
            async move { work.run(|| "hashed").await }
        });
        stop.send(()).unwrap();
        busy.await.unwrap().unwrap();
        assert_eq!(next.await.unwrap().unwrap(), "hashed", "the queue still takes a caller");
    }
}
