//! The Hookwell server: web console (SSR + server functions), no-JavaScript form handlers,
//! health checks. `server --demo` seeds a realistic data set on first start.
use std::sync::Arc;
use std::time::Duration;

use app::ssr::{crypto, demo, login_limiter::LoginLimiter, users, AppState};
use sea_orm::Database;
use tracing::{info, warn};

mod config;
mod forms;
mod router;
mod security;

#[tokio::main]
async fn main() {
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info,sqlx=warn,sea_orm=warn".into()))
        .init();
    if let Err(message) = run().await {
        eprintln!("hookwell: {message}");
        std::process::exit(2);
    }
}

async fn run() -> Result<(), String> {
    let demo_mode = std::env::args().skip(1).any(|a| a == "--demo");
    let config = config::Config::load(|k| std::env::var(k).ok())?;
    std::fs::create_dir_all(&config.data_dir).map_err(|e| format!("HOOKWELL_DATA_DIR: cannot create {}: {e}", config.data_dir.display()))?;
    let key = match config.master_key {
        Some(k) => k,
        None => crypto::load_or_create_key_file(&config.data_dir)?,
    };
    let db = Database::connect(&config.database_url)
        .await
        .map_err(|e| format!("DATABASE_URL: cannot connect ({e})"))?;
    use migration::MigratorTrait;
    migration::Migrator::up(&db, None).await.map_err(|e| format!("database migration failed: {e}"))?;
    if let Some(password) = users::ensure_first_admin(&db, config.admin_password.as_deref()).await.map_err(|e| e.to_string())? {
        // Printed once, on the very first start, so the operator can sign in.
        warn!("created Site Administrator 'admin' with password: {password}");
    }
    let cipher = crypto::SecretCipher::new(&key);
    if demo_mode && demo::seed(&db, &cipher).await.map_err(|e| e.to_string())? {
        info!("demo data seeded (users integrator and author, password hookwell-demo)");
    }
    if config.allow_private_targets {
        warn!("HOOKWELL_ALLOW_PRIVATE_TARGETS=true: deliveries may reach loopback and private addresses");
    }
    let state = AppState {
        db,
        cipher,
        login_limiter: Arc::new(LoginLimiter::new(Duration::from_secs(300), 5, 30)),
        leptos_options: router::leptos_options(config.addr),
    };
    let app = router::build(state);
    let listener = tokio::net::TcpListener::bind(config.addr)
        .await
        .map_err(|e| format!("HOOKWELL_ADDR: cannot listen on {}: {e}", config.addr))?;
    info!("Hookwell listening on http://{}", config.addr);
    axum::serve(listener, app.into_make_service_with_connect_info::<std::net::SocketAddr>())
        .with_graceful_shutdown(shutdown_signal())
        .await
        .map_err(|e| e.to_string())?;
    info!("shut down cleanly");
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
    info!("shutdown signal received; finishing in-flight requests");
}
