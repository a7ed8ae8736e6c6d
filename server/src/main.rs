//! `server [--demo]`: serves Hookwell (console, platform API and delivery worker).
//! `server api-key create <name>`: prints a new API key alone on one line.
//! `server user create <login> --role <role>`: creates a user; the password is read from stdin.
//! All use the same settings (environment) and database as the server.
use app::ssr::demo;
use tracing::{info, warn};

const USAGE: &str = "usage: server [--demo] | server api-key create <name> | server user create <login> --role <role>";

#[tokio::main]
async fn main() {
    // Logs go to stderr (stdout carries what the commands print, such as a new API key).
    let format = match server::config::LogFormat::from_env(std::env::var("HOOKWELL_LOG_FORMAT").ok().as_deref()) {
        Ok(f) => f,
        Err(message) => {
            eprintln!("hookwell: {message}");
            std::process::exit(2);
        }
    };
    let logs = tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "info,sqlx=error,sea_orm=warn".into()),
        )
        .with_writer(std::io::stderr);
    match format {
        server::config::LogFormat::Text => logs.init(),
        // One object per line; `span` and `spans` carry e.g. the request's `request_id`.
        server::config::LogFormat::Json => logs.json().with_current_span(true).with_span_list(true).init(),
    }
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("api-key") => create_api_key(&args[1..]).await,
        Some("user") => create_user(&args[1..]).await,
        Some("--demo") | None => run(!args.is_empty()).await,
        Some(other) => Err(format!("unknown command '{other}'\n{USAGE}")),
    };
    if let Err(message) = result {
        eprintln!("hookwell: {message}");
        std::process::exit(2);
    }
}

async fn create_api_key(args: &[String]) -> Result<(), String> {
    let [cmd, name] = args else { return Err(USAGE.into()) };
    if cmd != "create" {
        return Err(USAGE.into());
    }
    let config = server::config::Config::load(|k| std::env::var(k).ok())?;
    let state = server::prepare(&config).await?;
    let key = app::ssr::api_keys::create(&state.db, "cli", name).await.map_err(|e| e.message())?;
    println!("{}", key.key);
    Ok(())
}

async fn create_user(args: &[String]) -> Result<(), String> {
    let [cmd, login, flag, role] = args else { return Err(USAGE.into()) };
    if cmd != "create" || flag != "--role" {
        return Err(USAGE.into());
    }
    let role = app::model::Role::parse(role).ok_or_else(|| {
        let names: Vec<&str> = app::model::Role::ALL.iter().map(|r| r.as_str()).collect();
        format!("--role: '{role}' is not one of {}", names.join(", "))
    })?;
    let login = app::model::validate_username(login).map_err(|m| format!("login: {m}"))?;
    let mut password = String::new();
    std::io::stdin().read_line(&mut password).map_err(|e| format!("cannot read the password from stdin: {e}"))?;
    let password = password.trim_end_matches(['\r', '\n']);
    app::model::validate_password(password).map_err(|m| format!("password: {m}"))?;
    let config = server::config::Config::load(|k| std::env::var(k).ok())?;
    let state = server::prepare(&config).await?;
    let actor = app::model::CurrentUser { id: 0, role: app::model::Role::SiteAdmin, username: "cli".into() };
    app::ssr::users::create(&state.db, &actor, &login, password, role.as_str()).await.map_err(|e| e.message())?;
    println!("created {login} ({})", role.label());
    Ok(())
}

async fn run(demo_mode: bool) -> Result<(), String> {
    let config = server::config::Config::load(|k| std::env::var(k).ok())?;
    let state = server::prepare(&config).await?;
    if demo_mode && demo::seed(&state.db, &state.cipher).await.map_err(|e| e.to_string())? {
        info!("demo data seeded (users integrator and author, password hookwell-demo)");
    }
    if config.allow_private_targets {
        warn!("HOOKWELL_ALLOW_PRIVATE_TARGETS=true: deliveries may reach loopback and private addresses");
    }
    let api = server::api_state(&state, &config)?;
    let worker = server::start_worker(&state, &config)?;
    server::spawn_session_purge(&state);
    server::spawn_retention(&state, config.retention);
    let app = server::router::build_with_api(state, api);
    let listener = tokio::net::TcpListener::bind(config.addr)
        .await
        .map_err(|e| format!("HOOKWELL_ADDR: cannot listen on {}: {e}", config.addr))?;
    info!("Hookwell listening on http://{}", config.addr);
    let (stopping, stopped) = tokio::sync::watch::channel(false);
    let serve = axum::serve(listener, app.into_make_service_with_connect_info::<std::net::SocketAddr>())
        .with_graceful_shutdown(async move {
            let mut stopped = stopped;
            let _ = stopped.wait_for(|s| *s).await;
        });
    let server_task = tokio::spawn(async move { serve.await });
    shutdown_signal().await;
    let _ = stopping.send(true);
    if let Some(worker) = worker {
        worker.shutdown().await;
    }
    server_task.await.map_err(|e| e.to_string())?.map_err(|e| e.to_string())?;
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
    info!("shutdown signal received; finishing in-flight requests and deliveries");
}
