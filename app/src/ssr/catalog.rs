//! Work groups and templates: the two catalogs a webhook can be limited to. Both tables
//! have the same shape, so each operation is written once for either.
use super::audit;
use super::db::{broken_rule, UniqueRule};
use super::entities::{webhook, webhook_template, webhook_work_group};
use crate::error::{AppError, AppResult};
use crate::model::{
    validate_display_name, validate_key, CatalogItem, CatalogKind, CatalogUsage, CurrentUser, WebhookRef,
};
use sea_orm::{prelude::*, sea_query::ExprTrait, ActiveValue::Set, QueryOrder};

/// Runs `$body` with `$m` bound to the entity module of `$kind`.
macro_rules! with_table {
    ($kind:expr, $m:ident => $body:expr) => {
        match $kind {
            CatalogKind::WorkGroup => {
                use super::entities::work_group as $m;
                $body
            }
            CatalogKind::Template => {
                use super::entities::template as $m;
                $body
            }
        }
    };
}

fn audit_kind(kind: CatalogKind) -> &'static str {
    match kind {
        CatalogKind::WorkGroup => "work_group",
        CatalogKind::Template => "template",
    }
}

/// Every item, by name.
pub async fn list(db: &impl ConnectionTrait, kind: CatalogKind) -> AppResult<Vec<CatalogItem>> {
    with_table!(kind, t => {
        let rows = t::Entity::find().order_by_asc(t::Column::Name).order_by_asc(t::Column::Id).all(db).await?;
        Ok(rows.into_iter().map(|r| CatalogItem { id: r.id, key: r.key, name: r.name }).collect())
    })
}

/// The items with the given ids (unknown ids are left out).
pub async fn by_ids(db: &impl ConnectionTrait, kind: CatalogKind, ids: &[i32]) -> AppResult<Vec<CatalogItem>> {
    if ids.is_empty() {
        return Ok(vec![]);
    }
    with_table!(kind, t => {
        let rows = t::Entity::find().filter(t::Column::Id.is_in(ids.to_vec())).order_by_asc(t::Column::Name).all(db).await?;
        Ok(rows.into_iter().map(|r| CatalogItem { id: r.id, key: r.key, name: r.name }).collect())
    })
}

/// The message for a key another item of `kind` already has.
fn key_taken(kind: CatalogKind, key: &str) -> AppError {
    AppError::invalid("key", format!("A {} with key “{key}” already exists.", kind.noun()))
}

/// Adds an item; keys are unique (checked first, and enforced by the database for concurrent adds).
pub async fn add(
    db: &DatabaseConnection,
    actor: &CurrentUser,
    kind: CatalogKind,
    key: &str,
    name: &str,
) -> AppResult<i32> {
    let key = validate_key(key).map_err(|m| AppError::invalid("key", m))?;
    let name = validate_display_name(name).map_err(|m| AppError::invalid("name", m))?;
    let txn = crate::ssr::db::begin_write(db).await?;
    let id = with_table!(kind, t => {
        if t::Entity::find().filter(t::Column::Key.eq(&key)).one(&txn).await?.is_some() {
            return Err(key_taken(kind, &key));
        }
        t::ActiveModel { key: Set(key.clone()), name: Set(name.clone()), ..Default::default() }
            .insert(&txn)
            .await
            .map_err(|e| match broken_rule(&e) {
                Some(UniqueRule::CatalogKey) => key_taken(kind, &key),
                _ => e.into(),
            })?
            .id
    });
    audit::record(
        &txn,
        &actor.username,
        &format!("{}.create", audit_kind(kind)),
        audit::Target { kind: audit_kind(kind), id: Some(id), name: &name },
        format!("key {key}"),
    )
    .await?;
    txn.commit().await?;
    Ok(id)
}

/// Renames an item.
pub async fn rename(
    db: &DatabaseConnection,
    actor: &CurrentUser,
    kind: CatalogKind,
    id: i32,
    name: &str,
) -> AppResult<()> {
    let name = validate_display_name(name).map_err(|m| AppError::invalid("name", m))?;
    let txn = crate::ssr::db::begin_write(db).await?;
    let old = with_table!(kind, t => {
        let row = t::Entity::find_by_id(id).one(&txn).await?.ok_or_else(|| AppError::NotFound(capitalized(kind)))?;
        let old = row.name.clone();
        let mut m: t::ActiveModel = row.into();
        m.name = Set(name.clone());
        m.update(&txn).await?;
        old
    });
    audit::record(
        &txn,
        &actor.username,
        &format!("{}.rename", audit_kind(kind)),
        audit::Target { kind: audit_kind(kind), id: Some(id), name: &name },
        format!("was “{old}”"),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// The item and the webhooks limited to it.
pub async fn usage(db: &impl ConnectionTrait, kind: CatalogKind, id: i32) -> AppResult<CatalogUsage> {
    let item = by_ids(db, kind, &[id]).await?.pop().ok_or_else(|| AppError::NotFound(capitalized(kind)))?;
    let webhook_ids: Vec<i32> = match kind {
        CatalogKind::WorkGroup => webhook_work_group::Entity::find()
            .filter(webhook_work_group::Column::WorkGroupId.eq(id))
            .all(db)
            .await?
            .into_iter()
            .map(|l| l.webhook_id)
            .collect(),
        CatalogKind::Template => webhook_template::Entity::find()
            .filter(webhook_template::Column::TemplateId.eq(id))
            .all(db)
            .await?
            .into_iter()
            .map(|l| l.webhook_id)
            .collect(),
    };
    let webhooks = if webhook_ids.is_empty() {
        vec![]
    } else {
        webhook::Entity::find()
            .filter(webhook::Column::Id.is_in(webhook_ids))
            .order_by_asc(webhook::Column::Name)
            .all(db)
            .await?
            .into_iter()
            .map(|w| WebhookRef { id: w.id, name: w.name, active: w.active })
            .collect()
    };
    Ok(CatalogUsage { item, webhooks })
}

fn quoted(webhooks: &[WebhookRef]) -> String {
    webhooks.iter().map(|w| format!("“{}”", w.name)).collect::<Vec<_>>().join(", ")
}

/// Deletes an item. An item that webhooks are limited to is refused (deleting it would widen
/// them to every work group or template), unless `deactivate_webhooks` says to deactivate
/// those webhooks with it; they are named in the audit record either way.
pub async fn delete(
    db: &DatabaseConnection,
    actor: &CurrentUser,
    kind: CatalogKind,
    id: i32,
    deactivate_webhooks: bool,
) -> AppResult<()> {
    let txn = crate::ssr::db::begin_write(db).await?;
    let CatalogUsage { item, webhooks } = usage(&txn, kind, id).await?;
    if !webhooks.is_empty() && !deactivate_webhooks {
        return Err(AppError::Conflict(format!(
            "“{}” is used by {} {}: {}. Change {} first, or delete it and deactivate {}.",
            item.name,
            webhooks.len(),
            if webhooks.len() == 1 { "webhook" } else { "webhooks" },
            quoted(&webhooks),
            if webhooks.len() == 1 { "it" } else { "them" },
            if webhooks.len() == 1 { "it" } else { "them" },
        )));
    }
    let now = chrono::Utc::now();
    for w in webhooks.iter().filter(|w| w.active) {
        webhook::Entity::update_many()
            .col_expr(webhook::Column::Active, Expr::value(false))
            .col_expr(webhook::Column::Version, Expr::col(webhook::Column::Version).add(1))
            .col_expr(webhook::Column::UpdatedAt, Expr::value(now))
            .col_expr(webhook::Column::UpdatedBy, Expr::value(actor.username.clone()))
            .filter(webhook::Column::Id.eq(w.id))
            .exec(&txn)
            .await?;
        audit::record(
            &txn,
            &actor.username,
            "webhook.deactivate",
            audit::Target { kind: "webhook", id: Some(w.id), name: &w.name },
            format!("its {} “{}” was deleted", kind.noun(), item.name),
        )
        .await?;
    }
    with_table!(kind, t => { t::Entity::delete_by_id(id).exec(&txn).await?; });
    let detail = if webhooks.is_empty() {
        String::new()
    } else {
        format!("deactivated the webhooks limited to it: {}", quoted(&webhooks))
    };
    audit::record(
        &txn,
        &actor.username,
        &format!("{}.delete", audit_kind(kind)),
        audit::Target { kind: audit_kind(kind), id: Some(id), name: &item.name },
        detail,
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// Creates or renames the item with `key` (for seeding and platform sync). Returns its id.
pub async fn upsert(db: &impl ConnectionTrait, kind: CatalogKind, key: &str, name: &str) -> AppResult<i32> {
    with_table!(kind, t => {
        match t::Entity::find().filter(t::Column::Key.eq(key)).one(db).await? {
            Some(row) => {
                let id = row.id;
                let mut m: t::ActiveModel = row.into();
                m.name = Set(name.to_string());
                m.update(db).await?;
                Ok(id)
            }
            None => Ok(t::ActiveModel { key: Set(key.to_string()), name: Set(name.to_string()), ..Default::default() }.insert(db).await?.id),
        }
    })
}

fn capitalized(kind: CatalogKind) -> String {
    let noun = kind.noun();
    noun[..1].to_uppercase() + &noun[1..]
}
