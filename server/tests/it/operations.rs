//! Running in production: retention pruning, `/metrics` after real deliveries, and JSON logs
//! from the real binary.
use crate::receivers::{Receiver, Reply};
use crate::support::*;
use app::model::DeliveryStatus;
use app::ssr::deliveries::retention;
use app::ssr::entities::{delivery, delivery_attempt, event};
use chrono::Utc;
use prometheus_parse::{Scrape, Value as Prom};
use reqwest::StatusCode;
use sea_orm::{prelude::*, sea_query::Expr};
use serde_json::json;
use std::time::Duration;

async fn post_event(s: &TestServer, key: &str, event_id: &str) -> serde_json::Value {
    let (st, body) = api_post(
        s,
        key,
        "/api/v1/events",
        json!({"eventType": "NewWorkItemVersionComplete", "eventId": event_id, "data": {"n": 1}}),
    )
    .await;
    assert_eq!(st.as_u16(), 202, "{body}");
    body
}

/// Sets the status and last change of the deliveries of `webhook_id` (the worker is off).
async fn age(s: &TestServer, webhook_id: i32, status: DeliveryStatus, ago: chrono::Duration) {
    delivery::Entity::update_many()
        .col_expr(delivery::Column::Status, Expr::value(status))
        .col_expr(delivery::Column::UpdatedAt, Expr::value(Utc::now() - ago))
        .filter(delivery::Column::WebhookId.eq(webhook_id))
        .exec(&s.state.db)
        .await
        .unwrap();
    event::Entity::update_many()
        .col_expr(event::Column::ReceivedAt, Expr::value(Utc::now() - ago - chrono::Duration::minutes(1)))
        .filter(
            event::Column::Id.in_subquery(
                sea_orm::sea_query::Query::select()
                    .column(delivery::Column::EventId)
                    .from(delivery::Entity)
                    .and_where(delivery::Column::WebhookId.eq(webhook_id))
                    .to_owned(),
            ),
        )
        .exec(&s.state.db)
        .await
        .unwrap();
}

async fn attempt_for(s: &TestServer, delivery_id: i32) {
    delivery_attempt::ActiveModel {
        delivery_id: sea_orm::ActiveValue::Set(delivery_id),
        number: sea_orm::ActiveValue::Set(1),
        attempted_at: sea_orm::ActiveValue::Set(Utc::now()),
        duration_ms: sea_orm::ActiveValue::Set(3),
        status: sea_orm::ActiveValue::Set(Some(200)),
        ..Default::default()
    }
    .insert(&s.state.db)
    .await
    .unwrap();
}

async fn event_exists(s: &TestServer, event_id: &str) -> bool {
    app::ssr::events::find(&s.state.db, event_id).await.unwrap().is_some()
}

#[tokio::test]
async fn retention_prunes_old_finished_deliveries_with_attempts_and_events_and_keeps_due_and_recent_ones() {
    let s = start_with(&[("HOOKWELL_DELIVERY_WORKER", "false")]).await;
    let key = api_key(&s).await;
    let url = "http://127.0.0.1:9/hook";
    let (old_done, _) = webhook(&s, &unique("old-done"), url, "NewWorkItemVersionComplete", |_| {}).await;
    // Five old events delivered to one webhook, pruned in batches of two.
    let old_ids: Vec<String> = (0..5).map(|i| unique(&format!("old-{i}"))).collect();
    for id in &old_ids {
        post_event(&s, &key, id).await;
    }
    for d in deliveries_of(&s, old_done).await {
        attempt_for(&s, d.id).await;
    }
    // Then three more webhooks: old but still due, old and Failed, and finished recently.
    let (old_due, _) = webhook(&s, &unique("old-due"), url, "NewWorkItemVersionComplete", |_| {}).await;
    let (old_failed, _) = webhook(&s, &unique("old-failed"), url, "NewWorkItemVersionComplete", |_| {}).await;
    let (recent, _) = webhook(&s, &unique("recent"), url, "NewWorkItemVersionComplete", |_| {}).await;
    let shared_event = unique("shared");
    post_event(&s, &key, &shared_event).await;
    age(&s, old_done, DeliveryStatus::Succeeded, chrono::Duration::days(31)).await;
    age(&s, old_due, DeliveryStatus::Retrying, chrono::Duration::days(40)).await;
    age(&s, old_failed, DeliveryStatus::Failed, chrono::Duration::days(31)).await;
    age(&s, recent, DeliveryStatus::Succeeded, chrono::Duration::days(29)).await;
    // An old event that no webhook matched (it never had a delivery).
    let orphan = unique("orphan");
    let ev = app::ssr::events::NewEvent {
        event_id: orphan.clone(),
        event_type: app::model::EventType::NewWorkItemVersionComplete,
        event_name: None,
        work_group: None,
        template: None,
        created_date: Utc::now().to_rfc3339(),
        created_by: None,
        data: "{}".into(),
    };
    app::ssr::events::ingest(&s.state.db, ev, &[], |_, _| "{}".into()).await.unwrap();
    event::Entity::update_many()
        .col_expr(event::Column::ReceivedAt, Expr::value(Utc::now() - chrono::Duration::days(60)))
        .filter(event::Column::EventId.eq(orphan.as_str()))
        .exec(&s.state.db)
        .await
        .unwrap();
    let old_attempt_ids: Vec<i32> = deliveries_of(&s, old_done).await.iter().map(|d| d.id).collect();
    assert_eq!(old_attempt_ids.len(), 6);

    let pruned = retention::prune(&s.state.db, Utc::now() - chrono::Duration::days(30), 2).await.unwrap();

    assert!(pruned.deliveries >= 7, "{pruned:?}");
    assert!(pruned.attempts >= 5, "{pruned:?}");
    assert!(deliveries_of(&s, old_done).await.is_empty(), "old succeeded deliveries are pruned");
    assert!(deliveries_of(&s, old_failed).await.is_empty(), "old failed deliveries are pruned");
    let due = deliveries_of(&s, old_due).await;
    assert_eq!(due.len(), 1, "a delivery still to be sent is kept whatever its age");
    assert_eq!(due[0].status, DeliveryStatus::Retrying);
    assert_eq!(deliveries_of(&s, recent).await.len(), 1, "recent deliveries are kept");
    let attempts_left = delivery_attempt::Entity::find()
        .filter(delivery_attempt::Column::DeliveryId.is_in(old_attempt_ids))
        .count(&s.state.db)
        .await
        .unwrap();
    assert_eq!(attempts_left, 0, "attempts go with their delivery");
    for id in &old_ids {
        assert!(!event_exists(&s, id).await, "event {id} has no delivery left: pruned");
    }
    assert!(!event_exists(&s, &orphan).await, "an old event without deliveries is pruned");
    assert!(event_exists(&s, &shared_event).await, "an event with a kept delivery is kept");

    // Nothing more to do on a second pass.
    let again = retention::prune(&s.state.db, Utc::now() - chrono::Duration::days(30), 2).await.unwrap();
    assert_eq!(again.deliveries, 0, "{again:?}");

    // A pruned eventId is forgotten: posting it again is a new event with new deliveries.
    let body = post_event(&s, &key, &old_ids[0]).await;
    assert_eq!(body["deliveries"].as_array().map(Vec::len), Some(4), "{body}");
}

async fn scrape(s: &TestServer, token: Option<&str>) -> (StatusCode, String) {
    let mut req = client().get(s.url("/metrics"));
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    let res = req.send().await.unwrap();
    let status = res.status();
    if status == StatusCode::OK {
        assert_eq!(res.headers()["content-type"], "text/plain; version=0.0.4; charset=utf-8");
    }
    (status, res.text().await.unwrap())
}

fn parse(text: &str) -> Scrape {
    // Every line is a comment or `name{labels} value`.
    for line in text.lines().filter(|l| !l.is_empty() && !l.starts_with('#')) {
        let (series, value) = line.rsplit_once(' ').unwrap_or_else(|| panic!("not a sample: {line}"));
        assert!(value.parse::<f64>().is_ok() || value == "+Inf", "value of {line}");
        let name = series.split('{').next().unwrap();
        assert!(name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') && !name.is_empty(), "name of {line}");
    }
    Scrape::parse(text.lines().map(|l| Ok(l.to_string()))).expect("Prometheus text format")
}

fn value(scrape: &Scrape, metric: &str, labels: &[(&str, &str)]) -> Option<f64> {
    scrape.samples.iter().find(|s| s.metric == metric && labels.iter().all(|(k, v)| s.labels.get(k) == Some(*v))).map(
        |s| match &s.value {
            Prom::Counter(v) | Prom::Gauge(v) | Prom::Untyped(v) => *v,
            Prom::Histogram(buckets) => buckets.iter().map(|b| b.count).fold(0.0, f64::max),
            Prom::Summary(_) => f64::NAN,
        },
    )
}

#[tokio::test]
async fn metrics_count_real_deliveries_by_outcome_with_latency_failure_streaks_and_route_templates() {
    let s = start().await;
    let key = api_key(&s).await;
    let ok = Receiver::start(Reply::status(200)).await;
    let gone = Receiver::start(Reply::status(410)).await;
    let broken = Receiver::start(Reply::status(500)).await;
    let (ok_id, _) = webhook(&s, &unique("ok"), &ok.url, "NewWorkItemVersionComplete", |_| {}).await;
    let (gone_id, _) = webhook(&s, &unique("gone"), &gone.url, "NewWorkItemVersionComplete", |_| {}).await;
    let (broken_id, _) = webhook(&s, &unique("broken"), &broken.url, "NewWorkItemVersionComplete", |_| {}).await;
    post_event(&s, &key, &unique("m")).await;
    for id in [ok_id, gone_id, broken_id] {
        eventually(10, "deliveries finished", || async { !deliveries_of(&s, id).await[0].status.is_due_work() }).await;
    }
    // A page under a route with an id, to see the template (not the id) in the labels.
    let _ = client().get(s.url(&format!("/webhooks/{ok_id}"))).send().await.unwrap();

    let (status, text) = scrape(&s, None).await;
    assert_eq!(status, StatusCode::OK, "{text}");
    let m = parse(&text);
    let outcome = |o: &str| value(&m, "hookwell_deliveries_total", &[("outcome", o)]);
    assert_eq!(outcome("succeeded"), Some(1.0), "{text}");
    assert_eq!(outcome("gone"), Some(1.0), "{text}");
    // The 500 receiver: three retries on the test schedule, then Failed.
    assert_eq!(outcome("retrying"), Some(3.0), "{text}");
    assert_eq!(outcome("failed"), Some(1.0), "{text}");
    assert_eq!(outcome("refused"), Some(0.0), "{text}");
    assert_eq!(ok.received().len() + gone.received().len() + broken.received().len(), 6);
    assert_eq!(value(&m, "hookwell_attempt_duration_seconds", &[]), Some(6.0), "six attempts observed: {text}");
    assert_eq!(value(&m, "hookwell_queue_depth", &[]), Some(0.0));
    assert_eq!(value(&m, "hookwell_queue_oldest_due_seconds", &[]), Some(0.0));
    let streak = |id: i32| value(&m, "hookwell_webhook_failure_streak_seconds", &[("webhook_id", &id.to_string())]);
    assert!(streak(broken_id).is_some_and(|v| v >= 0.0), "{text}");
    assert!(streak(gone_id).is_some(), "{text}");
    assert_eq!(streak(ok_id), None, "a webhook that succeeds is not failing");
    let events = value(
        &m,
        "hookwell_http_request_duration_seconds",
        &[("method", "POST"), ("route", "/api/v1/events"), ("status", "202")],
    );
    assert_eq!(events, Some(1.0), "{text}");
    assert!(text.contains("route=\"/webhooks/{id}\""), "{text}");
    assert!(!text.contains(&format!("/webhooks/{ok_id}\"")), "raw paths are not labels: {text}");
}

#[tokio::test]
async fn metrics_show_the_queue_and_a_token_guards_them() {
    let token = "metrics-token-0123456789";
    let s = start_with(&[("HOOKWELL_DELIVERY_WORKER", "false"), ("HOOKWELL_METRICS_TOKEN", token)]).await;
    let key = api_key(&s).await;
    webhook(&s, &unique("queued"), "http://127.0.0.1:9/hook", "NewWorkItemVersionComplete", |_| {}).await;
    post_event(&s, &key, &unique("q1")).await;
    post_event(&s, &key, &unique("q2")).await;
    tokio::time::sleep(Duration::from_millis(1100)).await;
    assert_eq!(scrape(&s, None).await.0, StatusCode::UNAUTHORIZED);
    assert_eq!(scrape(&s, Some("wrong-token-0123456789")).await.0, StatusCode::UNAUTHORIZED);
    let (status, text) = scrape(&s, Some(token)).await;
    assert_eq!(status, StatusCode::OK);
    let m = parse(&text);
    assert_eq!(value(&m, "hookwell_queue_depth", &[]), Some(2.0), "{text}");
    let oldest = value(&m, "hookwell_queue_oldest_due_seconds", &[]).unwrap();
    assert!((1.0..30.0).contains(&oldest), "oldest due for {oldest} s");
    assert_eq!(value(&m, "hookwell_deliveries_total", &[("outcome", "succeeded")]), Some(0.0));
}

/// The real binary with `HOOKWELL_LOG_FORMAT=json`: every log line is a JSON object, and the
/// lines of a request carry its request id.
#[tokio::test]
async fn the_binary_writes_json_logs_with_the_request_id() {
    let dir = tempfile::tempdir().unwrap();
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let child = tokio::process::Command::new(env!("CARGO_BIN_EXE_server"))
        .env_clear()
        .env("HOOKWELL_LOG_FORMAT", "json")
        .env("HOOKWELL_ADDR", format!("127.0.0.1:{port}"))
        .env("HOOKWELL_DATA_DIR", dir.path())
        .env("HOOKWELL_MASTER_KEY", MASTER_KEY)
        .env("HOOKWELL_ADMIN_PASSWORD", ADMIN_PASSWORD)
        .env("LEPTOS_SITE_ROOT", dir.path())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let base = format!("http://127.0.0.1:{port}");
    let mut up = false;
    for _ in 0..200 {
        if let Ok(res) = client().get(format!("{base}/healthz")).header("x-request-id", "warm-up").send().await {
            up = res.status() == StatusCode::OK;
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(up, "the server did not come up");
    let res = client().get(format!("{base}/readyz")).header("x-request-id", "req-json-logs-42").send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()["x-request-id"], "req-json-logs-42");
    tokio::time::sleep(Duration::from_millis(200)).await;
    // SIGTERM: a graceful stop, whose lines are JSON too.
    let pid = child.id().unwrap().to_string();
    let _ = std::process::Command::new("kill").args(["-TERM", &pid]).status();
    let out = tokio::time::timeout(Duration::from_secs(20), child.wait_with_output()).await.unwrap().unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(stdout.trim().is_empty(), "serving prints nothing on stdout: {stdout}");
    let lines: Vec<serde_json::Value> = stderr
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}")))
        .collect();
    assert!(lines.len() >= 3, "{stderr}");
    assert!(lines.iter().all(|l| l["level"].is_string() && l["timestamp"].is_string()), "{stderr}");
    assert!(lines.iter().any(|l| l["fields"]["message"].as_str().is_some_and(|m| m.contains("listening"))), "{stderr}");
    let of_request: Vec<&serde_json::Value> =
        lines.iter().filter(|l| l["span"]["request_id"] == "req-json-logs-42").collect();
    assert!(!of_request.is_empty(), "a line carries the request id: {stderr}");
    assert!(of_request.iter().any(|l| l["span"]["path"] == "/readyz"), "{stderr}");
}

#[tokio::test]
async fn an_unknown_log_format_stops_the_binary_with_a_clear_message() {
    let out = tokio::process::Command::new(env!("CARGO_BIN_EXE_server"))
        .env_clear()
        .env("HOOKWELL_LOG_FORMAT", "xml")
        .output()
        .await
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr).trim(),
        "hookwell: HOOKWELL_LOG_FORMAT: 'xml' is not a log format; use text or json"
    );
}

/// Key rotation: started with a new HOOKWELL_MASTER_KEY and the old one as
/// HOOKWELL_PREVIOUS_MASTER_KEY, the server seals every secret again under the new key; the
/// old key alone then opens nothing, and a second start re-seals nothing.
#[tokio::test]
async fn a_previous_master_key_reseals_secrets_under_the_new_key_at_start() {
    let s = start_with(&[("HOOKWELL_DELIVERY_WORKER", "false")]).await;
    let (hmac_id, secret) =
        webhook(&s, &unique("rot-hmac"), "https://example.com/h", "NewWorkItemVersionComplete", |_| {}).await;
    let (token_id, _) = webhook(&s, &unique("rot-token"), "https://example.com/t", "NewWorkItemVersionComplete", |f| {
        f["auth_method"] = json!("AccessToken");
        f["access_token"] = json!("token-to-rotate-1234");
    })
    .await;
    let new_key = "ICEiIyQlJicoKSorLC0uLzAxMjM0NTY3ODk6Ozw9Pj8=";
    let data = s.dir.path().display().to_string();
    let db_url = std::env::var("TEST_DATABASE_URL").unwrap_or_else(|_| format!("sqlite://{data}/test.db?mode=rwc"));
    let restart = |previous: Option<&'static str>| {
        let (data, db_url) = (data.clone(), db_url.clone());
        server::config::Config::load(move |k| match k {
            "HOOKWELL_DATA_DIR" => Some(data.clone()),
            "DATABASE_URL" => Some(db_url.clone()),
            "HOOKWELL_MASTER_KEY" => Some(new_key.into()),
            "HOOKWELL_PREVIOUS_MASTER_KEY" => previous.map(String::from),
            "HOOKWELL_ADMIN_PASSWORD" => Some(ADMIN_PASSWORD.into()),
            _ => None,
        })
        .unwrap()
    };
    let rotated = server::prepare(&restart(Some(MASTER_KEY))).await.unwrap();
    let hmac = app::ssr::webhooks::hmac_secret(&rotated.db, &rotated.cipher, hmac_id).await.unwrap();
    assert_eq!(hmac, secret, "the HMAC secret opens under the new key");
    let sealed: Option<Vec<u8>> = app::ssr::entities::webhook::Entity::find_by_id(token_id)
        .one(&rotated.db)
        .await
        .unwrap()
        .unwrap()
        .access_token_enc;
    let binding = app::ssr::crypto::Binding::AccessToken { webhook_id: token_id };
    assert_eq!(rotated.cipher.open(sealed.as_deref().unwrap(), binding).as_deref(), Some("token-to-rotate-1234"));
    assert_eq!(s.state.cipher.open(sealed.as_deref().unwrap(), binding), None, "the old key opens it no more");
    assert_eq!(app::ssr::webhooks::hmac_secret(&s.state.db, &s.state.cipher, hmac_id).await.unwrap(), None);
    let old = app::ssr::crypto::SecretCipher::new(&app::ssr::crypto::parse_master_key(MASTER_KEY).unwrap());
    let again = app::ssr::secret_binding::reseal_from_previous_key(&rotated.db, &rotated.cipher, &old).await.unwrap();
    assert_eq!(again, (0, 0), "a second start re-seals nothing");
    let e = server::config::Config::load(|k| (k == "HOOKWELL_PREVIOUS_MASTER_KEY").then(|| "short".to_string()))
        .unwrap_err();
    assert!(e.starts_with("HOOKWELL_PREVIOUS_MASTER_KEY: must be"), "{e}");
}
