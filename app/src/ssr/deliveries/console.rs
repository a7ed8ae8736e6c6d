//! What the console shows and does with deliveries: a webhook's deliveries, one delivery with
//! its attempts, Redeliver, Send test event, Recover, the last result per webhook and the 24-hour
//! chart. Callers wake the worker (`AppState::delivery_wake`) after queueing work.
use super::{rfc3339, row};
use crate::error::{AppError, AppResult};
use crate::model::{
    AttemptRow, CurrentUser, DeliveryChart, DeliveryDetail, DeliveryPage, DeliveryStatus, EventType, HourlyDeliveries,
    LastDelivery, DELIVERY_COUNT_CAP, DELIVERY_PAGE_SIZE, SHOWN_PAYLOAD_BYTES, SYNC_NOT_RESENT,
};
use crate::ssr::audit;
use crate::ssr::entities::{delivery, delivery_attempt, event, webhook};
use chrono::{DurationRound, TimeDelta, Utc};
use sea_orm::{prelude::*, ActiveValue::Set, QueryOrder, QuerySelect};
use serde_json::{json, Value};

async fn find_webhook(db: &impl ConnectionTrait, id: i32) -> AppResult<webhook::Model> {
    webhook::Entity::find_by_id(id).one(db).await?.ok_or_else(|| AppError::NotFound("Webhook".into()))
}

fn target(m: &webhook::Model) -> audit::Target<'_> {
    audit::Target { kind: "webhook", id: Some(m.id), name: &m.name }
}

/// One page of a webhook's deliveries, newest first, optionally only those with `status`.
pub async fn list(
    db: &DatabaseConnection,
    webhook_id: i32,
    status: Option<DeliveryStatus>,
    page: u64,
) -> AppResult<DeliveryPage> {
    find_webhook(db, webhook_id).await?;
    let mut q = delivery::Entity::find().filter(delivery::Column::WebhookId.eq(webhook_id));
    if let Some(s) = status {
        q = q.filter(delivery::Column::Status.eq(s));
    }
    let q = q.order_by_desc(delivery::Column::Id);
    // Counting stops at the cap: counting a million index entries takes 150 ms, and nobody
    // reads page 20,000. Past it the page number is open-ended.
    let counted = q
        .clone()
        .select_only()
        .column(delivery::Column::Id)
        .limit(DELIVERY_COUNT_CAP + 1)
        .into_tuple::<i32>()
        .all(db)
        .await?
        .len() as u64;
    let more = counted > DELIVERY_COUNT_CAP;
    let total = counted.min(DELIVERY_COUNT_CAP);
    let counted_pages = total.div_ceil(DELIVERY_PAGE_SIZE).max(1);
    let page = if more { page } else { page.min(counted_pages - 1) };
    let mut rows = q.offset(page * DELIVERY_PAGE_SIZE).limit(DELIVERY_PAGE_SIZE + 1).all(db).await?;
    let has_next = rows.len() as u64 > DELIVERY_PAGE_SIZE;
    rows.truncate(DELIVERY_PAGE_SIZE as usize);
    let pages = if more { counted_pages.max(page + 1 + u64::from(has_next)) } else { counted_pages };
    let events: std::collections::HashMap<i32, event::Model> = event::Entity::find()
        .filter(event::Column::Id.is_in(rows.iter().map(|d| d.event_id).collect::<Vec<_>>()))
        .all(db)
        .await?
        .into_iter()
        .map(|e| (e.id, e))
        .collect();
    Ok(DeliveryPage {
        rows: rows.into_iter().map(|d| row(d.clone(), events.get(&d.event_id))).collect(),
        total,
        more,
        page,
        pages,
    })
}

/// One delivery with its payload and every attempt, oldest first.
pub async fn detail(db: &DatabaseConnection, id: i32) -> AppResult<DeliveryDetail> {
    let (d, e) = delivery::Entity::find_by_id(id)
        .find_also_related(event::Entity)
        .one(db)
        .await?
        .ok_or_else(|| AppError::NotFound("Delivery".into()))?;
    let hook = find_webhook(db, d.webhook_id).await?;
    let attempts = delivery_attempt::Entity::find()
        .filter(delivery_attempt::Column::DeliveryId.eq(id))
        .order_by_asc(delivery_attempt::Column::Id)
        .all(db)
        .await?;
    let stored = e.as_ref().map(|e| e.payload.as_str()).unwrap_or_default();
    let (payload, payload_cut, documents_shortened) = shown_payload(stored);
    Ok(DeliveryDetail {
        delivery: row(d, e.as_ref()),
        webhook_name: hook.name,
        payload,
        payload_bytes: stored.len() as u64,
        payload_cut,
        documents_shortened,
        attempts: attempts
            .into_iter()
            .map(|a| AttemptRow {
                number: a.number,
                at: rfc3339(a.attempted_at),
                duration_ms: a.duration_ms,
                http_status: a.status,
                response_body: a.response_body,
                error: a.error,
            })
            .collect(),
    })
}

/// Base64 documents longer than this are shown shortened to their first characters.
const SHOWN_BASE64_CHARS: usize = 64;

/// Shortens every long `contentBase64` string in `v`; returns how many it shortened.
fn shorten_documents(v: &mut Value) -> u32 {
    match v {
        Value::Object(map) => map
            .iter_mut()
            .map(|(k, v)| match v {
                Value::String(s) if k.eq_ignore_ascii_case("contentBase64") && s.len() > SHOWN_BASE64_CHARS => {
                    let cut: String = s.chars().take(SHOWN_BASE64_CHARS).collect();
                    *s = format!("{cut}… ({} characters of base64 not shown)", s.len() - cut.len());
                    1
                }
                other => shorten_documents(other),
            })
            .sum(),
        Value::Array(items) => items.iter_mut().map(shorten_documents).sum(),
        _ => 0,
    }
}

/// The payload as the delivery page shows it: pretty-printed JSON with long base64 documents
/// shortened, cut to [`SHOWN_PAYLOAD_BYTES`] (on a character boundary). Returns the text,
/// whether it was cut, and how many documents were shortened.
fn shown_payload(stored: &str) -> (String, bool, u32) {
    let (mut text, shortened) = match serde_json::from_str::<Value>(stored) {
        Ok(mut v) => {
            let n = shorten_documents(&mut v);
            (serde_json::to_string_pretty(&v).unwrap_or_else(|_| stored.to_string()), n)
        }
        Err(_) => (stored.to_string(), 0),
    };
    let cut = text.len() > SHOWN_PAYLOAD_BYTES;
    if cut {
        let mut end = SHOWN_PAYLOAD_BYTES;
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        text.truncate(end);
    }
    (text, cut, shortened)
}

/// Re-queues one delivery (same `webhook-id`, a new series of attempts). Refused while it is
/// still queued, or when the webhook is inactive (test deliveries excepted).
pub async fn redeliver(db: &DatabaseConnection, actor: &CurrentUser, id: i32) -> AppResult<()> {
    let txn = crate::ssr::db::begin_write(db).await?;
    let d = delivery::Entity::find_by_id(id).one(&txn).await?.ok_or_else(|| AppError::NotFound("Delivery".into()))?;
    let hook = find_webhook(&txn, d.webhook_id).await?;
    if d.is_sync {
        return Err(AppError::Conflict(SYNC_NOT_RESENT.into()));
    }
    if d.status.is_due_work() {
        return Err(AppError::Conflict("This delivery is already queued; it will be sent shortly.".into()));
    }
    if !hook.active && !d.is_test {
        return Err(AppError::invalid("delivery", "The webhook is inactive. Activate it first, then redeliver."));
    }
    requeue(&txn, &[d.id]).await?;
    audit::record(
        &txn,
        &actor.username,
        "delivery.redeliver",
        target(&hook),
        format!("delivery {} ({})", d.id, d.msg_id),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

async fn requeue(db: &impl ConnectionTrait, ids: &[i32]) -> AppResult<u64> {
    let now = Utc::now();
    let res = delivery::Entity::update_many()
        .col_expr(delivery::Column::Status, Expr::value(DeliveryStatus::Pending))
        .col_expr(delivery::Column::Attempts, Expr::value(0))
        .col_expr(delivery::Column::NextAttemptAt, Expr::value(now))
        .col_expr(delivery::Column::LastError, Expr::value(Option::<String>::None))
        .col_expr(delivery::Column::LeaseOwner, Expr::value(Option::<String>::None))
        .col_expr(delivery::Column::LeaseExpiresAt, Expr::value(Option::<DateTimeUtc>::None))
        .col_expr(delivery::Column::UpdatedAt, Expr::value(now))
        .filter(delivery::Column::Id.is_in(ids.to_vec()))
        .exec(db)
        .await?;
    Ok(res.rows_affected)
}

/// A realistic `data` object for a test event of `event_type`.
pub fn sample_data(event_type: EventType) -> Value {
    let user = json!({"id": "u-1024", "loginName": "ada.lovelace", "accountType": "Author"});
    match event_type {
        EventType::NewWorkItemVersionComplete => json!({
            "workItem": {"id": "wi-20481", "name": "Lease agreement – Baker Street 221B", "version": 3},
            "workGroup": "legal", "template": "lease-agreement",
            "documents": [{"name": "Lease agreement.docx", "contentType":
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document"}],
            "completedBy": user,
        }),
        EventType::CustomInterviewEvent => json!({
            "answers": {"Tenant Name": "Ada Lovelace", "Monthly Rent": 1450},
            "user": user, "workGroup": "legal", "template": "lease-agreement",
        }),
        EventType::InterviewLoadEvent => json!({
            "answers": {"Tenant Name": ""}, "user": user, "workGroup": "legal", "template": "lease-agreement",
        }),
        EventType::PostProcessingEvent => json!({
            "template": "lease-agreement",
            "documents": [{"name": "Lease agreement.txt", "contentType": "text/plain",
                "contentBase64": "TGVhc2UgYWdyZWVtZW50IGJldHdlZW4gLi4u"}],
        }),
    }
}

/// Queues a test delivery to a webhook, active or not: a sample event of its type with a new
/// `webhook-id`, marked as a test. Returns the delivery id.
pub async fn send_test(db: &DatabaseConnection, actor: &CurrentUser, webhook_id: i32) -> AppResult<i32> {
    let txn = crate::ssr::db::begin_write(db).await?;
    let hook = find_webhook(&txn, webhook_id).await?;
    let now = Utc::now();
    let e = event::ActiveModel {
        event_id: Set(format!("test_{}", uuid::Uuid::new_v4().simple())),
        event_type: Set(hook.event_type),
        event_name: Set(hook.event_name.clone()),
        work_group: Set(None),
        template: Set(None),
        created_date: Set(now.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)),
        created_by: Set(None),
        payload: Set(sample_data(hook.event_type).to_string()),
        response: Set(String::new()),
        received_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    let id = crate::ssr::events::queue(&txn, e.id, webhook_id, true).await?;
    audit::record(&txn, &actor.username, "delivery.send_test", target(&hook), format!("delivery {id}")).await?;
    txn.commit().await?;
    Ok(id)
}

/// Re-queues every Failed delivery (synchronous calls excepted) of a webhook created at or after `since`. Returns how many.
pub async fn recover(
    db: &DatabaseConnection,
    actor: &CurrentUser,
    webhook_id: i32,
    since: DateTimeUtc,
) -> AppResult<u64> {
    let txn = crate::ssr::db::begin_write(db).await?;
    let hook = find_webhook(&txn, webhook_id).await?;
    if !hook.active {
        return Err(AppError::invalid("delivery", "The webhook is inactive. Activate it first, then recover."));
    }
    let ids: Vec<i32> = delivery::Entity::find()
        .select_only()
        .column(delivery::Column::Id)
        .filter(delivery::Column::WebhookId.eq(webhook_id))
        .filter(delivery::Column::Status.eq(DeliveryStatus::Failed))
        .filter(delivery::Column::IsSync.eq(false))
        .filter(delivery::Column::CreatedAt.gte(since))
        .into_tuple()
        .all(&txn)
        .await?;
    let mut count = 0;
    for chunk in ids.chunks(500) {
        count += requeue(&txn, chunk).await?;
    }
    audit::record(
        &txn,
        &actor.username,
        "delivery.recover",
        target(&hook),
        format!("{count} failed deliveries since {} queued again", since.format("%Y-%m-%d %H:%M UTC")),
    )
    .await?;
    txn.commit().await?;
    Ok(count)
}

/// The latest delivery of each of `webhook_ids` that has any (for the list page).
pub async fn last_results(db: &DatabaseConnection, webhook_ids: &[i32]) -> AppResult<Vec<LastDelivery>> {
    if webhook_ids.is_empty() {
        return Ok(vec![]);
    }
    // One indexed lookup per webhook (`idx_deliveries_webhook`, newest first): a GROUP BY over
    // the ids reads every delivery of those webhooks, 300 ms with a million of them.
    let mut rows = Vec::with_capacity(webhook_ids.len());
    for &id in webhook_ids {
        let latest = delivery::Entity::find()
            .filter(delivery::Column::WebhookId.eq(id))
            .order_by_desc(delivery::Column::Id)
            .one(db)
            .await?;
        rows.extend(latest);
    }
    Ok(rows
        .into_iter()
        .map(|d| LastDelivery {
            webhook_id: d.webhook_id,
            delivery_id: d.id,
            status: d.status,
            http_status: d.last_status,
            at: rfc3339(d.updated_at),
        })
        .collect())
}

/// The last 24 hours of a webhook's attempts, per hour (oldest first): succeeded (2xx) and
/// failed attempts and the median attempt duration.
pub async fn hourly(db: &DatabaseConnection, webhook_id: i32, now: DateTimeUtc) -> AppResult<Vec<HourlyDeliveries>> {
    Ok(chart(db, webhook_id, now).await?.hours)
}

fn median(durations: &mut [i32]) -> Option<u32> {
    durations.sort_unstable();
    let n = durations.len();
    let m = match n {
        0 => return None,
        n if n % 2 == 1 => durations[n / 2],
        n => (durations[n / 2 - 1] + durations[n / 2]) / 2,
    };
    u32::try_from(m).ok()
}

/// The chart of a webhook's page: [`hourly`] plus the totals of the 24 hours and the median
/// duration of all their attempts.
pub async fn chart(db: &DatabaseConnection, webhook_id: i32, now: DateTimeUtc) -> AppResult<DeliveryChart> {
    let current_hour = now.duration_trunc(TimeDelta::hours(1)).unwrap_or(now);
    let start = current_hour - TimeDelta::hours(23);
    let rows: Vec<(DateTimeUtc, Option<i32>, i32)> = delivery_attempt::Entity::find()
        .select_only()
        .column(delivery_attempt::Column::AttemptedAt)
        .column(delivery_attempt::Column::Status)
        .column(delivery_attempt::Column::DurationMs)
        .inner_join(delivery::Entity)
        .filter(delivery::Column::WebhookId.eq(webhook_id))
        .filter(delivery_attempt::Column::AttemptedAt.gte(start))
        .into_tuple()
        .all(db)
        .await?;
    let mut buckets: Vec<(u32, u32, Vec<i32>)> = vec![(0, 0, vec![]); 24];
    let mut all = Vec::with_capacity(rows.len());
    for (at, status, duration) in rows {
        let Ok(index) = usize::try_from((at - start).num_hours()) else { continue };
        let Some(bucket) = buckets.get_mut(index) else { continue };
        if status.is_some_and(|s| (200..300).contains(&s)) {
            bucket.0 += 1;
        } else {
            bucket.1 += 1;
        }
        bucket.2.push(duration);
        all.push(duration);
    }
    let hours: Vec<HourlyDeliveries> = buckets
        .into_iter()
        .enumerate()
        .map(|(i, (succeeded, failed, mut durations))| HourlyDeliveries {
            hour: rfc3339(start + TimeDelta::hours(i as i64)),
            succeeded,
            failed,
            median_latency_ms: median(&mut durations),
        })
        .collect();
    Ok(DeliveryChart {
        succeeded: hours.iter().map(|h| h.succeeded).sum(),
        failed: hours.iter().map(|h| h.failed).sum(),
        median_latency_ms: median(&mut all),
        hours,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_base64_documents_are_shortened_and_the_rest_is_kept() {
        let long = "QUJD".repeat(1000);
        let stored = json!({"template": "t", "documents": [
            {"name": "a.pdf", "contentBase64": long},
            {"name": "b.txt", "contentBase64": "c2hvcnQ="},
        ]})
        .to_string();
        let (text, cut, shortened) = shown_payload(&stored);
        assert_eq!((cut, shortened), (false, 1));
        assert!(text.contains("3936 characters of base64 not shown") && text.contains("c2hvcnQ="), "{text}");
        assert!(text.len() < 1000);
    }

    #[test]
    fn a_payload_over_64_kib_is_cut_on_a_character_boundary() {
        let stored = json!({"text": "é".repeat(SHOWN_PAYLOAD_BYTES)}).to_string();
        let (text, cut, _) = shown_payload(&stored);
        assert!(cut);
        assert!(text.len() <= SHOWN_PAYLOAD_BYTES && text.len() > SHOWN_PAYLOAD_BYTES - 4);
        let (text, cut, _) = shown_payload("not json <b>");
        assert_eq!((text.as_str(), cut), ("not json <b>", false));
    }

    #[test]
    fn the_median_of_an_even_count_is_the_mean_of_the_middle_two() {
        assert_eq!(median(&mut []), None);
        assert_eq!(median(&mut [30, 10, 20]), Some(20));
        assert_eq!(median(&mut [40, 10, 20, 30]), Some(25));
    }
}
