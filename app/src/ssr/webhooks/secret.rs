//! The HMAC secret: regeneration, and opening it for signing.
use super::{audit, find, save_versioned, target};
use crate::error::{AppError, AppResult};
use crate::model::{field, AuthMethod, CurrentUser};
use crate::ssr::crypto::{new_hmac_secret, Binding, SecretCipher};
use crate::ssr::entities::webhook;
use sea_orm::{prelude::*, ActiveValue::Set};

/// Replaces the HMAC secret; the old one stops working at once (no grace period).
/// `seen_version` is the webhook version the confirmation was shown for: a confirmation posted
/// a second time (a reload, a double click) finds a newer version and rotates nothing.
pub async fn regenerate_secret(
    db: &DatabaseConnection,
    cipher: &SecretCipher,
    actor: &CurrentUser,
    id: i32,
    seen_version: i32,
) -> AppResult<String> {
    let txn = crate::ssr::db::begin_write(db).await?;
    let old = find(&txn, id).await?;
    if old.version != seen_version {
        return Err(AppError::Conflict(format!(
            "This webhook changed at {} ({}) after this confirmation was shown, so no new secret was issued. \
             If a secret was issued then, it is the current one; to replace it, open the edit page again.",
            super::timestamp(old.updated_at),
            old.updated_by
        )));
    }
    if old.auth_method != AuthMethod::Hmac {
        return Err(AppError::invalid(
            field::AUTH_METHOD,
            "This webhook uses an access token; switch it to HMAC to get a secret.",
        ));
    }
    let secret = new_hmac_secret();
    let mut am: webhook::ActiveModel = old.clone().into();
    am.hmac_secret_enc = Set(Some(cipher.seal(&secret, Binding::HmacSecret { webhook_id: id })));
    save_versioned(&txn, am, &old, actor).await?;
    audit::record(
        &txn,
        &actor.username,
        "webhook.regenerate_secret",
        target(&old),
        "new HMAC secret issued; old secret revoked",
    )
    .await?;
    txn.commit().await?;
    Ok(secret)
}

/// The stored HMAC secret, opened (for signing deliveries).
pub async fn hmac_secret(db: &DatabaseConnection, cipher: &SecretCipher, id: i32) -> AppResult<Option<String>> {
    Ok(find(db, id).await?.hmac_secret_enc.and_then(|s| cipher.open(&s, Binding::HmacSecret { webhook_id: id })))
}
