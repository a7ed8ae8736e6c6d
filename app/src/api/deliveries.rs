use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::model::Role;
use crate::model::{DeliveryDetail, DeliveryPage, DeliveryStatus};
use leptos::prelude::*;

#[cfg(feature = "ssr")]
fn wake_worker(state: &crate::ssr::AppState) {
    crate::ssr::deliveries::wake_workers(state);
}

/// One page of a webhook's deliveries, newest first, optionally only those with `status`.
#[server(prefix = "/rpc", endpoint = "list_deliveries")]
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
#[server(prefix = "/rpc", endpoint = "get_delivery")]
pub async fn get_delivery(id: i32) -> Result<DeliveryDetail, AppError> {
    use crate::ssr::{auth::require_role, deliveries, AppState};
    require_role(Role::WEBHOOK_ADMINS)?;
    deliveries::detail(&AppState::current()?.db, id).await
}

/// Sends the delivery again (same `webhook-id`), then shows it.
#[server(prefix = "/rpc", endpoint = "redeliver")]
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
#[server(prefix = "/rpc", endpoint = "send_test_event")]
pub async fn send_test_event(webhook_id: i32) -> Result<(), AppError> {
    use crate::ssr::{auth::require_role, deliveries, AppState};
    let actor = require_role(Role::WEBHOOK_ADMINS)?;
    let state = AppState::current()?;
    let id = deliveries::send_test(&state.db, &actor, webhook_id).await?;
    wake_worker(&state);
    leptos_axum::redirect(&format!("/deliveries/{id}"));
    Ok(())
}
