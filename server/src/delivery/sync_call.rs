//! Synchronous calls (interview load, custom interview events, post-processing): each matching
//! webhook is called once, in position order, within the synchronous timeout; not retried.
//! Every call is recorded as a finished delivery with its one attempt, so it shows in the console.
use super::client::{sign, Clients, Sent};
use super::retry::AttemptOutcome;
use super::signing::EventPayload;
use app::model::EventType;
use app::ssr::deliveries::AttemptRecord;
use app::ssr::events::{self, NewEvent, SyncCall};
use app::ssr::{crypto::SecretCipher, entities::webhook};
use chrono::{SecondsFormat, Utc};
use sea_orm::DatabaseConnection;
use serde_json::Value;
use std::time::{Duration, Instant};
use tracing::{error, instrument};

/// What one webhook answered: its 2xx body, or why it contributes nothing.
pub struct Answer {
    pub webhook: webhook::Model,
    /// The `webhook-id` it was sent with.
    pub msg_id: String,
    pub attempt: AttemptRecord,
    pub result: Result<Vec<u8>, String>,
}

/// The event of one synchronous call.
pub struct SyncEvent {
    pub event_type: EventType,
    pub event_name: Option<String>,
    /// Work group and template keys, as the platform sent them.
    pub work_group: Option<String>,
    pub template: Option<String>,
    /// The request, as the event's `data`.
    pub data: Value,
}

/// One synchronous call: the event as sent and every webhook's answer, in call order.
pub struct Called {
    pub event: EventPayload,
    event_type: EventType,
    work_group: Option<String>,
    template: Option<String>,
    pub answers: Vec<Answer>,
}

/// Calls each of `hooks` in the order given with one event (`eventId` generated per call),
/// each with its own `webhook-id`. `max_body` bounds what is read of each answer.
#[instrument(skip_all)]
pub async fn call_in_order(
    clients: &Clients,
    cipher: &SecretCipher,
    hooks: Vec<webhook::Model>,
    sync: SyncEvent,
    timeout: Duration,
    max_body: usize,
) -> Called {
    // The data moves into the event: a post-processing call can carry megabytes of documents.
    let SyncEvent { event_type, event_name, work_group, template, data } = sync;
    let event = EventPayload {
        event_id: format!("evt_{}", uuid::Uuid::new_v4().simple()),
        event_type: event_type.as_str().to_string(),
        created_date: Utc::now().to_rfc3339_opts(SecondsFormat::Secs, true),
        event_name,
        data,
    };
    let mut answers = Vec::with_capacity(hooks.len());
    for hook in hooks {
        let msg_id = app::ssr::events::new_msg_id();
        let attempted_at = Utc::now();
        let sent = match sign(&hook, cipher, &msg_id, &event) {
            Err(reason) => Sent::failed(AttemptOutcome::ConnectionError, reason, Instant::now()),
            Ok(signed) => clients.send(&hook.url, hook.accept_untrusted_ssl, &signed, timeout, max_body).await,
        };
        let result = if sent.is_success() { Ok(sent.body.clone()) } else { Err(sent.describe()) };
        answers.push(Answer { webhook: hook, msg_id, attempt: sent.record(attempted_at), result });
    }
    Called { event, event_type, work_group, template, answers }
}

impl Called {
    /// Records the call: its event and, per webhook, a finished delivery whose status is what
    /// the answer came to (`outcomes[i]`, in call order). A failed write is logged, not
    /// answered: the platform still gets the answers it waited for.
    pub async fn record(self, db: &DatabaseConnection, outcomes: Vec<Result<(), String>>) {
        if self.answers.is_empty() {
            return;
        }
        let event_id = self.event.event_id.clone();
        let ev = NewEvent {
            event_id: self.event.event_id,
            event_type: self.event_type,
            event_name: self.event.event_name,
            work_group: self.work_group,
            template: self.template,
            created_date: self.event.created_date,
            created_by: None,
            data: self.event.data.to_string(),
        };
        let calls = self
            .answers
            .into_iter()
            .zip(outcomes)
            .map(|(a, outcome)| SyncCall { webhook_id: a.webhook.id, msg_id: a.msg_id, attempt: a.attempt, outcome })
            .collect::<Vec<_>>();
        if let Err(e) = events::record_sync(db, ev, calls).await {
            error!(error = %e, event_id, "recording a synchronous call failed");
        }
    }
}
