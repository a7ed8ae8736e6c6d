//! Runs the example receiver. See README.md.

use tracing_subscriber::EnvFilter;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    tracing_subscriber::fmt()
        .with_env_filter(EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")))
        .init();
    let (addr, verifier) = receiver::config_from(|name| std::env::var(name).ok())?;
    let method = match verifier {
        receiver::Verifier::Hmac(_) => "HMAC",
        receiver::Verifier::AccessToken(_) => "Access token",
    };
    let listener = tokio::net::TcpListener::bind(addr).await?;
    tracing::info!(addr = %listener.local_addr()?, method, "receiver listening");
    axum::serve(listener, receiver::router(verifier))
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await?;
    Ok(())
}
