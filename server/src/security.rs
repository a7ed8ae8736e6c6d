//! Request-level protections: the session lookup, the same-origin check for state-changing
//! requests, and security headers.
use app::error::{AppError, MAX_FORM_BYTES};
use app::model::CurrentUser;
use app::ssr::{auth, AppState};
use axum::{
    body::Body,
    extract::{Request, State},
    http::{header, HeaderValue, Method, StatusCode},
    middleware::Next,
    response::{IntoResponse, Response},
};

/// Resolves the session cookie once per request and stores the user in the request's extensions,
/// where server functions and pages find it (`app::ssr::auth::signed_in`).
/// Built assets (`/pkg/…`: WASM, JS, CSS) are the same for everyone, so they skip the lookup.
pub async fn resolve_session(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    let is_asset = req.uri().path().starts_with("/pkg/");
    if let Some(token) = auth::session_cookie(req.headers()).filter(|_| !is_asset) {
        match auth::resolve_session(&state.db, state.sessions, &token).await {
            Ok(Some(user)) => {
                req.extensions_mut().insert::<CurrentUser>(user);
            }
            Ok(None) => {}
            Err(_) => return (StatusCode::SERVICE_UNAVAILABLE, "The database is unavailable.").into_response(),
        }
    }
    next.run(req).await
}

/// Refuses state-changing requests whose `Origin` is another site (CSRF defence on top of the
/// SameSite cookie). With `HOOKWELL_PUBLIC_URL` the Origin must be exactly that origin;
/// without it, its host must be the request's `Host`. Requests without `Origin` (curl, old
/// browsers' same-origin posts) pass.
pub async fn check_origin(State(state): State<AppState>, req: Request, next: Next) -> Response {
    if matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS) {
        return next.run(req).await;
    }
    if let Some(origin) = req.headers().get(header::ORIGIN) {
        let same_site = match (&state.public_origin, origin.to_str()) {
            (Some(public), Ok(origin)) => {
                url::Url::parse(origin).is_ok_and(|u| &u.origin().ascii_serialization() == public)
            }
            (None, Ok(origin)) => {
                let host = req.headers().get(header::HOST).and_then(|v| v.to_str().ok());
                let origin_host = url::Url::parse(origin).ok().map(|u| match u.port() {
                    Some(p) => format!("{}:{p}", u.host_str().unwrap_or_default()),
                    None => u.host_str().unwrap_or_default().to_string(),
                });
                origin_host.is_some() && origin_host.as_deref() == host
            }
            (_, Err(_)) => false,
        };
        if !same_site {
            return (StatusCode::FORBIDDEN, "Cross-site request refused.").into_response();
        }
    }
    next.run(req).await
}

/// Whether the session cookie gets `Secure`: from `HOOKWELL_PUBLIC_URL` when set, else from
/// the proxy's `X-Forwarded-Proto` as before.
pub fn cookie_is_secure(state: &AppState, headers: &http::HeaderMap) -> bool {
    match &state.public_origin {
        Some(public) => public.starts_with("https://"),
        None => headers.get("x-forwarded-proto").is_some_and(|v| v == "https"),
    }
}

/// Refuses request bodies over [`MAX_FORM_BYTES`] with 413 and a clear message: at once when
/// the declared length is over, else when reading passes the limit (the body is capped).
pub async fn limit_body(req: Request, next: Next) -> Response {
    let declared =
        req.headers().get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()).and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|n| n > MAX_FORM_BYTES) {
        return too_large();
    }
    let (parts, body) = req.into_parts();
    let capped = Body::new(http_body_util::Limited::new(body, MAX_FORM_BYTES));
    let res = next.run(Request::from_parts(parts, capped)).await;
    // A capped body that ran over surfaces as whatever the reader made of it; say what happened.
    if res.status() == StatusCode::PAYLOAD_TOO_LARGE && res.headers().get(header::CONTENT_TYPE).is_none() {
        return too_large();
    }
    res
}

fn too_large() -> Response {
    (StatusCode::PAYLOAD_TOO_LARGE, AppError::TooLarge.to_string()).into_response()
}

/// Every page and server-function answer is `Cache-Control: no-store`: they carry what only a
/// signed-in user may see (and, once, a secret), which Back or a shared cache must not replay.
/// Built assets under `/pkg/` stay cacheable.
pub async fn no_store(req: Request, next: Next) -> Response {
    let is_asset = req.uri().path().starts_with("/pkg/");
    let mut res = next.run(req).await;
    if !is_asset {
        res.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    res
}

/// The Content-Security-Policy of rendered pages: scripts only from this site or with this
/// response's nonce, WASM allowed, no framing.
fn page_csp(nonce: &str) -> String {
    format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data:; \
         connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'; object-src 'none'"
    )
}

/// The policy for every response that is not a rendered page (JSON, files, plain errors).
const DEFAULT_CSP: HeaderValue = HeaderValue::from_static("default-src 'none'; frame-ancestors 'none'");

/// This request's script nonce; pages put it on their scripts (see `router::context`).
#[derive(Clone)]
pub struct CspNonce(pub String);

/// Creates the request's nonce and sets the Content-Security-Policy of the response: the nonce
/// policy for rendered pages, the strict default for everything else.
pub async fn content_security_policy(mut req: Request, next: Next) -> Response {
    let nonce = app::ssr::crypto::random_token();
    req.extensions_mut().insert(CspNonce(nonce.clone()));
    let mut res = next.run(req).await;
    let is_html = res
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    let policy = if is_html { HeaderValue::from_str(&page_csp(&nonce)).unwrap_or(DEFAULT_CSP) } else { DEFAULT_CSP };
    res.headers_mut().insert(header::CONTENT_SECURITY_POLICY, policy);
    res
}
