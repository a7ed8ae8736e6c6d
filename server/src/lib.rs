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
pub mod metrics;
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

/// Prunes finished deliveries and events older than `HOOKWELL_RETENTION` now and then (a
/// tenth of the age, between 10 s and 5 min), in batches of `HOOKWELL_RETENTION_BATCH` rows per
/// short transaction. `None` when retention is off.
pub fn spawn_retention(state: &AppState, settings: config::RetentionSettings) -> Option<tokio::task::JoinHandle<()>> {
    let (max_age, every) = (settings.max_age?, settings.interval()?);
    let max_age = chrono::Duration::from_std(max_age).ok()?;
    let db = state.db.clone();
    let batch = settings.batch as u64;
    Some(tokio::spawn(async move {
        let mut ticks = tokio::time::interval(every);
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            ticks.tick().await;
            let cutoff = chrono::Utc::now() - max_age;
            match app::ssr::deliveries::retention::prune(&db, cutoff, batch).await {
                Ok(p) if p.is_empty() => {}
                Ok(p) => tracing::info!(
                    deliveries = p.deliveries,
                    attempts = p.attempts,
                    events = p.events,
                    "pruned deliveries and events past retention"
                ),
                Err(e) => tracing::warn!(error = %e.message(), "pruning old deliveries failed; will retry"),
            }
        }
    }))
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
    let cipher = crypto::SecretCipher::new(&key);
    // Several instances may start at once on one PostgreSQL database: one at a time migrates,
    // re-binds old secrets and creates the first administrator; the others then find it done.
    let start_up = StartUpLock::take(&db).await?;
    let previous = config.previous_master_key.filter(|p| *p != key).map(|p| crypto::SecretCipher::new(&p));
    let prepared = first_start_work(&db, &cipher, previous.as_ref(), config).await;
    start_up.release().await;
    prepared?;
    let login_limiter = Arc::new(LoginLimiter::new(db.clone(), Duration::from_secs(300), 5, 30));
    let peer_wake = app::ssr::deliveries::spawn_peer_notifier(&db);
    Ok(AppState {
        db,
        cipher,
        login_limiter,
        leptos_options: page::leptos_options(config.addr),
        delivery_wake: Arc::new(tokio::sync::Notify::new()),
        peer_wake,
        sessions: config.sessions,
        public_origin: config.public_origin.clone(),
        metrics: Arc::new(app::ssr::metrics::Metrics::new(config.metrics_token.clone())),
        auto_disable_after: chrono::Duration::from_std(config.delivery.auto_disable_after)
            .unwrap_or(chrono::Duration::days(5)),
    })
}

/// The work every start does before serving, under [`StartUpLock`]: migrations, re-sealing
/// under a new master key, re-binding secrets sealed by older versions, the first Site
/// Administrator.
async fn first_start_work(
    db: &DatabaseConnection,
    cipher: &crypto::SecretCipher,
    previous: Option<&crypto::SecretCipher>,
    config: &config::Config,
) -> Result<(), String> {
    use migration::MigratorTrait;
    migration::Migrator::up(db, None).await.map_err(|e| format!("database migration failed: {e}"))?;
    if let Some(previous) = previous {
        let (resealed, unreadable) =
            secret_binding::reseal_from_previous_key(db, cipher, previous).await.map_err(|e| e.to_string())?;
        tracing::info!(resealed, "HOOKWELL_PREVIOUS_MASTER_KEY: secrets sealed again under the current master key");
        if unreadable > 0 {
            warn!(unreadable, "some webhook secrets open with neither the current nor the previous master key");
        }
    }
    let rebound = secret_binding::bind_unbound_secrets(db, cipher).await.map_err(|e| e.to_string())?;
    if rebound > 0 {
        tracing::info!(rebound, "secrets sealed by an older version are now bound to their webhook");
    }
    if let Some(password) =
        users::ensure_first_admin(db, config.admin_password.as_deref()).await.map_err(|e| e.to_string())?
    {
        // Printed once, on the very first start, so the operator can sign in.
        warn!("created Site Administrator 'admin' with password: {password}");
    }
    Ok(())
}

/// The key of the PostgreSQL advisory lock held during start-up work ("hookwell" in ASCII).
pub const START_UP_LOCK_KEY: i64 = 0x686f_6f6b_7765_6c6c;

/// A session-level PostgreSQL advisory lock on a connection of its own, held while one
/// instance migrates. Released explicitly, or by the database when the process dies (its
/// connection closes). Nothing on SQLite, where one instance owns the file.
struct StartUpLock(Option<sea_orm::sqlx::pool::PoolConnection<sea_orm::sqlx::Postgres>>);

impl StartUpLock {
    async fn take(db: &DatabaseConnection) -> Result<StartUpLock, String> {
        if db.get_database_backend() != sea_orm::DatabaseBackend::Postgres {
            return Ok(StartUpLock(None));
        }
        let mut conn = db
            .get_postgres_connection_pool()
            .acquire()
            .await
            .map_err(|e| format!("DATABASE_URL: cannot connect ({e})"))?;
        let started = std::time::Instant::now();
        sea_orm::sqlx::query("SELECT pg_advisory_lock($1)")
            .bind(START_UP_LOCK_KEY)
            .execute(&mut *conn)
            .await
            .map_err(|e| format!("database migration failed: cannot take the start-up lock ({e})"))?;
        let waited = started.elapsed();
        if waited > Duration::from_millis(100) {
            tracing::info!(waited_ms = waited.as_millis() as u64, "waited for another instance's start-up");
        }
        Ok(StartUpLock(Some(conn)))
    }

    async fn release(self) {
        let Some(mut conn) = self.0 else { return };
        let res =
            sea_orm::sqlx::query("SELECT pg_advisory_unlock($1)").bind(START_UP_LOCK_KEY).execute(&mut *conn).await;
        if let Err(e) = res {
            // Never hand a connection still holding the lock back to the pool.
            warn!(error = %e, "releasing the start-up lock failed; closing its connection");
            let _ = conn.detach();
        }
    }
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
