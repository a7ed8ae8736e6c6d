//! `POST /login` and `POST /logout`.
use super::{read_form, see_other};
use crate::page::render;
use crate::security;
use app::components::guard::login_path;
use app::error::AppError;
use app::routes::login::safe_next;
use app::ssr::{auth, AppState};
use app::submission::Submission;
use axum::{
    extract::{ConnectInfo, Request, State},
    http::{header, HeaderValue, StatusCode},
    response::{Html, IntoResponse, Response},
};
use chrono::Utc;
use std::{net::SocketAddr, time::Duration};

#[derive(serde::Deserialize, Default)]
pub struct LoginForm {
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    next: Option<String>,
}

/// `POST /login`: one generic message for any wrong credentials. Each attempt is reserved
/// with the throttle before the password is checked (so parallel guesses get no more than the
/// limit) and handed back when it succeeds.
pub async fn login(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    req: Request,
) -> Response {
    let (parts, body) = req.into_parts();
    let form: LoginForm = read_form(body).await.unwrap_or_default();
    let next = safe_next(form.next.as_deref());
    let login_page = login_path(&next);
    let refuse = |message: &str, status, retry_after: Option<Duration>| {
        let submission = Submission::LoginRefused {
            username: auth::login_name(&form.username).to_string(),
            message: message.to_string(),
        };
        let page = render(&state, parts.clone(), &login_page, Some(submission), status);
        async move {
            let mut res = page.await;
            if let Some(wait) = retry_after {
                let secs = wait.as_secs().max(1).to_string();
                res.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from_str(&secs).expect("digits"));
            }
            res
        }
    };
    let attempt = match state.login_limiter.reserve(&form.username, &peer.ip().to_string(), Utc::now()).await {
        Ok(Ok(a)) => a,
        Ok(Err(wait)) => {
            let message = "Too many failed sign-in attempts. Wait a few minutes and try again.";
            return refuse(message, StatusCode::TOO_MANY_REQUESTS, Some(wait)).await;
        }
        Err(e) => return refuse(&e.to_string(), e.status(), None).await,
    };

    match auth::authenticate(&state.db, &form.username, &form.password).await {
        Ok(Some(user)) => {
            hand_back(&state, attempt).await;
            let token = match auth::start_session(&state.db, state.sessions, user.id).await {
                Ok(t) => t,
                Err(e) => return refuse(&e.to_string(), e.status(), None).await,
            };
            tracing::info!(user = %user.username, "signed in");
            let secure = security::cookie_is_secure(&state, &parts.headers);
            let mut res = see_other(&next);
            if let Ok(v) = HeaderValue::from_str(&auth::session_set_cookie(&token, state.sessions, secure)) {
                res.headers_mut().insert(header::SET_COOKIE, v);
            }
            res
        }
        Ok(None) => refuse("Wrong username or password.", StatusCode::UNAUTHORIZED, None).await,
        Err(AppError::Busy) => {
            // Not the person's fault: the attempt is handed back.
            hand_back(&state, attempt).await;
            let message = "Many people are signing in right now. Try again in a moment.";
            refuse(message, StatusCode::SERVICE_UNAVAILABLE, Some(Duration::from_secs(1))).await
        }
        Err(e) => refuse(&e.to_string(), e.status(), None).await,
    }
}

/// Hands a reserved attempt back. Best effort: when the database fails here the attempt
/// merely keeps counting until the window passes.
async fn hand_back(state: &AppState, attempt: app::ssr::login_limiter::Reservation) {
    if let Err(e) = state.login_limiter.succeeded(attempt).await {
        tracing::warn!(error = %e, "handing back a sign-in attempt failed");
    }
}

/// `POST /logout`: ends the session on the server and clears the cookie. When the session
/// could not be ended, says so (503) instead of pretending the user is signed out.
pub async fn logout(State(state): State<AppState>, req: Request) -> Response {
    if let Some(token) = auth::session_cookie(req.headers()) {
        if auth::end_session(&state.db, &token).await.is_err() {
            let page = Html(
                "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Sign-out failed · Hookwell</title>\
                 <link rel=\"stylesheet\" href=\"/pkg/hookwell.css\"></head><body><main class=\"page narrow\">\
                 <h1>Sign-out failed</h1><p role=\"alert\">The database did not answer, so your session is still \
                 active. Go back and press Sign out again in a moment.</p></main></body></html>",
            );
            return (StatusCode::SERVICE_UNAVAILABLE, page).into_response();
        }
    }
    let mut res = see_other("/login");
    res.headers_mut()
        .insert(header::SET_COOKIE, HeaderValue::from_str(&auth::session_clear_cookie()).expect("static cookie"));
    res
}
