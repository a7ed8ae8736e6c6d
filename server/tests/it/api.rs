//! The platform API end to end: authentication, validation, events, synchronous calls, sync of
//! work groups and templates, the OpenAPI document.
use crate::receivers::{Receiver, Reply};
use crate::support::*;
use reqwest::StatusCode;
use serde_json::{json, Value};

fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

#[tokio::test]
async fn an_event_is_delivered_signed_with_a_jwt_and_a_standard_webhooks_signature() {
    let s = start().await;
    let key = api_key(&s).await;
    let r = Receiver::start(Reply::status(200)).await;
    let (id, secret) = webhook(&s, &unique("nwivc"), &r.url, "NewWorkItemVersionComplete", |_| {}).await;
    let (st, body) = api_post(
        &s,
        &key,
        "/api/v1/events",
        json!({"eventType": "NewWorkItemVersionComplete", "eventId": unique("e"), "data": {"workItem": {"id": 7}}}),
    )
    .await;
    assert_eq!(st, StatusCode::ACCEPTED, "{body}");
    assert_eq!(body["deliveries"].as_array().unwrap().len(), 1);
    let got = r.wait_for(1, 10).await;
    let req = &got[0];
    assert_eq!(req.header("content-type"), "application/x-www-form-urlencoded");
    assert!(req.header("user-agent").starts_with("Hookwell/"));
    let key_bytes = receiver::parse_secret(&secret.unwrap()).unwrap();
    let verified = receiver::verify_hmac_request(&key_bytes, &req.headers, &req.body, now()).unwrap();
    assert_eq!(verified.event_type, "NewWorkItemVersionComplete");
    assert_eq!(verified.data, json!({"workItem": {"id": 7}}));
    eventually(5, "delivery succeeded", || async {
        deliveries_of(&s, id).await[0].status == app::model::DeliveryStatus::Succeeded
    })
    .await;
}

#[tokio::test]
async fn an_access_token_delivery_is_json_with_a_bearer_header() {
    let s = start().await;
    let key = api_key(&s).await;
    let r = Receiver::start(Reply::status(204)).await;
    webhook(&s, &unique("tok"), &r.url, "NewWorkItemVersionComplete", |f| {
        f["auth_method"] = json!("AccessToken");
        f["access_token"] = json!("receiver-token-1234");
    })
    .await;
    let (st, _) =
        api_post(&s, &key, "/api/v1/events", json!({"eventType": "NewWorkItemVersionComplete", "data": {}})).await;
    assert_eq!(st, StatusCode::ACCEPTED);
    let req = &r.wait_for(1, 10).await[0];
    assert_eq!(req.header("authorization"), "Bearer receiver-token-1234");
    assert_eq!(req.header("content-type"), "application/json");
    assert!(req.header("webhook-signature").is_empty());
    let verified = receiver::verify_access_token_request("receiver-token-1234", &req.headers, &req.body).unwrap();
    assert_eq!(verified.event_type, "NewWorkItemVersionComplete");
}

#[tokio::test]
async fn a_repeated_event_id_answers_the_same_and_delivers_once() {
    let s = start().await;
    let key = api_key(&s).await;
    let r = Receiver::start(Reply::status(200)).await;
    let (id, _) = webhook(&s, &unique("idem"), &r.url, "NewWorkItemVersionComplete", |_| {}).await;
    let event = json!({"eventType": "NewWorkItemVersionComplete", "eventId": unique("same"), "data": {"a": 1}});
    let (st1, first) = api_post(&s, &key, "/api/v1/events", event.clone()).await;
    let (st2, second) = api_post(&s, &key, "/api/v1/events", event).await;
    assert_eq!((st1, st2), (StatusCode::ACCEPTED, StatusCode::ACCEPTED));
    assert_eq!(first, second);
    r.wait_for(1, 10).await;
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert_eq!(r.received().len(), 1);
    assert_eq!(deliveries_of(&s, id).await.len(), 1);
}

#[tokio::test]
async fn missing_malformed_wrong_and_revoked_keys_answer_401_problems() {
    let s = start().await;
    let key = api_key(&s).await;
    let body = json!({"eventType": "NewWorkItemVersionComplete", "data": {}});
    let c = client();
    let url = s.url("/api/v1/events");
    let cases = [
        c.post(&url).json(&body),
        c.post(&url).header("authorization", "Basic abc").json(&body),
        c.post(&url).header("authorization", "Bearer").json(&body),
        c.post(&url).bearer_auth("hwk_not-a-real-key-not-a-real-key-00000").json(&body),
    ];
    for req in cases {
        let res = req.send().await.unwrap();
        assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
        assert_eq!(res.headers()["content-type"], "application/problem+json");
    }
    let (st, _) = api_post(&s, &key, "/api/v1/events", body.clone()).await;
    assert_eq!(st, StatusCode::ACCEPTED);
    let row =
        app::ssr::api_keys::list(&s.state.db).await.unwrap().into_iter().find(|k| key.starts_with(&k.prefix)).unwrap();
    assert!(row.last_used_at.is_some());
    app::ssr::api_keys::revoke(&s.state.db, "tests", row.id).await.unwrap();
    let (st, problem) = api_post(&s, &key, "/api/v1/events", body).await;
    assert_eq!(st, StatusCode::UNAUTHORIZED);
    assert_eq!(problem["status"], json!(401));
}

#[tokio::test]
async fn bad_bodies_are_refused_with_the_field_and_reason_never_500() {
    let s = start_with(&[("HOOKWELL_API_MAX_BODY_BYTES", "2048")]).await;
    let key = api_key(&s).await;
    let c = client();
    let raw = |path: &str, ct: &str, body: String| {
        c.post(s.url(path)).bearer_auth(&key).header("content-type", ct).body(body).send()
    };
    let ok = json!({"eventType": "NewWorkItemVersionComplete", "data": {}});
    let cases: Vec<(&str, String, u16, &str)> = vec![
        ("/api/v1/events", "{not json".into(), 400, ""),
        ("/api/v1/events", "".into(), 400, ""),
        ("/api/v1/events", json!({"eventType": 5, "data": {}}).to_string(), 422, "eventType"),
        ("/api/v1/events", json!({"eventType": "Nope", "data": {}}).to_string(), 422, "eventType"),
        (
            "/api/v1/events",
            json!({"eventType": "NewWorkItemVersionComplete", "data": {}, "extra": 1}).to_string(),
            422,
            "extra",
        ),
        ("/api/v1/events", json!({"data": {}}).to_string(), 422, "eventType"),
        ("/api/v1/events", json!({"eventType": "NewWorkItemVersionComplete"}).to_string(), 422, "data"),
        ("/api/v1/events", json!({"eventType": "NewWorkItemVersionComplete", "data": []}).to_string(), 422, "data"),
        (
            "/api/v1/events",
            json!({"eventType": "NewWorkItemVersionComplete", "eventId": "", "data": {}}).to_string(),
            422,
            "eventId",
        ),
        (
            "/api/v1/events",
            json!({"eventType": "NewWorkItemVersionComplete", "workGroup": "bad key!", "data": {}}).to_string(),
            422,
            "workGroup",
        ),
        (
            "/api/v1/events",
            json!({"eventType": "NewWorkItemVersionComplete", "createdDate": "yesterday", "data": {}}).to_string(),
            422,
            "createdDate",
        ),
        ("/api/v1/custom-interview-events/bad%20name", json!({"answers": {}}).to_string(), 422, "eventName"),
        ("/api/v1/work-groups/ok", json!({"name": ""}).to_string(), 422, "name"),
        (
            "/api/v1/post-processing",
            json!({"template": "t", "documents": [{"name": "a", "contentType": "text/plain", "contentBase64": "***"}]})
                .to_string(),
            422,
            "documents[0].contentBase64",
        ),
        (
            "/api/v1/events",
            json!({"eventType": "NewWorkItemVersionComplete", "data": {"pad": "x".repeat(4000)}}).to_string(),
            413,
            "",
        ),
    ];
    for (path, body, status, field) in cases {
        let res = if path.starts_with("/api/v1/work-groups") {
            c.put(s.url(path))
                .bearer_auth(&key)
                .header("content-type", "application/json")
                .body(body.clone())
                .send()
                .await
                .unwrap()
        } else {
            raw(path, "application/json", body.clone()).await.unwrap()
        };
        assert_eq!(res.status().as_u16(), status, "{path} {body}");
        assert_eq!(res.headers()["content-type"], "application/problem+json", "{body}");
        let problem: Value = res.json().await.unwrap();
        if !field.is_empty() {
            assert_eq!(problem["field"], json!(field), "{body}: {problem}");
        }
        assert!(problem["detail"].as_str().is_some_and(|d| !d.is_empty()));
    }
    let res = raw("/api/v1/events", "text/plain", ok.to_string()).await.unwrap();
    assert_eq!(res.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
}

#[tokio::test]
async fn interview_load_overlays_answers_in_position_order_and_reports_each_outcome() {
    let s = start().await;
    let key = api_key(&s).await;
    let first = Receiver::start(Reply::json(json!({"answers": {"Name": "first", "A": 1}}))).await;
    let broken = Receiver::start(Reply::status(500)).await;
    let second = Receiver::start(Reply::json(json!({"answers": {"Name": "second"}}))).await;
    let (a, _) = webhook(&s, &unique("load-a"), &first.url, "InterviewLoadEvent", |_| {}).await;
    let (b, _) = webhook(&s, &unique("load-b"), &broken.url, "InterviewLoadEvent", |_| {}).await;
    let (c, _) = webhook(&s, &unique("load-c"), &second.url, "InterviewLoadEvent", |_| {}).await;
    let (st, body) = api_post(
        &s,
        &key,
        "/api/v1/interview-load",
        json!({"workGroup": "legal", "template": "lease", "answers": {"Name": "", "Keep": true}, "user": {"id": "u1"}}),
    )
    .await;
    assert_eq!(st, StatusCode::OK, "{body}");
    assert_eq!(body["answers"], json!({"Name": "second", "Keep": true, "A": 1}));
    let outcomes = body["outcomes"].as_array().unwrap();
    let ids: Vec<i64> = outcomes.iter().map(|o| o["webhookId"].as_i64().unwrap()).collect();
    assert_eq!(ids, vec![a as i64, b as i64, c as i64]);
    assert_eq!(outcomes[1]["status"], json!("failed"));
    assert!(outcomes[1]["reason"].as_str().unwrap().contains("500"));
    // Moving the last one up changes who wins.
    app::ssr::webhooks::move_webhook(&s.state.db, &actor(), c, app::model::MoveDirection::Up).await.unwrap();
    app::ssr::webhooks::move_webhook(&s.state.db, &actor(), c, app::model::MoveDirection::Up).await.unwrap();
    let (_, body) =
        api_post(&s, &key, "/api/v1/interview-load", json!({"workGroup": "legal", "template": "lease", "answers": {}}))
            .await;
    assert_eq!(body["answers"]["Name"], json!("first"));
    assert_eq!(body["outcomes"][0]["webhookId"], json!(c));
}

#[tokio::test]
async fn synchronous_calls_are_recorded_as_deliveries_that_are_not_resent() {
    let s = start().await;
    let key = api_key(&s).await;
    let good = Receiver::start(Reply::json(json!({"answers": {"Name": "filled"}}))).await;
    let broken = Receiver::start(Reply::status(503)).await;
    let (a, _) = webhook(&s, &unique("rec-a"), &good.url, "InterviewLoadEvent", |_| {}).await;
    let (b, _) = webhook(&s, &unique("rec-b"), &broken.url, "InterviewLoadEvent", |_| {}).await;
    let (st, body) =
        api_post(&s, &key, "/api/v1/interview-load", json!({"workGroup": "legal", "template": "lease", "answers": {}}))
            .await;
    assert_eq!(st, StatusCode::OK, "{body}");
    let sent_id = good.received()[0].header("webhook-id");
    let (ok, failed) = (deliveries_of(&s, a).await, deliveries_of(&s, b).await);
    assert_eq!((ok.len(), failed.len()), (1, 1));
    assert!(ok[0].is_sync && failed[0].is_sync);
    assert_eq!(ok[0].msg_id, sent_id, "the recorded webhook-id is the one sent");
    assert_eq!(ok[0].status, app::model::DeliveryStatus::Succeeded);
    assert_eq!(failed[0].status, app::model::DeliveryStatus::Failed);
    assert_eq!(failed[0].last_status, Some(503));
    // The console shows the call with its attempt, and offers no Redeliver.
    let admin = s.as_role(app::model::Role::SiteAdmin).await;
    let page = html(admin.get(s.url(&format!("/deliveries/{}", failed[0].id))).send().await.unwrap()).await;
    assert!(page.contains("synchronous call"), "{page}");
    assert!(page.contains("503"));
    assert!(!page.contains(">Redeliver</button>"));
    let (st, _) = s.rpc_form(&admin, "redeliver", &[("id", &failed[0].id.to_string())]).await;
    assert_eq!(st, StatusCode::CONFLICT);
    // Nothing is queued: the worker never sends a synchronous call again.
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert_eq!(broken.received().len(), 1);
    assert_eq!(deliveries_of(&s, b).await[0].attempts, 1);
}

#[tokio::test]
async fn a_custom_interview_event_calls_only_webhooks_with_that_event_name() {
    let s = start().await;
    let key = api_key(&s).await;
    let named = Receiver::start(Reply::json(json!({"answers": {"Approved": true}}))).await;
    let other = Receiver::start(Reply::json(json!({"answers": {"Approved": false}}))).await;
    webhook(&s, &unique("approve"), &named.url, "CustomInterviewEvent", |f| f["event_name"] = json!("Approve")).await;
    webhook(&s, &unique("reject"), &other.url, "CustomInterviewEvent", |f| f["event_name"] = json!("Reject")).await;
    let (st, body) = api_post(&s, &key, "/api/v1/custom-interview-events/Approve", json!({"answers": {"x": 1}})).await;
    assert_eq!(st, StatusCode::OK, "{body}");
    assert_eq!(body["answers"], json!({"x": 1, "Approved": true}));
    assert_eq!(other.received().len(), 0);
    let token = form_urlencoded::parse(&named.received()[0].body).find(|(k, _)| k == "token").unwrap().1.to_string();
    let claims: Value = serde_json::from_slice(
        &base64::Engine::decode(&base64::engine::general_purpose::URL_SAFE_NO_PAD, token.split('.').nth(1).unwrap())
            .unwrap(),
    )
    .unwrap();
    assert_eq!(claims["eventName"], json!("Approve"));
}

#[tokio::test]
async fn post_processing_returns_the_documents_the_endpoint_answers() {
    let s = start().await;
    let key = api_key(&s).await;
    let docs = json!([{"name": "a.txt", "contentType": "text/plain", "contentBase64": "aGVsbG8="},
                      {"name": "b.txt", "contentType": "text/plain", "contentBase64": "d29ybGQ="}]);
    let r = Receiver::start(Reply::json(json!({"documents": docs}))).await;
    webhook(&s, &unique("pp"), &r.url, "PostProcessingEvent", |_| {}).await;
    let (st, body) = api_post(
        &s,
        &key,
        "/api/v1/post-processing",
        json!({"template": "lease", "documents": [{"name": "a.txt", "contentType": "text/plain", "contentBase64": "aGk="}]}),
    )
    .await;
    assert_eq!(st, StatusCode::OK, "{body}");
    assert_eq!(body["documents"], docs);
    assert_eq!(body["outcomes"][0]["status"], json!("applied"));
}

#[tokio::test]
async fn put_creates_then_renames_work_groups_and_templates() {
    let s = start().await;
    let key = api_key(&s).await;
    let c = client();
    let k = unique("wg");
    for (name, status) in [("Legal", 201), ("Legal dept", 200)] {
        let res = c
            .put(s.url(&format!("/api/v1/work-groups/{k}")))
            .bearer_auth(&key)
            .json(&json!({"name": name}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status().as_u16(), status);
    }
    let items = app::ssr::catalog::list(&s.state.db, app::model::CatalogKind::WorkGroup).await.unwrap();
    assert!(items.iter().any(|i| i.key == k && i.name == "Legal dept"));
    let res =
        c.put(s.url("/api/v1/templates/t-1")).bearer_auth(&key).json(&json!({"name": "Lease"})).send().await.unwrap();
    assert!(res.status().is_success());
}

#[tokio::test]
async fn the_openapi_document_needs_no_key_and_lists_every_route() {
    let s = start().await;
    let doc: Value = client().get(s.url("/api/v1/openapi.json")).send().await.unwrap().json().await.unwrap();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3.1"));
    for path in ["/api/v1/events", "/api/v1/interview-load", "/api/v1/post-processing", "/api/v1/work-groups/{key}"] {
        assert!(doc["paths"][path].is_object(), "{path}");
    }
}
