//! Start-up step that binds secrets sealed by older versions to their row (AEAD associated
//! data), so that sealed values swapped between rows or columns no longer open.
use super::crypto::{Binding, SecretCipher};
use super::entities::webhook;
use crate::error::AppResult;
use sea_orm::{prelude::*, ActiveValue::Set, QuerySelect};

/// A webhook's id with its sealed HMAC secret and access token.
type SealedColumns = (i32, Option<Vec<u8>>, Option<Vec<u8>>);
/// The same with the previous HMAC secret (grace period).
type AllSealedColumns = (i32, Option<Vec<u8>>, Option<Vec<u8>>, Option<Vec<u8>>);

/// Seals again every webhook secret that was sealed without associated data. Idempotent:
/// bound values are left alone. Returns how many values were re-sealed.
pub async fn bind_unbound_secrets(db: &DatabaseConnection, cipher: &SecretCipher) -> AppResult<u64> {
    let rows: Vec<SealedColumns> = webhook::Entity::find()
        .select_only()
        .columns([webhook::Column::Id, webhook::Column::HmacSecretEnc, webhook::Column::AccessTokenEnc])
        .into_tuple()
        .all(db)
        .await?;
    let mut resealed = 0;
    for (id, hmac, token) in rows {
        let mut am = webhook::ActiveModel { id: sea_orm::ActiveValue::Unchanged(id), ..Default::default() };
        let mut changed = false;
        if let Some(plain) = hmac.as_deref().and_then(|s| cipher.open_unbound(s)) {
            am.hmac_secret_enc = Set(Some(cipher.seal(&plain, Binding::HmacSecret { webhook_id: id })));
            changed = true;
            resealed += 1;
        }
        if let Some(plain) = token.as_deref().and_then(|s| cipher.open_unbound(s)) {
            am.access_token_enc = Set(Some(cipher.seal(&plain, Binding::AccessToken { webhook_id: id })));
            changed = true;
            resealed += 1;
        }
        if changed {
            am.update(db).await?;
        }
    }
    Ok(resealed)
}

/// Master key rotation: seals again under the current key every webhook secret (HMAC secret,
/// access token, previous HMAC secret) that the current key cannot open but `previous` can
/// (bound, or unbound from an older version). Idempotent: values the current key opens are left
/// alone. Returns how many values were re-sealed and how many neither key opens.
pub async fn reseal_from_previous_key(
    db: &DatabaseConnection,
    cipher: &SecretCipher,
    previous: &SecretCipher,
) -> AppResult<(u64, u64)> {
    let rows: Vec<AllSealedColumns> = webhook::Entity::find()
        .select_only()
        .columns([
            webhook::Column::Id,
            webhook::Column::HmacSecretEnc,
            webhook::Column::AccessTokenEnc,
            webhook::Column::PreviousHmacSecretEnc,
        ])
        .into_tuple()
        .all(db)
        .await?;
    let (mut resealed, mut unreadable) = (0, 0);
    for (id, hmac, token, previous_hmac) in rows {
        let mut am = webhook::ActiveModel { id: sea_orm::ActiveValue::Unchanged(id), ..Default::default() };
        let mut changed = false;
        let columns = [
            (hmac, Binding::HmacSecret { webhook_id: id }),
            (token, Binding::AccessToken { webhook_id: id }),
            (previous_hmac, Binding::PreviousHmacSecret { webhook_id: id }),
        ];
        for (sealed, binding) in columns {
            let Some(sealed) = sealed else { continue };
            if cipher.open(&sealed, binding).is_some() {
                continue;
            }
            let Some(plain) = previous.open(&sealed, binding).or_else(|| previous.open_unbound(&sealed)) else {
                if cipher.open_unbound(&sealed).is_none() {
                    unreadable += 1;
                }
                continue;
            };
            let value = Set(Some(cipher.seal(&plain, binding)));
            match binding {
                Binding::HmacSecret { .. } => am.hmac_secret_enc = value,
                Binding::AccessToken { .. } => am.access_token_enc = value,
                Binding::PreviousHmacSecret { .. } => am.previous_hmac_secret_enc = value,
            }
            changed = true;
            resealed += 1;
        }
        if changed {
            am.update(db).await?;
        }
    }
    Ok((resealed, unreadable))
}
