//! The worker's side of the queue: claim due deliveries under a lease, record each attempt and
//! advance the delivery, release claims on shutdown. No transaction is held across an HTTP call:
//! each function here is one short round trip.
use super::super::{
    audit,
    entities::{delivery, delivery_attempt, event, webhook},
};
use crate::error::AppResult;
use crate::model::DeliveryStatus;
use chrono::Utc;
use sea_orm::sea_query::ExprTrait;
use sea_orm::{prelude::*, ActiveValue::Set, DatabaseBackend, DatabaseTransaction, Statement, Value};
use std::collections::HashMap;

/// `last_error` of deliveries that were queued when their webhook was deactivated.
pub const NOT_SENT_INACTIVE: &str = "Not sent: the webhook is inactive.";
/// `disabled_reason` of a webhook the engine deactivated.
pub const DISABLED_AFTER_FAILURES: &str = "Disabled after failures";

/// Claims up to `limit` due deliveries for `claim_id` until `lease_until`, skipping webhooks in
/// `skip_webhooks` (those at their in-flight cap). Due: Pending or Retrying, `next_attempt_at`
/// passed, and no live lease (an expired lease is a crashed or stuck worker's: reclaimed).
/// On PostgreSQL rows locked by another instance's claim are skipped (`FOR UPDATE SKIP LOCKED`).
pub async fn claim_due(
    db: &DatabaseConnection,
    claim_id: &str,
    lease_until: DateTimeUtc,
    limit: u64,
    skip_webhooks: &[i32],
) -> AppResult<Vec<delivery::Model>> {
    let backend = db.get_database_backend();
    let now = Utc::now();
    let mut values: Vec<Value> = Vec::new();
    // Placeholders are numbered in the order values are pushed, so the text is built in that order.
    let mut param = |v: Value| {
        values.push(v);
        match backend {
            DatabaseBackend::Postgres => format!("${}", values.len()),
            _ => "?".to_string(),
        }
    };
    let p_owner = param(claim_id.into());
    let p_lease = param(lease_until.into());
    let p_now = param(now.into());
    let p_due = param(now.into());
    let p_expired = param(now.into());
    let skip = if skip_webhooks.is_empty() {
        String::new()
    } else {
        let list: Vec<String> = skip_webhooks.iter().map(|&id| param(id.into())).collect();
        format!(" AND webhook_id NOT IN ({})", list.join(", "))
    };
    let p_limit = param(i64::try_from(limit).unwrap_or(i64::MAX).into());
    let lock = if backend == DatabaseBackend::Postgres { " FOR UPDATE SKIP LOCKED" } else { "" };
    let sql = format!(
        "UPDATE deliveries SET lease_owner = {p_owner}, lease_expires_at = {p_lease}, updated_at = {p_now} \
         WHERE id IN (SELECT id FROM deliveries WHERE status IN ('Pending', 'Retrying') \
         AND next_attempt_at <= {p_due} AND (lease_expires_at IS NULL OR lease_expires_at <= {p_expired}){skip} \
         ORDER BY next_attempt_at, id LIMIT {p_limit}{lock}) RETURNING *"
    );
    let stmt = Statement::from_sql_and_values(backend, sql, values);
    Ok(delivery::Entity::find().from_raw_sql(stmt).all(db).await?)
}

/// A claimed delivery with its webhook and event.
#[derive(Debug, Clone)]
pub struct Work {
    pub delivery: delivery::Model,
    /// `None` when the webhook was deleted meanwhile (the row is gone with it).
    pub webhook: Option<webhook::Model>,
    pub event: Option<event::Model>,
}

/// Loads the webhooks and events of claimed deliveries (two queries for the whole batch).
pub async fn load_work(db: &DatabaseConnection, claimed: Vec<delivery::Model>) -> AppResult<Vec<Work>> {
    let hook_ids: Vec<i32> = claimed.iter().map(|d| d.webhook_id).collect();
    let event_ids: Vec<i32> = claimed.iter().map(|d| d.event_id).collect();
    let hooks: HashMap<i32, webhook::Model> = webhook::Entity::find()
        .filter(webhook::Column::Id.is_in(hook_ids))
        .all(db)
        .await?
        .into_iter()
        .map(|h| (h.id, h))
        .collect();
    let events: HashMap<i32, event::Model> = event::Entity::find()
        .filter(event::Column::Id.is_in(event_ids))
        .all(db)
        .await?
        .into_iter()
        .map(|e| (e.id, e))
        .collect();
    Ok(claimed
        .into_iter()
        .map(|d| Work {
            webhook: hooks.get(&d.webhook_id).cloned(),
            event: events.get(&d.event_id).cloned(),
            delivery: d,
        })
        .collect())
}

/// One attempt as it is recorded.
#[derive(Debug, Clone)]
pub struct AttemptRecord {
    pub attempted_at: DateTimeUtc,
    pub duration_ms: i32,
    pub status: Option<i32>,
    /// The first 4 KiB of the response body.
    pub response_body: Option<String>,
    pub error: Option<String>,
}

/// What happens to a delivery after an attempt.
#[derive(Debug, Clone, PartialEq)]
pub enum Next {
    Succeeded,
    Retry { at: DateTimeUtc },
    Failed { reason: String },
}

/// Records `attempt` and advances the delivery, in one short transaction, if `claim_id` still
/// holds it. Returns whether it did. Also tracks the webhook's run of failures and deactivates
/// it once that run is older than `auto_disable_after`.
pub async fn record_attempt(
    db: &DatabaseConnection,
    claim_id: &str,
    d: &delivery::Model,
    attempt: AttemptRecord,
    next: Next,
    auto_disable_after: chrono::Duration,
) -> AppResult<bool> {
    let now = Utc::now();
    let (status, next_at, error) = match &next {
        Next::Succeeded => (DeliveryStatus::Succeeded, now, None),
        Next::Retry { at } => (DeliveryStatus::Retrying, *at, attempt.error.clone()),
        Next::Failed { reason } => (DeliveryStatus::Failed, now, Some(reason.clone())),
    };
    let txn = crate::ssr::db::begin_write(db).await?;
    let updated = delivery::Entity::update_many()
        .col_expr(delivery::Column::Status, Expr::value(status))
        .col_expr(delivery::Column::Attempts, Expr::col(delivery::Column::Attempts).add(1))
        .col_expr(delivery::Column::NextAttemptAt, Expr::value(next_at))
        .col_expr(delivery::Column::LastStatus, Expr::value(attempt.status))
        .col_expr(delivery::Column::LastError, Expr::value(error))
        .col_expr(delivery::Column::LeaseOwner, Expr::value(Option::<String>::None))
        .col_expr(delivery::Column::LeaseExpiresAt, Expr::value(Option::<DateTimeUtc>::None))
        .col_expr(delivery::Column::UpdatedAt, Expr::value(now))
        .filter(delivery::Column::Id.eq(d.id))
        .filter(delivery::Column::LeaseOwner.eq(claim_id))
        .exec(&txn)
        .await?;
    if updated.rows_affected == 0 {
        return Ok(false);
    }
    delivery_attempt::ActiveModel {
        delivery_id: Set(d.id),
        number: Set(d.attempts + 1),
        attempted_at: Set(attempt.attempted_at),
        duration_ms: Set(attempt.duration_ms),
        status: Set(attempt.status),
        response_body: Set(attempt.response_body),
        error: Set(attempt.error),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    if !d.is_test {
        track_failures(&txn, d.webhook_id, next == Next::Succeeded, now, auto_disable_after).await?;
    }
    txn.commit().await?;
    Ok(true)
}

async fn track_failures(
    txn: &DatabaseTransaction,
    webhook_id: i32,
    succeeded: bool,
    now: DateTimeUtc,
    auto_disable_after: chrono::Duration,
) -> AppResult<()> {
    if succeeded {
        webhook::Entity::update_many()
            .col_expr(webhook::Column::FailingSince, Expr::value(Option::<DateTimeUtc>::None))
            .filter(webhook::Column::Id.eq(webhook_id))
            .filter(webhook::Column::FailingSince.is_not_null())
            .exec(txn)
            .await?;
        return Ok(());
    }
    webhook::Entity::update_many()
        .col_expr(webhook::Column::FailingSince, Expr::value(now))
        .filter(webhook::Column::Id.eq(webhook_id))
        .filter(webhook::Column::FailingSince.is_null())
        .exec(txn)
        .await?;
    let Some(hook) = webhook::Entity::find_by_id(webhook_id).one(txn).await? else {
        return Ok(());
    };
    let failing_long = hook.failing_since.is_some_and(|since| now - since >= auto_disable_after);
    if hook.active && failing_long {
        webhook::Entity::update_many()
            .col_expr(webhook::Column::Active, Expr::value(false))
            .col_expr(webhook::Column::DisabledReason, Expr::value(DISABLED_AFTER_FAILURES))
            .col_expr(webhook::Column::Version, Expr::col(webhook::Column::Version).add(1))
            .col_expr(webhook::Column::UpdatedAt, Expr::value(now))
            .col_expr(webhook::Column::UpdatedBy, Expr::value("delivery engine"))
            .filter(webhook::Column::Id.eq(webhook_id))
            .exec(txn)
            .await?;
        cancel_queued(txn, webhook_id, NOT_SENT_INACTIVE).await?;
        let since = hook.failing_since.map(|t| t.format("%Y-%m-%d %H:%M UTC").to_string()).unwrap_or_default();
        audit::record(
            txn,
            "delivery engine",
            "webhook.auto_disable",
            audit::Target { kind: "webhook", id: Some(hook.id), name: &hook.name },
            format!("{DISABLED_AFTER_FAILURES}: every attempt failed since {since}"),
        )
        .await?;
        tracing::warn!(webhook_id, "webhook deactivated after failing since {since}");
    }
    Ok(())
}

/// Marks a claimed delivery Failed without sending it (its webhook is inactive or gone).
pub async fn skip(db: &DatabaseConnection, claim_id: &str, delivery_id: i32, reason: &str) -> AppResult<()> {
    delivery::Entity::update_many()
        .col_expr(delivery::Column::Status, Expr::value(DeliveryStatus::Failed))
        .col_expr(delivery::Column::LastError, Expr::value(reason))
        .col_expr(delivery::Column::LeaseOwner, Expr::value(Option::<String>::None))
        .col_expr(delivery::Column::LeaseExpiresAt, Expr::value(Option::<DateTimeUtc>::None))
        .col_expr(delivery::Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(delivery::Column::Id.eq(delivery_id))
        .filter(delivery::Column::LeaseOwner.eq(claim_id))
        .exec(db)
        .await?;
    Ok(())
}

/// Gives back claims whose owner starts with `owner_prefix` (a worker's claims on shutdown, or
/// one claim's rows beyond a webhook's in-flight cap): they are due again at once.
pub async fn release_claims(db: &DatabaseConnection, owner_prefix: &str, only: Option<&[i32]>) -> AppResult<u64> {
    let mut q = delivery::Entity::update_many()
        .col_expr(delivery::Column::LeaseOwner, Expr::value(Option::<String>::None))
        .col_expr(delivery::Column::LeaseExpiresAt, Expr::value(Option::<DateTimeUtc>::None))
        .filter(delivery::Column::LeaseOwner.starts_with(owner_prefix));
    if let Some(ids) = only {
        q = q.filter(delivery::Column::Id.is_in(ids.to_vec()));
    }
    Ok(q.exec(db).await?.rows_affected)
}

/// Marks every queued (Pending or Retrying) non-test delivery of a webhook Failed with `reason`.
pub async fn cancel_queued(db: &impl ConnectionTrait, webhook_id: i32, reason: &str) -> AppResult<u64> {
    let res = delivery::Entity::update_many()
        .col_expr(delivery::Column::Status, Expr::value(DeliveryStatus::Failed))
        .col_expr(delivery::Column::LastError, Expr::value(reason))
        .col_expr(delivery::Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(delivery::Column::WebhookId.eq(webhook_id))
        .filter(delivery::Column::Status.is_in([DeliveryStatus::Pending, DeliveryStatus::Retrying]))
        .filter(delivery::Column::IsTest.eq(false))
        .exec(db)
        .await?;
    Ok(res.rows_affected)
}
