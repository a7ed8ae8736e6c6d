//! Retention: finished deliveries (Succeeded or Failed) whose last change is older than the
//! retention age are deleted with their attempts, and so are events that have no delivery left
//! and arrived before the same cut-off. Work that is still due (Pending, Retrying) is never
//! touched, whatever its age.
//!
//! Rows go in batches, each in its own short write transaction, so the delivery worker (which
//! writes between HTTP calls) waits at most for one batch. Once an event is pruned its
//! `eventId` is forgotten: the same id posted again is a new event and is delivered again.
use super::super::entities::{delivery, delivery_attempt, event};
use crate::error::AppResult;
use crate::model::DeliveryStatus;
use sea_orm::sea_query::ExprTrait;
use sea_orm::{prelude::*, DatabaseBackend, QueryOrder, QuerySelect};
use std::collections::BTreeSet;

/// What one pass removed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Pruned {
    pub deliveries: u64,
    pub attempts: u64,
    pub events: u64,
}

impl Pruned {
    pub fn is_empty(&self) -> bool {
        *self == Pruned::default()
    }
}

const FINISHED: [DeliveryStatus; 2] = [DeliveryStatus::Succeeded, DeliveryStatus::Failed];

/// Deletes everything older than `cutoff` that retention allows, `batch` rows per transaction,
/// until nothing is left to delete.
pub async fn prune(db: &DatabaseConnection, cutoff: DateTimeUtc, batch: u64) -> AppResult<Pruned> {
    let mut total = Pruned::default();
    loop {
        let step = prune_deliveries(db, cutoff, batch).await?;
        total.deliveries += step.deliveries;
        total.attempts += step.attempts;
        total.events += step.events;
        if step.deliveries < batch {
            break;
        }
        tokio::task::yield_now().await;
    }
    loop {
        let n = prune_orphan_events(db, cutoff, batch).await?;
        total.events += n;
        if n < batch {
            break;
        }
        tokio::task::yield_now().await;
    }
    Ok(total)
}

/// One batch: up to `batch` finished deliveries last changed before `cutoff`, their attempts,
/// and their events when no other delivery of them is left.
async fn prune_deliveries(db: &DatabaseConnection, cutoff: DateTimeUtc, batch: u64) -> AppResult<Pruned> {
    let txn = crate::ssr::db::begin_write(db).await?;
    let mut pick = delivery::Entity::find()
        .select_only()
        .columns([delivery::Column::Id, delivery::Column::EventId])
        .filter(delivery::Column::Status.is_in(FINISHED))
        .filter(delivery::Column::UpdatedAt.lt(cutoff))
        .order_by_asc(delivery::Column::UpdatedAt)
        .limit(batch);
    if db.get_database_backend() == DatabaseBackend::Postgres {
        // A Redeliver of one of these waits for this transaction (SQLite's writers take turns anyway).
        pick = pick.lock_exclusive();
    }
    let rows: Vec<(i32, i32)> = pick.into_tuple().all(&txn).await?;
    if rows.is_empty() {
        return Ok(Pruned::default());
    }
    let ids: Vec<i32> = rows.iter().map(|(id, _)| *id).collect();
    let events: BTreeSet<i32> = rows.iter().map(|(_, e)| *e).collect();
    let attempts = delivery_attempt::Entity::delete_many()
        .filter(delivery_attempt::Column::DeliveryId.is_in(ids.clone()))
        .exec(&txn)
        .await?
        .rows_affected;
    let deliveries = delivery::Entity::delete_many()
        .filter(delivery::Column::Id.is_in(ids))
        .filter(delivery::Column::Status.is_in(FINISHED))
        .filter(delivery::Column::UpdatedAt.lt(cutoff))
        .exec(&txn)
        .await?
        .rows_affected;
    let events = event::Entity::delete_many()
        .filter(event::Column::Id.is_in(events))
        .filter(event::Column::ReceivedAt.lt(cutoff))
        .filter(Expr::exists(no_delivery_left()).not())
        .exec(&txn)
        .await?
        .rows_affected;
    txn.commit().await?;
    Ok(Pruned { deliveries, attempts, events })
}

/// Events that never had a delivery (no webhook matched) and arrived before `cutoff`.
async fn prune_orphan_events(db: &DatabaseConnection, cutoff: DateTimeUtc, batch: u64) -> AppResult<u64> {
    let txn = crate::ssr::db::begin_write(db).await?;
    let ids: Vec<i32> = event::Entity::find()
        .select_only()
        .column(event::Column::Id)
        .filter(event::Column::ReceivedAt.lt(cutoff))
        .filter(Expr::exists(no_delivery_left()).not())
        .order_by_asc(event::Column::ReceivedAt)
        .limit(batch)
        .into_tuple()
        .all(&txn)
        .await?;
    if ids.is_empty() {
        return Ok(0);
    }
    let n = event::Entity::delete_many()
        .filter(event::Column::Id.is_in(ids))
        .filter(Expr::exists(no_delivery_left()).not())
        .exec(&txn)
        .await?
        .rows_affected;
    txn.commit().await?;
    Ok(n)
}

/// `SELECT 1 FROM deliveries WHERE deliveries.event_id = events.id`.
fn no_delivery_left() -> sea_orm::sea_query::SelectStatement {
    sea_orm::sea_query::Query::select()
        .expr(Expr::val(1))
        .from(delivery::Entity)
        .and_where(Expr::col((delivery::Entity, delivery::Column::EventId)).equals((event::Entity, event::Column::Id)))
        .to_owned()
}
