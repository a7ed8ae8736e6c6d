//! The delivery worker: claims due deliveries in batches under a lease, sends each with bounded
//! total and per-webhook concurrency, records every attempt and schedules the next. No
//! transaction or pooled connection is held during an HTTP call. Woken by
//! `AppState::delivery_wake` when work is queued (on PostgreSQL also by other instances, see
//! `wake`), and by a fallback poll.
//!
//! Deliveries of an inactive webhook are not sent: deactivating marks the queued ones Failed
//! ("Not sent: the webhook is inactive."), and one claimed in the same instant is marked the same
//! way instead of being sent. Test deliveries are sent whatever the webhook's state. A deleted
//! webhook's deliveries are deleted with it, so nothing of it is sent.
use super::client::{sign, Clients, Sent, RECORDED_BODY_BYTES};
use super::retry::{FailureReason, RetrySchedule, Step};
use super::signing::EventPayload;
use crate::config::DeliverySettings;
use app::ssr::deliveries::{self, Next, Work, NOT_SENT_INACTIVE};
use app::ssr::AppState;
use chrono::Utc;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use tokio::sync::{watch, Semaphore};
use tokio::task::JoinSet;
use tracing::{debug, error, info, instrument, warn};

/// What every attempt task shares.
struct Shared {
    state: AppState,
    settings: DeliverySettings,
    clients: Clients,
    schedule: RetrySchedule,
    /// Attempts in flight per webhook id.
    in_flight: Mutex<HashMap<i32, usize>>,
}

/// A running worker; [`WorkerHandle::shutdown`] stops it gracefully.
pub struct WorkerHandle {
    stop: watch::Sender<bool>,
    task: tokio::task::JoinHandle<()>,
    /// Forwards other instances' wake-ups (PostgreSQL `LISTEN`).
    listener: Option<tokio::task::JoinHandle<()>>,
}

impl WorkerHandle {
    /// Stops claiming, lets in-flight attempts finish within the shutdown grace, then releases
    /// the claims of the rest so another worker (or the next start) sends them.
    pub async fn shutdown(self) {
        let _ = self.stop.send(true);
        if let Some(listener) = &self.listener {
            listener.abort();
        }
        if let Err(e) = self.task.await {
            error!(error = %e, "delivery worker ended abnormally");
        }
    }
}

/// Starts the worker on the current runtime.
pub fn start(state: AppState, settings: DeliverySettings, clients: Clients) -> WorkerHandle {
    let (stop, stopped) = watch::channel(false);
    let schedule = RetrySchedule { delays: settings.retry_delays.clone(), ..RetrySchedule::default() };
    let shared = Arc::new(Shared { state, settings, clients, schedule, in_flight: Mutex::new(HashMap::new()) });
    let listener = super::wake::spawn_listener(&shared.state);
    let task = tokio::spawn(run(shared, stopped));
    WorkerHandle { stop, task, listener }
}

async fn run(shared: Arc<Shared>, mut stopped: watch::Receiver<bool>) {
    let worker_id = format!("w-{}", uuid::Uuid::new_v4().simple());
    let slots = Arc::new(Semaphore::new(shared.settings.concurrency));
    let mut tasks: JoinSet<()> = JoinSet::new();
    let mut claim_no: u64 = 0;
    info!(worker_id, concurrency = shared.settings.concurrency, "delivery worker started");
    loop {
        if *stopped.borrow() {
            break;
        }
        while tasks.try_join_next().is_some() {}
        let room = slots.available_permits().min(shared.settings.batch);
        let mut full_batch = false;
        if room > 0 {
            claim_no += 1;
            let claim_id = format!("{worker_id}:{claim_no}");
            match claim_batch(&shared, &claim_id, room).await {
                Ok(work) => {
                    full_batch = work.len() == room;
                    dispatch(&shared, &slots, &mut tasks, &claim_id, work).await;
                }
                Err(e) => error!(error = %e, "claiming due deliveries failed"),
            }
        }
        if full_batch && slots.available_permits() > 0 {
            continue;
        }
        tokio::select! {
            _ = shared.state.delivery_wake.notified() => {}
            _ = tokio::time::sleep(shared.settings.poll_interval) => {}
            Some(_) = tasks.join_next(), if !tasks.is_empty() => {}
            _ = stopped.changed() => {}
        }
    }
    let in_flight = tasks.len();
    info!(in_flight, "delivery worker stopping: no new claims");
    let drained =
        tokio::time::timeout(shared.settings.shutdown_grace, async { while tasks.join_next().await.is_some() {} })
            .await;
    if drained.is_err() {
        warn!(unfinished = tasks.len(), "shutdown grace over; releasing unfinished deliveries");
        tasks.abort_all();
        while tasks.join_next().await.is_some() {}
    }
    match deliveries::release_claims(&shared.state.db, &format!("{worker_id}:"), None).await {
        Ok(n) if n > 0 => info!(released = n, "released claimed deliveries for another worker"),
        Ok(_) => {}
        Err(e) => error!(error = %e, "releasing claims on shutdown failed; they expire with their lease"),
    }
    info!("delivery worker stopped");
}

#[instrument(skip_all, fields(claim_id))]
async fn claim_batch(shared: &Shared, claim_id: &str, room: usize) -> app::error::AppResult<Vec<Work>> {
    let saturated: Vec<i32> = {
        let in_flight = shared.in_flight.lock().unwrap_or_else(|p| p.into_inner());
        in_flight.iter().filter(|(_, &n)| n >= shared.settings.per_endpoint).map(|(&id, _)| id).collect()
    };
    let lease = chrono::Duration::from_std(shared.settings.lease).unwrap_or(chrono::Duration::seconds(60));
    let claimed =
        deliveries::claim_due(&shared.state.db, claim_id, Utc::now() + lease, room as u64, &saturated).await?;
    if claimed.is_empty() {
        return Ok(vec![]);
    }
    debug!(claimed = claimed.len(), "claimed due deliveries");
    deliveries::load_work(&shared.state.db, claimed).await
}

/// Starts one attempt task per claimed delivery; rows beyond a webhook's in-flight cap are
/// given back at once.
async fn dispatch(
    shared: &Arc<Shared>,
    slots: &Arc<Semaphore>,
    tasks: &mut JoinSet<()>,
    claim_id: &str,
    work: Vec<Work>,
) {
    let mut excess = Vec::new();
    for w in work {
        let webhook_id = w.delivery.webhook_id;
        let admitted = {
            let mut in_flight = shared.in_flight.lock().unwrap_or_else(|p| p.into_inner());
            let n = in_flight.entry(webhook_id).or_insert(0);
            if *n >= shared.settings.per_endpoint {
                false
            } else {
                *n += 1;
                true
            }
        };
        let permit = if admitted { slots.clone().try_acquire_owned().ok() } else { None };
        let Some(permit) = permit else {
            if admitted {
                leave(shared, webhook_id);
            }
            excess.push(w.delivery.id);
            continue;
        };
        let shared = shared.clone();
        let claim_id = claim_id.to_string();
        tasks.spawn(async move {
            attempt(&shared, &claim_id, w).await;
            leave(&shared, webhook_id);
            drop(permit);
        });
    }
    if !excess.is_empty() {
        if let Err(e) = deliveries::release_claims(&shared.state.db, claim_id, Some(&excess)).await {
            error!(error = %e, "releasing deliveries over the per-webhook cap failed; their lease will expire");
        }
    }
}

fn leave(shared: &Shared, webhook_id: i32) {
    let mut in_flight = shared.in_flight.lock().unwrap_or_else(|p| p.into_inner());
    if let Some(n) = in_flight.get_mut(&webhook_id) {
        *n = n.saturating_sub(1);
        if *n == 0 {
            in_flight.remove(&webhook_id);
        }
    }
}

/// One attempt: sign afresh, send, record, schedule.
#[instrument(skip_all, fields(delivery_id = w.delivery.id, webhook_id = w.delivery.webhook_id))]
async fn attempt(shared: &Shared, claim_id: &str, w: Work) {
    let db = &shared.state.db;
    let d = w.delivery;
    let (Some(hook), Some(event)) = (w.webhook, w.event) else {
        // Deleted meanwhile: its deliveries went with it.
        return;
    };
    if !hook.active && !d.is_test {
        shared.state.metrics.attempt(app::ssr::metrics::DeliveryOutcome::NotSent, None);
        if let Err(e) = deliveries::skip(db, claim_id, d.id, NOT_SENT_INACTIVE).await {
            error!(error = %e, "marking a delivery of an inactive webhook failed");
        }
        return;
    }
    let payload = EventPayload {
        event_id: event.event_id.clone(),
        event_type: event.event_type.as_str().to_string(),
        created_date: event.created_date.clone(),
        event_name: event.event_name.clone(),
        data: serde_json::from_str(&event.payload).unwrap_or(serde_json::Value::Null),
    };
    let attempted_at = Utc::now();
    let started = std::time::Instant::now();
    let sent = match sign(&hook, &shared.state.cipher, &d.msg_id, &payload) {
        Ok(signed) => {
            shared
                .clients
                .send(&hook.url, hook.accept_untrusted_ssl, &signed, shared.settings.timeout, RECORDED_BODY_BYTES)
                .await
        }
        Err(reason) => Sent::failed(super::retry::AttemptOutcome::ConnectionError, reason, started),
    };
    let attempts_made = u32::try_from(d.attempts).unwrap_or(0).saturating_add(1);
    let step = shared.schedule.next_step(attempts_made, sent.outcome, sent.retry_after, Utc::now(), rand::random());
    crate::metrics::record_attempt(&shared.state.metrics, &sent, &step);
    let next = match step {
        Step::Succeeded => Next::Succeeded,
        Step::Retry { at } => Next::Retry { at },
        Step::Failed(FailureReason::Gone) => Next::Failed { reason: "410 Gone: the receiver asked to stop.".into() },
        Step::Failed(FailureReason::AttemptsExhausted) => {
            Next::Failed { reason: format!("Gave up after {attempts_made} attempts; last: {}", sent.describe()) }
        }
    };
    debug!(status = ?sent.status, outcome = ?sent.outcome, ms = sent.duration.as_millis() as u64, "attempt made");
    let record = sent.record(attempted_at);
    let auto_disable =
        chrono::Duration::from_std(shared.settings.auto_disable_after).unwrap_or(chrono::Duration::days(5));
    match deliveries::record_attempt(db, claim_id, &d, record, next, auto_disable).await {
        Ok(true) => {}
        Ok(false) => warn!("the lease ran out during the attempt; another worker owns the delivery now"),
        Err(e) => error!(error = %e, "recording an attempt failed; the delivery is retried when its lease expires"),
    }
}
