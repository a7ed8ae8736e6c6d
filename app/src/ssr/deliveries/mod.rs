//! The delivery queue: what the worker claims and records (`queue`), what the console
//! shows and does with deliveries (`console`), and how old ones are pruned (`retention`).
mod console;
mod queue;
pub mod retention;

pub use console::{chart, detail, hourly, last_results, list, recover, redeliver, sample_data, send_test};
pub use queue::{
    cancel_queued, claim_due, load_work, record_attempt, release_claims, skip, AttemptRecord, Next, Work,
    DISABLED_AFTER_FAILURES, NOT_SENT_INACTIVE,
};

use super::entities::{delivery, event};
use crate::model::DeliveryRow;
use chrono::SecondsFormat;
use sea_orm::prelude::DateTimeUtc;

/// The PostgreSQL channel on which instances wake each other's delivery workers.
pub const WAKE_CHANNEL: &str = "hookwell_deliveries";

/// Wakes the delivery workers after work was queued: this instance's at once, and on
/// PostgreSQL every instance's, through the task of [`spawn_peer_notifier`].
pub fn wake_workers(state: &crate::ssr::AppState) {
    state.delivery_wake.notify_one();
    if let Some(peers) = &state.peer_wake {
        peers.notify_one();
    }
}

/// On PostgreSQL: the task that sends `NOTIFY` on [`WAKE_CHANNEL`] when woken, one at a time.
/// Every notifying commit takes one database-wide lock, so one per accepted event would
/// serialize ingest; here a burst of wake-ups costs one notification. Its transaction does not
/// wait for the disk (`synchronous_commit` off): a lost notification costs one poll interval.
/// `None` on SQLite.
pub fn spawn_peer_notifier(db: &sea_orm::DatabaseConnection) -> Option<std::sync::Arc<tokio::sync::Notify>> {
    use sea_orm::{ConnectionTrait, TransactionTrait};
    if db.get_database_backend() != sea_orm::DatabaseBackend::Postgres {
        return None;
    }
    let wake = std::sync::Arc::new(tokio::sync::Notify::new());
    let (db, woken) = (db.clone(), wake.clone());
    tokio::spawn(async move {
        loop {
            woken.notified().await;
            let sent = async {
                let txn = db.begin().await?;
                txn.execute_unprepared("SET LOCAL synchronous_commit TO OFF").await?;
                txn.execute_unprepared(&format!("NOTIFY {WAKE_CHANNEL}")).await?;
                txn.commit().await
            }
            .await;
            if let Err(e) = sent {
                tracing::debug!(error = %e, "waking the other instances' workers failed; they poll");
                tokio::time::sleep(std::time::Duration::from_millis(500)).await;
            }
        }
    });
    Some(wake)
}

fn rfc3339(t: DateTimeUtc) -> String {
    t.to_rfc3339_opts(SecondsFormat::Millis, true)
}

fn row(d: delivery::Model, e: Option<&event::Model>) -> DeliveryRow {
    DeliveryRow {
        id: d.id,
        webhook_id: d.webhook_id,
        event_id: e.map(|e| e.event_id.clone()).unwrap_or_default(),
        event_type: e.map(|e| e.event_type.as_str().to_string()).unwrap_or_default(),
        msg_id: d.msg_id,
        status: d.status,
        http_status: d.last_status,
        attempts: d.attempts,
        created_at: rfc3339(d.created_at),
        next_retry: d.status.is_due_work().then(|| rfc3339(d.next_attempt_at)),
        is_test: d.is_test,
        is_sync: d.is_sync,
        last_error: d.last_error,
    }
}
