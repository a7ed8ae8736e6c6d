//! Work groups and templates: the two catalogs a webhook can be limited to. Both tables
//! have the same shape, so each operation is written once for either.
use super::audit;
use super::db::{broken_rule, UniqueRule};
use crate::error::{AppError, AppResult};
use crate::model::{validate_display_name, validate_key, CatalogItem, CatalogKind, CurrentUser};
use sea_orm::{prelude::*, ActiveValue::Set, QueryOrder};

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

/// Deletes an item. Webhooks that used it lose the link (foreign-key cascade), never themselves.
pub async fn delete(db: &DatabaseConnection, actor: &CurrentUser, kind: CatalogKind, id: i32) -> AppResult<()> {
    let txn = crate::ssr::db::begin_write(db).await?;
    let name = with_table!(kind, t => {
        let row = t::Entity::find_by_id(id).one(&txn).await?.ok_or_else(|| AppError::NotFound(capitalized(kind)))?;
        t::Entity::delete_by_id(id).exec(&txn).await?;
        row.name
    });
    audit::record(
        &txn,
        &actor.username,
        &format!("{}.delete", audit_kind(kind)),
        audit::Target { kind: audit_kind(kind), id: Some(id), name: &name },
        "",
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
