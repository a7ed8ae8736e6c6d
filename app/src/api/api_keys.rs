use crate::api::encoding::Reply;
use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::model::Role;
use crate::model::{ApiKeyRow, NewApiKey};
use leptos::prelude::*;

/// Every API key, newest first (never a key itself).
#[server(prefix = "/rpc", endpoint = "list_api_keys", output = Reply)]
pub async fn list_api_keys() -> Result<Vec<ApiKeyRow>, AppError> {
    use crate::ssr::{api_keys, auth::require_role, AppState};
    require_role(Role::WEBHOOK_ADMINS)?;
    api_keys::list(&AppState::current()?.db).await
}

/// Creates an API key named `name`; the answer is the only time the key is visible.
#[server(prefix = "/rpc", endpoint = "create_api_key", output = Reply)]
pub async fn create_api_key(name: String) -> Result<NewApiKey, AppError> {
    use crate::ssr::{api_keys, auth::require_role, AppState};
    let actor = require_role(Role::WEBHOOK_ADMINS)?;
    api_keys::create(&AppState::current()?.db, &actor.username, &name).await
}

/// Revokes an API key at once: the platform API answers 401 to it from now on.
#[server(prefix = "/rpc", endpoint = "revoke_api_key", output = Reply)]
pub async fn revoke_api_key(id: i32) -> Result<(), AppError> {
    use crate::ssr::{api_keys, auth::require_role, AppState};
    let actor = require_role(Role::WEBHOOK_ADMINS)?;
    api_keys::revoke(&AppState::current()?.db, &actor.username, id).await
}
