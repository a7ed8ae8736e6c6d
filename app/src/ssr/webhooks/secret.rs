//! The HMAC secret: regeneration, and opening it for signing.
use super::{audit, find, save_versioned, target};
use crate::error::{AppError, AppResult};
use crate::model::{field, AuthMethod, CurrentUser, SecretGrace};
use crate::ssr::crypto::{new_hmac_secret, Binding, SecretCipher};
use crate::ssr::entities::webhook;
use chrono::Utc;
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
    regenerate_secret_with_grace(db, cipher, actor, id, seen_version, SecretGrace::None).await
}

/// [`regenerate_secret`] with a grace period: during `grace` every delivery's
/// `webhook-signature` also carries a `v1,` signature made with the previous secret (never the
/// JWT), so receivers can switch over without dropping deliveries.
pub async fn regenerate_secret_with_grace(
    db: &DatabaseConnection,
    cipher: &SecretCipher,
    actor: &CurrentUser,
    id: i32,
    seen_version: i32,
    grace: SecretGrace,
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
    let previous = old.hmac_secret_enc.as_deref().and_then(|s| cipher.open(s, Binding::HmacSecret { webhook_id: id }));
    let detail = match (grace.seconds(), previous) {
        (Some(seconds), Some(previous)) => {
            let until = Utc::now() + chrono::Duration::seconds(seconds);
            am.previous_hmac_secret_enc =
                Set(Some(cipher.seal(&previous, Binding::PreviousHmacSecret { webhook_id: id })));
            am.previous_secret_expires_at = Set(Some(until));
            format!("new HMAC secret issued; old secret also signs until {}", until.format("%Y-%m-%d %H:%M UTC"))
        }
        _ => {
            am.previous_hmac_secret_enc = Set(None);
            am.previous_secret_expires_at = Set(None);
            "new HMAC secret issued; old secret revoked".to_string()
        }
    };
    save_versioned(&txn, am, &old, actor).await?;
    audit::record(&txn, &actor.username, "webhook.regenerate_secret", target(&old), detail).await?;
    txn.commit().await?;
    Ok(secret)
}

/// The secrets that sign a delivery of `m` at `now`: the current HMAC secret, and the previous
/// one while its grace period lasts.
pub fn signing_secrets(
    m: &webhook::Model,
    cipher: &SecretCipher,
    now: DateTimeUtc,
) -> (Option<String>, Option<String>) {
    let current = m.hmac_secret_enc.as_deref().and_then(|s| cipher.open(s, Binding::HmacSecret { webhook_id: m.id }));
    let previous = match (m.previous_secret_expires_at, m.previous_hmac_secret_enc.as_deref()) {
        (Some(until), Some(sealed)) if until > now => {
            cipher.open(sealed, Binding::PreviousHmacSecret { webhook_id: m.id })
        }
        _ => None,
    };
    (current, previous)
}

/// The stored access token of `m`, opened (for signing deliveries).
pub fn access_token(m: &webhook::Model, cipher: &SecretCipher) -> Option<String> {
    m.access_token_enc.as_deref().and_then(|s| cipher.open(s, Binding::AccessToken { webhook_id: m.id }))
}

/// The stored HMAC secret, opened (for signing deliveries).
pub async fn hmac_secret(db: &DatabaseConnection, cipher: &SecretCipher, id: i32) -> AppResult<Option<String>> {
    Ok(find(db, id).await?.hmac_secret_enc.and_then(|s| cipher.open(&s, Binding::HmacSecret { webhook_id: id })))
}
