//! The webhook forms without JavaScript: create, edit, regenerate the secret, and the secret
//! dialog's Continue.
use super::{admin, read_form, see_other};
use crate::page::render;
use app::error::AppError;
use app::model::{field, CurrentUser, SavedWebhook, SecretGrace, WebhookForm};
use app::ssr::{webhooks, AppState};
use app::submission::Submission;
use axum::{
    extract::{Path, Request, State},
    http::{request::Parts, StatusCode},
    response::Response,
};

/// After a save: the secret dialog when a secret was issued, else the webhook's page.
async fn saved(state: &AppState, parts: Parts, id: i32, secret: Option<String>, status: StatusCode) -> Response {
    match secret {
        Some(secret) => {
            render(
                state,
                parts,
                &format!("/webhooks/{id}"),
                Some(Submission::SecretIssued { webhook_id: id, secret }),
                status,
            )
            .await
        }
        None => see_other(&format!("/webhooks/{id}")),
    }
}

/// Saves a posted webhook form through `save`, then shows the result or the form again.
async fn save_webhook_form<F, Fut>(
    state: AppState,
    req: Request,
    page: String,
    created: StatusCode,
    save: F,
) -> Response
where
    F: FnOnce(AppState, CurrentUser, WebhookForm) -> Fut,
    Fut: std::future::Future<Output = Result<SavedWebhook, AppError>>,
{
    let (parts, body) = req.into_parts();
    let actor = match admin(&state, &parts, &page).await {
        Ok(a) => a,
        Err(res) => return res,
    };
    let (form, result) = match read_form::<WebhookForm>(body).await {
        Ok(form) => {
            let result = save(state.clone(), actor, form.clone()).await;
            (form, result)
        }
        Err(e) => (WebhookForm::default(), Err(e)),
    };
    match result {
        Ok(s) => saved(&state, parts, s.id, s.new_secret, created).await,
        Err(error) => {
            let status = error.status();
            let error = match error {
                // The typed token is not sent back, so say why the field is empty again.
                AppError::Invalid(mut fields) if !form.access_token.trim().is_empty() => {
                    fields.add(
                        field::ACCESS_TOKEN,
                        "Enter the access token again: a typed token is never sent back to the browser.",
                    );
                    AppError::Invalid(fields)
                }
                other => other,
            };
            let submission = Submission::WebhookRefused { form: Box::new(form.without_token()), error };
            render(&state, parts, &page, Some(submission), status).await
        }
    }
}

/// `POST /webhooks/new`.
pub async fn create_webhook(State(state): State<AppState>, req: Request) -> Response {
    save_webhook_form(state, req, "/webhooks/new".into(), StatusCode::CREATED, |state, actor, form| async move {
        webhooks::create(&state.db, &state.cipher, &actor, &form).await
    })
    .await
}

/// `POST /webhooks/:id/edit`.
pub async fn update_webhook(State(state): State<AppState>, Path(id): Path<i32>, req: Request) -> Response {
    save_webhook_form(
        state,
        req,
        format!("/webhooks/{id}/edit"),
        StatusCode::OK,
        move |state, actor, form| async move { webhooks::update(&state.db, &state.cipher, &actor, id, &form).await },
    )
    .await
}

#[derive(serde::Deserialize, Default)]
pub struct ConfirmForm {
    #[serde(default)]
    confirm: Option<String>,
    #[serde(default)]
    copied: Option<String>,
    /// The webhook version the regenerate confirmation was shown for.
    #[serde(default)]
    version: Option<String>,
    /// How long the previous secret keeps signing (`SecretGrace` form value); none when absent.
    #[serde(default)]
    grace: Option<String>,
}

/// `POST /webhooks/:id/regenerate-secret`: asks first; with `confirm=yes` issues a new secret.
pub async fn regenerate_secret(State(state): State<AppState>, Path(id): Path<i32>, req: Request) -> Response {
    let (parts, body) = req.into_parts();
    let page = format!("/webhooks/{id}/edit");
    let actor = match admin(&state, &parts, &page).await {
        Ok(a) => a,
        Err(res) => return res,
    };
    let form: ConfirmForm = read_form(body).await.unwrap_or_default();
    if form.confirm.as_deref() != Some("yes") {
        return render(&state, parts, &page, Some(Submission::ConfirmRegenerate), StatusCode::OK).await;
    }
    let Some(version) = form.version.as_deref().and_then(|v| v.trim().parse().ok()) else {
        let refusal =
            Submission::RegenerateRefused("The confirmation is missing its version; open the edit page again.".into());
        return render(&state, parts, &page, Some(refusal), StatusCode::UNPROCESSABLE_ENTITY).await;
    };
    let grace = match form.grace.as_deref().map(str::trim).filter(|g| !g.is_empty()) {
        None => SecretGrace::None,
        Some(g) => match SecretGrace::parse(g) {
            Some(g) => g,
            None => {
                let refusal = Submission::RegenerateRefused(
                    "Choose a grace period for the previous secret: None, 1 hour or 24 hours.".into(),
                );
                return render(&state, parts, &page, Some(refusal), StatusCode::UNPROCESSABLE_ENTITY).await;
            }
        },
    };
    match webhooks::regenerate_secret_with_grace(&state.db, &state.cipher, &actor, id, version, grace).await {
        Ok(secret) => {
            render(&state, parts, &page, Some(Submission::SecretIssued { webhook_id: id, secret }), StatusCode::OK)
                .await
        }
        Err(e) => {
            let status = e.status();
            render(&state, parts, &page, Some(Submission::RegenerateRefused(e.message())), status).await
        }
    }
}

/// `POST /webhooks/:id/secret-acknowledged`: the dialog's Continue; the checkbox must be ticked.
pub async fn secret_acknowledged(State(state): State<AppState>, Path(id): Path<i32>, req: Request) -> Response {
    let (parts, body) = req.into_parts();
    let page = format!("/webhooks/{id}");
    if let Err(res) = admin(&state, &parts, &page).await {
        return res;
    }
    let form: ConfirmForm = read_form(body).await.unwrap_or_default();
    if form.copied.is_some() {
        see_other(&page)
    } else {
        render(&state, parts, &page, Some(Submission::SecretNotAcknowledged), StatusCode::UNPROCESSABLE_ENTITY).await
    }
}
