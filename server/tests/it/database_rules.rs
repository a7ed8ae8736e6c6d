//! Rules the database enforces, not only the application: one name per webhook ignoring case,
//! one PostProcessingEvent webhook, distinct positions, unique catalog keys and usernames.
//! Concurrent requests through the real server functions must give exactly one winner and
//! the same 422 messages as the application check, never a 500.
use crate::support::*;
use app::model::{AuthMethod, EventType, Role};
use app::ssr::db::{broken_rule, UniqueRule};
use app::ssr::entities::{template, user, webhook, work_group};
use app::ssr::users;
use migration::MigratorTrait;
use reqwest::{Client, StatusCode};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, Database, DatabaseConnection, EntityTrait, QueryFilter,
};
use serde_json::{json, Value};
use std::collections::HashSet;

/// How many requests race in each test.
const RACERS: usize = 12;

/// `RACERS` signed-in administrators, so the requests do not share a connection.
async fn admins(s: &TestServer) -> Vec<Client> {
    let mut v = Vec::new();
    for _ in 0..RACERS {
        v.push(s.as_role(Role::SiteAdmin).await);
    }
    v
}

/// Sends one server-function call per client at once (JSON bodies; an object of strings under
/// `"urlencoded"` is sent URL-encoded instead); the answers, in order.
async fn race(s: &TestServer, clients: &[Client], name: &str, bodies: Vec<Value>) -> Vec<(StatusCode, Value)> {
    let url = s.url(&format!("/rpc/{name}"));
    let start = std::sync::Arc::new(tokio::sync::Barrier::new(clients.len()));
    let tasks: Vec<_> = clients
        .iter()
        .cloned()
        .zip(bodies)
        .map(|(c, body)| {
            let (url, start) = (url.clone(), start.clone());
            tokio::spawn(async move {
                start.wait().await;
                let req = match body.get("urlencoded").and_then(Value::as_object) {
                    Some(fields) => {
                        let pairs: Vec<(&str, &str)> =
                            fields.iter().map(|(k, v)| (k.as_str(), v.as_str().unwrap_or_default())).collect();
                        c.post(url).form(&pairs)
                    }
                    None => c.post(url).json(&body),
                };
                let res = req.send().await.unwrap();
                let status = res.status();
                let text = res.text().await.unwrap();
                (status, serde_json::from_str(&text).unwrap_or(Value::String(text)))
            })
        })
        .collect();
    let mut out = Vec::new();
    for t in tasks {
        out.push(t.await.unwrap());
    }
    out
}

fn winners(results: &[(StatusCode, Value)]) -> usize {
    results.iter().filter(|(st, _)| *st == StatusCode::OK).count()
}

/// The base name in `RACERS` spellings that differ only in case.
fn spellings(base: &str) -> Vec<String> {
    (0..RACERS)
        .map(|i| {
            base.chars()
                .enumerate()
                .map(|(j, c)| if (i >> (j % 4)) & 1 == 1 { c.to_ascii_uppercase() } else { c })
                .collect()
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_creates_of_one_name_in_any_case_make_one_webhook() {
    let s = start().await;
    let clients = admins(&s).await;
    let base = unique("orders");
    let bodies = spellings(&base).iter().map(|n| json!({"form": hook(n, "NewWorkItemVersionComplete")})).collect();
    let results = race(&s, &clients, "create_webhook", bodies).await;
    assert_eq!(winners(&results), 1, "{results:?}");
    for (st, body) in results.iter().filter(|(st, _)| *st != StatusCode::OK) {
        assert_eq!(*st, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        let msg = body["Invalid"]["name"].as_str().unwrap_or_default();
        assert!(
            msg.starts_with("A webhook named “") && msg.ends_with("” already exists. Choose another name."),
            "{body}"
        );
    }
    let rows = webhook::Entity::find().all(&s.state.db).await.unwrap();
    assert_eq!(rows.iter().filter(|r| r.name.to_lowercase() == base).count(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_exact_duplicate_names_are_refused_not_500() {
    let s = start().await;
    let clients = admins(&s).await;
    let name = unique("Billing");
    let bodies = (0..RACERS).map(|_| json!({"form": hook(&name, "InterviewLoadEvent")})).collect();
    let results = race(&s, &clients, "create_webhook", bodies).await;
    assert_eq!(winners(&results), 1, "{results:?}");
    for (st, body) in results.iter().filter(|(st, _)| *st != StatusCode::OK) {
        assert_eq!(*st, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert_eq!(
            body["Invalid"]["name"].as_str(),
            Some(format!("A webhook named “{name}” already exists. Choose another name.").as_str())
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_post_processing_creates_make_one() {
    let s = start().await;
    // The PostProcessingEvent rule is per site: start from none (a PostgreSQL run shares one database).
    webhook::Entity::delete_many()
        .filter(webhook::Column::EventType.eq(EventType::PostProcessingEvent))
        .exec(&s.state.db)
        .await
        .unwrap();
    let clients = admins(&s).await;
    let names: Vec<String> = (0..RACERS).map(|_| unique("post")).collect();
    let bodies = names.iter().map(|n| json!({"form": hook(n, "PostProcessingEvent")})).collect();
    let results = race(&s, &clients, "create_webhook", bodies).await;
    assert_eq!(winners(&results), 1, "{results:?}");
    let kept = webhook::Entity::find()
        .filter(webhook::Column::EventType.eq(EventType::PostProcessingEvent))
        .all(&s.state.db)
        .await
        .unwrap();
    assert_eq!(kept.len(), 1, "exactly one PostProcessingEvent webhook is stored");
    let expected =
        format!("Only one PostProcessingEvent webhook is allowed per site, and “{}” already is one.", kept[0].name);
    for (st, body) in results.iter().filter(|(st, _)| *st != StatusCode::OK) {
        assert_eq!(*st, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert_eq!(body["Invalid"]["event_type"].as_str(), Some(expected.as_str()), "{body}");
    }
    webhook::Entity::delete_by_id(kept[0].id).exec(&s.state.db).await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_creates_of_distinct_webhooks_all_succeed_with_distinct_positions() {
    let s = start().await;
    let clients = admins(&s).await;
    let names: Vec<String> = (0..RACERS).map(|_| unique("ordered")).collect();
    let bodies = names.iter().map(|n| json!({"form": hook(n, "InterviewLoadEvent")})).collect();
    let results = race(&s, &clients, "create_webhook", bodies).await;
    assert_eq!(winners(&results), RACERS, "{results:?}");
    let rows = webhook::Entity::find().all(&s.state.db).await.unwrap();
    let positions: HashSet<i32> = rows.iter().map(|r| r.position).collect();
    assert_eq!(positions.len(), rows.len(), "no two webhooks share a position");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_duplicate_catalog_keys_are_refused_not_500() {
    let s = start().await;
    let clients = admins(&s).await;
    for (kind, noun) in [("WorkGroup", "work group"), ("Template", "template")] {
        let key = unique("legal");
        let bodies = (0..RACERS).map(|_| json!({"urlencoded": {"kind": kind, "key": key, "name": "Legal"}})).collect();
        let results = race(&s, &clients, "add_catalog_item", bodies).await;
        assert_eq!(winners(&results), 1, "{kind}: {results:?}");
        for (st, body) in results.iter().filter(|(st, _)| *st != StatusCode::OK) {
            assert_eq!(*st, StatusCode::UNPROCESSABLE_ENTITY, "{kind}: {body}");
            assert_eq!(
                body["Invalid"]["key"].as_str(),
                Some(format!("A {noun} with key “{key}” already exists.").as_str()),
                "{body}"
            );
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_creates_of_one_username_in_any_case_make_one_user() {
    let s = start().await;
    let clients = admins(&s).await;
    let base = unique("dana");
    let bodies = spellings(&base)
        .iter()
        .map(|n| json!({"urlencoded": {"username": n, "password": PASSWORD, "role": "Author"}}))
        .collect();
    let results = race(&s, &clients, "create_user", bodies).await;
    assert_eq!(winners(&results), 1, "{results:?}");
    for (st, body) in results.iter().filter(|(st, _)| *st != StatusCode::OK) {
        assert_eq!(*st, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        let msg = body["Invalid"]["username"].as_str().unwrap_or_default();
        assert!(msg.starts_with("A user named “") && msg.ends_with("” already exists."), "{body}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn renaming_a_webhook_to_another_name_in_other_case_is_refused() {
    let s = start().await;
    let admin = s.as_role(Role::SiteAdmin).await;
    let taken = unique("Shipping");
    let (st, _) = s.rpc(&admin, "create_webhook", json!({"form": hook(&taken, "InterviewLoadEvent")})).await;
    assert_eq!(st, StatusCode::OK);
    let (_, body) =
        s.rpc(&admin, "create_webhook", json!({"form": hook(&unique("other"), "InterviewLoadEvent")})).await;
    let id = body["id"].as_i64().unwrap();
    let mut form = hook(&taken.to_uppercase(), "InterviewLoadEvent");
    form["version"] = json!("1");
    let (st, err) = s.rpc(&admin, "update_webhook", json!({"id": id, "form": form})).await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{err}");
    assert!(err["Invalid"]["name"].as_str().unwrap_or_default().contains("already exists"), "{err}");
}

/// A webhook row written straight to the database, past every application check.
fn raw_webhook(name: &str, event: EventType, position: i32) -> webhook::ActiveModel {
    let now = chrono::Utc::now();
    webhook::ActiveModel {
        name: Set(name.into()),
        url: Set("https://example.com/hooks".into()),
        auth_method: Set(AuthMethod::Hmac),
        event_type: Set(event),
        event_name: Set(None),
        active: Set(true),
        accept_untrusted_ssl: Set(false),
        position: Set(position),
        version: Set(1),
        created_at: Set(now),
        created_by: Set("test".into()),
        updated_at: Set(now),
        updated_by: Set("test".into()),
        ..Default::default()
    }
}

async fn next_position(db: &DatabaseConnection) -> i32 {
    webhook::Entity::find().all(db).await.unwrap().iter().map(|r| r.position).max().unwrap_or(0) + 1
}

#[tokio::test]
async fn the_database_itself_refuses_what_the_application_checks() {
    let s = start().await;
    let db = &s.state.db;
    webhook::Entity::delete_many()
        .filter(webhook::Column::EventType.eq(EventType::PostProcessingEvent))
        .exec(db)
        .await
        .unwrap();
    let name = unique("Orders");
    let p = next_position(db).await;
    raw_webhook(&name, EventType::PostProcessingEvent, p).insert(db).await.unwrap();
    let cases = [
        (
            "same name in other case",
            raw_webhook(&name.to_uppercase(), EventType::InterviewLoadEvent, p + 1),
            UniqueRule::WebhookName,
        ),
        ("exact same name", raw_webhook(&name, EventType::InterviewLoadEvent, p + 1), UniqueRule::WebhookName),
        (
            "second PostProcessingEvent",
            raw_webhook(&unique("pp"), EventType::PostProcessingEvent, p + 1),
            UniqueRule::OnePostProcessingWebhook,
        ),
        ("taken position", raw_webhook(&unique("pos"), EventType::InterviewLoadEvent, p), UniqueRule::WebhookPosition),
    ];
    for (what, row, rule) in cases {
        let err = row.insert(db).await.expect_err(what);
        assert_eq!(broken_rule(&err), Some(rule), "{what}: {err}");
    }
    let key = unique("legal");
    let group =
        |k: &str| work_group::ActiveModel { key: Set(k.into()), name: Set("Legal".into()), ..Default::default() };
    group(&key).insert(db).await.unwrap();
    let err = group(&key).insert(db).await.expect_err("same work group key");
    assert_eq!(broken_rule(&err), Some(UniqueRule::CatalogKey), "{err}");
    let template =
        |k: &str| template::ActiveModel { key: Set(k.into()), name: Set("Legal".into()), ..Default::default() };
    template(&key).insert(db).await.unwrap();
    let err = template(&key).insert(db).await.expect_err("same template key");
    assert_eq!(broken_rule(&err), Some(UniqueRule::CatalogKey), "{err}");
    let user = unique("dana");
    users::create_unaudited(db, &user, PASSWORD, Role::Author).await.unwrap();
    for other in [user.clone(), user.to_uppercase()] {
        let err = user::ActiveModel {
            username: Set(other.clone()),
            password_hash: Set("x".into()),
            role: Set(Role::Author),
            disabled: Set(false),
            created_at: Set(chrono::Utc::now()),
            ..Default::default()
        }
        .insert(db)
        .await
        .expect_err(&other);
        assert_eq!(broken_rule(&err), Some(UniqueRule::Username), "{other}: {err}");
    }
    webhook::Entity::delete_many().filter(webhook::Column::Name.eq(&name)).exec(db).await.unwrap();
}

/// Opens a new SQLite database with only the initial migration applied.
async fn sqlite_before_rules(dir: &std::path::Path) -> DatabaseConnection {
    let db = Database::connect(format!("sqlite://{}/old.db?mode=rwc", dir.display())).await.unwrap();
    migration::Migrator::up(&db, Some(1)).await.unwrap();
    db
}

#[tokio::test]
async fn upgrading_renumbers_shared_positions_keeping_the_order() {
    let dir = tempfile::tempdir().unwrap();
    let db = sqlite_before_rules(dir.path()).await;
    for (name, position) in [("c", 2), ("a", 1), ("b", 1), ("d", 7)] {
        raw_webhook(name, EventType::InterviewLoadEvent, position).insert(&db).await.unwrap();
    }
    migration::Migrator::up(&db, None).await.unwrap();
    let mut rows = webhook::Entity::find().all(&db).await.unwrap();
    rows.sort_by_key(|r| r.position);
    let order: Vec<(&str, i32)> = rows.iter().map(|r| (r.name.as_str(), r.position)).collect();
    assert_eq!(order, [("a", 1), ("b", 2), ("c", 3), ("d", 4)]);
}

#[tokio::test]
async fn upgrading_with_rows_that_break_a_rule_stops_naming_them() {
    let dir = tempfile::tempdir().unwrap();
    let db = sqlite_before_rules(dir.path()).await;
    raw_webhook("Orders", EventType::InterviewLoadEvent, 1).insert(&db).await.unwrap();
    raw_webhook("orders", EventType::InterviewLoadEvent, 2).insert(&db).await.unwrap();
    raw_webhook("Stamp", EventType::PostProcessingEvent, 3).insert(&db).await.unwrap();
    raw_webhook("Watermark", EventType::PostProcessingEvent, 4).insert(&db).await.unwrap();
    let err = migration::Migrator::up(&db, None).await.expect_err("the migration refuses").to_string();
    for named in ["id 1 “Orders”", "id 2 “orders”", "id 3 “Stamp”", "id 4 “Watermark”", "PostProcessingEvent"]
    {
        assert!(err.contains(named), "{named} in: {err}");
    }
    webhook::Entity::delete_by_id(2).exec(&db).await.unwrap();
    webhook::Entity::delete_by_id(4).exec(&db).await.unwrap();
    migration::Migrator::up(&db, None).await.expect("runs once the rows are fixed");
}
