//! The delivery engine against real receivers: retries, Retry-After, timeouts, 410, fairness,
//! inactive and deleted webhooks, TLS choice, egress policy, secret rotation, console actions.
use crate::receivers::{Receiver, Reply};
use crate::support::*;
use app::model::{DeliveryStatus, Role};
use app::ssr::deliveries;
use reqwest::StatusCode;
use serde_json::json;
use std::time::Duration;

async fn send_event(s: &TestServer, key: &str) {
    let (st, body) =
        api_post(s, key, "/api/v1/events", json!({"eventType": "NewWorkItemVersionComplete", "data": {"n": 1}})).await;
    assert_eq!(st.as_u16(), 202, "{body}");
}

async fn status_of(s: &TestServer, id: i32) -> DeliveryStatus {
    deliveries_of(s, id).await[0].status
}

#[tokio::test]
async fn a_failed_attempt_is_retried_with_the_same_webhook_id_then_succeeds() {
    let s = start().await;
    let key = api_key(&s).await;
    let r = Receiver::start(Reply::status(200)).await;
    r.then([Reply::status(500)]);
    let (id, _) = webhook(&s, &unique("retry"), &r.url, "NewWorkItemVersionComplete", |_| {}).await;
    send_event(&s, &key).await;
    let got = r.wait_for(2, 10).await;
    assert_eq!(got[0].header("webhook-id"), got[1].header("webhook-id"));
    eventually(5, "succeeded", || async { status_of(&s, id).await == DeliveryStatus::Succeeded }).await;
    let detail = deliveries::detail(&s.state.db, deliveries_of(&s, id).await[0].id).await.unwrap();
    let statuses: Vec<Option<i32>> = detail.attempts.iter().map(|a| a.http_status).collect();
    assert_eq!(statuses, vec![Some(500), Some(200)]);
}

#[tokio::test]
async fn retry_after_delays_the_next_attempt() {
    let s = start().await;
    let key = api_key(&s).await;
    let r = Receiver::start(Reply::status(200)).await;
    r.then([Reply::status(503).retry_after("1")]);
    webhook(&s, &unique("ra"), &r.url, "NewWorkItemVersionComplete", |_| {}).await;
    send_event(&s, &key).await;
    let got = r.wait_for(2, 10).await;
    assert!(got[1].at - got[0].at >= Duration::from_millis(950), "{:?}", got[1].at - got[0].at);
}

#[tokio::test]
async fn a_timeout_is_recorded_and_retried_and_the_last_failure_marks_it_failed() {
    let s = start_with(&[("HOOKWELL_DELIVERY_TIMEOUT", "300ms"), ("HOOKWELL_RETRY_SCHEDULE", "50ms")]).await;
    let key = api_key(&s).await;
    let r = Receiver::start(Reply::status(200).delayed(Duration::from_secs(2))).await;
    let (id, _) = webhook(&s, &unique("slow"), &r.url, "NewWorkItemVersionComplete", |_| {}).await;
    send_event(&s, &key).await;
    eventually(10, "failed", || async { status_of(&s, id).await == DeliveryStatus::Failed }).await;
    let d = &deliveries_of(&s, id).await[0];
    let detail = deliveries::detail(&s.state.db, d.id).await.unwrap();
    assert_eq!(detail.attempts.len(), 2);
    assert!(detail.attempts[0].error.as_deref().unwrap().contains("timed out"), "{:?}", detail.attempts[0]);
    assert!(d.last_error.as_deref().unwrap().contains("Gave up after 2 attempts"));
}

#[tokio::test]
async fn gone_stops_retrying() {
    let s = start().await;
    let key = api_key(&s).await;
    let r = Receiver::start(Reply::status(410)).await;
    let (id, _) = webhook(&s, &unique("gone"), &r.url, "NewWorkItemVersionComplete", |_| {}).await;
    send_event(&s, &key).await;
    eventually(5, "failed", || async { status_of(&s, id).await == DeliveryStatus::Failed }).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(r.received().len(), 1);
}

#[tokio::test]
async fn a_dead_endpoint_does_not_delay_a_healthy_one() {
    // The slow receiver takes 8 s per answer: had the healthy one waited behind it, its ten
    // deliveries would take 8 s or more. The margin keeps the test meaningful on a busy machine.
    let s = start_with(&[("HOOKWELL_DELIVERY_PER_ENDPOINT", "2"), ("HOOKWELL_DELIVERY_TIMEOUT", "8s")]).await;
    let key = api_key(&s).await;
    let slow = Receiver::start(Reply::status(200).delayed(Duration::from_secs(8))).await;
    let fast = Receiver::start(Reply::status(200)).await;
    webhook(&s, &unique("slow"), &slow.url, "NewWorkItemVersionComplete", |_| {}).await;
    webhook(&s, &unique("fast"), &fast.url, "NewWorkItemVersionComplete", |_| {}).await;
    let started = std::time::Instant::now();
    for _ in 0..10 {
        send_event(&s, &key).await;
    }
    fast.wait_for(10, 10).await;
    assert!(started.elapsed() < Duration::from_secs(5), "healthy endpoint waited {:?}", started.elapsed());
    assert!(slow.received().len() <= 2, "per-endpoint cap: {}", slow.received().len());
}

#[tokio::test]
async fn inactive_and_deleted_webhooks_receive_nothing_and_reactivating_does_not_replay() {
    let s = start_with(&[("HOOKWELL_DELIVERY_WORKER", "false")]).await;
    let key = api_key(&s).await;
    let r = Receiver::start(Reply::status(200)).await;
    let (inactive, _) =
        webhook(&s, &unique("off"), &r.url, "NewWorkItemVersionComplete", |f| f["active"] = json!(null)).await;
    let (queued, _) = webhook(&s, &unique("queued"), &r.url, "NewWorkItemVersionComplete", |_| {}).await;
    let (deleted, _) = webhook(&s, &unique("deleted"), &r.url, "NewWorkItemVersionComplete", |_| {}).await;
    send_event(&s, &key).await;
    assert!(deliveries_of(&s, inactive).await.is_empty(), "inactive webhooks get no delivery");
    app::ssr::webhooks::set_active(&s.state.db, &actor(), queued, false).await.unwrap();
    app::ssr::webhooks::delete(&s.state.db, &actor(), deleted).await.unwrap();
    let d = &deliveries_of(&s, queued).await[0];
    assert_eq!(d.status, DeliveryStatus::Failed);
    assert_eq!(d.last_error.as_deref(), Some(deliveries::NOT_SENT_INACTIVE));
    app::ssr::webhooks::set_active(&s.state.db, &actor(), queued, true).await.unwrap();
    let config = server::config::Config::load(|k| match k {
        "HOOKWELL_ALLOW_PRIVATE_TARGETS" => Some("true".into()),
        "HOOKWELL_DELIVERY_POLL_INTERVAL" => Some("50ms".into()),
        _ => None,
    })
    .unwrap();
    let worker = server::start_worker(&s.state, &config).unwrap().unwrap();
    tokio::time::sleep(Duration::from_millis(400)).await;
    worker.shutdown().await;
    assert_eq!(r.received().len(), 0);
}

#[tokio::test]
async fn a_test_event_reaches_an_inactive_webhook_and_redeliver_keeps_the_webhook_id() {
    let s = start().await;
    let r = Receiver::start(Reply::status(200)).await;
    let (id, secret) = webhook(&s, &unique("test"), &r.url, "InterviewLoadEvent", |f| f["active"] = json!(null)).await;
    let delivery_id = deliveries::send_test(&s.state.db, &actor(), id).await.unwrap();
    let got = r.wait_for(1, 10).await;
    let key = receiver::parse_secret(&secret.unwrap()).unwrap();
    let v = receiver::verify_hmac_request(&key, &got[0].headers, &got[0].body, chrono::Utc::now().timestamp()).unwrap();
    assert!(v.data["answers"].is_object());
    eventually(5, "succeeded", || async { status_of(&s, id).await == DeliveryStatus::Succeeded }).await;
    deliveries::redeliver(&s.state.db, &actor(), delivery_id).await.unwrap();
    let got = r.wait_for(2, 10).await;
    assert_eq!(got[0].header("webhook-id"), got[1].header("webhook-id"));
    let row = &deliveries::list(&s.state.db, id, None, 0).await.unwrap().rows[0];
    assert!(row.is_test);
    let last = deliveries::last_results(&s.state.db, &[id]).await.unwrap();
    assert_eq!(last[0].delivery_id, delivery_id);
    let chart = deliveries::hourly(&s.state.db, id, chrono::Utc::now()).await.unwrap();
    assert_eq!(chart.len(), 24);
    eventually(5, "two successes charted", || async {
        deliveries::hourly(&s.state.db, id, chrono::Utc::now()).await.unwrap().iter().map(|h| h.succeeded).sum::<u32>()
            == 2
    })
    .await;
}

#[tokio::test]
async fn recover_requeues_failed_deliveries() {
    let s = start_with(&[("HOOKWELL_RETRY_SCHEDULE", "50ms")]).await;
    let key = api_key(&s).await;
    let r = Receiver::start(Reply::status(200)).await;
    r.then([Reply::status(500), Reply::status(500)]);
    let (id, _) = webhook(&s, &unique("recover"), &r.url, "NewWorkItemVersionComplete", |_| {}).await;
    send_event(&s, &key).await;
    eventually(10, "failed", || async { status_of(&s, id).await == DeliveryStatus::Failed }).await;
    let since = chrono::Utc::now() - chrono::Duration::hours(1);
    let n = deliveries::recover(&s.state.db, &actor(), id, since).await.unwrap();
    assert_eq!(n, 1);
    eventually(10, "succeeded", || async { status_of(&s, id).await == DeliveryStatus::Succeeded }).await;
    assert_eq!(r.received().len(), 3);
}

#[tokio::test]
async fn block_untrusted_ssl_refuses_a_self_signed_receiver_and_accept_delivers() {
    let s = start().await;
    let key = api_key(&s).await;
    let r = Receiver::https(Reply::status(200)).await;
    let (blocked, _) = webhook(&s, &unique("block"), &r.url, "NewWorkItemVersionComplete", |_| {}).await;
    let (accepted, _) =
        webhook(&s, &unique("accept"), &r.url, "NewWorkItemVersionComplete", |f| f["ssl"] = json!("accept")).await;
    send_event(&s, &key).await;
    eventually(10, "accepted delivered", || async { status_of(&s, accepted).await == DeliveryStatus::Succeeded }).await;
    eventually(10, "blocked attempted", || async { deliveries_of(&s, blocked).await[0].attempts >= 1 }).await;
    let d = &deliveries_of(&s, blocked).await[0];
    assert_ne!(d.status, DeliveryStatus::Succeeded);
    let detail = deliveries::detail(&s.state.db, d.id).await.unwrap();
    assert!(detail.attempts[0].http_status.is_none() && detail.attempts[0].error.is_some());
    assert_eq!(r.received().len(), 1, "only the accepting webhook got through");
}

#[tokio::test]
async fn private_targets_are_refused_unless_allowed_with_the_reason_recorded() {
    let s = start_with(&[("HOOKWELL_ALLOW_PRIVATE_TARGETS", "false")]).await;
    let key = api_key(&s).await;
    let r = Receiver::start(Reply::status(200)).await;
    let port = r.url.split(':').nth(2).unwrap().to_string();
    let (literal, _) = webhook(&s, &unique("literal"), &r.url, "NewWorkItemVersionComplete", |_| {}).await;
    let (named, _) =
        webhook(&s, &unique("named"), &format!("http://localhost:{port}"), "NewWorkItemVersionComplete", |_| {}).await;
    send_event(&s, &key).await;
    for id in [literal, named] {
        eventually(10, "refused", || async { deliveries_of(&s, id).await[0].attempts >= 1 }).await;
        let detail = deliveries::detail(&s.state.db, deliveries_of(&s, id).await[0].id).await.unwrap();
        let error = detail.attempts[0].error.clone().unwrap();
        assert!(error.contains("loopback") && error.contains("HOOKWELL_ALLOW_PRIVATE_TARGETS"), "{error}");
    }
    assert_eq!(r.received().len(), 0);
}

#[tokio::test]
async fn regenerating_the_secret_signs_with_the_new_one_and_grace_adds_the_old_signature() {
    let s = start().await;
    let key = api_key(&s).await;
    let r = Receiver::start(Reply::status(200)).await;
    let (id, old) = webhook(&s, &unique("rotate"), &r.url, "NewWorkItemVersionComplete", |_| {}).await;
    let old = receiver::parse_secret(&old.unwrap()).unwrap();
    let new = app::ssr::webhooks::regenerate_secret(&s.state.db, &s.state.cipher, &actor(), id, 1).await.unwrap();
    let new = receiver::parse_secret(&new).unwrap();
    send_event(&s, &key).await;
    let got = r.wait_for(1, 10).await;
    let now = chrono::Utc::now().timestamp();
    assert!(receiver::verify_hmac_request(&old, &got[0].headers, &got[0].body, now).is_err());
    assert!(receiver::verify_hmac_request(&new, &got[0].headers, &got[0].body, now).is_ok());
    assert_eq!(got[0].header("webhook-signature").matches("v1,").count(), 1);
    let newer = app::ssr::webhooks::regenerate_secret_with_grace(
        &s.state.db,
        &s.state.cipher,
        &actor(),
        id,
        2,
        app::model::SecretGrace::OneHour,
    )
    .await
    .unwrap();
    let newer = receiver::parse_secret(&newer).unwrap();
    send_event(&s, &key).await;
    let got = r.wait_for(2, 10).await;
    let now = chrono::Utc::now().timestamp();
    assert_eq!(got[1].header("webhook-signature").matches("v1,").count(), 2);
    assert!(receiver::verify_hmac_request(&newer, &got[1].headers, &got[1].body, now).is_ok());
    let by_old_header = receiver::verify_signature(
        &new,
        &got[1].header("webhook-id"),
        &got[1].header("webhook-timestamp"),
        &got[1].header("webhook-signature"),
        &got[1].body,
        now,
    );
    assert!(by_old_header.is_ok(), "the previous secret still verifies the header during the grace period");
    assert!(receiver::verify_hmac_request(&new, &got[1].headers, &got[1].body, now).is_err(), "never the JWT");
}

#[tokio::test]
async fn the_example_receiver_accepts_real_deliveries_and_rejects_tampered_ones() {
    let s = start().await;
    let key = api_key(&s).await;
    let r = Receiver::start(Reply::status(200)).await;
    let (_, secret) = webhook(&s, &unique("example"), &r.url, "NewWorkItemVersionComplete", |_| {}).await;
    send_event(&s, &key).await;
    let got = r.wait_for(1, 10).await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let verifier = receiver::Verifier::Hmac(receiver::parse_secret(&secret.unwrap()).unwrap());
    tokio::spawn(async move { axum::serve(listener, receiver::router(verifier)).await });
    let replay = |body: Vec<u8>| {
        let mut req = reqwest::Client::new().post(format!("http://{addr}/")).body(body);
        for (k, v) in got[0].headers.iter() {
            if k != "content-length" && k != "host" {
                req = req.header(k, v);
            }
        }
        req.send()
    };
    assert_eq!(replay(got[0].body.clone()).await.unwrap().status(), 200);
    let mut tampered = got[0].body.clone();
    tampered.extend_from_slice(b"x");
    assert_eq!(replay(tampered).await.unwrap().status(), 401);
}

#[tokio::test]
async fn a_webhook_failing_longer_than_the_limit_is_deactivated_and_audited() {
    let s = start_with(&[("HOOKWELL_AUTO_DISABLE_AFTER", "0s"), ("HOOKWELL_RETRY_SCHEDULE", "50ms,50ms")]).await;
    let key = api_key(&s).await;
    let r = Receiver::start(Reply::status(500)).await;
    let (id, _) = webhook(&s, &unique("dead"), &r.url, "NewWorkItemVersionComplete", |_| {}).await;
    send_event(&s, &key).await;
    eventually(10, "disabled", || async {
        let w = app::ssr::webhooks::detail(&s.state.db, id, chrono::Duration::days(5)).await.unwrap();
        !w.active
    })
    .await;
    use sea_orm::EntityTrait;
    let row = app::ssr::entities::webhook::Entity::find_by_id(id).one(&s.state.db).await.unwrap().unwrap();
    assert_eq!(row.disabled_reason.as_deref(), Some("Disabled after failures"));
    let audit = app::ssr::audit::recent(&s.state.db, 20).await.unwrap();
    assert!(audit.iter().any(|a| a.action == "webhook.auto_disable"));
    app::ssr::webhooks::set_active(&s.state.db, &actor(), id, true).await.unwrap();
    let row = app::ssr::entities::webhook::Entity::find_by_id(id).one(&s.state.db).await.unwrap().unwrap();
    assert!(row.disabled_reason.is_none() && row.active);
}

#[tokio::test]
async fn the_webhook_list_shows_each_webhooks_last_delivery_result() {
    let s = start().await;
    let receiver = Receiver::start(Reply::status(200)).await;
    let admin = s.as_role(Role::SiteAdmin).await;
    let name = unique("listed");
    let mut form = hook(&name, "NewWorkItemVersionComplete");
    form["url"] = json!(receiver.url);
    let (_, body) = s.rpc(&admin, "create_webhook", json!({"form": form})).await;
    let id = body["id"].as_i64().unwrap() as i32;
    let search = format!("/webhooks?q={name}");
    let before = admin.get(s.url(&search)).send().await.unwrap().text().await.unwrap();
    assert!(before.contains("No deliveries yet"));
    deliveries::send_test(&s.state.db, &actor(), id).await.unwrap();
    s.state.delivery_wake.notify_one();
    receiver.wait_for(1, 10).await;
    let mut page = String::new();
    for _ in 0..50 {
        page = admin.get(s.url(&search)).send().await.unwrap().text().await.unwrap();
        if page.contains("Succeeded · HTTP 200") {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(page.contains("Succeeded · HTTP 200"), "the list shows the result");
}

#[tokio::test]
async fn send_test_event_without_javascript_shows_the_delivery_and_redeliver_keeps_its_id() {
    let s = start().await;
    let r = Receiver::start(Reply::status(200)).await;
    let admin = s.as_role(Role::SiteAdmin).await;
    let (id, _) = webhook(&s, &unique("tested"), &r.url, "InterviewLoadEvent", |_| {}).await;
    let res = admin
        .post(s.url("/rpc/send_test_event"))
        .header("accept", "text/html")
        .form(&[("_page", format!("/webhooks/{id}").as_str()), ("webhook_id", &id.to_string())])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let page = res.headers()["location"].to_str().unwrap().to_string();
    assert!(page.starts_with("/deliveries/"), "{page}");
    let first = r.wait_for(1, 10).await;
    let delivery: i32 = page.trim_start_matches("/deliveries/").parse().unwrap();
    let mut html = String::new();
    for _ in 0..50 {
        html = admin.get(s.url(&page)).send().await.unwrap().text().await.unwrap();
        if html.contains("Succeeded") {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(html.contains("Succeeded") && html.contains("· test event") && html.contains("Tenant Name"), "{html}");
    let list = admin.get(s.url(&format!("/webhooks/{id}/deliveries?status=Succeeded"))).send().await.unwrap();
    assert_eq!(list.status(), StatusCode::OK);
    assert!(list.text().await.unwrap().contains(&format!("/deliveries/{delivery}")));
    let (st, _) = s.rpc_form(&admin, "redeliver", &[("id", &delivery.to_string())]).await;
    assert_eq!(st, StatusCode::OK);
    let both = r.wait_for(2, 10).await;
    let msg_id = |i: usize| both[i].header("webhook-id");
    assert_eq!(msg_id(0), msg_id(1), "Redeliver keeps the webhook-id");
    assert_eq!(first.len(), 1);
    let missing = admin.get(s.url("/deliveries/987654")).send().await.unwrap();
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_webhook_with_more_deliveries_than_are_counted_pages_on_and_shows_the_last_result() {
    use app::model::{DELIVERY_COUNT_CAP, DELIVERY_PAGE_SIZE};
    use app::ssr::entities::{delivery, event};
    use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter};
    let s = start().await;
    let (id, _) =
        webhook(&s, &unique("busy"), "https://busy.example.com/hook", "NewWorkItemVersionComplete", |_| {}).await;
    let n = DELIVERY_COUNT_CAP as i32 + 1;
    let now = chrono::Utc::now();
    let prefix = unique("bulk");
    for chunk in (0..n).collect::<Vec<_>>().chunks(500) {
        let events = chunk.iter().map(|i| event::ActiveModel {
            event_id: Set(format!("{prefix}-{i}")),
            event_type: Set(app::model::EventType::NewWorkItemVersionComplete),
            created_date: Set(now.to_rfc3339()),
            payload: Set("{}".into()),
            response: Set(String::new()),
            received_at: Set(now),
            ..Default::default()
        });
        event::Entity::insert_many(events).exec(&s.state.db).await.unwrap();
        let ids: std::collections::HashMap<String, i32> = event::Entity::find()
            .filter(event::Column::EventId.is_in(chunk.iter().map(|i| format!("{prefix}-{i}"))))
            .all(&s.state.db)
            .await
            .unwrap()
            .into_iter()
            .map(|e| (e.event_id, e.id))
            .collect();
        let rows = chunk.iter().map(|i| delivery::ActiveModel {
            event_id: Set(ids[&format!("{prefix}-{i}")]),
            webhook_id: Set(id),
            msg_id: Set(format!("msg_{prefix}_{i}")),
            status: Set(if *i == n - 1 { DeliveryStatus::Failed } else { DeliveryStatus::Succeeded }),
            attempts: Set(1),
            next_attempt_at: Set(now),
            last_status: Set(Some(if *i == n - 1 { 502 } else { 200 })),
            is_test: Set(false),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        });
        delivery::Entity::insert_many(rows).exec(&s.state.db).await.unwrap();
    }
    let admin = s.as_role(Role::SiteAdmin).await;
    let get = |path: String| {
        let admin = admin.clone();
        async move { admin.get(path).send().await.unwrap().text().await.unwrap() }
    };
    let first = get(s.url(&format!("/webhooks/{id}/deliveries"))).await;
    assert!(first.contains(&format!("More than {DELIVERY_COUNT_CAP} deliveries")), "{first}");
    assert!(first.contains("rel=\"next\""));
    // The last counted page still offers the next one, which holds the oldest delivery.
    let last_page = DELIVERY_COUNT_CAP / DELIVERY_PAGE_SIZE + 1;
    let beyond = get(s.url(&format!("/webhooks/{id}/deliveries?page={last_page}"))).await;
    assert!(beyond.contains(&format!("Page {last_page}<")), "{beyond}");
    assert!(beyond.contains("/deliveries/"), "the oldest delivery is listed");
    // The list shows the newest delivery's result.
    let list = get(s.url("/webhooks?q=busy")).await;
    assert!(list.contains("Failed · HTTP 502"), "{list}");
}
