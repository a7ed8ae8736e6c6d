//! Plain HTML form posts, for browsers without JavaScript (and for sign-in/out in every browser).
//! Each handler calls the same service as the matching server function, then either redirects
//! (303) or answers with the page rendered again: errors next to fields and typed values kept.
use crate::router::context;
use app::components::guard::login_path;
use app::error::AppError;
use app::model::{field, CurrentUser, Role, Submission, WebhookForm};
use app::routes::login::safe_next;
use app::shell;
use app::ssr::{auth, webhooks, AppState};
use axum::{
    body::Body,
    extract::{ConnectInfo, Path, Request, State},
    http::{header, request::Parts, HeaderValue, Method, StatusCode},
    response::{IntoResponse, Redirect, Response},
};
use leptos::prelude::*;
use serde::de::DeserializeOwned;
use std::{net::SocketAddr, time::Instant};

const MAX_FORM_BYTES: usize = 256 * 1024;

/// Renders `path` as a normal page load would, with `submission` in context, answering `status`.
async fn render(
    state: &AppState,
    mut parts: Parts,
    path: &str,
    submission: Option<Submission>,
    status: StatusCode,
) -> Response {
    parts.method = Method::GET;
    parts.uri = path.parse().unwrap_or_else(|_| "/".parse().expect("static uri"));
    parts.headers.remove(header::CONTENT_TYPE);
    parts.headers.remove(header::CONTENT_LENGTH);
    let base = context(state.clone());
    let extra = move || {
        base();
        if let Some(s) = submission.clone() {
            provide_context(s);
        }
    };
    let options = state.leptos_options.clone();
    let handler = leptos_axum::render_app_async_with_context(extra, move || shell(options.clone()));
    let mut res = handler(Request::from_parts(parts, Body::empty())).await;
    if res.status() == StatusCode::OK {
        *res.status_mut() = status;
    }
    res
}

async fn read_form<T: DeserializeOwned>(body: Body) -> Result<T, AppError> {
    let bytes = axum::body::to_bytes(body, MAX_FORM_BYTES)
        .await
        .map_err(|_| AppError::invalid(app::model::field::FORM, "The form is too large."))?;
    serde_html_form::from_bytes(&bytes)
        .map_err(|e| AppError::invalid(app::model::field::FORM, format!("The form could not be read: {e}")))
}

fn see_other(path: &str) -> Response {
    Redirect::to(path).into_response()
}

/// The acting administrator, or the response for someone who is not one.
async fn admin(state: &AppState, parts: &Parts, page: &str) -> Result<CurrentUser, Response> {
    match auth::check_role(parts.extensions.get::<CurrentUser>().cloned(), Role::WEBHOOK_ADMINS) {
        Ok(u) => Ok(u),
        Err(AppError::Unauthenticated) => Err(see_other(&login_path(page))),
        Err(e) => Err(render(state, parts.clone(), page, None, e.status()).await),
    }
}

#[derive(serde::Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    next: Option<String>,
}

/// `POST /login`: one generic message for any wrong credentials; failures are rate-limited.
pub async fn login(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    req: Request,
) -> Response {
    let (parts, body) = req.into_parts();
    let form: LoginForm = match read_form(body).await {
        Ok(f) => f,
        Err(_) => LoginForm { username: String::new(), password: String::new(), next: None },
    };
    let next = safe_next(form.next.clone());
    let login_page = login_path(&next);
    let address = peer.ip().to_string();
    let refuse = |message: &str, status| {
        let submission = Submission::LoginRefused { username: form.username.clone(), message: message.to_string() };
        render(&state, parts.clone(), &login_page, Some(submission), status)
    };
    if !state.login_limiter.allows(&form.username, &address, Instant::now()) {
        return refuse(
            "Too many failed sign-in attempts. Wait a few minutes and try again.",
            StatusCode::TOO_MANY_REQUESTS,
        )
        .await;
    }
    match auth::authenticate(&state.db, &form.username, &form.password).await {
        Ok(Some(user)) => {
            state.login_limiter.record_success(&form.username);
            let token = match auth::start_session(&state.db, user.id).await {
                Ok(t) => t,
                Err(e) => return refuse(&e.to_string(), e.status()).await,
            };
            tracing::info!(user = %user.username, "signed in");
            let secure = parts.headers.get("x-forwarded-proto").is_some_and(|v| v == "https");
            let mut res = see_other(&next);
            if let Ok(v) = HeaderValue::from_str(&auth::session_set_cookie(&token, secure)) {
                res.headers_mut().insert(header::SET_COOKIE, v);
            }
            res
        }
        Ok(None) => {
            state.login_limiter.record_failure(&form.username, &address, Instant::now());
            refuse("Wrong username or password.", StatusCode::UNAUTHORIZED).await
        }
        Err(e) => refuse(&e.to_string(), e.status()).await,
    }
}

/// `POST /logout`: ends the session on the server and clears the cookie.
pub async fn logout(State(state): State<AppState>, req: Request) -> Response {
    if let Some(token) = auth::session_cookie(req.headers()) {
        let _ = auth::end_session(&state.db, &token).await;
    }
    let mut res = see_other("/login");
    res.headers_mut()
        .insert(header::SET_COOKIE, HeaderValue::from_str(&auth::session_clear_cookie()).expect("static cookie"));
    res
}

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

/// Reads the webhook form field by field, so that nothing typed is lost even when a value
/// (a hand-edited id list, say) cannot be read: that field is refused by name instead.
async fn read_webhook_form(body: Body) -> (WebhookForm, Option<AppError>) {
    let pairs: Vec<(String, String)> = match read_form(body).await {
        Ok(p) => p,
        Err(e) => return (WebhookForm::default(), Some(e)),
    };
    let mut form = WebhookForm::default();
    let mut errors = app::model::FieldErrors::default();
    for (key, value) in pairs {
        match key.as_str() {
            field::NAME => form.name = value,
            field::URL => form.url = value,
            field::AUTH_METHOD => form.auth_method = value,
            field::ACCESS_TOKEN => form.access_token = value,
            field::EVENT_TYPE => form.event_type = value,
            field::EVENT_NAME => form.event_name = value,
            "active" => form.active = Some(value),
            "ssl" => form.ssl = value,
            "version" => form.version = value.parse().ok(),
            field::WORK_GROUPS | field::TEMPLATES => match value.parse::<i32>() {
                Ok(id) if key == field::WORK_GROUPS => form.work_groups.push(id),
                Ok(id) => form.templates.push(id),
                Err(_) => errors.add(
                    if key == field::WORK_GROUPS { field::WORK_GROUPS } else { field::TEMPLATES },
                    "Choose from the list.",
                ),
            },
            _ => {}
        }
    }
    (form, (!errors.is_empty()).then_some(AppError::Invalid(errors)))
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
    Fut: std::future::Future<Output = Result<app::model::SavedWebhook, AppError>>,
{
    let (parts, body) = req.into_parts();
    let actor = match admin(&state, &parts, &page).await {
        Ok(a) => a,
        Err(res) => return res,
    };
    let (form, unreadable) = read_webhook_form(body).await;
    let result = match unreadable {
        Some(e) => Err(e),
        None => save(state.clone(), actor, form.clone()).await,
    };
    match result {
        Ok(s) => saved(&state, parts, s.id, s.new_secret, created).await,
        Err(error) => {
            let status = error.status();
            render(&state, parts, &page, Some(Submission::WebhookRefused { form: Box::new(form), error }), status).await
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
    match webhooks::regenerate_secret(&state.db, &state.cipher, &actor, id).await {
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
