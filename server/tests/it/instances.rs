//! Several `server` processes on one PostgreSQL database: they share the delivery work (each
//! attempt sent once), see each other's writes and sessions, hold the sign-in limits together,
//! migrate safely when started at once, and wake each other's workers.
use crate::procs::*;
use crate::support::{client, hook, ADMIN_PASSWORD, PASSWORD};
use app::model::{DeliveryStatus, Role};
use reqwest::StatusCode;
use serde_json::{json, Value};
use std::time::{Duration, Instant};

async fn rpc(c: &reqwest::Client, base: &str, name: &str, body: Value) -> (StatusCode, Value) {
    let res = c.post(format!("{base}/rpc/{name}")).json(&body).send().await.unwrap();
    let status = res.status();
    let text = res.text().await.unwrap();
    (status, serde_json::from_str(&text).unwrap_or(Value::String(text)))
}

async fn get_webhook(c: &reqwest::Client, base: &str, id: i32) -> (StatusCode, Value) {
    let res = c.post(format!("{base}/rpc/get_webhook")).form(&[("id", id.to_string())]).send().await.unwrap();
    let status = res.status();
    let text = res.text().await.unwrap();
    (status, serde_json::from_str(&text).unwrap_or(Value::String(text)))
}

async fn sign_in(c: &reqwest::Client, base: &str, username: &str, password: &str) -> reqwest::Response {
    c.post(format!("{base}/login"))
        .form(&[("username", username), ("password", password), ("next", "/")])
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn two_instances_share_deliveries_once_each_and_see_each_others_edits_sessions_and_limits() {
    let Some(db) = SharedDb::postgres("two_instances_share_deliveries").await else { return };
    let dir = tempfile::tempdir().unwrap();
    let settings = [("HOOKWELL_DELIVERY_CONCURRENCY", "8"), ("HOOKWELL_DELIVERY_LEASE", "10s")];
    let mut a = Instance::spawn("a", dir.path(), &db.url, &settings);
    let mut b = Instance::spawn("b", dir.path(), &db.url, &settings);
    a.ready(40).await;
    b.ready(40).await;
    let r = LogReceiver::start(Duration::from_millis(5)).await;
    let hook_id = db.webhook(&r.url).await;
    let key = db.api_key().await;

    // Deliveries: events through both APIs, each attempt sent exactly once.
    let n = 300;
    let ingest = post_events(vec![a.base.clone(), b.base.clone()], key, "two", n, 8).await;
    let drain = drained(&db, &r, 40, "two instances").await;
    let t = tally(&db, &r).await;
    eprintln!(
        "two instances: {n} events accepted in {ingest:?}, drained {drain:?} later; {} received, {} duplicates",
        r.received(),
        t.duplicates
    );
    assert_eq!(t.expected, n);
    assert!(t.sent_twice.is_empty(), "sent twice: {:?}", t.sent_twice);
    assert_eq!(r.received(), n);
    for d in db.deliveries().await {
        assert_eq!((d.status, d.attempts), (DeliveryStatus::Succeeded, 1), "delivery {}", d.id);
    }

    // A session made on A works on B; an edit made on B is seen by the next request on A.
    let admin = client();
    assert_eq!(sign_in(&admin, &a.base, "admin", ADMIN_PASSWORD).await.status(), StatusCode::SEE_OTHER);
    let (st, detail) = get_webhook(&admin, &b.base, hook_id).await;
    assert_eq!(st, StatusCode::OK, "the session made on A is valid on B: {detail}");
    let mut form = hook("renamed on b", "NewWorkItemVersionComplete");
    form["url"] = json!(r.url);
    form["version"] = json!(detail["version"].as_i64().unwrap().to_string());
    let (st, body) = rpc(&admin, &b.base, "update_webhook", json!({"id": hook_id, "form": form})).await;
    assert_eq!(st, StatusCode::OK, "{body}");
    let (_, seen) = get_webhook(&admin, &a.base, hook_id).await;
    assert_eq!(seen["name"], "renamed on b", "{seen}");

    // Failed sign-ins on A and B count together: the sixth try is refused on either.
    let name = crate::support::unique("guess");
    app::ssr::users::create_unaudited(&db.conn, &name, PASSWORD, Role::Author).await.unwrap();
    for i in 0..5 {
        let base = if i % 2 == 0 { &a.base } else { &b.base };
        let res = sign_in(&client(), base, &name, "wrong-password").await;
        assert_eq!(res.status(), StatusCode::UNAUTHORIZED, "failure {i}");
    }
    for base in [&b.base, &a.base] {
        let res = sign_in(&client(), base, &name, PASSWORD).await;
        assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS, "{base}");
        assert!(res.headers().contains_key("retry-after"));
    }
    db.drop_schema().await;
}

#[tokio::test]
async fn three_instances_starting_at_once_on_an_empty_database_all_come_up() {
    let Some(db) = SharedDb::postgres("three_instances_starting_at_once").await else { return };
    let dir = tempfile::tempdir().unwrap();
    let started = Instant::now();
    let mut all: Vec<Instance> = ["x", "y", "z"].iter().map(|n| Instance::spawn(n, dir.path(), &db.url, &[])).collect();
    for i in &mut all {
        i.ready(50).await;
    }
    eprintln!("three instances at once on an empty database: all ready after {:?}", started.elapsed());
    use sea_orm::EntityTrait;
    let users = app::ssr::entities::user::Entity::find().all(&db.conn).await.unwrap();
    assert_eq!(users.len(), 1, "one first administrator, not one per instance");
    assert_eq!(users[0].username, "admin");
    use sea_orm::ConnectionTrait;
    let applied = db
        .conn
        .query_one_raw(sea_orm::Statement::from_string(
            sea_orm::DatabaseBackend::Postgres,
            "SELECT COUNT(*) AS n FROM seaql_migrations",
        ))
        .await
        .unwrap()
        .unwrap()
        .try_get::<i64>("", "n")
        .unwrap();
    use migration::MigratorTrait;
    assert_eq!(applied as usize, migration::Migrator::migrations().len());
    for i in &all {
        let c = client();
        assert_eq!(sign_in(&c, &i.base, "admin", ADMIN_PASSWORD).await.status(), StatusCode::SEE_OTHER, "{}", i.name);
    }
    drop(all);
    db.drop_schema().await;
}

#[tokio::test]
async fn an_event_accepted_by_one_instance_is_sent_at_once_by_another_instances_worker() {
    let Some(db) = SharedDb::postgres("an_event_accepted_by_one_instance").await else { return };
    let dir = tempfile::tempdir().unwrap();
    // A only accepts; B only delivers, and would poll just every 30 s.
    let mut a = Instance::spawn("api", dir.path(), &db.url, &[("HOOKWELL_DELIVERY_WORKER", "false")]);
    let mut b = Instance::spawn("worker", dir.path(), &db.url, &[("HOOKWELL_DELIVERY_POLL_INTERVAL", "30s")]);
    a.ready(40).await;
    b.ready(40).await;
    let r = LogReceiver::start(Duration::ZERO).await;
    db.webhook(&r.url).await;
    let key = db.api_key().await;
    // B's worker has made its first (empty) claim and now waits.
    tokio::time::sleep(Duration::from_millis(500)).await;
    for round in 0..3 {
        let sent = Instant::now();
        post_events(vec![a.base.clone()], key.clone(), &format!("wake{round}"), 1, 1).await;
        while r.received() < round + 1 {
            assert!(sent.elapsed() < Duration::from_secs(5), "round {round}: not sent within 5 s (the poll is 30 s)");
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        eprintln!("accepted by one instance, sent by the other after {:?}", sent.elapsed());
    }
    db.drop_schema().await;
}
