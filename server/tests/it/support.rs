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

pub async fn start() -> TestServer {
    start_with(&[]).await
}

/// A server with extra settings (`HOOKWELL_…` variables) on top of the test defaults.
pub async fn start_with(settings: &[(&str, &str)]) -> TestServer {
    let settings: Vec<(String, String)> = settings.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().display().to_string();
    let db_url = std::env::var("TEST_DATABASE_URL").unwrap_or_else(|_| format!("sqlite://{data}/test.db?mode=rwc"));
    let config = server::config::Config::load(|k| match k {
        "HOOKWELL_DATA_DIR" => Some(data.clone()),
        "DATABASE_URL" => Some(db_url.clone()),
        "HOOKWELL_ADMIN_PASSWORD" => Some(ADMIN_PASSWORD.into()),
        "HOOKWELL_ADDR" => Some("127.0.0.1:0".into()),
        other => settings.iter().find(|(k, _)| k == other).map(|(_, v)| v.clone()),
    })
    .unwrap();
    let state = server::prepare(&config).await.unwrap();
    let app = server::router::build(state.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app.into_make_service_with_connect_info::<SocketAddr>()).await });
    TestServer { base: format!("http://{addr}"), state, dir }
}

pub fn unique(prefix: &str) -> String {
    format!("{prefix}-{}", uuid::Uuid::new_v4().simple())
}

pub fn client() -> Client {
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
