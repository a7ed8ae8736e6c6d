//! Webhook administration: create, read, update, activate, delete and secret regeneration.
//! Server functions and the no-JavaScript form handlers both call these.
use super::crypto::{new_hmac_secret, SecretCipher};
use super::entities::{webhook, webhook_template, webhook_work_group};
use super::{audit, catalog};
use crate::error::{AppError, AppResult};
use crate::model::{
    field, AuthMethod, CatalogKind, CurrentUser, EventType, SavedWebhook, WebhookDetail, WebhookDraft, WebhookForm,
    WebhookPage, WebhookQuery, WebhookSort, WebhookSummary, PAGE_SIZE,
};
use chrono::Utc;
use sea_orm::{
    prelude::*,
    sea_query::{ExprTrait, Func, LikeExpr},
    ActiveValue::Set,
    Condition, DatabaseTransaction, PaginatorTrait, QueryOrder, QuerySelect, TransactionTrait,
};

fn auth_of(m: &webhook::Model) -> AuthMethod {
    AuthMethod::parse(&m.auth_method).unwrap_or(AuthMethod::Hmac)
}

fn event_of(m: &webhook::Model) -> EventType {
    EventType::parse(&m.event_type).unwrap_or(EventType::NewWorkItemVersionComplete)
}

fn target(m: &webhook::Model) -> audit::Target<'_> {
    audit::Target { kind: "webhook", id: Some(m.id), name: &m.name }
}

fn timestamp(t: DateTimeUtc) -> String {
    t.format("%Y-%m-%d %H:%M UTC").to_string()
}

async fn find(db: &impl ConnectionTrait, id: i32) -> AppResult<webhook::Model> {
    webhook::Entity::find_by_id(id).one(db).await?.ok_or_else(|| AppError::NotFound("Webhook".into()))
}

/// One page of the list, searched, filtered and sorted.
pub async fn list(db: &DatabaseConnection, q: &WebhookQuery) -> AppResult<WebhookPage> {
    let mut cond = Condition::all();
    let search = q.search.trim().to_lowercase();
    if !search.is_empty() {
        let escaped = search.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
        let pattern = format!("%{escaped}%");
        cond = cond.add(
            Condition::any()
                .add(
                    Expr::expr(Func::lower(Expr::col(webhook::Column::Name)))
                        .like(LikeExpr::new(pattern.clone()).escape('\\')),
                )
                .add(
                    Expr::expr(Func::lower(Expr::col(webhook::Column::Url))).like(LikeExpr::new(pattern).escape('\\')),
                ),
        );
    }
    if let Some(t) = q.event_type {
        cond = cond.add(webhook::Column::EventType.eq(t.as_str()));
    }
    if let Some(a) = q.active {
        cond = cond.add(webhook::Column::Active.eq(a));
    }
    let mut select = webhook::Entity::find().filter(cond);
    select = match q.sort {
        WebhookSort::Name => select.order_by_asc(webhook::Column::Name),
        WebhookSort::EventType => {
            select.order_by_asc(webhook::Column::EventType).order_by_asc(webhook::Column::Position)
        }
        WebhookSort::Newest => select.order_by_desc(webhook::Column::Id),
    };
    let paginator = select.paginate(db, PAGE_SIZE);
    let counts = paginator.num_items_and_pages().await?;
    let page = Ord::min(q.page, counts.number_of_pages.saturating_sub(1));
    let rows = paginator.fetch_page(page).await?;
    let any = counts.number_of_items > 0 || webhook::Entity::find().count(db).await? > 0;
    Ok(WebhookPage {
        rows: rows
            .into_iter()
            .map(|m| WebhookSummary {
                id: m.id,
                url_host: url::Url::parse(&m.url)
                    .ok()
                    .and_then(|u| u.host_str().map(str::to_string))
                    .unwrap_or_default(),
                event_type: event_of(&m),
                auth_method: auth_of(&m),
                active: m.active,
                last_delivery: None,
                name: m.name,
            })
            .collect(),
        total: counts.number_of_items,
        page,
        pages: Ord::max(counts.number_of_pages, 1),
        any,
    })
}

/// Everything the detail page shows (never a secret).
pub async fn detail(db: &DatabaseConnection, id: i32) -> AppResult<WebhookDetail> {
    let m = find(db, id).await?;
    let (wg_ids, tpl_ids) = link_ids(db, id).await?;
    Ok(WebhookDetail {
        id: m.id,
        url: m.url.clone(),
        auth_method: auth_of(&m),
        access_token_hint: m.access_token_hint.as_ref().map(|h| format!("••••{h}")),
        event_type: event_of(&m),
        event_name: m.event_name.clone(),
        active: m.active,
        accept_untrusted_ssl: m.accept_untrusted_ssl,
        work_groups: catalog::by_ids(db, CatalogKind::WorkGroup, &wg_ids).await?,
        templates: catalog::by_ids(db, CatalogKind::Template, &tpl_ids).await?,
        version: m.version,
        created_at: timestamp(m.created_at),
        created_by: m.created_by,
        updated_at: timestamp(m.updated_at),
        updated_by: m.updated_by,
        name: m.name,
    })
}

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
        return Err(AppError::invalid(
            field::NAME,
            format!("A webhook named “{}” already exists. Choose another name.", draft.name),
        ));
    }
    if draft.event_type == EventType::PostProcessingEvent {
        if let Some(existing) =
            others.filter(webhook::Column::EventType.eq(EventType::PostProcessingEvent.as_str())).one(txn).await?
        {
            return Err(AppError::invalid(
                field::EVENT_TYPE,
                format!(
                    "Only one PostProcessingEvent webhook is allowed per site, and “{}” already is one.",
                    existing.name
                ),
            ));
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
    let txn = db.begin().await?;
    check_against_others(&txn, &draft, None).await?;
    let secret = (draft.auth_method == AuthMethod::Hmac).then(new_hmac_secret);
    let last: Option<i32> = webhook::Entity::find()
        .select_only()
        .column_as(webhook::Column::Position.max(), "max")
        .into_tuple::<Option<i32>>()
        .one(&txn)
        .await?
        .flatten();
    let now = Utc::now();
    let m = webhook::ActiveModel {
        name: Set(draft.name.clone()),
        url: Set(draft.url.clone()),
        auth_method: Set(draft.auth_method.as_str().into()),
        event_type: Set(draft.event_type.as_str().into()),
        event_name: Set(draft.event_name.clone()),
        active: Set(draft.active),
        accept_untrusted_ssl: Set(draft.accept_untrusted_ssl),
        position: Set(last.unwrap_or(0) + 1),
        version: Set(1),
        hmac_secret_enc: Set(secret.as_deref().map(|s| cipher.seal(s))),
        access_token_enc: Set(draft.access_token.as_deref().map(|t| cipher.seal(t))),
        access_token_hint: Set(draft.access_token.as_deref().map(token_hint)),
        created_at: Set(now),
        created_by: Set(actor.username.clone()),
        updated_at: Set(now),
        updated_by: Set(actor.username.clone()),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
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
    let txn = db.begin().await?;
    let old = find(&txn, id).await?;
    let was = auth_of(&old);
    let draft =
        form.validate(was == AuthMethod::AccessToken && old.access_token_enc.is_some()).map_err(AppError::Invalid)?;
    let Some(seen) = form.version else {
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
                am.hmac_secret_enc = Set(Some(cipher.seal(&s)));
                secret = Some(s);
                changed.push("HMAC secret issued".into());
            }
        }
        AuthMethod::AccessToken => {
            am.hmac_secret_enc = Set(None);
            if let Some(t) = draft.access_token.as_deref() {
                am.access_token_enc = Set(Some(cipher.seal(t)));
                am.access_token_hint = Set(Some(token_hint(t)));
                changed.push("access token replaced".into());
            }
        }
    }
    am.name = Set(draft.name.clone());
    am.url = Set(draft.url.clone());
    am.auth_method = Set(draft.auth_method.as_str().into());
    am.event_type = Set(draft.event_type.as_str().into());
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

fn changed_fields(old: &webhook::Model, d: &WebhookDraft) -> Vec<String> {
    let mut c = Vec::new();
    let mut note = |cond: bool, what: &str| {
        if cond {
            c.push(what.to_string());
        }
    };
    note(old.name != d.name, "name");
    note(old.url != d.url, "URL");
    note(old.auth_method != d.auth_method.as_str(), "authentication method");
    note(old.event_type != d.event_type.as_str(), "event type");
    note(old.event_name != d.event_name, "interview event name");
    note(old.active != d.active, if d.active { "activated" } else { "deactivated" });
    note(old.accept_untrusted_ssl != d.accept_untrusted_ssl, "untrusted SSL choice");
    c
}

/// Activates or deactivates a webhook at once.
pub async fn set_active(db: &DatabaseConnection, actor: &CurrentUser, id: i32, active: bool) -> AppResult<()> {
    let txn = db.begin().await?;
    let old = find(&txn, id).await?;
    if old.active != active {
        let mut am: webhook::ActiveModel = old.clone().into();
        am.active = Set(active);
        save_versioned(&txn, am, &old, actor).await?;
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
    let txn = db.begin().await?;
    let old = find(&txn, id).await?;
    webhook::Entity::delete_by_id(id).exec(&txn).await?;
    audit::record(&txn, &actor.username, "webhook.delete", target(&old), format!("{} → {}", old.event_type, old.url))
        .await?;
    txn.commit().await?;
    Ok(old.name)
}

/// Replaces the HMAC secret; the old one stops working at once (no grace period).
pub async fn regenerate_secret(
    db: &DatabaseConnection,
    cipher: &SecretCipher,
    actor: &CurrentUser,
    id: i32,
) -> AppResult<String> {
    let txn = db.begin().await?;
    let old = find(&txn, id).await?;
    if auth_of(&old) != AuthMethod::Hmac {
        return Err(AppError::invalid(
            field::AUTH_METHOD,
            "This webhook uses an access token; switch it to HMAC to get a secret.",
        ));
    }
    let secret = new_hmac_secret();
    let mut am: webhook::ActiveModel = old.clone().into();
    am.hmac_secret_enc = Set(Some(cipher.seal(&secret)));
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
    Ok(find(db, id).await?.hmac_secret_enc.and_then(|s| cipher.open(&s)))
}
