//! The axum router: Leptos pages and server functions, no-JavaScript form handlers, health
//! checks, static files, and the layers every request passes through.
use crate::page::context;
use crate::{forms, security};
use app::error::AppError;
use app::ssr::AppState;
use app::{shell, App};
use axum::{
    body::Body,
    extract::{Request, State},
    http::{header, HeaderName, HeaderValue, StatusCode},
    middleware,
    response::{IntoResponse, Response},
    routing::{get, post},
    Router,
};
use leptos::server_fn::error::SERVER_FN_ERROR_HEADER;
use leptos_axum::{generate_route_list, LeptosRoutes};
use tower_http::{
    compression::CompressionLayer,
    request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer},
    services::ServeDir,
    set_header::SetResponseHeaderLayer,
    trace::{DefaultOnResponse, TraceLayer},
};

/// A refused server-function call answers with its [`AppError`]'s status (401, 403, 422, …)
/// rather than the generic 500 the server-function layer uses for every error.
async fn server_fn_error_status(req: Request<Body>, next: middleware::Next) -> Response {
    let res = next.run(req).await;
    // A plain form post is redirected back to its page with the error in the URL; keep that.
    if !res.headers().contains_key(SERVER_FN_ERROR_HEADER) || res.status().is_redirection() {
        return res;
    }
    let (mut parts, body) = res.into_parts();
    let bytes = axum::body::to_bytes(body, 1 << 20).await.unwrap_or_default();
    if let Ok(error) = serde_json::from_slice::<AppError>(&bytes) {
        parts.status = error.status();
    }
    Response::from_parts(parts, Body::from(bytes))
}

async fn healthz() -> &'static str {
    "ok"
}

/// How long `/readyz` waits for the database. While a PostgreSQL server is down the pool
/// keeps trying to connect (up to its acquire timeout, 30 s); readiness answers before that.
const READY_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(2);

async fn readyz(State(state): State<AppState>) -> impl IntoResponse {
    match tokio::time::timeout(READY_TIMEOUT, state.db.ping()).await {
        Ok(Ok(())) => (StatusCode::OK, "ready"),
        Ok(Err(e)) => {
            tracing::error!(error = %e, "readiness check failed");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable")
        }
        Err(_) => {
            tracing::error!("readiness check failed: the database did not answer within {READY_TIMEOUT:?}");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable")
        }
    }
}

fn pkg_files(options: &leptos::config::LeptosOptions) -> ServeDir {
    let dir = std::path::Path::new(options.site_root.as_ref()).join(options.site_pkg_dir.as_ref());
    ServeDir::new(dir).precompressed_br().precompressed_gzip()
}

/// The console and the platform API with default delivery settings (private targets refused).
pub fn build(state: AppState) -> Router {
    let config = crate::config::Config::load(|_| None).unwrap_or_else(|e| panic!("default config: {e}"));
    match crate::api_state(&state, &config) {
        Ok(api) => build_with_api(state, api),
        Err(e) => panic!("{e}"),
    }
}

/// The console, the platform API under `/api/v1` (its own body limit, no console layers), and
/// the layers every request passes through.
pub fn build_with_api(state: AppState, api: crate::api::ApiState) -> Router {
    let routes = generate_route_list(App);
    let options = state.leptos_options.clone();
    let x_request_id = HeaderName::from_static("x-request-id");
    let metrics = state.metrics.clone();
    Router::new()
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .route("/metrics", get(crate::metrics::handler))
        .route("/login", post(forms::session::login))
        .route("/logout", post(forms::session::logout))
        .route("/webhooks/new", post(forms::webhook::create_webhook))
        .route("/webhooks/{id}/edit", post(forms::webhook::update_webhook))
        .route("/webhooks/{id}/regenerate-secret", post(forms::webhook::regenerate_secret))
        .route("/webhooks/{id}/secret-acknowledged", post(forms::webhook::secret_acknowledged))
        .route("/api-keys", post(forms::api_keys::create_api_key))
        .route("/api-keys/key-acknowledged", post(forms::api_keys::key_acknowledged))
        .leptos_routes_with_context(&state, routes, context(state.clone()), {
            let options = options.clone();
            move || shell(options.clone())
        })
        // The built WASM, JS and CSS, as brotli or gzip when the browser takes it and the build
        // wrote the compressed copies (`cargo leptos build --release --precompress`).
        .nest_service("/pkg", pkg_files(&options))
        .fallback(leptos_axum::file_and_error_handler_with_context::<AppState, _>(context(state.clone()), shell))
        .layer(middleware::from_fn(server_fn_error_status))
        .layer(middleware::from_fn_with_state(state.clone(), forms::server_fn::answer_plain_posts))
        .layer(middleware::from_fn_with_state(state.clone(), security::resolve_session))
        .layer(middleware::from_fn_with_state(state.clone(), security::check_origin))
        .layer(middleware::from_fn(security::limit_body))
        // Pages and server-function answers go out as brotli or gzip when the browser takes it
        // (the edit page's 51 KB of HTML, half of it the islands router's branch markers, as
        // 11 KB). Outside every layer above, which read bodies as written; the built files keep
        // their precompressed copies. (BREACH needs an attacker's request to carry the session
        // and reflect their input next to a secret: the cookie is SameSite=Lax, cross-site
        // posts are refused, and only answers to posts show a secret.)
        .layer(CompressionLayer::new())
        .with_state(state)
        .merge(crate::api::router(api))
        .layer(middleware::from_fn(security::no_store))
        .layer(middleware::from_fn(security::content_security_policy))
        .layer(SetResponseHeaderLayer::overriding(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff")))
        .layer(SetResponseHeaderLayer::overriding(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY")))
        .layer(SetResponseHeaderLayer::overriding(header::REFERRER_POLICY, HeaderValue::from_static("same-origin")))
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(|req: &Request<Body>| {
                    let id = req.headers().get("x-request-id").and_then(|v| v.to_str().ok()).unwrap_or("-");
                    tracing::info_span!("request", request_id = %id, method = %req.method(), path = %req.uri().path())
                })
                .on_response(DefaultOnResponse::new().level(tracing::Level::INFO)),
        )
        .layer(middleware::from_fn_with_state(metrics, crate::metrics::track_http))
        .layer(PropagateRequestIdLayer::new(x_request_id.clone()))
        .layer(SetRequestIdLayer::new(x_request_id, MakeRequestUuid))
}

#[cfg(test)]
mod tests {
    use super::*;
    use tower::ServiceExt;

    /// A browser that takes brotli gets the build's `.br` copy (with its encoding named); one
    /// that does not gets the file as built.
    #[tokio::test]
    async fn built_assets_go_out_compressed_when_the_browser_accepts_it() {
        let site = tempfile::tempdir().unwrap();
        std::fs::create_dir(site.path().join("pkg")).unwrap();
        std::fs::write(site.path().join("pkg/hookwell.wasm"), b"\0asm the whole module").unwrap();
        std::fs::write(site.path().join("pkg/hookwell.wasm.br"), b"brotli bytes").unwrap();
        let options = leptos::config::LeptosOptions::builder()
            .output_name("hookwell")
            .site_root(site.path().display().to_string())
            .site_pkg_dir("pkg")
            .build();
        let get = |encoding: Option<&'static str>| {
            let mut req = Request::get("/hookwell.wasm");
            if let Some(e) = encoding {
                req = req.header(header::ACCEPT_ENCODING, e);
            }
            pkg_files(&options).oneshot(req.body(Body::empty()).unwrap())
        };

        let res = get(Some("gzip, deflate, br, zstd")).await.unwrap();
        assert_eq!(res.status(), StatusCode::OK);
        assert_eq!(res.headers()[header::CONTENT_ENCODING], "br");
        assert_eq!(res.headers()[header::CONTENT_TYPE], "application/wasm");
        assert_eq!(&axum::body::to_bytes(Body::new(res.into_body()), 1024).await.unwrap()[..], b"brotli bytes");

        // No gzip copy was written: a gzip-only browser gets the plain file.
        for encoding in [None, Some("gzip")] {
            let res = get(encoding).await.unwrap();
            assert_eq!(res.status(), StatusCode::OK);
            assert!(res.headers().get(header::CONTENT_ENCODING).is_none());
            assert_eq!(
                &axum::body::to_bytes(Body::new(res.into_body()), 1024).await.unwrap()[..],
                b"\0asm the whole module"
            );
        }
    }
}
