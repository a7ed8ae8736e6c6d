//! Start-up step that binds secrets sealed by older versions to their row (AEAD associated
//! data), so that sealed values swapped between rows or columns no longer open.
use super::crypto::{Binding, SecretCipher};
use super::entities::webhook;
use crate::error::AppResult;
use sea_orm::{prelude::*, ActiveValue::Set, QuerySelect};

/// A webhook's id with its sealed HMAC secret and access token.
type SealedColumns = (i32, Option<Vec<u8>>, Option<Vec<u8>>);

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
