//! Reading webhooks: the list page and the detail page.
use super::{find, link_ids, timestamp};
use crate::error::AppResult;
use crate::model::{
    CallOrder, CatalogKind, EventType, WebhookDetail, WebhookFailing, WebhookPage, WebhookQuery, WebhookSort,
    WebhookSummary, PAGE_SIZE,
};
use crate::ssr::{catalog, entities::webhook};
use sea_orm::{
    prelude::*,
    sea_query::{ExprTrait, Func, LikeExpr},
    Condition, PaginatorTrait, QueryOrder, QuerySelect,
};

/// One page of the list, searched, filtered and sorted.
pub async fn list(db: &DatabaseConnection, q: &WebhookQuery) -> AppResult<WebhookPage> {
    let mut cond = Condition::all();
    let search = q.search.trim().to_lowercase();
    if !search.is_empty() {
        let escaped = search.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
        let pattern = format!("%{escaped}%");
        cond = cond.add(
            Condition::any()
                .add(
                    Expr::expr(Func::lower(Expr::col(webhook::Column::Name)))
                        .like(LikeExpr::new(pattern.clone()).escape('\\')),
                )
                .add(
                    Expr::expr(Func::lower(Expr::col(webhook::Column::Url))).like(LikeExpr::new(pattern).escape('\\')),
                ),
        );
    }
    if let Some(t) = q.event_type {
        cond = cond.add(webhook::Column::EventType.eq(t));
    }
    if let Some(a) = q.active {
        cond = cond.add(webhook::Column::Active.eq(a));
    }
    let mut select = webhook::Entity::find().filter(cond);
    select = match q.sort {
        WebhookSort::Name => select.order_by_asc(webhook::Column::Name),
        WebhookSort::EventType => select
            .order_by_asc(webhook::Column::EventType)
            .order_by_asc(webhook::Column::Position)
            .order_by_asc(webhook::Column::Id),
        WebhookSort::Newest => select.order_by_desc(webhook::Column::Id),
    };
    let paginator = select.paginate(db, PAGE_SIZE);
    let counts = paginator.num_items_and_pages().await?;
    let page = Ord::min(q.page, counts.number_of_pages.saturating_sub(1));
    let rows = paginator.fetch_page(page).await?;
    let any = counts.number_of_items > 0 || webhook::Entity::find().count(db).await? > 0;
    let ids: Vec<i32> = rows.iter().map(|m| m.id).collect();
    let last = crate::ssr::deliveries::last_results(db, &ids).await?;
    let last_of = |id: i32| {
        last.iter().find(|l| l.webhook_id == id).map(|l| match l.http_status {
            Some(code) => format!("{} · HTTP {code}", l.status.as_str()),
            None => l.status.as_str().to_string(),
        })
    };
    let order_of = call_orders(db, &rows).await?;
    Ok(WebhookPage {
        rows: rows
            .into_iter()
            .map(|m| WebhookSummary {
                id: m.id,
                url_host: url::Url::parse(&m.url)
                    .ok()
                    .and_then(|u| u.host_str().map(str::to_string))
                    .unwrap_or_default(),
                event_type: m.event_type,
                auth_method: m.auth_method,
                active: m.active,
                disabled_reason: m.disabled_reason.clone(),
                last_delivery: last_of(m.id),
                order: order_of(m.id),
                name: m.name,
            })
            .collect(),
        total: counts.number_of_items,
        page,
        pages: Ord::max(counts.number_of_pages, 1),
        any,
    })
}

/// The place in the call order of each listed InterviewLoadEvent or CustomInterviewEvent
/// webhook, among every webhook of its type (active or not), as synchronous calls order them:
/// position, then id.
async fn call_orders(db: &DatabaseConnection, rows: &[webhook::Model]) -> AppResult<impl Fn(i32) -> Option<CallOrder>> {
    let mut types: Vec<EventType> = rows.iter().map(|m| m.event_type).filter(|t| t.has_call_order()).collect();
    types.dedup();
    let ordered: Vec<(i32, EventType)> = if types.is_empty() {
        vec![]
    } else {
        webhook::Entity::find()
            .select_only()
            .column(webhook::Column::Id)
            .column(webhook::Column::EventType)
            .filter(webhook::Column::EventType.is_in(types))
            .order_by_asc(webhook::Column::Position)
            .order_by_asc(webhook::Column::Id)
            .into_tuple()
            .all(db)
            .await?
    };
    Ok(move |id: i32| {
        let (_, kind) = ordered.iter().find(|(i, _)| *i == id)?;
        let same: Vec<i32> = ordered.iter().filter(|(_, t)| t == kind).map(|(i, _)| *i).collect();
        let place = same.iter().position(|i| *i == id)? + 1;
        Some(CallOrder { place: place as u32, of: same.len() as u32 })
    })
}

/// Everything the detail page shows (never a secret). `auto_disable_after` is the delivery
/// engine's limit (`HOOKWELL_AUTO_DISABLE_AFTER`), for when a failing webhook is deactivated.
pub async fn detail(
    db: &DatabaseConnection,
    id: i32,
    auto_disable_after: chrono::Duration,
) -> AppResult<WebhookDetail> {
    let m = find(db, id).await?;
    let now = chrono::Utc::now();
    let failing = m
        .failing_since
        .filter(|_| m.active)
        .map(|since| WebhookFailing { since: timestamp(since), deactivates_at: timestamp(since + auto_disable_after) });
    let previous_secret_until = match (m.previous_secret_expires_at, &m.previous_hmac_secret_enc) {
        (Some(until), Some(_)) if until > now => Some(timestamp(until)),
        _ => None,
    };
    let (wg_ids, tpl_ids) = link_ids(db, id).await?;
    Ok(WebhookDetail {
        id: m.id,
        url: m.url.clone(),
        auth_method: m.auth_method,
        access_token_hint: m.access_token_hint.as_ref().map(|h| format!("••••{h}")),
        event_type: m.event_type,
        event_name: m.event_name.clone(),
        active: m.active,
        accept_untrusted_ssl: m.accept_untrusted_ssl,
        work_groups: catalog::by_ids(db, CatalogKind::WorkGroup, &wg_ids).await?,
        templates: catalog::by_ids(db, CatalogKind::Template, &tpl_ids).await?,
        version: m.version,
        created_at: timestamp(m.created_at),
        created_by: m.created_by,
        updated_at: timestamp(m.updated_at),
        updated_by: m.updated_by,
        disabled_reason: m.disabled_reason,
        failing,
        previous_secret_until,
        name: m.name,
    })
}
