//! The `/api-keys` page (create, shown once, revoke) and Move up / Move down on the webhook
//! list, as a browser without JavaScript posts them and as the platform then sees them.
use crate::receivers::{Receiver, Reply};
use crate::support::*;
use app::model::Role;
use reqwest::{Client, StatusCode};
use serde_json::json;

const EVENT: &str = "/api/v1/events";

fn event() -> serde_json::Value {
    json!({"eventType": "NewWorkItemVersionComplete", "eventId": unique("e"), "data": {}})
}

/// The API keys shown in a page: `hwk_` followed by URL-safe characters, longest first (the
/// table shows only 12-character prefixes).
fn keys_in(html: &str) -> Vec<String> {
    let mut found: Vec<String> = html
        .match_indices("hwk_")
        .map(|(i, _)| {
            html[i..].chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_').collect::<String>()
        })
        .collect();
    found.sort_by_key(|k| std::cmp::Reverse(k.len()));
    found
}

/// Posts the create form as a browser without JavaScript does.
async fn post_create(s: &TestServer, c: &Client, name: &str) -> reqwest::Response {
    c.post(s.url("/api-keys")).form(&[("_page", "/api-keys"), ("name", name)]).send().await.unwrap()
}

/// A server-function form posted without JavaScript (a page navigation from `page`).
async fn post_no_js(s: &TestServer, c: &Client, rpc: &str, form: &[(&str, &str)]) -> reqwest::Response {
    c.post(s.url(&format!("/rpc/{rpc}"))).header("accept", "text/html").form(form).send().await.unwrap()
}

async fn page(s: &TestServer, c: &Client, path: &str) -> (StatusCode, String) {
    let res = c.get(s.url(path)).header("accept", "text/html").send().await.unwrap();
    (res.status(), html(res).await)
}

#[tokio::test]
async fn no_js_create_shows_the_key_once_and_it_authenticates_the_platform_api() {
    let s = start().await;
    let admin = s.as_role(Role::IntegrationAdmin).await;
    let name = unique("platform");
    let res = post_create(&s, &admin, &name).await;
    assert_eq!(res.status(), StatusCode::CREATED);
    assert_eq!(res.headers()["cache-control"], "no-store");
    let html = res.text().await.unwrap();
    assert!(html.contains("role=\"dialog\"") && html.contains("Your API key"), "the key's dialog");
    assert!(html.contains("I have copied the key") && html.contains("It will not be shown again."));
    let key = keys_in(&html).into_iter().next().expect("a key in the page");
    assert!(key.len() >= 36, "{key}");
    // In the dialog's HTML only: not in the hydration state, which carries it blanked.
    assert_eq!(html.matches(&key).count(), 1, "the key appears once in the page");
    // The table lists it, by its prefix, never used.
    assert!(html.contains(&name) && html.contains(&format!("{}…", &key[..12])) && html.contains("Never"));

    let (st, body) = api_post(&s, &key, EVENT, event()).await;
    assert_eq!(st, StatusCode::ACCEPTED, "{body}");

    // Continue needs the checkbox.
    let res = admin.post(s.url("/api-keys/key-acknowledged")).form(&[("x", "")]).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = res.text().await.unwrap();
    assert!(html.contains("You continued without confirming that you copied the API key"));
    assert!(!html.contains(&key));
    let res = admin.post(s.url("/api-keys/key-acknowledged")).form(&[("copied", "yes")]).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(res.headers()["location"], "/api-keys");

    // A later page load, the audit log and the list's server function never show it again.
    let (st, later) = page(&s, &admin, "/api-keys").await;
    assert_eq!(st, StatusCode::OK);
    assert!(later.contains(&name) && !later.contains(&key) && !later.contains("Your API key"));
    assert!(!later.contains("Never"), "its use was noted");
    let (st, audit) = page(&s, &admin, "/audit").await;
    assert_eq!(st, StatusCode::OK);
    assert!(audit.contains("api_key.create") && audit.contains(&name) && !audit.contains(&key));
    let (st, listed) = s.rpc(&admin, "list_api_keys", json!({})).await;
    assert_eq!(st, StatusCode::OK);
    assert!(!listed.to_string().contains(&key));
    use sea_orm::EntityTrait;
    let rows = app::ssr::entities::audit_log::Entity::find().all(&s.state.db).await.unwrap();
    assert!(rows.iter().all(|r| !format!("{r:?}").contains(&key)), "not in the audit table");
}

#[tokio::test]
async fn a_refused_name_answers_422_beside_the_field_and_keeps_what_was_typed() {
    let s = start().await;
    let admin = s.as_role(Role::SiteAdmin).await;
    let before = app::ssr::api_keys::list(&s.state.db).await.unwrap().len();

    let res = post_create(&s, &admin, "   ").await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = res.text().await.unwrap();
    assert!(html.contains("Enter a name.") && html.contains("aria-invalid=\"true\""));
    assert!(html.contains("aria-describedby=\"new-api-key-name-error\""));
    assert!(!html.contains("Your API key"));

    let long = format!("{}-{}", unique("long"), "x".repeat(200));
    let res = post_create(&s, &admin, &long).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = res.text().await.unwrap();
    assert!(html.contains("Use at most 200 characters."));
    assert!(html.contains(&format!("value=\"{long}\"")), "the typed name is kept");

    // The same refusal with JavaScript (the server function).
    let (st, body) = s.rpc_form(&admin, "create_api_key", &[("name", "")]).await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(body.contains("Enter a name."));
    assert_eq!(app::ssr::api_keys::list(&s.state.db).await.unwrap().len(), before, "no key was created");
}

#[tokio::test]
async fn a_revoked_key_answers_401_after_the_confirmation() {
    let s = start().await;
    let admin = s.as_role(Role::SiteAdmin).await;
    let name = unique("to-revoke");
    let (st, created) = s.rpc_form(&admin, "create_api_key", &[("name", &name)]).await;
    assert_eq!(st, StatusCode::OK, "{created}");
    let created: serde_json::Value = serde_json::from_str(&created).unwrap();
    let (id, key) = (created["id"].as_i64().unwrap(), created["key"].as_str().unwrap().to_string());
    assert_eq!(api_post(&s, &key, EVENT, event()).await.0, StatusCode::ACCEPTED);

    let (st, list) = page(&s, &admin, "/api-keys").await;
    assert_eq!(st, StatusCode::OK);
    assert!(list.contains(&format!("href=\"/api-keys/{id}/revoke\"")) && list.contains(&format!("Revoke “{name}”")));
    // Without JavaScript the confirmation is a page; nothing is revoked by opening it.
    let (st, confirm) = page(&s, &admin, &format!("/api-keys/{id}/revoke")).await;
    assert_eq!(st, StatusCode::OK);
    assert!(confirm.contains(&format!("Revoke API key “{name}”?")) && confirm.contains("role=\"alertdialog\""));
    assert_eq!(api_post(&s, &key, EVENT, event()).await.0, StatusCode::ACCEPTED);

    let res = post_no_js(&s, &admin, "revoke_api_key", &[("_page", "/api-keys"), ("id", &id.to_string())]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(res.headers()["location"], "/api-keys");
    let (st, problem) = api_post(&s, &key, EVENT, event()).await;
    assert_eq!(st, StatusCode::UNAUTHORIZED, "{problem}");
    let (_, list) = page(&s, &admin, "/api-keys").await;
    assert!(list.contains(">Revoked</span>") && !list.contains(&format!("Revoke “{name}”")));
    let (st, again) = page(&s, &admin, &format!("/api-keys/{id}/revoke")).await;
    assert_eq!(st, StatusCode::OK);
    assert!(again.contains("Already revoked"));
    let (st, _) = page(&s, &admin, "/api-keys/999999/revoke").await;
    assert_eq!(st, StatusCode::NOT_FOUND);
    let (_, audit) = page(&s, &admin, "/audit").await;
    assert!(audit.contains("api_key.revoke"));
}

#[tokio::test]
async fn only_the_two_admin_roles_reach_api_keys_and_signed_out_visitors_are_sent_to_sign_in() {
    let s = start().await;
    let key = api_key(&s).await;
    let id = app::ssr::api_keys::list(&s.state.db).await.unwrap()[0].id.to_string();
    for role in [Role::Author, Role::ContentAdmin, Role::TemplateUser] {
        let c = s.as_role(role).await;
        for path in ["/api-keys".to_string(), format!("/api-keys/{id}/revoke")] {
            let (st, html) = page(&s, &c, &path).await;
            assert_eq!(st, StatusCode::FORBIDDEN, "{role:?} {path}");
            assert!(html.contains("Not allowed") && !html.contains("href=\"/api-keys\""), "no nav link for {role:?}");
        }
        assert_eq!(s.rpc(&c, "list_api_keys", json!({})).await.0, StatusCode::FORBIDDEN);
        assert_eq!(s.rpc_form(&c, "create_api_key", &[("name", "sneaky")]).await.0, StatusCode::FORBIDDEN);
        assert_eq!(s.rpc_form(&c, "revoke_api_key", &[("id", &id)]).await.0, StatusCode::FORBIDDEN);
        assert_eq!(post_create(&s, &c, "sneaky").await.status(), StatusCode::FORBIDDEN);
        assert_eq!(post_no_js(&s, &c, "revoke_api_key", &[("id", &id)]).await.status(), StatusCode::FORBIDDEN);
    }
    assert_eq!(api_post(&s, &key, EVENT, event()).await.0, StatusCode::ACCEPTED, "nothing was revoked");
    assert!(app::ssr::api_keys::list(&s.state.db).await.unwrap().iter().all(|k| k.name != "sneaky"));
    let anonymous = client();
    let res = anonymous.get(s.url("/api-keys")).header("accept", "text/html").send().await.unwrap();
    assert!(res.status().is_redirection());
    assert_eq!(res.headers()["location"], "/login?next=%2Fapi-keys");
    let res = post_create(&s, &anonymous, "sneaky").await;
    assert!(res.status().is_redirection());
    for role in [Role::SiteAdmin, Role::IntegrationAdmin] {
        let c = s.as_role(role).await;
        let (st, html) = page(&s, &c, "/api-keys").await;
        assert_eq!(st, StatusCode::OK, "{role:?}");
        assert!(html.contains("href=\"/api-keys\">API keys</a>") && html.contains("Create API key"));
    }
}

/// An interview-load call: the webhooks called, in order, and whose answer won.
async fn interview_load(s: &TestServer, key: &str) -> (Vec<i64>, serde_json::Value) {
    let body = json!({"workGroup": "w", "template": "t", "answers": {}});
    let (st, body) = api_post(s, key, "/api/v1/interview-load", body).await;
    assert_eq!(st, StatusCode::OK, "{body}");
    let ids = body["outcomes"].as_array().unwrap().iter().map(|o| o["webhookId"].as_i64().unwrap()).collect();
    (ids, body["answers"]["Who"].clone())
}

/// The `/webhooks` page sorted by call order, filtered to InterviewLoadEvent.
const ORDERED: &str = "/webhooks?event=InterviewLoadEvent&sort=event";

#[tokio::test]
async fn a_no_js_move_up_changes_the_order_of_the_list_and_of_the_synchronous_calls() {
    let s = start().await;
    let key = api_key(&s).await;
    let admin = s.as_role(Role::IntegrationAdmin).await;
    let first = Receiver::start(Reply::json(json!({"answers": {"Who": "first"}}))).await;
    let second = Receiver::start(Reply::json(json!({"answers": {"Who": "second"}}))).await;
    let (a_name, b_name) = (unique("orders-a"), unique("orders-b"));
    let (a, _) = webhook(&s, &a_name, &first.url, "InterviewLoadEvent", |_| {}).await;
    let (b, _) = webhook(&s, &b_name, &second.url, "InterviewLoadEvent", |_| {}).await;
    assert_eq!(interview_load(&s, &key).await, (vec![a as i64, b as i64], json!("second")), "a new one goes last");

    let (st, html) = page(&s, &admin, ORDERED).await;
    assert_eq!(st, StatusCode::OK);
    assert!(html.find(&a_name).unwrap() < html.find(&b_name).unwrap());
    assert!(html.contains("1 of 2 InterviewLoadEvent") && html.contains("2 of 2 InterviewLoadEvent"));
    assert!(html.contains(&format!("Move “{a_name}” down")) && html.contains(&format!("Move “{b_name}” up")));
    assert!(
        !html.contains(&format!("Move “{a_name}” up")) && !html.contains(&format!("Move “{b_name}” down")),
        "none at the ends"
    );

    let res =
        post_no_js(&s, &admin, "move_webhook", &[("_page", ORDERED), ("id", &b.to_string()), ("direction", "Up")])
            .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(res.headers()["location"], ORDERED);
    let (_, html) = page(&s, &admin, ORDERED).await;
    assert!(html.find(&b_name).unwrap() < html.find(&a_name).unwrap(), "the list shows the new order");
    assert!(html.contains(&format!("Move “{b_name}” down")) && !html.contains(&format!("Move “{b_name}” up")));
    assert_eq!(
        interview_load(&s, &key).await,
        (vec![b as i64, a as i64], json!("first")),
        "the calls use the new order"
    );
    let (_, audit) = page(&s, &admin, "/audit").await;
    assert!(audit.contains("webhook.move") && audit.contains(&format!("moved up, past “{a_name}”")));

    // Moving the first one up changes nothing; other roles may not move.
    let res =
        post_no_js(&s, &admin, "move_webhook", &[("_page", ORDERED), ("id", &b.to_string()), ("direction", "Up")])
            .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(interview_load(&s, &key).await.0, vec![b as i64, a as i64]);
    let author = s.as_role(Role::Author).await;
    let (st, _) = s.rpc_form(&author, "move_webhook", &[("id", &a.to_string()), ("direction", "Up")]).await;
    assert_eq!(st, StatusCode::FORBIDDEN);
    assert_eq!(interview_load(&s, &key).await.0, vec![b as i64, a as i64]);
}
