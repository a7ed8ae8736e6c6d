//! Webhook administration: list, read, save, activate, delete and secret regeneration.
//! Server functions and the no-JavaScript form handlers both call these.
mod lifecycle;
mod list;
mod save;
mod secret;
mod subscribers;

pub use lifecycle::{delete, set_active};
pub use list::{detail, list};
pub use save::{create, update};
pub use secret::{access_token, hmac_secret, regenerate_secret, regenerate_secret_with_grace, signing_secrets};
pub use subscribers::{move_webhook, subscribers, Subscriber};

use super::audit;
use super::entities::{webhook, webhook_template, webhook_work_group};
use crate::error::{AppError, AppResult};
use crate::model::CurrentUser;
use chrono::Utc;
use sea_orm::{prelude::*, ActiveValue::Set, DatabaseTransaction};

fn target(m: &webhook::Model) -> audit::Target<'_> {
    audit::Target { kind: "webhook", id: Some(m.id), name: &m.name }
}

fn timestamp(t: DateTimeUtc) -> String {
    t.format("%Y-%m-%d %H:%M UTC").to_string()
}

async fn find(db: &impl ConnectionTrait, id: i32) -> AppResult<webhook::Model> {
    webhook::Entity::find_by_id(id).one(db).await?.ok_or_else(|| AppError::NotFound("Webhook".into()))
}

async fn link_ids(db: &impl ConnectionTrait, id: i32) -> AppResult<(Vec<i32>, Vec<i32>)> {
    let mut wg: Vec<i32> = webhook_work_group::Entity::find()
        .filter(webhook_work_group::Column::WebhookId.eq(id))
        .all(db)
        .await?
        .into_iter()
        .map(|l| l.work_group_id)
        .collect();
    let mut tpl: Vec<i32> = webhook_template::Entity::find()
        .filter(webhook_template::Column::WebhookId.eq(id))
        .all(db)
        .await?
        .into_iter()
        .map(|l| l.template_id)
        .collect();
    wg.sort_unstable();
    tpl.sort_unstable();
    Ok((wg, tpl))
}

fn stale(current: &webhook::Model) -> AppError {
    AppError::Conflict(format!(
        "This webhook was changed by {} at {} while you were editing, so your changes were not saved. \
         Reload the page to see their version, then make your changes again.",
        current.updated_by,
        timestamp(current.updated_at)
    ))
}

/// Writes `am` only if the row still has `old.version`, bumping the version.
async fn save_versioned(
    txn: &DatabaseTransaction,
    mut am: webhook::ActiveModel,
    old: &webhook::Model,
    actor: &CurrentUser,
) -> AppResult<()> {
    am.version = Set(old.version + 1);
    am.updated_at = Set(Utc::now());
    am.updated_by = Set(actor.username.clone());
    let res = webhook::Entity::update_many()
        .set(am)
        .filter(webhook::Column::Id.eq(old.id))
        .filter(webhook::Column::Version.eq(old.version))
        .exec(txn)
        .await?;
    if res.rows_affected == 0 {
        return Err(stale(&find(txn, old.id).await?));
    }
    Ok(())
}
