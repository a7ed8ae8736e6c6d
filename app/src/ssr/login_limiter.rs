//! Throttles failed sign-ins per account and per client address. Only failures count, so
//! people who type their password right are never slowed down.
//!
//! An attempt is *reserved* before the password is checked — counted as a failure at once,
//! in one write transaction — and handed back on success. So parallel guesses cannot all pass
//! the check before the first failure is recorded, and a burst of N requests gets at most the
//! limit.
//!
//! The failures are kept in the database (`login_failures`, one row per failure and key), so
//! the limits hold across several server instances sharing it. The reservation is atomic on
//! both databases: SQLite's write transaction holds the write lock from its start
//! (`BEGIN IMMEDIATE`); on PostgreSQL the transaction takes an advisory lock per key first, so
//! concurrent reservations of one key count one after the other. Expired rows are purged once
//! per window.
use super::auth::login_name;
use super::crypto::sha256_hex;
use super::entities::login_failure;
use crate::error::AppResult;
use chrono::Utc;
use sea_orm::{
    prelude::*, ActiveValue::Set, DatabaseBackend, DatabaseConnection, DatabaseTransaction, QueryOrder, QuerySelect,
    Statement,
};
use std::sync::Mutex;
use std::time::Duration;

/// Advisory-lock classes (first key of `pg_advisory_xact_lock(int, int)`) of account and
/// address keys; distinct, so the two kinds never share a lock.
const LOCK_CLASS_ACCOUNT: i32 = 0x686F_6F6B;
const LOCK_CLASS_ADDRESS: i32 = 0x686F_6F6C;

pub struct LoginLimiter {
    db: DatabaseConnection,
    window: Duration,
    per_account: usize,
    per_address: usize,
    /// When this instance last purged expired rows.
    last_purge: Mutex<Option<DateTimeUtc>>,
}

/// An attempt counted against an account and an address until [`LoginLimiter::succeeded`].
#[must_use]
#[derive(Debug)]
pub struct Reservation {
    account: String,
    address_row: i64,
}

fn account_key(account: &str) -> String {
    sha256_hex(&format!("acct:{}", login_name(account).to_lowercase()))
}

fn address_key(address: &str) -> String {
    sha256_hex(&format!("addr:{address}"))
}

impl LoginLimiter {
    pub fn new(db: DatabaseConnection, window: Duration, per_account: usize, per_address: usize) -> Self {
        LoginLimiter { db, window, per_account, per_address, last_purge: Mutex::new(None) }
    }

    fn window(&self) -> chrono::Duration {
        chrono::Duration::from_std(self.window).unwrap_or(chrono::Duration::minutes(5))
    }

    /// Reserves an attempt for `account` from `address`, or says how long to wait when either
    /// has used up its failures in the window (`Ok(Err(wait))`). `Err` when the database fails.
    pub async fn reserve(
        &self,
        account: &str,
        address: &str,
        now: DateTimeUtc,
    ) -> AppResult<Result<Reservation, Duration>> {
        self.purge_now_and_then(now).await;
        let (account, address) = (account_key(account), address_key(address));
        let cutoff = now - self.window();
        let txn = super::db::begin_write(&self.db).await?;
        let mut wait = Duration::ZERO;
        for (key, limit, class) in
            [(&account, self.per_account, LOCK_CLASS_ACCOUNT), (&address, self.per_address, LOCK_CLASS_ADDRESS)]
        {
            lock_key(&txn, class, key).await?;
            let live = login_failure::Entity::find()
                .filter(login_failure::Column::KeyHash.eq(key.as_str()))
                .filter(login_failure::Column::FailedAt.gt(cutoff))
                .order_by_asc(login_failure::Column::FailedAt)
                .limit(limit as u64)
                .all(&txn)
                .await?;
            if live.len() >= limit {
                let oldest = live.first().map(|f| f.failed_at).unwrap_or(now);
                let left = (oldest + self.window() - now).to_std().unwrap_or(Duration::ZERO);
                wait = wait.max(left.max(Duration::from_millis(1)));
            }
        }
        if !wait.is_zero() {
            txn.rollback().await?;
            return Ok(Err(wait));
        }
        let row = |key: &str| login_failure::ActiveModel {
            key_hash: Set(key.to_string()),
            failed_at: Set(now),
            ..Default::default()
        };
        row(&account).insert(&txn).await?;
        let address_row = row(&address).insert(&txn).await?.id;
        txn.commit().await?;
        Ok(Ok(Reservation { account, address_row }))
    }

    /// The reserved attempt succeeded: it no longer counts, and the account's failures are forgotten.
    pub async fn succeeded(&self, r: Reservation) -> AppResult<()> {
        login_failure::Entity::delete_many()
            .filter(
                sea_orm::Condition::any()
                    .add(login_failure::Column::KeyHash.eq(r.account))
                    .add(login_failure::Column::Id.eq(r.address_row)),
            )
            .exec(&self.db)
            .await?;
        Ok(())
    }

    /// How many keys have failures in the window, on every instance (for tests and metrics).
    pub async fn tracked_keys(&self) -> AppResult<usize> {
        let cutoff = Utc::now() - self.window();
        let keys: Vec<String> = login_failure::Entity::find()
            .select_only()
            .column(login_failure::Column::KeyHash)
            .distinct()
            .filter(login_failure::Column::FailedAt.gt(cutoff))
            .into_tuple()
            .all(&self.db)
            .await?;
        Ok(keys.len())
    }

    /// Deletes expired failures, at most once per window per instance.
    async fn purge_now_and_then(&self, now: DateTimeUtc) {
        {
            let mut last = self.last_purge.lock().unwrap_or_else(|p| p.into_inner());
            if last.is_some_and(|t| now - t < self.window()) {
                return;
            }
            *last = Some(now);
        }
        let res = login_failure::Entity::delete_many()
            .filter(login_failure::Column::FailedAt.lte(now - self.window()))
            .exec(&self.db)
            .await;
        match res {
            Ok(r) if r.rows_affected > 0 => {
                tracing::debug!(removed = r.rows_affected, "expired sign-in failures purged")
            }
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "purging expired sign-in failures failed; will retry"),
        }
    }
}

/// On PostgreSQL, holds `key`'s advisory lock until the transaction ends (SQLite's write
/// transaction already excludes every other writer).
async fn lock_key(txn: &DatabaseTransaction, class: i32, key: &str) -> AppResult<()> {
    if txn.get_database_backend() == DatabaseBackend::Postgres {
        txn.execute_raw(Statement::from_sql_and_values(
            DatabaseBackend::Postgres,
            "SELECT pg_advisory_xact_lock($1, hashtext($2))",
            [class.into(), key.into()],
        ))
        .await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use sea_orm::{ConnectOptions, Database};

    const ADDR: &str = "1.2.3.4";

    /// A limiter over a fresh in-memory SQLite database with the real schema.
    async fn limiter(window_secs: u64, per_account: usize, per_address: usize) -> LoginLimiter {
        let mut options = ConnectOptions::new("sqlite::memory:");
        options.max_connections(1).min_connections(1);
        let db = Database::connect(options).await.unwrap();
        use migration::MigratorTrait;
        migration::Migrator::up(&db, None).await.unwrap();
        LoginLimiter::new(db, Duration::from_secs(window_secs), per_account, per_address)
    }

    #[tokio::test]
    async fn fifth_failure_locks_the_account_until_the_window_passes() {
        let l = limiter(60, 5, 100).await;
        let t = Utc::now();
        for _ in 0..5 {
            let _failed = l.reserve("admin", ADDR, t).await.unwrap().unwrap();
        }
        assert!(l.reserve("admin", "5.6.7.8", t).await.unwrap().is_err());
        assert!(l.reserve("other", ADDR, t).await.unwrap().is_ok());
        assert!(l.reserve("admin", ADDR, t + chrono::Duration::seconds(61)).await.unwrap().is_ok());
    }

    #[tokio::test]
    async fn spaces_and_case_do_not_give_a_name_more_tries() {
        let l = limiter(60, 5, 100).await;
        let t = Utc::now();
        for name in ["admin", "admin ", " admin", "\tADMIN", "Admin  "] {
            let _failed = l.reserve(name, ADDR, t).await.unwrap().unwrap();
        }
        let wait = l.reserve("  admin", ADDR, t).await.unwrap().unwrap_err();
        assert!(wait > Duration::ZERO && wait <= Duration::from_secs(60));
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn a_burst_in_parallel_gets_no_more_than_the_limit() {
        let l = std::sync::Arc::new(limiter(60, 5, 1000).await);
        let t = Utc::now();
        let tasks: Vec<_> = (0..32)
            .map(|_| {
                let l = l.clone();
                tokio::spawn(async move { l.reserve("admin", ADDR, t).await.unwrap().is_ok() })
            })
            .collect();
        let mut granted = 0;
        for task in tasks {
            granted += usize::from(task.await.unwrap());
        }
        assert_eq!(granted, 5);
    }

    #[tokio::test]
    async fn address_limit_applies_across_accounts() {
        let l = limiter(60, 5, 3).await;
        let t = Utc::now();
        for u in ["a", "b", "c"] {
            let _failed = l.reserve(u, "9.9.9.9", t).await.unwrap().unwrap();
        }
        assert!(l.reserve("d", "9.9.9.9", t).await.unwrap().is_err());
        assert!(l.reserve("d", "8.8.8.8", t).await.unwrap().is_ok());
    }

    #[tokio::test]
    async fn success_hands_the_attempt_back_and_clears_the_account() {
        let l = limiter(60, 2, 2).await;
        let t = Utc::now();
        let _failed = l.reserve("a", "x", t).await.unwrap().unwrap();
        let ok = l.reserve("a", "x", t).await.unwrap().unwrap();
        assert!(l.reserve("a", "x", t).await.unwrap().is_err());
        l.succeeded(ok).await.unwrap();
        assert!(l.reserve("a", "x", t).await.unwrap().is_ok(), "the success does not count against the address");
    }

    #[tokio::test]
    async fn expired_entries_are_forgotten() {
        let l = limiter(60, 5, 100).await;
        let t = Utc::now();
        for i in 0..300 {
            let _failed =
                l.reserve(&format!("user{i}"), &format!("10.0.{}.{}", i / 256, i % 256), t).await.unwrap().unwrap();
        }
        let rows = login_failure::Entity::find().count(&l.db).await.unwrap();
        assert_eq!(rows, 600);
        let _later = l.reserve("late", ADDR, t + chrono::Duration::seconds(120)).await.unwrap().unwrap();
        let rows = login_failure::Entity::find().count(&l.db).await.unwrap();
        assert_eq!(rows, 2, "only the new attempt's rows are left");
    }
}
