//! A webhook's delivery health as the console shows it, against real receivers: the 24-hour
//! chart and its text alternative, the failing banner, "Disabled after failures", the HMAC
//! grace period, Recover, and payloads shown safely.
use crate::receivers::{Receiver, Reply};
use crate::support::*;
use app::model::{DeliveryStatus, Role};
use app::ssr::entities::{delivery, webhook};
use reqwest::{Client, StatusCode};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, EntityTrait};
use serde_json::json;
use std::time::Duration;

async fn send_event(s: &TestServer, key: &str, data: serde_json::Value) {
    let (st, body) =
        api_post(s, key, "/api/v1/events", json!({"eventType": "NewWorkItemVersionComplete", "data": data})).await;
    assert_eq!(st.as_u16(), 202, "{body}");
}

async fn page(c: &Client, s: &TestServer, path: &str) -> String {
    let res = c.get(s.url(path)).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK, "{path}");
    html(res).await
}

async fn statuses(s: &TestServer, id: i32) -> Vec<DeliveryStatus> {
    deliveries_of(s, id).await.into_iter().map(|d| d.status).collect()
}

async fn row(s: &TestServer, id: i32) -> webhook::Model {
    webhook::Entity::find_by_id(id).one(&s.state.db).await.unwrap().unwrap()
}

/// A plain (no-JavaScript) form post to a server function from `page`.
async fn post_without_js(
    c: &Client,
    s: &TestServer,
    rpc: &str,
    page: &str,
    form: &[(&str, &str)],
) -> reqwest::Response {
    let mut fields = vec![("_page", page)];
    fields.extend_from_slice(form);
    c.post(s.url(&format!("/rpc/{rpc}"))).header("accept", "text/html").form(&fields).send().await.unwrap()
}

fn utc(t: chrono::DateTime<chrono::Utc>) -> String {
    t.format("%Y-%m-%d %H:%M UTC").to_string()
}

#[tokio::test]
async fn the_chart_and_its_table_count_real_attempts_and_the_failing_banner_warns() {
    let s = start().await;
    let key = api_key(&s).await;
    let admin = s.as_role(Role::SiteAdmin).await;
    let r = Receiver::start(Reply::status(500)).await;
    r.then([Reply::status(200)]);
    let (id, _) = webhook(&s, &unique("charted"), &r.url, "NewWorkItemVersionComplete", |_| {}).await;
    let empty = page(&admin, &s, &format!("/webhooks/{id}")).await;
    assert!(empty.contains("Last 24 hours: no delivery attempts."), "empty state");
    assert!(!empty.contains("delivery-chart"), "no chart without data");

    let started = chrono::Utc::now();
    send_event(&s, &key, json!({"n": 1})).await;
    eventually(10, "first delivered", || async { statuses(&s, id).await == [DeliveryStatus::Succeeded] }).await;
    send_event(&s, &key, json!({"n": 2})).await;
    eventually(10, "second failed", || async { statuses(&s, id).await.get(1) == Some(&DeliveryStatus::Failed) }).await;
    assert_eq!(r.received().len(), 5, "one success, then the failing delivery's 4 attempts");

    let html = page(&admin, &s, &format!("/webhooks/{id}")).await;
    assert!(html.contains("Last 24 hours: 1 succeeded, 4 failed, median "), "summary line");
    assert!(
        html.contains(r#"role="img""#) && html.contains(&format!(r#"<title id="chart-title-{id}">"#)),
        "labelled SVG"
    );
    assert_eq!(html.matches(r#"class="bar-ok""#).count(), 24, "a bar per hour");
    assert_eq!(html.matches(r#"class="bar-failed""#).count(), 24);
    assert_eq!(html.matches(r#"<th scope="row">"#).count(), 24, "a table row per hour");
    let now = chrono::Utc::now();
    if started.format("%H").to_string() == now.format("%H").to_string() {
        let hour = now.format("%Y-%m-%d %H:00").to_string();
        let at = html.find(&format!(r#"<th scope="row">{hour}</th>"#)).expect("the current hour's row");
        let cells = &html[at..at + 200];
        assert!(cells.contains("<td>1</td><td>4</td><td>"), "{cells}");
        assert!(html.contains(&format!("{hour} UTC: 1 succeeded, 4 failed")), "the bar's tooltip");
    }

    let since = row(&s, id).await.failing_since.expect("failing since the first failed attempt");
    let banner = format!(
        "Deliveries to this webhook have failed since {}; it will be deactivated on {} unless one succeeds.",
        utc(since),
        utc(since + chrono::Duration::days(5))
    );
    assert!(html.contains(&banner), "failing banner: {banner}");
    assert!(!html.contains("Disabled after failures"));

    // A success ends the run of failures, and the banner with it.
    r.then([Reply::status(200)]);
    send_event(&s, &key, json!({"n": 3})).await;
    eventually(10, "third delivered", || async { statuses(&s, id).await.get(2) == Some(&DeliveryStatus::Succeeded) })
        .await;
    let html = page(&admin, &s, &format!("/webhooks/{id}")).await;
    assert!(!html.contains("have failed since"), "no banner after a success");
    assert!(html.contains("Last 24 hours: 2 succeeded, 4 failed"));
}

#[tokio::test]
async fn a_webhook_failing_past_the_limit_is_disabled_after_failures_and_activating_resumes() {
    let s =
        start_with(&[("HOOKWELL_AUTO_DISABLE_AFTER", "300ms"), ("HOOKWELL_RETRY_SCHEDULE", "200ms,200ms,200ms")]).await;
    let key = api_key(&s).await;
    let admin = s.as_role(Role::SiteAdmin).await;
    let r = Receiver::start(Reply::status(503)).await;
    let name = unique("dying");
    let (id, _) = webhook(&s, &name, &r.url, "NewWorkItemVersionComplete", |_| {}).await;
    send_event(&s, &key, json!({"n": 1})).await;
    eventually(10, "deactivated", || async { !row(&s, id).await.active }).await;
    let attempts = r.received().len();
    assert!((2..=4).contains(&attempts), "deactivated after the run passed 300 ms: {attempts} attempts");
    assert_eq!(row(&s, id).await.disabled_reason.as_deref(), Some("Disabled after failures"));

    let list = page(&admin, &s, &format!("/webhooks?q={name}")).await;
    assert!(list.contains("Inactive") && list.contains(r#"<span class="badge fail">Disabled after failures</span>"#));
    let html = page(&admin, &s, &format!("/webhooks/{id}")).await;
    let badge = r#"<span data-testid="disabled-reason" class="badge fail">Disabled after failures</span>"#;
    assert!(html.contains(badge), "badge on its page");
    assert!(html.contains("The delivery engine deactivated this webhook"));
    assert!(!html.contains("have failed since"), "no failing banner once deactivated");
    let audit = app::ssr::audit::recent(&s.state.db, 50).await.unwrap();
    let record = audit.iter().find(|a| a.action == "webhook.auto_disable").expect("audit record");
    assert_eq!(record.actor, "delivery engine");
    assert!(record.detail.contains("Disabled after failures"), "{record:?}");
    let audit_page = page(&admin, &s, "/audit").await;
    assert!(audit_page.contains("webhook.auto_disable"));

    // Inactive: a new event is not delivered.
    send_event(&s, &key, json!({"n": 2})).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(r.received().len(), attempts);

    r.then([Reply::status(200)]);
    let res = post_without_js(
        &admin,
        &s,
        "set_webhook_active",
        &format!("/webhooks/{id}"),
        &[("id", &id.to_string()), ("active", "true")],
    )
    .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let m = row(&s, id).await;
    assert!(m.active && m.disabled_reason.is_none() && m.failing_since.is_none(), "{m:?}");
    let html = page(&admin, &s, &format!("/webhooks/{id}")).await;
    assert!(!html.contains("Disabled after failures"));
    let list = page(&admin, &s, &format!("/webhooks?q={name}")).await;
    assert!(!list.contains("Disabled after failures"));
    send_event(&s, &key, json!({"n": 3})).await;
    r.wait_for(attempts + 1, 10).await;
    eventually(10, "delivered after re-activation", || async {
        statuses(&s, id).await.last() == Some(&DeliveryStatus::Succeeded)
    })
    .await;
}

/// Posts the regenerate confirmation without JavaScript; returns the secret the page shows.
async fn regenerate_without_js(c: &Client, s: &TestServer, id: i32, version: i32, grace: &str) -> String {
    let res = c
        .post(s.url(&format!("/webhooks/{id}/regenerate-secret")))
        .form(&[("confirm", "yes"), ("version", &version.to_string()), ("grace", grace)])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let html = res.text().await.unwrap();
    let start = html.find("whsec_").expect("the new secret is shown");
    html[start..].chars().take_while(|c| !matches!(c, '<' | '"' | '\\')).collect()
}

#[tokio::test]
async fn regenerating_with_a_one_hour_grace_signs_with_both_keys_and_the_page_says_until_when() {
    let s = start().await;
    let key = api_key(&s).await;
    let admin = s.as_role(Role::SiteAdmin).await;
    let r = Receiver::start(Reply::status(200)).await;
    let (id, old) = webhook(&s, &unique("graced"), &r.url, "NewWorkItemVersionComplete", |_| {}).await;
    let old = receiver::parse_secret(&old.unwrap()).unwrap();

    let confirm =
        admin.post(s.url(&format!("/webhooks/{id}/regenerate-secret"))).form(&[("version", "1")]).send().await.unwrap();
    let confirm = confirm.text().await.unwrap();
    let none = confirm.find(r#"name="grace" value="None""#).expect("a None choice");
    let none_input = &confirm[none..none + confirm[none..].find('>').unwrap()];
    assert!(none_input.contains("checked"), "None is chosen by default: {none_input}");
    assert!(confirm.contains(r#"name="grace" value="OneHour""#) && confirm.contains(r#"name="grace" value="OneDay""#));
    assert!(confirm.contains("1 hour") && confirm.contains("24 hours"));
    let refused = admin
        .post(s.url(&format!("/webhooks/{id}/regenerate-secret")))
        .form(&[("confirm", "yes"), ("version", "1"), ("grace", "forever")])
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.text().await.unwrap().contains("Choose a grace period"));

    let before = chrono::Utc::now();
    let new = regenerate_without_js(&admin, &s, id, 1, "OneHour").await;
    let new = receiver::parse_secret(&new).unwrap();
    send_event(&s, &key, json!({"n": 1})).await;
    let got = r.wait_for(1, 10).await;
    let now = chrono::Utc::now().timestamp();
    let signatures = got[0].header("webhook-signature");
    let entries: Vec<&str> = signatures.split(' ').collect();
    assert_eq!(entries.len(), 2, "{signatures}");
    let (msg_id, ts) = (got[0].header("webhook-id"), got[0].header("webhook-timestamp"));
    let verifies =
        |key: &[u8], sig: &str| receiver::verify_signature(key, &msg_id, &ts, sig, &got[0].body, now).is_ok();
    assert!(verifies(&new, entries[0]) && !verifies(&old, entries[0]), "the first signature is the new key's");
    assert!(verifies(&old, entries[1]) && !verifies(&new, entries[1]), "the second is the previous key's");
    assert!(receiver::verify_hmac_request(&new, &got[0].headers, &got[0].body, now).is_ok(), "JWT with the new key");
    assert!(receiver::verify_hmac_request(&old, &got[0].headers, &got[0].body, now).is_err(), "never the old one");

    let until = row(&s, id).await.previous_secret_expires_at.unwrap();
    let hour = chrono::Duration::hours(1);
    assert!(until >= before + hour && until <= chrono::Utc::now() + hour, "{until}");
    let html = page(&admin, &s, &format!("/webhooks/{id}")).await;
    let note = format!("The previous secret keeps working for Standard Webhooks signatures until {}.", utc(until));
    assert!(html.contains(&note), "{note}");
    assert!(!html.contains("whsec_"), "no secret on the page");

    let newest = regenerate_without_js(&admin, &s, id, 2, "None").await;
    let newest = receiver::parse_secret(&newest).unwrap();
    send_event(&s, &key, json!({"n": 2})).await;
    let got = r.wait_for(2, 10).await;
    let now = chrono::Utc::now().timestamp();
    assert_eq!(got[1].header("webhook-signature").matches("v1,").count(), 1, "no grace: one signature");
    assert!(receiver::verify_hmac_request(&newest, &got[1].headers, &got[1].body, now).is_ok());
    let by = |key: &[u8]| {
        receiver::verify_signature(
            key,
            &got[1].header("webhook-id"),
            &got[1].header("webhook-timestamp"),
            &got[1].header("webhook-signature"),
            &got[1].body,
            now,
        )
    };
    assert!(by(&new).is_err() && by(&old).is_err(), "earlier keys stop at once");
    let html = page(&admin, &s, &format!("/webhooks/{id}")).await;
    assert!(!html.contains("keeps working for Standard Webhooks signatures"));
}

#[tokio::test]
async fn recover_resends_exactly_the_failed_deliveries_since_the_chosen_time() {
    let s = start_with(&[("HOOKWELL_RETRY_SCHEDULE", "50ms")]).await;
    let key = api_key(&s).await;
    let admin = s.as_role(Role::SiteAdmin).await;
    let r = Receiver::start(Reply::status(500)).await;
    r.then([Reply::status(200)]);
    let (id, _) = webhook(&s, &unique("recovered"), &r.url, "NewWorkItemVersionComplete", |_| {}).await;
    send_event(&s, &key, json!({"n": 0})).await;
    eventually(10, "first delivered", || async { statuses(&s, id).await == [DeliveryStatus::Succeeded] }).await;
    for n in 1..=3 {
        send_event(&s, &key, json!({"n": n})).await;
    }
    eventually(10, "three failed", || async {
        statuses(&s, id).await.iter().filter(|st| **st == DeliveryStatus::Failed).count() == 3
    })
    .await;
    assert_eq!(r.received().len(), 1 + 3 * 2);
    // The oldest failure happened before the chosen time.
    let rows = deliveries_of(&s, id).await;
    let mut old: delivery::ActiveModel = rows[1].clone().into();
    old.created_at = Set(chrono::Utc::now() - chrono::Duration::hours(3));
    old.update(&s.state.db).await.unwrap();

    r.then([Reply::status(200), Reply::status(200), Reply::status(200)]);
    let since = (chrono::Utc::now() - chrono::Duration::hours(1)).format("%Y-%m-%dT%H:%M").to_string();
    let deliveries = format!("/webhooks/{id}/deliveries");
    let res = post_without_js(
        &admin,
        &s,
        "recover_deliveries",
        &deliveries,
        &[("webhook_id", &id.to_string()), ("since", &since)],
    )
    .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let to = res.headers()["location"].to_str().unwrap().to_string();
    assert_eq!(to, format!("{deliveries}?recovered=2"));
    eventually(10, "two resent", || async { r.received().len() == 9 }).await;
    eventually(10, "both succeeded", || async {
        statuses(&s, id).await
            == [DeliveryStatus::Succeeded, DeliveryStatus::Failed, DeliveryStatus::Succeeded, DeliveryStatus::Succeeded]
    })
    .await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(r.received().len(), 9, "nothing else was sent: not the old failure, not the success");
    let html = page(&admin, &s, &to).await;
    assert!(html.contains("2 failed deliveries queued again."), "the count is shown");
    let audit = app::ssr::audit::recent(&s.state.db, 20).await.unwrap();
    assert!(audit.iter().any(|a| a.action == "delivery.recover" && a.detail.starts_with("2 failed deliveries")));

    // With JavaScript the server function answers the count.
    let (st, body) =
        s.rpc_form(&admin, "recover_deliveries", &[("webhook_id", &id.to_string()), ("since", &since)]).await;
    assert_eq!((st, body.as_str()), (StatusCode::OK, "0"));
}

#[tokio::test]
async fn a_bad_recover_time_is_refused_beside_the_field() {
    let s = start().await;
    let admin = s.as_role(Role::SiteAdmin).await;
    let (id, _) =
        webhook(&s, &unique("badtime"), "https://example.com/hooks", "NewWorkItemVersionComplete", |_| {}).await;
    let deliveries = format!("/webhooks/{id}/deliveries");
    let future = (chrono::Utc::now() + chrono::Duration::days(1)).format("%Y-%m-%dT%H:%M").to_string();
    for (since, message) in [
        ("", "Enter the date and time (UTC)"),
        ("last tuesday", "Enter a date and time such as"),
        (future.as_str(), "Choose a time that has passed"),
    ] {
        let res = post_without_js(
            &admin,
            &s,
            "recover_deliveries",
            &deliveries,
            &[("webhook_id", &id.to_string()), ("since", since)],
        )
        .await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY, "{since:?}");
        let page = html(res).await;
        let beside = format!(r#"<p id="recover-since-error" class="field-error">{message}"#);
        assert!(page.contains(&beside), "{since:?}: {page}");
        assert!(page.contains(r#"aria-invalid="true""#) && page.contains(&format!(r#"value="{since}""#)));
        let (st, _) =
            s.rpc_form(&admin, "recover_deliveries", &[("webhook_id", &id.to_string()), ("since", since)]).await;
        assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY);
    }
}

#[tokio::test]
async fn large_payloads_base64_documents_and_html_are_shown_safely() {
    let s = start_with(&[("HOOKWELL_RETRY_SCHEDULE", "50ms")]).await;
    let key = api_key(&s).await;
    let admin = s.as_role(Role::SiteAdmin).await;
    let evil = "<img src=x onerror=alert(1)>";
    let r = Receiver::start(Reply { body: format!("<b>{evil}</b>"), ..Reply::status(500) }).await;
    let (id, _) = webhook(&s, &unique("payloads"), &r.url, "NewWorkItemVersionComplete", |_| {}).await;
    let big = "x".repeat(100 * 1024);
    send_event(&s, &key, json!({"a_note": "<script>alert('payload')</script>", "big": big})).await;
    let document = "JVBERi0xLjQK".repeat(2000);
    send_event(
        &s,
        &key,
        json!({"documents": [{"name": "a.pdf", "contentType": "application/pdf", "contentBase64": document}]}),
    )
    .await;
    eventually(10, "both failed", || async { statuses(&s, id).await == [DeliveryStatus::Failed; 2] }).await;
    let rows = deliveries_of(&s, id).await;

    let res = admin.get(s.url(&format!("/deliveries/{}", rows[0].id))).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let html = res.text().await.unwrap();
    assert!(html.len() < 3 * 64 * 1024, "at most 64 KiB of the payload, in the page and its state: {}", html.len());
    assert!(html.contains("Only the first 64 KiB of 100 KiB are shown."));
    assert!(
        !html.contains("<script>alert('payload')") && !html.contains(evil),
        "nothing from a payload or body is markup"
    );
    assert!(html.contains("&lt;script&gt;alert") && html.contains("&lt;img src=x onerror=alert(1)&gt;"));

    let html = page(&admin, &s, &format!("/deliveries/{}", rows[1].id)).await;
    assert!(html.contains("JVBERi0xLjQK") && html.contains(" characters of base64 not shown)"));
    assert!(html.contains("1 base64 document is shortened to 64 characters."));
    assert!(!html.contains(&document[..1000]), "the document is not in the page");
}
