//! The Hookwell server: web console (SSR + server functions), no-JavaScript form handlers and
//! health checks, the platform API and the delivery worker, as a library so integration tests
//! start the real thing in-process.
use std::sync::Arc;
use std::time::Duration;

use app::ssr::{crypto, login_limiter::LoginLimiter, secret_binding, users, AppState};
use sea_orm::{sqlx::sqlite::SqliteJournalMode, ConnectOptions, Database, DatabaseConnection};
use tracing::warn;

pub mod api;
pub mod config;
pub mod delivery;
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

/// Connections in the SQLite pool. Readers run in parallel (WAL); writers take turns, each
/// write transaction starting with `BEGIN IMMEDIATE` (see `app::ssr::db::begin_write`).
pub const SQLITE_CONNECTIONS: u32 = 8;

/// How long an SQLite statement waits for another connection's write lock before it fails
/// with "database is locked".
pub const SQLITE_BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// Opens the connection pool. SQLite gets the write-ahead log (readers never wait for the
/// writer, nor it for them), a busy timeout, and [`SQLITE_CONNECTIONS`] connections instead of
/// SeaORM's default of one (on which every request, page read or write, waits for the one
/// before it). PostgreSQL keeps the driver's defaults.
async fn connect(url: &str) -> Result<DatabaseConnection, sea_orm::DbErr> {
    let mut options = ConnectOptions::new(url);
    if url.starts_with("sqlite:") {
        options
            .max_connections(SQLITE_CONNECTIONS)
            .map_sqlx_sqlite_opts(|o| o.journal_mode(SqliteJournalMode::Wal).busy_timeout(SQLITE_BUSY_TIMEOUT));
    }
    Database::connect(options).await
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
    let db = connect(&config.database_url).await.map_err(|e| format!("DATABASE_URL: cannot connect ({e})"))?;
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
        sessions: config.sessions,
        public_origin: config.public_origin.clone(),
        auto_disable_after: chrono::Duration::from_std(config.delivery.auto_disable_after)
            .unwrap_or(chrono::Duration::days(5)),
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
