use crate::api::encoding::Reply;
use crate::error::AppError;
use crate::model::AuditEntry;
#[cfg(feature = "ssr")]
use crate::model::Role;
use leptos::prelude::*;

/// The latest audit records.
#[server(prefix = "/rpc", endpoint = "list_audit", output = Reply)]
pub async fn list_audit() -> Result<Vec<AuditEntry>, AppError> {
    use crate::ssr::{audit, auth::require_role, AppState};
    require_role(Role::WEBHOOK_ADMINS)?;
    audit::recent(&AppState::current()?.db, 500).await
}
