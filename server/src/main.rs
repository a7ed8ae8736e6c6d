//! `server [--demo]`: serves Hookwell. `--demo` seeds a realistic data set on first start.
use app::ssr::demo;
use tracing::{info, warn};

#[tokio::main]
async fn main() {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "info,sqlx=error,sea_orm=warn".into()),
        )
        .init();
    if let Err(message) = run().await {
        eprintln!("hookwell: {message}");
        std::process::exit(2);
    }
}

async fn run() -> Result<(), String> {
    let demo_mode = std::env::args().skip(1).any(|a| a == "--demo");
    let config = server::config::Config::load(|k| std::env::var(k).ok())?;
    let state = server::prepare(&config).await?;
    if demo_mode && demo::seed(&state.db, &state.cipher).await.map_err(|e| e.to_string())? {
        info!("demo data seeded (users integrator and author, password hookwell-demo)");
    }
    if config.allow_private_targets {
        warn!("HOOKWELL_ALLOW_PRIVATE_TARGETS=true: deliveries may reach loopback and private addresses");
    }
    server::spawn_session_purge(&state);
    let app = server::router::build(state);
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
