//! Server-function forms without JavaScript. Every console form that is a Leptos
//! `ActionForm` posts to its server function (`/rpc/…`); a browser without JavaScript makes
//! that a page navigation. Here such a post gets what the webhook form gets: on success a
//! 303 back to the page (or to where the function redirects), on refusal the page rendered
//! again with the error's status (422, 403, 409…), the messages beside their fields and what
//! was typed kept — except passwords, tokens and secrets, which never come back.
use super::see_other;
use crate::page::render;
use app::components::guard::login_path;
use app::error::AppError;
use app::routes::login::safe_next;
use app::ssr::AppState;
use app::submission::{is_secret_field, Submission, PAGE_FIELD};
use axum::{
    body::Body,
    extract::{Request, State},
    http::{header, HeaderValue, Method},
    middleware::Next,
    response::Response,
};
use leptos::server_fn::error::SERVER_FN_ERROR_HEADER;

/// A plain form navigation asks for HTML; the server-function client asks for its encoding.
fn is_page_navigation(req: &Request) -> bool {
    req.method() == Method::POST
        && req.uri().path().starts_with("/rpc/")
        && req.headers().get(header::ACCEPT).and_then(|v| v.to_str().ok()).is_some_and(|v| v.contains("text/html"))
}

/// The same-site page the form was on: its `_page` field, else the `Referer`, else the start page.
fn page_of(headers: &http::HeaderMap, values: &[(String, String)]) -> String {
    let named = values.iter().find(|(k, _)| k == PAGE_FIELD).map(|(_, v)| v.clone());
    let referer = || {
        let referer = headers.get(header::REFERER).and_then(|v| v.to_str().ok())?;
        url::Url::parse(referer).ok().map(|u| match u.query() {
            Some(q) => format!("{}?{q}", u.path()),
            None => u.path().to_string(),
        })
    };
    named
        .or_else(referer)
        .filter(|p| p.starts_with('/') && !p.starts_with("//") && !p.starts_with("/rpc/"))
        .map(|p| safe_next(Some(&p)))
        .unwrap_or_else(|| "/".into())
}

/// Middleware: answers plain-form posts to server functions as described above.
pub async fn answer_plain_posts(State(state): State<AppState>, req: Request, next: Next) -> Response {
    if !is_page_navigation(&req) {
        return next.run(req).await;
    }
    let form = req.uri().path().trim_start_matches("/rpc/").to_string();
    let (mut parts, body) = req.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, usize::MAX).await else {
        let page = page_of(&parts.headers, &[]);
        return render(&state, parts, &page, None, AppError::TooLarge.status()).await;
    };
    let values: Vec<(String, String)> =
        url::form_urlencoded::parse(&bytes).into_owned().filter(|(k, _)| !is_secret_field(k)).collect();
    let page = page_of(&parts.headers, &values);
    // Ask for the function's own answer rather than Leptos's redirect back to the Referer.
    let original = parts.clone();
    parts.headers.insert(header::ACCEPT, HeaderValue::from_static("application/json"));
    let res = next.run(Request::from_parts(parts, Body::from(bytes))).await;
    if let Some(to) = res.headers().get(header::LOCATION).and_then(|v| v.to_str().ok()) {
        return see_other(to);
    }
    let failed = res.headers().contains_key(SERVER_FN_ERROR_HEADER) || !res.status().is_success();
    if !failed {
        return see_other(&page);
    }
    let body = axum::body::to_bytes(res.into_body(), 1 << 20).await.unwrap_or_default();
    let error = serde_json::from_slice::<AppError>(&body).unwrap_or(AppError::Internal);
    if error == AppError::Unauthenticated {
        return see_other(&login_path(&page));
    }
    let status = error.status();
    render(&state, original, &page, Some(Submission::FormRefused { form, values, error }), status).await
}
