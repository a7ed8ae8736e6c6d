use crate::api::encoding::Reply;
use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::model::Role;
use crate::model::{DeliveryChart, DeliveryDetail, DeliveryPage, DeliveryStatus};
use leptos::prelude::*;

#[cfg(feature = "ssr")]
fn wake_worker(state: &crate::ssr::AppState) {
    crate::ssr::deliveries::wake_workers(state);
}

/// One page of a webhook's deliveries, newest first, optionally only those with `status`.
#[server(prefix = "/rpc", endpoint = "list_deliveries", output = Reply)]
pub async fn list_deliveries(
    webhook_id: i32,
    #[server(default)] status: Option<DeliveryStatus>,
    #[server(default)] page: u64,
) -> Result<DeliveryPage, AppError> {
    use crate::ssr::{auth::require_role, deliveries, AppState};
    require_role(Role::WEBHOOK_ADMINS)?;
    deliveries::list(&AppState::current()?.db, webhook_id, status, page).await
}

/// One delivery with its payload and every attempt.
#[server(prefix = "/rpc", endpoint = "get_delivery", output = Reply)]
pub async fn get_delivery(id: i32) -> Result<DeliveryDetail, AppError> {
    use crate::ssr::{auth::require_role, deliveries, AppState};
    require_role(Role::WEBHOOK_ADMINS)?;
    deliveries::detail(&AppState::current()?.db, id).await
}

/// Sends the delivery again (same `webhook-id`), then shows it.
#[server(prefix = "/rpc", endpoint = "redeliver", output = Reply)]
pub async fn redeliver(id: i32) -> Result<(), AppError> {
    use crate::ssr::{auth::require_role, deliveries, AppState};
    let actor = require_role(Role::WEBHOOK_ADMINS)?;
    let state = AppState::current()?;
    deliveries::redeliver(&state.db, &actor, id).await?;
    wake_worker(&state);
    leptos_axum::redirect(&format!("/deliveries/{id}"));
    Ok(())
}

/// Sends a realistic sample event of the webhook's type (also to an inactive webhook), then
/// shows the new delivery.
#[server(prefix = "/rpc", endpoint = "send_test_event", output = Reply)]
pub async fn send_test_event(webhook_id: i32) -> Result<(), AppError> {
    use crate::ssr::{auth::require_role, deliveries, AppState};
    let actor = require_role(Role::WEBHOOK_ADMINS)?;
    let state = AppState::current()?;
    let id = deliveries::send_test(&state.db, &actor, webhook_id).await?;
    wake_worker(&state);
    leptos_axum::redirect(&format!("/deliveries/{id}"));
    Ok(())
}

/// The last 24 hours of a webhook's attempts, per hour, for the chart on its page.
#[server(prefix = "/rpc", endpoint = "delivery_chart", output = Reply)]
pub async fn get_delivery_chart(webhook_id: i32) -> Result<DeliveryChart, AppError> {
    use crate::ssr::{auth::require_role, deliveries, AppState};
    require_role(Role::WEBHOOK_ADMINS)?;
    deliveries::chart(&AppState::current()?.db, webhook_id, chrono::Utc::now()).await
}

/// Recover: sends every Failed delivery of the webhook created at or after `since` ("Failed
/// since", UTC) again, then shows the deliveries with how many were queued (`?recovered=N`).
#[server(prefix = "/rpc", endpoint = "recover_deliveries", output = Reply)]
pub async fn recover_deliveries(webhook_id: i32, #[server(default)] since: String) -> Result<u64, AppError> {
    use crate::model::{parse_recover_since, RECOVER_SINCE};
    use crate::ssr::{auth::require_role, deliveries, AppState};
    let actor = require_role(Role::WEBHOOK_ADMINS)?;
    let since = parse_recover_since(&since, chrono::Utc::now()).map_err(|m| AppError::invalid(RECOVER_SINCE, m))?;
    let state = AppState::current()?;
    let count = deliveries::recover(&state.db, &actor, webhook_id, since).await?;
    wake_worker(&state);
    leptos_axum::redirect(&format!("/webhooks/{webhook_id}/deliveries?recovered={count}"));
    Ok(count)
}
