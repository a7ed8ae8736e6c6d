//! API keys of the platform API: created by administrators (or the CLI), shown once, stored as
//! a SHA-256 hash, revocable.
use super::{audit, crypto::sha256_hex, entities::api_key};
use crate::error::{AppError, AppResult};
use crate::model::{validate_display_name, ApiKeyRow, NewApiKey};
use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine as _};
use chrono::{Duration, Utc};
use rand::RngCore;
use sea_orm::{prelude::*, ActiveValue::Set, QueryOrder};

/// Every key starts with this.
pub const KEY_PREFIX: &str = "hwk_";
/// Characters of the key kept for display (the prefix included).
const DISPLAY_CHARS: usize = 12;
/// `last_used_at` is written at most this often per key, so busy clients do not write per request.
const LAST_USED_RESOLUTION_SECS: i64 = 60;

/// A new key: `hwk_` + 43 URL-safe characters (32 CSPRNG bytes).
fn new_key() -> String {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    format!("{KEY_PREFIX}{}", URL_SAFE_NO_PAD.encode(bytes))
}

fn timestamp(t: DateTimeUtc) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// Creates a key named `name` on behalf of `actor` and returns it: the only time it is visible.
pub async fn create(db: &DatabaseConnection, actor: &str, name: &str) -> AppResult<NewApiKey> {
    let name = validate_display_name(name).map_err(|m| AppError::invalid("name", m))?;
    let key = new_key();
    let txn = crate::ssr::db::begin_write(db).await?;
    let row = api_key::ActiveModel {
        name: Set(name.clone()),
        key_hash: Set(sha256_hex(&key)),
        prefix: Set(key.chars().take(DISPLAY_CHARS).collect()),
        created_at: Set(Utc::now()),
        created_by: Set(actor.to_string()),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    audit::record(&txn, actor, "api_key.create", audit::Target { kind: "api_key", id: Some(row.id), name: &name }, "")
        .await?;
    txn.commit().await?;
    Ok(NewApiKey { id: row.id, key })
}

/// Every key, newest first (never the key itself).
pub async fn list(db: &DatabaseConnection) -> AppResult<Vec<ApiKeyRow>> {
    let rows = api_key::Entity::find().order_by_desc(api_key::Column::Id).all(db).await?;
    Ok(rows
        .into_iter()
        .map(|k| ApiKeyRow {
            id: k.id,
            name: k.name,
            prefix: k.prefix,
            created_at: timestamp(k.created_at),
            created_by: k.created_by,
            last_used_at: k.last_used_at.map(timestamp),
            revoked_at: k.revoked_at.map(timestamp),
        })
        .collect())
}

/// Revokes a key at once; later requests with it answer 401. Revoking twice is a no-op.
pub async fn revoke(db: &DatabaseConnection, actor: &str, id: i32) -> AppResult<()> {
    let txn = crate::ssr::db::begin_write(db).await?;
    let row = api_key::Entity::find_by_id(id).one(&txn).await?.ok_or_else(|| AppError::NotFound("API key".into()))?;
    if row.revoked_at.is_none() {
        let name = row.name.clone();
        let mut am: api_key::ActiveModel = row.into();
        am.revoked_at = Set(Some(Utc::now()));
        am.update(&txn).await?;
        audit::record(&txn, actor, "api_key.revoke", audit::Target { kind: "api_key", id: Some(id), name: &name }, "")
            .await?;
    }
    txn.commit().await?;
    Ok(())
}

/// The live key matching `presented`, if any, noting its use.
pub async fn authenticate(db: &DatabaseConnection, presented: &str) -> AppResult<Option<api_key::Model>> {
    if !presented.starts_with(KEY_PREFIX) {
        return Ok(None);
    }
    let found = api_key::Entity::find().filter(api_key::Column::KeyHash.eq(sha256_hex(presented))).one(db).await?;
    let Some(key) = found.filter(|k| k.revoked_at.is_none()) else {
        return Ok(None);
    };
    let now = Utc::now();
    if key.last_used_at.is_none_or(|t| now - t > Duration::seconds(LAST_USED_RESOLUTION_SECS)) {
        api_key::Entity::update_many()
            .col_expr(api_key::Column::LastUsedAt, Expr::value(now))
            .filter(api_key::Column::Id.eq(key.id))
            .exec(db)
            .await?;
    }
    Ok(Some(key))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_hwk_and_at_least_32_url_safe_characters() {
        let k = new_key();
        let rest = k.strip_prefix(KEY_PREFIX).unwrap();
        assert!(rest.len() >= 32, "{k}");
        assert!(rest.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'));
        assert_ne!(k, new_key());
    }
}
