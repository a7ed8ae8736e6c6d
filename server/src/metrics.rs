//! `/metrics` (Prometheus text format), the HTTP latency layer, and how a delivery attempt
//! counts. The metrics themselves live in [`app::ssr::metrics`].
use crate::delivery::client::Sent;
use crate::delivery::retry::{AttemptOutcome, FailureReason, Step};
use app::ssr::metrics::{DeliveryOutcome, Metrics};
use app::ssr::AppState;
use axum::{
    body::Body,
    extract::{MatchedPath, Request, State},
    http::{header, HeaderMap, HeaderValue, StatusCode},
    middleware::Next,
    response::{IntoResponse, Response},
};
use std::sync::Arc;

/// The content type of the text exposition format.
pub const CONTENT_TYPE: &str = "text/plain; version=0.0.4; charset=utf-8";

/// Counts one attempt by what it did to its delivery, and its duration.
pub fn record_attempt(metrics: &Metrics, sent: &Sent, step: &Step) {
    let outcome = match step {
        Step::Succeeded => DeliveryOutcome::Succeeded,
        Step::Failed(FailureReason::Gone) => DeliveryOutcome::Gone,
        _ if sent.outcome == AttemptOutcome::EgressRefused => DeliveryOutcome::Refused,
        Step::Retry { .. } => DeliveryOutcome::Retrying,
        Step::Failed(FailureReason::AttemptsExhausted) => DeliveryOutcome::Failed,
    };
    let sent_anything = sent.outcome != AttemptOutcome::EgressRefused;
    metrics.attempt(outcome, sent_anything.then_some(sent.duration));
}

/// `GET /metrics`: open when `HOOKWELL_METRICS_TOKEN` is unset, otherwise only with
/// `Authorization: Bearer <token>` (401 without).
pub async fn handler(State(state): State<AppState>, headers: HeaderMap) -> Response {
    if let Some(token) = &state.metrics.token {
        let given = headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .unwrap_or_default();
        let same: bool = subtle_eq(given.trim().as_bytes(), token.as_bytes());
        if !same {
            return (
                StatusCode::UNAUTHORIZED,
                [(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer realm=\"metrics\""))],
                "metrics need Authorization: Bearer <HOOKWELL_METRICS_TOKEN>\n",
            )
                .into_response();
        }
    }
    match state.metrics.render(&state.db).await {
        Ok(text) => ([(header::CONTENT_TYPE, HeaderValue::from_static(CONTENT_TYPE))], text).into_response(),
        Err(e) => {
            tracing::error!(error = %e.message(), "reading metrics from the database failed");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable\n").into_response()
        }
    }
}

/// Compares in time independent of where the first difference is.
fn subtle_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Records every request's latency under its route template (`/webhooks/{id}`), so ids do not
/// make new series; requests no route matched (static files, 404) count as `fallback`.
pub async fn track_http(State(metrics): State<Arc<Metrics>>, req: Request<Body>, next: Next) -> Response {
    let started = std::time::Instant::now();
    let method = req.method().clone();
    let route = req.extensions().get::<MatchedPath>().map(|p| p.as_str().to_string());
    let res = next.run(req).await;
    let route = route.as_deref().unwrap_or("fallback");
    metrics.http_request(method.as_str(), route, res.status().as_u16(), started.elapsed());
    res
}
