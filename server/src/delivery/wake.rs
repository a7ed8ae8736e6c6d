//! Wake-up across instances: on PostgreSQL the worker listens on
//! [`app::ssr::deliveries::WAKE_CHANNEL`], on which every instance `NOTIFY`s after queueing
//! work, so a delivery accepted by one instance's API is sent at once by any instance's worker,
//! not at its next poll. On SQLite (one instance) the in-process `AppState::delivery_wake` is
//! all there is.
use app::ssr::deliveries::WAKE_CHANNEL;
use app::ssr::AppState;
use sea_orm::sqlx::postgres::PgListener;
use sea_orm::DatabaseBackend;
use std::time::Duration;
use tracing::{debug, warn};

/// Pause before listening again after the connection could not be made.
const RECONNECT_PAUSE: Duration = Duration::from_secs(1);

/// Starts forwarding notifications to `state.delivery_wake`, on PostgreSQL only. The task
/// survives the database going away: it listens again once it is back (and wakes the worker
/// then, for anything queued meanwhile).
pub fn spawn_listener(state: &AppState) -> Option<tokio::task::JoinHandle<()>> {
    if state.db.get_database_backend() != DatabaseBackend::Postgres {
        return None;
    }
    let pool = state.db.get_postgres_connection_pool().clone();
    let wake = state.delivery_wake.clone();
    Some(tokio::spawn(async move {
        loop {
            let mut listener = match PgListener::connect_with(&pool).await {
                Ok(l) => l,
                Err(e) => {
                    debug!(error = %e, "cannot listen for deliveries queued by other instances yet");
                    tokio::time::sleep(RECONNECT_PAUSE).await;
                    continue;
                }
            };
            if let Err(e) = listener.listen(WAKE_CHANNEL).await {
                warn!(error = %e, "cannot listen for deliveries queued by other instances; will retry");
                tokio::time::sleep(RECONNECT_PAUSE).await;
                continue;
            }
            debug!("listening for deliveries queued by other instances");
            wake.notify_one();
            loop {
                match listener.try_recv().await {
                    Ok(Some(_)) => wake.notify_one(),
                    Ok(None) => {
                        // The connection was lost; the next call reconnects and listens again.
                        warn!("lost the connection listening for queued deliveries; reconnecting");
                        wake.notify_one();
                    }
                    Err(e) => {
                        debug!(error = %e, "listening for queued deliveries failed; will retry");
                        tokio::time::sleep(RECONNECT_PAUSE).await;
                        break;
                    }
                }
            }
        }
    }))
}
