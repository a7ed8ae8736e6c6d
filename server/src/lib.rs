//! The Hookwell server: web console (SSR + server functions), no-JavaScript form handlers and
//! health checks, as a library so integration tests start the real thing in-process.
use std::sync::Arc;
use std::time::Duration;

use app::ssr::{crypto, login_limiter::LoginLimiter, secret_binding, users, AppState};
use sea_orm::Database;
use tracing::warn;

pub mod config;
mod forms;
pub mod page;
pub mod router;
pub mod security;

/// Deletes expired and idle sessions now and then, for as long as the server runs.
pub fn spawn_session_purge(state: &AppState) -> tokio::task::JoinHandle<()> {
    let (db, policy) = (state.db.clone(), state.sessions);
    tokio::spawn(async move {
        let mut every = tokio::time::interval(Duration::from_secs(600));
        loop {
            every.tick().await;
            match app::ssr::auth::purge_sessions(&db, policy).await {
                Ok(0) => {}
                Ok(n) => tracing::info!(removed = n, "expired sessions purged"),
                Err(e) => tracing::warn!(error = %e, "purging sessions failed; will retry"),
            }
        }
    })
}

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
        sessions: config.sessions,
        public_origin: config.public_origin.clone(),
    })
}
