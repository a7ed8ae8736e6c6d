use crate::api::encoding::Reply;
use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::model::Role;
use crate::model::{CatalogItem, SavedWebhook, SecretGrace, WebhookDetail, WebhookForm, WebhookPage, WebhookQuery};
use leptos::prelude::*;
use server_fn::codec::Json;

/// One page of the webhook list.
#[server(prefix = "/rpc", endpoint = "list_webhooks", input = Json, output = Reply)]
pub async fn list_webhooks(query: WebhookQuery) -> Result<WebhookPage, AppError> {
    use crate::ssr::{auth::require_role, webhooks, AppState};
    require_role(Role::WEBHOOK_ADMINS)?;
    webhooks::list(&AppState::current()?.db, &query).await
}

/// A webhook's settings (never its secret).
#[server(prefix = "/rpc", endpoint = "get_webhook", output = Reply)]
pub async fn get_webhook(id: i32) -> Result<WebhookDetail, AppError> {
    use crate::ssr::{auth::require_role, webhooks, AppState};
    require_role(Role::WEBHOOK_ADMINS)?;
    let state = AppState::current()?;
    webhooks::detail(&state.db, id, state.auto_disable_after).await
}

/// The work groups and templates a webhook can be limited to.
#[server(prefix = "/rpc", endpoint = "webhook_form_options", output = Reply)]
pub async fn webhook_form_options() -> Result<(Vec<CatalogItem>, Vec<CatalogItem>), AppError> {
    use crate::model::CatalogKind;
    use crate::ssr::{auth::require_role, catalog, AppState};
    require_role(Role::WEBHOOK_ADMINS)?;
    let db = AppState::current()?.db;
    Ok((catalog::list(&db, CatalogKind::WorkGroup).await?, catalog::list(&db, CatalogKind::Template).await?))
}

/// Creates a webhook; returns the new HMAC secret once when HMAC was chosen.
#[server(prefix = "/rpc", endpoint = "create_webhook", input = Json, output = Reply)]
pub async fn create_webhook(form: WebhookForm) -> Result<SavedWebhook, AppError> {
    use crate::ssr::{auth::require_role, webhooks, AppState};
    let actor = require_role(Role::WEBHOOK_ADMINS)?;
    let state = AppState::current()?;
    webhooks::create(&state.db, &state.cipher, &actor, &form).await
}

/// Saves an edit; returns a new HMAC secret once when the webhook was switched to HMAC.
#[server(prefix = "/rpc", endpoint = "update_webhook", input = Json, output = Reply)]
pub async fn update_webhook(id: i32, form: WebhookForm) -> Result<SavedWebhook, AppError> {
    use crate::ssr::{auth::require_role, webhooks, AppState};
    let actor = require_role(Role::WEBHOOK_ADMINS)?;
    let state = AppState::current()?;
    webhooks::update(&state.db, &state.cipher, &actor, id, &form).await
}

/// Activates or deactivates a webhook.
#[server(prefix = "/rpc", endpoint = "set_webhook_active", output = Reply)]
pub async fn set_webhook_active(id: i32, active: bool) -> Result<(), AppError> {
    use crate::ssr::{auth::require_role, webhooks, AppState};
    let actor = require_role(Role::WEBHOOK_ADMINS)?;
    webhooks::set_active(&AppState::current()?.db, &actor, id, active).await
}

/// Deletes a webhook and its links, then goes back to the list.
#[server(prefix = "/rpc", endpoint = "delete_webhook", output = Reply)]
pub async fn delete_webhook(id: i32) -> Result<(), AppError> {
    use crate::ssr::{auth::require_role, webhooks, AppState};
    let actor = require_role(Role::WEBHOOK_ADMINS)?;
    webhooks::delete(&AppState::current()?.db, &actor, id).await?;
    leptos_axum::redirect("/webhooks");
    Ok(())
}

/// Issues a new HMAC secret; the old one stops working at once, or after `grace` (it then
/// adds a second Standard Webhooks signature). `version` is the webhook version the
/// confirmation was shown for, so a repeated call rotates only once.
#[server(prefix = "/rpc", endpoint = "regenerate_hmac_secret", output = Reply)]
pub async fn regenerate_hmac_secret(
    id: i32,
    version: i32,
    #[server(default)] grace: SecretGrace,
) -> Result<String, AppError> {
    use crate::ssr::{auth::require_role, webhooks, AppState};
    let actor = require_role(Role::WEBHOOK_ADMINS)?;
    let state = AppState::current()?;
    webhooks::regenerate_secret_with_grace(&state.db, &state.cipher, &actor, id, version, grace).await
}

/// Moves an InterviewLoadEvent or CustomInterviewEvent webhook one place up or down in the
/// order synchronous calls use.
#[server(prefix = "/rpc", endpoint = "move_webhook", output = Reply)]
pub async fn move_webhook(id: i32, direction: crate::model::MoveDirection) -> Result<(), AppError> {
    use crate::ssr::{auth::require_role, webhooks, AppState};
    let actor = require_role(Role::WEBHOOK_ADMINS)?;
    webhooks::move_webhook(&AppState::current()?.db, &actor, id, direction).await
}
