//! Activating, deactivating and deleting a webhook.
use super::{audit, find, save_versioned, target};
use crate::error::AppResult;
use crate::model::CurrentUser;
use crate::ssr::entities::webhook;
use sea_orm::{prelude::*, ActiveValue::Set};

/// Activates or deactivates a webhook at once.
pub async fn set_active(db: &DatabaseConnection, actor: &CurrentUser, id: i32, active: bool) -> AppResult<()> {
    let txn = crate::ssr::db::begin_write(db).await?;
    let old = find(&txn, id).await?;
    if old.active != active {
        let mut am: webhook::ActiveModel = old.clone().into();
        am.active = Set(active);
        if active {
            // Re-activating resumes deliveries from now on and forgets an automatic disable.
            am.disabled_reason = Set(None);
            am.failing_since = Set(None);
        }
        save_versioned(&txn, am, &old, actor).await?;
        if !active {
            // Queued deliveries are not sent later: re-activating does not replay them.
            crate::ssr::deliveries::cancel_queued(&txn, id, crate::ssr::deliveries::NOT_SENT_INACTIVE).await?;
        }
        audit::record(
            &txn,
            &actor.username,
            if active { "webhook.activate" } else { "webhook.deactivate" },
            target(&old),
            "",
        )
        .await?;
    }
    txn.commit().await?;
    Ok(())
}

/// Deletes a webhook and its links. Returns its name for the confirmation message.
pub async fn delete(db: &DatabaseConnection, actor: &CurrentUser, id: i32) -> AppResult<String> {
    let txn = crate::ssr::db::begin_write(db).await?;
    let old = find(&txn, id).await?;
    webhook::Entity::delete_by_id(id).exec(&txn).await?;
    audit::record(&txn, &actor.username, "webhook.delete", target(&old), format!("{} → {}", old.event_type, old.url))
        .await?;
    txn.commit().await?;
    Ok(old.name)
}
