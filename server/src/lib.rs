//! The Hookwell server: web console (SSR + server functions), no-JavaScript form handlers and
//! health checks, the platform API and the delivery worker, as a library so integration tests
//! start the real thing in-process.
use std::sync::Arc;
use std::time::Duration;

use app::ssr::{crypto, login_limiter::LoginLimiter, secret_binding, users, AppState};
use sea_orm::Database;
use tracing::warn;

pub mod api;
pub mod config;
pub mod delivery;
mod forms;
pub mod page;
pub mod router;
mod security;

/// Connects to the database, applies migrations, loads the master key and creates the first
/// Site Administrator when there are no users yet.
pub async fn prepare(config: &config::Config) -> Result<AppState, String> {
    std::fs::create_dir_all(&config.data_dir)
        .map_err(|e| format!("HOOKWELL_DATA_DIR: cannot create {}: {e}", config.data_dir.display()))?;
    let key = match config.master_key {
        Some(k) => k,
        None => crypto::load_or_create_key_file(&config.data_dir)?,
    };
    let db =
        Database::connect(&config.database_url).await.map_err(|e| format!("DATABASE_URL: cannot connect ({e})"))?;
    use migration::MigratorTrait;
    migration::Migrator::up(&db, None).await.map_err(|e| format!("database migration failed: {e}"))?;
    let cipher = crypto::SecretCipher::new(&key);
    let rebound = secret_binding::bind_unbound_secrets(&db, &cipher).await.map_err(|e| e.to_string())?;
    if rebound > 0 {
        tracing::info!(rebound, "secrets sealed by an older version are now bound to their webhook");
    }
    if let Some(password) =
        users::ensure_first_admin(&db, config.admin_password.as_deref()).await.map_err(|e| e.to_string())?
    {
        // Printed once, on the very first start, so the operator can sign in.
        warn!("created Site Administrator 'admin' with password: {password}");
    }
    Ok(AppState {
        db,
        cipher,
        login_limiter: Arc::new(LoginLimiter::new(Duration::from_secs(300), 5, 30)),
        leptos_options: page::leptos_options(config.addr),
        delivery_wake: Arc::new(tokio::sync::Notify::new()),
    })
}

/// The platform API's shared state: delivery clients honouring the egress policy, and limits.
pub fn api_state(state: &AppState, config: &config::Config) -> Result<api::ApiState, String> {
    let settings = &config.delivery;
    let clients = delivery::client::Clients::new(
        config.allow_private_targets,
        settings.timeout.max(settings.sync_timeout),
        settings.per_endpoint,
    )?;
    Ok(api::ApiState {
        app: state.clone(),
        clients,
        settings: Arc::new(settings.clone()),
        max_body: config.api_max_body_bytes,
    })
}

/// Starts the delivery worker (unless `HOOKWELL_DELIVERY_WORKER=false`).
pub fn start_worker(
    state: &AppState,
    config: &config::Config,
) -> Result<Option<delivery::worker::WorkerHandle>, String> {
    if !config.delivery.worker {
        return Ok(None);
    }
    let settings = &config.delivery;
    let clients =
        delivery::client::Clients::new(config.allow_private_targets, settings.timeout, settings.per_endpoint)?;
    Ok(Some(delivery::worker::start(state.clone(), settings.clone(), clients)))
}
