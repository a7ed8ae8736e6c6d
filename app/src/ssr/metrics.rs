//! Prometheus metrics of one server: counters and histograms kept in memory (deliveries, attempt
//! latency, HTTP latency), and the queue and failing webhooks read from the database when
//! `/metrics` is scraped. Each server has its own registry, so several servers in one process
//! (the integration tests) do not mix their counts.
use super::entities::{delivery, webhook};
use crate::error::AppResult;
use crate::model::DeliveryStatus;
use chrono::Utc;
use prometheus::{
    core::Collector, Encoder, GaugeVec, Histogram, HistogramOpts, HistogramVec, IntCounterVec, Opts, Registry,
    TextEncoder,
};
use sea_orm::{prelude::*, sea_query::Func, QuerySelect};

/// What one delivery attempt (or a decision not to send) did to its delivery: the label
/// `outcome` of `hookwell_deliveries_total`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeliveryOutcome {
    /// 2xx: the delivery is Succeeded.
    Succeeded,
    /// Failed attempt, another one is scheduled.
    Retrying,
    /// Failed attempt and no attempt left: the delivery is Failed.
    Failed,
    /// 410 Gone: the delivery is Failed and not retried.
    Gone,
    /// The egress policy refused the target (no request was made); retried like any failure.
    Refused,
    /// Not sent because the webhook is inactive: the delivery is Failed.
    NotSent,
}

impl DeliveryOutcome {
    pub fn label(self) -> &'static str {
        match self {
            DeliveryOutcome::Succeeded => "succeeded",
            DeliveryOutcome::Retrying => "retrying",
            DeliveryOutcome::Failed => "failed",
            DeliveryOutcome::Gone => "gone",
            DeliveryOutcome::Refused => "refused",
            DeliveryOutcome::NotSent => "not_sent",
        }
    }
}

/// Upper bounds (seconds) of the attempt latency histogram: receivers answer in milliseconds
/// to the delivery timeout (15 s by default).
const ATTEMPT_BUCKETS: [f64; 13] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 15.0, 30.0];

/// The in-memory metrics of one server, and who may read them.
pub struct Metrics {
    registry: Registry,
    deliveries: IntCounterVec,
    attempt_duration: Histogram,
    http: HistogramVec,
    /// `HOOKWELL_METRICS_TOKEN`: when set, `/metrics` wants `Authorization: Bearer <token>`.
    pub token: Option<String>,
}

impl std::fmt::Debug for Metrics {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Metrics").field("token", &self.token.as_ref().map(|_| "…")).finish()
    }
}

impl Metrics {
    pub fn new(token: Option<String>) -> Metrics {
        let registry = Registry::new();
        let deliveries = IntCounterVec::new(
            Opts::new(
                "hookwell_deliveries_total",
                "Delivery attempts (and decisions not to send) by what they did to the delivery",
            ),
            &["outcome"],
        )
        .expect("valid metric");
        let attempt_duration = Histogram::with_opts(
            HistogramOpts::new("hookwell_attempt_duration_seconds", "Duration of delivery attempts, request to answer")
                .buckets(ATTEMPT_BUCKETS.to_vec()),
        )
        .expect("valid metric");
        let http = HistogramVec::new(
            HistogramOpts::new("hookwell_http_request_duration_seconds", "HTTP requests served, by route template"),
            &["method", "route", "status"],
        )
        .expect("valid metric");
        for c in [
            Box::new(deliveries.clone()) as Box<dyn Collector>,
            Box::new(attempt_duration.clone()),
            Box::new(http.clone()),
        ] {
            registry.register(c).expect("metric registered once");
        }
        // Every outcome shows from the start (at 0), so rates work before the first failure.
        for o in [
            DeliveryOutcome::Succeeded,
            DeliveryOutcome::Retrying,
            DeliveryOutcome::Failed,
            DeliveryOutcome::Gone,
            DeliveryOutcome::Refused,
            DeliveryOutcome::NotSent,
        ] {
            deliveries.with_label_values(&[o.label()]);
        }
        Metrics { registry, deliveries, attempt_duration, http, token }
    }

    /// Counts one attempt's outcome (`duration` is `None` when nothing was sent).
    pub fn attempt(&self, outcome: DeliveryOutcome, duration: Option<std::time::Duration>) {
        self.deliveries.with_label_values(&[outcome.label()]).inc();
        if let Some(d) = duration {
            self.attempt_duration.observe(d.as_secs_f64());
        }
    }

    /// Records one HTTP request; `route` is the matched route template, not the path.
    pub fn http_request(&self, method: &str, route: &str, status: u16, duration: std::time::Duration) {
        self.http.with_label_values(&[method, route, &status.to_string()]).observe(duration.as_secs_f64());
    }

    /// The text exposition of the in-memory metrics and of the database's current state.
    pub async fn render(&self, db: &DatabaseConnection) -> AppResult<String> {
        let mut families = self.registry.gather();
        families.extend(database_gauges(db).await?);
        let mut out = Vec::new();
        TextEncoder::new().encode(&families, &mut out).map_err(|e| {
            tracing::error!(error = %e, "encoding metrics failed");
            crate::error::AppError::Internal
        })?;
        Ok(String::from_utf8_lossy(&out).into_owned())
    }
}

/// Queue depth, age of the most overdue delivery, and how long each failing webhook has been
/// failing, read now (two small queries on indexed columns).
async fn database_gauges(db: &DatabaseConnection) -> AppResult<Vec<prometheus::proto::MetricFamily>> {
    let now = Utc::now();
    let (depth, oldest): (i64, Option<DateTimeUtc>) = delivery::Entity::find()
        .select_only()
        .column_as(Expr::from(Func::count(Expr::col(delivery::Column::Id))), "depth")
        .column_as(Expr::from(Func::min(Expr::col(delivery::Column::NextAttemptAt))), "oldest")
        .filter(delivery::Column::Status.is_in([DeliveryStatus::Pending, DeliveryStatus::Retrying]))
        .into_tuple()
        .one(db)
        .await?
        .unwrap_or((0, None));
    let failing: Vec<(i32, Option<DateTimeUtc>)> = webhook::Entity::find()
        .select_only()
        .columns([webhook::Column::Id, webhook::Column::FailingSince])
        .filter(webhook::Column::FailingSince.is_not_null())
        .into_tuple()
        .all(db)
        .await?;
    let gauge =
        |name: &str, help: &str, labels: &[&str]| GaugeVec::new(Opts::new(name, help), labels).expect("valid metric");
    let queue_depth = gauge("hookwell_queue_depth", "Deliveries waiting to be sent (Pending or Retrying)", &[]);
    queue_depth.with_label_values::<&str>(&[]).set(depth as f64);
    let oldest_due = gauge(
        "hookwell_queue_oldest_due_seconds",
        "How long the most overdue delivery has been due (0 when none is overdue)",
        &[],
    );
    let overdue = oldest.map(|t| (now - t).num_milliseconds().max(0) as f64 / 1000.0).unwrap_or(0.0);
    oldest_due.with_label_values::<&str>(&[]).set(overdue);
    let streaks = gauge(
        "hookwell_webhook_failure_streak_seconds",
        "How long each currently failing webhook has failed without a success",
        &["webhook_id"],
    );
    for (id, since) in failing {
        if let Some(since) = since {
            let secs = (now - since).num_milliseconds().max(0) as f64 / 1000.0;
            streaks.with_label_values(&[id.to_string().as_str()]).set(secs);
        }
    }
    let mut families = Vec::new();
    for g in [queue_depth, oldest_due, streaks] {
        // A family without a sample (no failing webhook) is left out, as the registry does.
        families.extend(g.collect().into_iter().filter(|f| !f.get_metric().is_empty()));
    }
    Ok(families)
}
