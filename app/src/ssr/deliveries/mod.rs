//! The delivery queue: what the worker claims and records (`queue`), and what the console
//! shows and does with deliveries (`console`).
mod console;
mod queue;

pub use console::{chart, detail, hourly, last_results, list, recover, redeliver, sample_data, send_test};
pub use queue::{
    cancel_queued, claim_due, load_work, record_attempt, release_claims, skip, AttemptRecord, Next, Work,
    DISABLED_AFTER_FAILURES, NOT_SENT_INACTIVE,
};

use super::entities::{delivery, event};
use crate::model::DeliveryRow;
use chrono::SecondsFormat;
use sea_orm::prelude::DateTimeUtc;

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
        last_error: d.last_error,
    }
}
