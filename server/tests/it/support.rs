//! What every integration test uses: the real server on a loopback port (SQLite in a temporary
//! directory, or PostgreSQL when TEST_DATABASE_URL is set), clients and sample forms.
use app::model::Role;
use app::ssr::{users, AppState};
use reqwest::{redirect::Policy, Client, StatusCode};
use serde_json::{json, Value};
use std::net::SocketAddr;

pub struct TestServer {
    pub base: String,
    pub state: AppState,
    pub dir: tempfile::TempDir,
}

pub const ADMIN_PASSWORD: &str = "admin-password-1";
pub const PASSWORD: &str = "password-for-tests";

/// One master key for every test server, so that servers sharing a PostgreSQL database can
/// open each other's leftover secrets.
pub const MASTER_KEY: &str = "AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyA=";

pub async fn start() -> TestServer {
    start_with(&[]).await
}

/// The server with its delivery worker, fast test timings, private targets allowed, and the
/// given settings on top.
pub async fn start_with(settings: &[(&str, &str)]) -> TestServer {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().display().to_string();
    let db_url = std::env::var("TEST_DATABASE_URL").unwrap_or_else(|_| format!("sqlite://{data}/test.db?mode=rwc"));
    let settings: Vec<(String, String)> = settings.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
    let config = server::config::Config::load(|k| {
        if let Some((_, v)) = settings.iter().find(|(name, _)| name == k) {
            return Some(v.clone());
        }
        match k {
            "HOOKWELL_DATA_DIR" => Some(data.clone()),
            "DATABASE_URL" => Some(db_url.clone()),
            "HOOKWELL_ADMIN_PASSWORD" => Some(ADMIN_PASSWORD.into()),
            "HOOKWELL_ADDR" => Some("127.0.0.1:0".into()),
            "HOOKWELL_MASTER_KEY" => Some(MASTER_KEY.into()),
            "HOOKWELL_ALLOW_PRIVATE_TARGETS" => Some("true".into()),
            "HOOKWELL_RETRY_SCHEDULE" => Some("50ms,50ms,50ms".into()),
            "HOOKWELL_DELIVERY_TIMEOUT" => Some("2s".into()),
            "HOOKWELL_SYNC_TIMEOUT" => Some("2s".into()),
            "HOOKWELL_DELIVERY_LEASE" => Some("10s".into()),
            "HOOKWELL_DELIVERY_POLL_INTERVAL" => Some("50ms".into()),
            "HOOKWELL_SHUTDOWN_GRACE" => Some("1s".into()),
            _ => None,
        }
    })
    .unwrap();
    let state = server::prepare(&config).await.unwrap();
    if std::env::var("TEST_DATABASE_URL").is_ok() {
        // PostgreSQL tests share one database and run one at a time: webhooks left by earlier
        // tests (and their queued deliveries) must not receive this test's events.
        use sea_orm::EntityTrait;
        app::ssr::entities::webhook::Entity::delete_many().exec(&state.db).await.unwrap();
        // Nor count earlier tests' failed sign-ins (the throttle is kept in the database).
        app::ssr::entities::login_failure::Entity::delete_many().exec(&state.db).await.unwrap();
    }
    let api = server::api_state(&state, &config).unwrap();
    if let Some(worker) = server::start_worker(&state, &config).unwrap() {
        // Stopped with the test's runtime; kept alive until then.
        std::mem::forget(worker);
    }
    let app = server::router::build_with_api(state.clone(), api);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app.into_make_service_with_connect_info::<SocketAddr>()).await });
    TestServer { base: format!("http://{addr}"), state, dir }
}

pub fn unique(prefix: &str) -> String {
    format!("{prefix}-{}", uuid::Uuid::new_v4().simple())
}

/// A page's HTML without the markers Leptos puts in for hydration and the islands router (the
/// `<!>` between text nodes, the `<!--bo-…-->` / `<!--bc-…-->` around branches), so that a check
/// can read `>Revoked</span>` as the browser shows it.
pub async fn html(res: reqwest::Response) -> String {
    without_markers(&res.text().await.unwrap())
}

/// `page` without its HTML comments and `<!>` markers.
pub fn without_markers(page: &str) -> String {
    let mut out = String::with_capacity(page.len());
    let mut rest = page.replace("<!>", "");
    while let Some(start) = rest.find("<!--") {
        out.push_str(&rest[..start]);
        match rest[start..].find("-->") {
            Some(end) => rest = rest[start + end + 3..].to_string(),
            None => {
                rest.clear();
            }
        }
    }
    out.push_str(&rest);
    out
}

pub fn client() -> Client {
    // The process may not have started a server (whose delivery clients install it) yet.
    server::delivery::client::install_crypto_provider();
    Client::builder().cookie_store(true).redirect(Policy::none()).build().unwrap()
}

impl TestServer {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// A signed-in client for a new user of `role`.
    pub async fn as_role(&self, role: Role) -> Client {
        let name = unique(role.as_str());
        users::create_unaudited(&self.state.db, &name, PASSWORD, role).await.unwrap();
        self.signed_in(&name, PASSWORD).await
    }

    pub async fn signed_in(&self, username: &str, password: &str) -> Client {
        let c = client();
        let res = c
            .post(self.url("/login"))
            .form(&[("username", username), ("password", password), ("next", "/")])
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::SEE_OTHER, "sign-in of {username}");
        c
    }

    pub async fn rpc(&self, c: &Client, name: &str, body: Value) -> (StatusCode, Value) {
        let res = c.post(self.url(&format!("/rpc/{name}"))).json(&body).send().await.unwrap();
        let status = res.status();
        let text = res.text().await.unwrap();
        (status, serde_json::from_str(&text).unwrap_or(Value::String(text)))
    }

    pub async fn rpc_form(&self, c: &Client, name: &str, form: &[(&str, &str)]) -> (StatusCode, String) {
        let res = c.post(self.url(&format!("/rpc/{name}"))).form(form).send().await.unwrap();
        (res.status(), res.text().await.unwrap())
    }
}

pub fn hook(name: &str, event: &str) -> Value {
    json!({
        "name": name, "url": "https://example.com/hooks", "auth_method": "HMAC", "access_token": "",
        "event_type": event, "event_name": if event == "CustomInterviewEvent" { "lookup" } else { "" },
        "active": "on", "ssl": "block", "work_groups": [], "templates": [], "version": ""
    })
}

pub fn list_query() -> Value {
    json!({"query": {"search": "", "event_type": null, "active": null, "sort": "Name", "page": 0}})
}

/// A new API key for the platform API.
pub async fn api_key(s: &TestServer) -> String {
    app::ssr::api_keys::create(&s.state.db, "tests", &unique("key")).await.unwrap().key
}

/// The acting administrator for service calls.
pub fn actor() -> app::model::CurrentUser {
    app::model::CurrentUser { id: 0, role: Role::SiteAdmin, username: "tests".into() }
}

/// Creates a webhook through the service; returns its id and HMAC secret (if any).
pub async fn webhook(
    s: &TestServer,
    name: &str,
    url: &str,
    event: &str,
    edit: impl FnOnce(&mut Value),
) -> (i32, Option<String>) {
    let mut form = hook(name, event);
    form["url"] = json!(url);
    edit(&mut form);
    let form: app::model::WebhookForm = serde_json::from_value(form).unwrap();
    let saved = app::ssr::webhooks::create(&s.state.db, &s.state.cipher, &actor(), &form).await.unwrap();
    (saved.id, saved.new_secret)
}

/// POSTs JSON to the API with a key.
pub async fn api_post(s: &TestServer, key: &str, path: &str, body: Value) -> (StatusCode, Value) {
    let res = client().post(s.url(path)).bearer_auth(key).json(&body).send().await.unwrap();
    let status = res.status();
    let text = res.text().await.unwrap();
    (status, serde_json::from_str(&text).unwrap_or(Value::String(text)))
}

/// Waits until `check` holds (polling), or fails the test after `secs`.
pub async fn eventually<F, Fut>(secs: u64, what: &str, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(secs);
    while std::time::Instant::now() < deadline {
        if check().await {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }
    panic!("timed out waiting for: {what}");
}

/// The delivery rows of a webhook, oldest first.
pub async fn deliveries_of(s: &TestServer, webhook_id: i32) -> Vec<app::ssr::entities::delivery::Model> {
    use app::ssr::entities::delivery;
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
    delivery::Entity::find()
        .filter(delivery::Column::WebhookId.eq(webhook_id))
        .order_by_asc(delivery::Column::Id)
        .all(&s.state.db)
        .await
        .unwrap()
}
