//! Synchronous calls (interview load, custom interview events, post-processing): each matching
//! webhook is called once, in position order, within the synchronous timeout; not retried.
use super::client::{sign, Clients};
use super::signing::EventPayload;
use app::ssr::{crypto::SecretCipher, entities::webhook};
use chrono::{SecondsFormat, Utc};
use serde_json::Value;
use std::time::Duration;
use tracing::instrument;

/// What one webhook answered: its 2xx body, or why it contributes nothing.
pub struct Answer {
    pub webhook: webhook::Model,
    pub result: Result<Vec<u8>, String>,
}

/// The event of one synchronous call.
pub struct SyncEvent {
    pub event_type: &'static str,
    pub event_name: Option<String>,
    /// The request, as the event's `data`.
    pub data: Value,
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
) -> Vec<Answer> {
    let event = EventPayload {
        event_id: format!("evt_{}", uuid::Uuid::new_v4().simple()),
        event_type: sync.event_type.to_string(),
        created_date: Utc::now().to_rfc3339_opts(SecondsFormat::Secs, true),
        event_name: sync.event_name,
        data: sync.data,
    };
    let mut answers = Vec::with_capacity(hooks.len());
    for hook in hooks {
        let msg_id = app::ssr::events::new_msg_id();
        let result = match sign(&hook, cipher, &msg_id, &event) {
            Err(reason) => Err(reason),
            Ok(signed) => {
                let sent = clients.send(&hook.url, hook.accept_untrusted_ssl, &signed, timeout, max_body).await;
                if sent.is_success() {
                    Ok(sent.body)
                } else {
                    Err(sent.describe())
                }
            }
        };
        answers.push(Answer { webhook: hook, result });
    }
    answers
}
