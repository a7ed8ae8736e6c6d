//! Rendering pages: the Leptos options, the context every render gets, and rendering a page
//! in answer to a form post.
use crate::security::CspNonce;
use app::shell;
use app::ssr::AppState;
use app::submission::Submission;
use axum::{
    body::Body,
    extract::Request,
    http::{header, request::Parts, Method, StatusCode},
    response::Response,
};
use leptos::prelude::*;
use std::net::SocketAddr;

/// Where the built site (WASM, JS, CSS) is served from; `cargo leptos build` writes it.
pub fn leptos_options(addr: SocketAddr) -> LeptosOptions {
    LeptosOptions::builder()
        .output_name("hookwell")
        .site_root(std::env::var("LEPTOS_SITE_ROOT").unwrap_or_else(|_| "target/site".into()))
        .site_pkg_dir("pkg")
        .site_addr(addr)
        .env(leptos::config::Env::PROD)
        .build()
}

/// Context for every page render and server function: the state, and the nonce that the
/// response's Content-Security-Policy allows (set by `security::content_security_policy`).
pub fn context(state: AppState) -> impl Fn() + Clone + Send + Sync + 'static {
    move || {
        provide_context(state.clone());
        let nonce = use_context::<http::request::Parts>().and_then(|p| p.extensions.get::<CspNonce>().cloned());
        if let Some(CspNonce(n)) = nonce {
            provide_context(leptos::nonce::Nonce::from_value(n));
        }
    }
}

/// Renders `path` as a normal page load would, with `submission` in context, answering `status`.
pub async fn render(
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
