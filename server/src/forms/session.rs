//! `POST /login` and `POST /logout`.
use super::{read_form, see_other};
use crate::page::render;
use app::components::guard::login_path;
use app::routes::login::safe_next;
use app::ssr::{auth, AppState};
use app::submission::Submission;
use axum::{
    extract::{ConnectInfo, Request, State},
    http::{header, HeaderValue, StatusCode},
    response::{Html, IntoResponse, Response},
};
use std::{net::SocketAddr, time::Instant};

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
