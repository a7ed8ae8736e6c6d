//! What every request handler and server function shares.
use super::{auth::SessionPolicy, crypto::SecretCipher, login_limiter::LoginLimiter};
use axum::extract::FromRef;
use leptos::prelude::*;
use sea_orm::DatabaseConnection;
use std::sync::Arc;

#[derive(Clone)]
pub struct AppState {
    pub db: DatabaseConnection,
    pub cipher: SecretCipher,
    pub login_limiter: Arc<LoginLimiter>,
    pub leptos_options: LeptosOptions,
    /// Wakes the delivery worker when new work is queued (new event, redeliver, test, recover).
    pub delivery_wake: Arc<tokio::sync::Notify>,
    /// On PostgreSQL, wakes the task that `NOTIFY`s the other instances' workers (bursts
    /// coalesce into one notification); see `deliveries::wake_workers`.
    pub peer_wake: Option<Arc<tokio::sync::Notify>>,
    /// Session idle timeout and absolute lifetime.
    pub sessions: SessionPolicy,
    /// The origin browsers use (`HOOKWELL_PUBLIC_URL`); when set it decides the Secure cookie
    /// flag and the Origin check instead of request headers.
    pub public_origin: Option<String>,
    /// This server's Prometheus metrics (`/metrics`).
    pub metrics: Arc<super::metrics::Metrics>,
    /// `HOOKWELL_AUTO_DISABLE_AFTER`: how long a webhook may fail before the delivery engine
    /// deactivates it (shown on its page while it fails).
    pub auto_disable_after: chrono::Duration,
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}

impl AppState {
    /// The state provided to the current server function or page render.
    pub fn current() -> crate::error::AppResult<AppState> {
        use_context::<AppState>().ok_or_else(|| {
            tracing::error!("AppState missing from context");
            crate::error::AppError::Internal
        })
    }
}
