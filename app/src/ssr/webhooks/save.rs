//! Saving the webhook form: create and edit, with the rules that need the database.
use super::{audit, find, link_ids, name_taken, post_processing_taken, refusal, save_versioned, stale, target};
use crate::error::{AppError, AppResult};
use crate::model::{field, AuthMethod, CatalogKind, CurrentUser, EventType, SavedWebhook, WebhookDraft, WebhookForm};
use crate::ssr::catalog;
use crate::ssr::crypto::{new_hmac_secret, Binding, SecretCipher};
use crate::ssr::db::{broken_rule, UniqueRule};
use crate::ssr::entities::{webhook, webhook_template, webhook_work_group};
use chrono::Utc;
use sea_orm::{
    prelude::*,
    sea_query::{ExprTrait, Func},
    ActiveValue::Set,
    DatabaseTransaction, QuerySelect, TransactionTrait,
};

/// Rules that need the database: unique name, one PostProcessingEvent webhook, existing links.
async fn check_against_others(txn: &DatabaseTransaction, draft: &WebhookDraft, own_id: Option<i32>) -> AppResult<()> {
    let mut others = webhook::Entity::find();
    if let Some(id) = own_id {
        others = others.filter(webhook::Column::Id.ne(id));
    }
    let same_name = others
        .clone()
        .filter(ExprTrait::eq(Expr::expr(Func::lower(Expr::col(webhook::Column::Name))), draft.name.to_lowercase()))
        .one(txn)
        .await?;
    if same_name.is_some() {
        return Err(name_taken(&draft.name));
    }
    if draft.event_type == EventType::PostProcessingEvent {
        if let Some(existing) =
            others.filter(webhook::Column::EventType.eq(EventType::PostProcessingEvent)).one(txn).await?
        {
            return Err(post_processing_taken(&existing.name));
        }
    }
    if catalog::by_ids(txn, CatalogKind::WorkGroup, &draft.work_groups).await?.len() != draft.work_groups.len() {
        return Err(AppError::invalid(
            field::WORK_GROUPS,
            "A chosen work group no longer exists. Reload and choose again.",
        ));
    }
    if catalog::by_ids(txn, CatalogKind::Template, &draft.templates).await?.len() != draft.templates.len() {
        return Err(AppError::invalid(
            field::TEMPLATES,
            "A chosen template no longer exists. Reload and choose again.",
        ));
    }
    Ok(())
}

async fn replace_links(txn: &DatabaseTransaction, id: i32, draft: &WebhookDraft) -> AppResult<()> {
    webhook_work_group::Entity::delete_many().filter(webhook_work_group::Column::WebhookId.eq(id)).exec(txn).await?;
    webhook_template::Entity::delete_many().filter(webhook_template::Column::WebhookId.eq(id)).exec(txn).await?;
    if !draft.work_groups.is_empty() {
        webhook_work_group::Entity::insert_many(
            draft
                .work_groups
                .iter()
                .map(|&w| webhook_work_group::ActiveModel { webhook_id: Set(id), work_group_id: Set(w) }),
        )
        .exec(txn)
        .await?;
    }
    if !draft.templates.is_empty() {
        webhook_template::Entity::insert_many(
            draft.templates.iter().map(|&t| webhook_template::ActiveModel { webhook_id: Set(id), template_id: Set(t) }),
        )
        .exec(txn)
        .await?;
    }
    Ok(())
}

/// How many times a create tries the next free position when concurrent creates took it.
const POSITION_ATTEMPTS: usize = 10;

/// Inserts `row` last in the order (highest position + 1). A concurrent create can take that
/// position between the read and the insert (the unique index `ux_webhooks_position` refuses
/// the second); then the next free one is tried, in a savepoint so the transaction survives.
/// Any other refusal is answered with the field message of the rule it broke.
async fn insert_last(
    txn: &DatabaseTransaction,
    mut row: webhook::ActiveModel,
    name: &str,
) -> AppResult<webhook::Model> {
    let mut attempt = 1;
    loop {
        let savepoint = txn.begin().await?;
        let last: Option<i32> = webhook::Entity::find()
            .select_only()
            .column_as(webhook::Column::Position.max(), "max")
            .into_tuple::<Option<i32>>()
            .one(&savepoint)
            .await?
            .flatten();
        row.position = Set(last.unwrap_or(0) + 1);
        match row.clone().insert(&savepoint).await {
            Ok(m) => {
                savepoint.commit().await?;
                return Ok(m);
            }
            Err(e) => {
                savepoint.rollback().await?;
                if attempt < POSITION_ATTEMPTS && broken_rule(&e) == Some(UniqueRule::WebhookPosition) {
                    attempt += 1;
                    continue;
                }
                return Err(refusal(txn, e, name, None).await);
            }
        }
    }
}

fn token_hint(token: &str) -> String {
    let chars: Vec<char> = token.chars().collect();
    chars[chars.len().saturating_sub(4)..].iter().collect()
}

/// Creates a webhook. With HMAC, a new secret is generated and returned once.
pub async fn create(
    db: &DatabaseConnection,
    cipher: &SecretCipher,
    actor: &CurrentUser,
    form: &WebhookForm,
) -> AppResult<SavedWebhook> {
    let draft = form.validate(false).map_err(AppError::Invalid)?;
    let txn = crate::ssr::db::begin_write(db).await?;
    check_against_others(&txn, &draft, None).await?;
    let secret = (draft.auth_method == AuthMethod::Hmac).then(new_hmac_secret);
    let now = Utc::now();
    let new_row = webhook::ActiveModel {
        name: Set(draft.name.clone()),
        url: Set(draft.url.clone()),
        auth_method: Set(draft.auth_method),
        event_type: Set(draft.event_type),
        event_name: Set(draft.event_name.clone()),
        active: Set(draft.active),
        accept_untrusted_ssl: Set(draft.accept_untrusted_ssl),
        version: Set(1),
        access_token_hint: Set(draft.access_token.as_deref().map(token_hint)),
        created_at: Set(now),
        created_by: Set(actor.username.clone()),
        updated_at: Set(now),
        updated_by: Set(actor.username.clone()),
        ..Default::default()
    };
    let m = insert_last(&txn, new_row, &draft.name).await?;
    // Secrets are sealed bound to the row's id, so they are written once the id exists.
    let sealed = webhook::ActiveModel {
        id: sea_orm::ActiveValue::Unchanged(m.id),
        hmac_secret_enc: Set(secret.as_deref().map(|s| cipher.seal(s, Binding::HmacSecret { webhook_id: m.id }))),
        access_token_enc: Set(draft
            .access_token
            .as_deref()
            .map(|t| cipher.seal(t, Binding::AccessToken { webhook_id: m.id }))),
        ..Default::default()
    };
    sealed.update(&txn).await?;
    replace_links(&txn, m.id, &draft).await?;
    audit::record(
        &txn,
        &actor.username,
        "webhook.create",
        target(&m),
        format!("{} via {}", draft.event_type, draft.auth_method.label()),
    )
    .await?;
    txn.commit().await?;
    Ok(SavedWebhook { id: m.id, new_secret: secret })
}

/// Saves an edit. Refused when someone else saved since `form.version` was loaded.
/// Switching to HMAC issues a new secret; switching to Access token removes it.
pub async fn update(
    db: &DatabaseConnection,
    cipher: &SecretCipher,
    actor: &CurrentUser,
    id: i32,
    form: &WebhookForm,
) -> AppResult<SavedWebhook> {
    let txn = crate::ssr::db::begin_write(db).await?;
    let old = find(&txn, id).await?;
    let was = old.auth_method;
    let draft =
        form.validate(was == AuthMethod::AccessToken && old.access_token_enc.is_some()).map_err(AppError::Invalid)?;
    let Ok(seen) = form.version.trim().parse::<i32>() else {
        return Err(AppError::invalid(field::FORM, "The form is missing its version; reload the page and try again."));
    };
    if seen != old.version {
        return Err(stale(&old));
    }
    check_against_others(&txn, &draft, Some(id)).await?;

    let mut changed = changed_fields(&old, &draft);
    if link_ids(&txn, id).await? != (draft.work_groups.clone(), draft.templates.clone()) {
        changed.push("work groups/templates".into());
    }
    let mut am: webhook::ActiveModel = old.clone().into();
    let mut secret = None;
    match draft.auth_method {
        AuthMethod::Hmac => {
            am.access_token_enc = Set(None);
            am.access_token_hint = Set(None);
            if was != AuthMethod::Hmac || old.hmac_secret_enc.is_none() {
                let s = new_hmac_secret();
                am.hmac_secret_enc = Set(Some(cipher.seal(&s, Binding::HmacSecret { webhook_id: id })));
                secret = Some(s);
                changed.push("HMAC secret issued".into());
            }
        }
        AuthMethod::AccessToken => {
            am.hmac_secret_enc = Set(None);
            if let Some(t) = draft.access_token.as_deref() {
                am.access_token_enc = Set(Some(cipher.seal(t, Binding::AccessToken { webhook_id: id })));
                am.access_token_hint = Set(Some(token_hint(t)));
                changed.push("access token replaced".into());
            }
        }
    }
    am.name = Set(draft.name.clone());
    am.url = Set(draft.url.clone());
    am.auth_method = Set(draft.auth_method);
    am.event_type = Set(draft.event_type);
    am.event_name = Set(draft.event_name.clone());
    am.active = Set(draft.active);
    am.accept_untrusted_ssl = Set(draft.accept_untrusted_ssl);
    save_versioned(&txn, am, &old, actor).await?;
    replace_links(&txn, id, &draft).await?;
    let detail = if changed.is_empty() { "no changes".to_string() } else { changed.join(", ") };
    audit::record(
        &txn,
        &actor.username,
        "webhook.update",
        audit::Target { kind: "webhook", id: Some(id), name: &draft.name },
        detail,
    )
    .await?;
    txn.commit().await?;
    Ok(SavedWebhook { id, new_secret: secret })
}

fn changed_fields(old: &webhook::Model, d: &WebhookDraft) -> Vec<String> {
    let mut c = Vec::new();
    let mut note = |cond: bool, what: &str| {
        if cond {
            c.push(what.to_string());
        }
    };
    note(old.name != d.name, "name");
    note(old.url != d.url, "URL");
    note(old.auth_method != d.auth_method, "authentication method");
    note(old.event_type != d.event_type, "event type");
    note(old.event_name != d.event_name, "interview event name");
    note(old.active != d.active, if d.active { "activated" } else { "deactivated" });
    note(old.accept_untrusted_ssl != d.accept_untrusted_ssl, "untrusted SSL choice");
    c
}
