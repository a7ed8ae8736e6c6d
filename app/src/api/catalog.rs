use crate::api::encoding::Reply;
use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::model::Role;
use crate::model::{CatalogItem, CatalogKind, CatalogUsage};
use leptos::prelude::*;

/// Every work group or template.
#[server(prefix = "/rpc", endpoint = "list_catalog", output = Reply)]
pub async fn list_catalog(kind: CatalogKind) -> Result<Vec<CatalogItem>, AppError> {
    use crate::ssr::{auth::require_role, catalog, AppState};
    require_role(Role::WEBHOOK_ADMINS)?;
    catalog::list(&AppState::current()?.db, kind).await
}

/// Adds a work group or template (Site Administrator).
#[server(prefix = "/rpc", endpoint = "add_catalog_item", output = Reply)]
pub async fn add_catalog_item(kind: CatalogKind, key: String, name: String) -> Result<(), AppError> {
    use crate::ssr::{auth::require_role, catalog, AppState};
    let actor = require_role(Role::USER_ADMINS)?;
    catalog::add(&AppState::current()?.db, &actor, kind, &key, &name).await.map(drop)
}

/// Renames a work group or template (Site Administrator).
#[server(prefix = "/rpc", endpoint = "rename_catalog_item", output = Reply)]
pub async fn rename_catalog_item(kind: CatalogKind, id: i32, name: String) -> Result<(), AppError> {
    use crate::ssr::{auth::require_role, catalog, AppState};
    let actor = require_role(Role::USER_ADMINS)?;
    catalog::rename(&AppState::current()?.db, &actor, kind, id, &name).await
}

/// A work group or template and the webhooks limited to it.
#[server(prefix = "/rpc", endpoint = "get_catalog_usage", output = Reply)]
pub async fn get_catalog_usage(kind: CatalogKind, id: i32) -> Result<CatalogUsage, AppError> {
    use crate::ssr::{auth::require_role, catalog, AppState};
    require_role(Role::WEBHOOK_ADMINS)?;
    catalog::usage(&AppState::current()?.db, kind, id).await
}

/// Deletes a work group or template, then goes back to its list (Site Administrator). One
/// that webhooks are limited to is refused unless `deactivate_webhooks` is true.
#[server(prefix = "/rpc", endpoint = "delete_catalog_item", output = Reply)]
pub async fn delete_catalog_item(
    kind: CatalogKind,
    id: i32,
    #[server(default)] deactivate_webhooks: bool,
) -> Result<(), AppError> {
    use crate::ssr::{auth::require_role, catalog, AppState};
    let actor = require_role(Role::USER_ADMINS)?;
    catalog::delete(&AppState::current()?.db, &actor, kind, id, deactivate_webhooks).await?;
    leptos_axum::redirect(kind.path());
    Ok(())
}
