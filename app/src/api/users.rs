use crate::api::encoding::Reply;
use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::model::Role;
use crate::model::UserRow;
use leptos::prelude::*;

/// Every user (Site Administrator).
#[server(prefix = "/rpc", endpoint = "list_users", output = Reply)]
pub async fn list_users() -> Result<Vec<UserRow>, AppError> {
    use crate::ssr::{auth::require_role, users, AppState};
    require_role(Role::USER_ADMINS)?;
    users::list(&AppState::current()?.db).await
}

/// Creates a user (Site Administrator).
#[server(prefix = "/rpc", endpoint = "create_user", output = Reply)]
pub async fn create_user(username: String, password: String, role: String) -> Result<(), AppError> {
    use crate::ssr::{auth::require_role, users, AppState};
    let actor = require_role(Role::USER_ADMINS)?;
    users::create(&AppState::current()?.db, &actor, &username, &password, &role).await
}

/// Changes a user's role (Site Administrator).
#[server(prefix = "/rpc", endpoint = "change_user_role", output = Reply)]
pub async fn change_user_role(id: i32, role: String) -> Result<(), AppError> {
    use crate::ssr::{auth::require_role, users, AppState};
    let actor = require_role(Role::USER_ADMINS)?;
    users::change_role(&AppState::current()?.db, &actor, id, &role).await
}

/// Disables or re-enables a user (Site Administrator).
#[server(prefix = "/rpc", endpoint = "set_user_disabled", output = Reply)]
pub async fn set_user_disabled(id: i32, disabled: bool) -> Result<(), AppError> {
    use crate::ssr::{auth::require_role, users, AppState};
    let actor = require_role(Role::USER_ADMINS)?;
    users::set_disabled(&AppState::current()?.db, &actor, id, disabled).await
}

/// Sets a new password for a user (Site Administrator).
#[server(prefix = "/rpc", endpoint = "reset_user_password", output = Reply)]
pub async fn reset_user_password(id: i32, password: String) -> Result<(), AppError> {
    use crate::ssr::{auth::require_role, users, AppState};
    let actor = require_role(Role::USER_ADMINS)?;
    users::reset_password(&AppState::current()?.db, &actor, id, &password).await
}
