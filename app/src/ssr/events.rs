//! Events from the platform: stored with all their deliveries in one transaction, idempotent
//! on the event id.
use super::deliveries::AttemptRecord;
use super::entities::{delivery, delivery_attempt, event};
use crate::error::AppResult;
use crate::model::{DeliveryStatus, EventType};
use chrono::Utc;
use sea_orm::{prelude::*, ActiveValue::Set};

/// An accepted event, before it is stored.
#[derive(Debug, Clone)]
pub struct NewEvent {
    pub event_id: String,
    pub event_type: EventType,
    pub event_name: Option<String>,
    pub work_group: Option<String>,
    pub template: Option<String>,
    /// RFC 3339.
    pub created_date: String,
    /// `createdBy` as JSON text.
    pub created_by: Option<String>,
    /// The `data` object as JSON text.
    pub data: String,
}

/// What storing an event came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ingested {
    /// The 202 body: the first answer, replayed for a repeated event id.
    pub response: String,
    /// Whether this call stored the event (false: it was a repeat and nothing was created).
    pub created: bool,
}

/// The row of `ev`, received at `now` (its 202 body is written once its deliveries exist).
fn stored_event(ev: NewEvent, now: DateTimeUtc) -> event::ActiveModel {
    event::ActiveModel {
        event_id: Set(ev.event_id),
        event_type: Set(ev.event_type),
        event_name: Set(ev.event_name),
        work_group: Set(ev.work_group),
        template: Set(ev.template),
        created_date: Set(ev.created_date),
        created_by: Set(ev.created_by),
        payload: Set(ev.data),
        response: Set(String::new()),
        received_at: Set(now),
        ..Default::default()
    }
}

/// A new `webhook-id`: one per (event, webhook) delivery.
pub fn new_msg_id() -> String {
    format!("msg_{}", uuid::Uuid::new_v4().simple())
}

/// Stores `ev` and one Pending delivery per webhook in `webhook_ids`, in one transaction.
/// `respond` builds the response body from the event id and the new delivery ids; it is stored
/// with the event. A repeated event id stores nothing and returns the stored body.
pub async fn ingest(
    db: &DatabaseConnection,
    ev: NewEvent,
    webhook_ids: &[i32],
    respond: impl FnOnce(&str, &[i32]) -> String,
) -> AppResult<Ingested> {
    if let Some(existing) = find(db, &ev.event_id).await? {
        return Ok(Ingested { response: existing.response, created: false });
    }
    let txn = crate::ssr::db::begin_write(db).await?;
    let now = Utc::now();
    let event_id = ev.event_id.clone();
    let stored = stored_event(ev, now).insert(&txn).await;
    let stored = match stored {
        Ok(m) => m,
        // Another request with the same event id committed first: answer as it did.
        Err(e) => {
            drop(txn);
            if let Some(existing) = find(db, &event_id).await? {
                return Ok(Ingested { response: existing.response, created: false });
            }
            return Err(e.into());
        }
    };
    let mut ids = Vec::with_capacity(webhook_ids.len());
    for &webhook_id in webhook_ids {
        ids.push(queue(&txn, stored.id, webhook_id, false).await?);
    }
    let response = respond(&stored.event_id, &ids);
    event::Entity::update_many()
        .col_expr(event::Column::Response, Expr::value(response.clone()))
        .filter(event::Column::Id.eq(stored.id))
        .exec(&txn)
        .await?;
    txn.commit().await?;
    Ok(Ingested { response, created: true })
}

/// Adds one Pending delivery of event row `event_id` to `webhook_id`, due now.
pub(crate) async fn queue(db: &impl ConnectionTrait, event_id: i32, webhook_id: i32, is_test: bool) -> AppResult<i32> {
    let now = Utc::now();
    let row = delivery::ActiveModel {
        event_id: Set(event_id),
        webhook_id: Set(webhook_id),
        msg_id: Set(new_msg_id()),
        status: Set(DeliveryStatus::Pending),
        attempts: Set(0),
        next_attempt_at: Set(now),
        is_test: Set(is_test),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(row.id)
}

/// The stored event with the platform's id `event_id`.
pub async fn find(db: &impl ConnectionTrait, event_id: &str) -> AppResult<Option<event::Model>> {
    Ok(event::Entity::find().filter(event::Column::EventId.eq(event_id)).one(db).await?)
}

/// One webhook's part of a synchronous call, as it is recorded.
#[derive(Debug, Clone)]
pub struct SyncCall {
    pub webhook_id: i32,
    /// The `webhook-id` it was sent with.
    pub msg_id: String,
    pub attempt: AttemptRecord,
    /// Whether its answer was applied, or why not.
    pub outcome: Result<(), String>,
}

/// Records a synchronous call that has been made: the event and, per webhook, one finished
/// delivery (`is_sync`, Succeeded or Failed) with its single attempt, in one transaction.
pub async fn record_sync(db: &DatabaseConnection, ev: NewEvent, calls: Vec<SyncCall>) -> AppResult<()> {
    let txn = crate::ssr::db::begin_write(db).await?;
    let now = Utc::now();
    let stored = stored_event(ev, now).insert(&txn).await?;
    for call in calls {
        let (status, last_error) = match call.outcome {
            Ok(()) => (DeliveryStatus::Succeeded, None),
            Err(reason) => (DeliveryStatus::Failed, Some(reason)),
        };
        let row = delivery::ActiveModel {
            event_id: Set(stored.id),
            webhook_id: Set(call.webhook_id),
            msg_id: Set(call.msg_id),
            status: Set(status),
            attempts: Set(1),
            next_attempt_at: Set(now),
            last_status: Set(call.attempt.status),
            last_error: Set(last_error),
            is_test: Set(false),
            is_sync: Set(true),
            created_at: Set(call.attempt.attempted_at),
            updated_at: Set(now),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
        delivery_attempt::ActiveModel {
            delivery_id: Set(row.id),
            number: Set(1),
            attempted_at: Set(call.attempt.attempted_at),
            duration_ms: Set(call.attempt.duration_ms),
            status: Set(call.attempt.status),
            response_body: Set(call.attempt.response_body),
            error: Set(call.attempt.error),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
    }
    txn.commit().await?;
    Ok(())
}
