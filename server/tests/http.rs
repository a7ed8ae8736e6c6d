//! The real server, started in-process on a loopback port over a real database (SQLite in a
//! temporary directory, or PostgreSQL when TEST_DATABASE_URL is set), driven over HTTP.
use app::model::Role;
use app::ssr::{entities::webhook, users, AppState};
use reqwest::{redirect::Policy, Client, StatusCode};
use sea_orm::EntityTrait;
use serde_json::{json, Value};
use std::net::SocketAddr;

struct TestServer {
    base: String,
    state: AppState,
    _dir: tempfile::TempDir,
}

const ADMIN_PASSWORD: &str = "admin-password-1";
const PASSWORD: &str = "password-for-tests";

async fn start() -> TestServer {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().display().to_string();
    let db_url = std::env::var("TEST_DATABASE_URL").unwrap_or_else(|_| format!("sqlite://{data}/test.db?mode=rwc"));
    let config = server::config::Config::load(|k| match k {
        "HOOKWELL_DATA_DIR" => Some(data.clone()),
        "DATABASE_URL" => Some(db_url.clone()),
        "HOOKWELL_ADMIN_PASSWORD" => Some(ADMIN_PASSWORD.into()),
        "HOOKWELL_ADDR" => Some("127.0.0.1:0".into()),
        _ => None,
    })
    .unwrap();
    let state = server::prepare(&config).await.unwrap();
    let app = server::router::build(state.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app.into_make_service_with_connect_info::<SocketAddr>()).await });
    TestServer { base: format!("http://{addr}"), state, _dir: dir }
}

fn unique(prefix: &str) -> String {
    format!("{prefix}-{}", uuid::Uuid::new_v4().simple())
}

fn client() -> Client {
    Client::builder().cookie_store(true).redirect(Policy::none()).build().unwrap()
}

impl TestServer {
    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// A signed-in client for a new user of `role`.
    async fn as_role(&self, role: Role) -> Client {
        let name = unique(role.as_str());
        users::create_unaudited(&self.state.db, &name, PASSWORD, role).await.unwrap();
        self.signed_in(&name, PASSWORD).await
    }

    async fn signed_in(&self, username: &str, password: &str) -> Client {
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

    async fn rpc(&self, c: &Client, name: &str, body: Value) -> (StatusCode, Value) {
        let res = c.post(self.url(&format!("/rpc/{name}"))).json(&body).send().await.unwrap();
        let status = res.status();
        let text = res.text().await.unwrap();
        (status, serde_json::from_str(&text).unwrap_or(Value::String(text)))
    }

    async fn rpc_form(&self, c: &Client, name: &str, form: &[(&str, &str)]) -> (StatusCode, String) {
        let res = c.post(self.url(&format!("/rpc/{name}"))).form(form).send().await.unwrap();
        (res.status(), res.text().await.unwrap())
    }
}

fn hook(name: &str, event: &str) -> Value {
    json!({
        "name": name, "url": "https://example.com/hooks", "auth_method": "HMAC", "access_token": "",
        "event_type": event, "event_name": if event == "CustomInterviewEvent" { "lookup" } else { "" },
        "active": "on", "ssl": "block", "work_groups": [], "templates": [], "version": null
    })
}

fn list_query() -> Value {
    json!({"query": {"search": "", "event_type": null, "active": null, "sort": "Name", "page": 0}})
}

#[tokio::test]
async fn webhook_server_functions_allow_only_the_two_admin_roles() {
    let s = start().await;
    for role in Role::ALL {
        let c = s.as_role(role).await;
        let (list, _) = s.rpc(&c, "list_webhooks", list_query()).await;
        let (create, body) =
            s.rpc(&c, "create_webhook", json!({"form": hook(&unique("roles"), "NewWorkItemVersionComplete")})).await;
        if role.manages_webhooks() {
            assert_eq!(list, StatusCode::OK, "{role:?} lists");
            assert_eq!(create, StatusCode::OK, "{role:?} creates: {body}");
            assert!(body["new_secret"].as_str().unwrap().starts_with("whsec_"));
        } else {
            assert_eq!(list, StatusCode::FORBIDDEN, "{role:?} must not list");
            assert_eq!(create, StatusCode::FORBIDDEN, "{role:?} must not create");
            assert_eq!(body, json!("Forbidden"));
        }
    }
    let (anon, _) = s.rpc(&client(), "list_webhooks", list_query()).await;
    assert_eq!(anon, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn an_author_crafting_a_post_stores_nothing() {
    let s = start().await;
    let author = s.as_role(Role::Author).await;
    let name = unique("sneaky");
    let (status, _) =
        s.rpc(&author, "create_webhook", json!({"form": hook(&name, "NewWorkItemVersionComplete")})).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let res = author
        .post(s.url("/webhooks/new"))
        .form(&[
            ("name", name.as_str()),
            ("url", "https://x.example/h"),
            ("auth_method", "HMAC"),
            ("event_type", "NewWorkItemVersionComplete"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let all = webhook::Entity::find().all(&s.state.db).await.unwrap();
    assert!(all.iter().all(|w| w.name != name));
}

#[tokio::test]
async fn only_site_admins_manage_users() {
    let s = start().await;
    let integrator = s.as_role(Role::IntegrationAdmin).await;
    assert_eq!(s.rpc_form(&integrator, "list_users", &[]).await.0, StatusCode::FORBIDDEN);
    let (st, _) = s
        .rpc_form(&integrator, "create_user", &[("username", "x1"), ("password", PASSWORD), ("role", "SiteAdmin")])
        .await;
    assert_eq!(st, StatusCode::FORBIDDEN);
    let admin = s.as_role(Role::SiteAdmin).await;
    let name = unique("new");
    let (st, body) =
        s.rpc_form(&admin, "create_user", &[("username", &name), ("password", PASSWORD), ("role", "Author")]).await;
    assert_eq!(st, StatusCode::OK, "{body}");
    let (st, body) =
        s.rpc_form(&admin, "create_user", &[("username", &name), ("password", PASSWORD), ("role", "Author")]).await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains("already exists"));
    s.signed_in(&name, PASSWORD).await;
}

#[tokio::test]
async fn wrong_credentials_get_one_generic_message_and_are_rate_limited() {
    let s = start().await;
    let name = unique("victim");
    users::create_unaudited(&s.state.db, &name, PASSWORD, Role::Author).await.unwrap();
    let c = client();
    for (user, pw) in [(name.as_str(), "wrong-password"), ("nobody-at-all", "wrong-password")] {
        let res = c.post(s.url("/login")).form(&[("username", user), ("password", pw)]).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
        assert!(res.text().await.unwrap().contains("Wrong username or password."));
    }
    for _ in 0..4 {
        c.post(s.url("/login")).form(&[("username", name.as_str()), ("password", "wrong")]).send().await.unwrap();
    }
    let res =
        c.post(s.url("/login")).form(&[("username", name.as_str()), ("password", PASSWORD)]).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS, "the right password is refused while locked");
}

#[tokio::test]
async fn session_cookie_is_httponly_samesite_and_logout_ends_it() {
    let s = start().await;
    let c = client();
    let res =
        c.post(s.url("/login")).form(&[("username", "admin"), ("password", ADMIN_PASSWORD)]).send().await.unwrap();
    let cookie = res.headers().get("set-cookie").unwrap().to_str().unwrap().to_string();
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"), "{cookie}");
    let token = cookie.split(';').next().unwrap().to_string();
    let raw = client();
    let who = |c: Client, t: String| {
        let url = s.url("/rpc/whoami");
        async move { c.post(url).header("cookie", t).send().await.unwrap().text().await.unwrap() }
    };
    assert!(who(raw.clone(), token.clone()).await.contains("\"admin\""));
    c.post(s.url("/logout")).send().await.unwrap();
    assert_eq!(who(raw, token).await, "null", "the old cookie no longer works");
}

#[tokio::test]
async fn secrets_are_encrypted_at_rest_and_regenerate_replaces_them() {
    let s = start().await;
    let admin = s.as_role(Role::IntegrationAdmin).await;
    let (_, body) =
        s.rpc(&admin, "create_webhook", json!({"form": hook(&unique("enc"), "NewWorkItemVersionComplete")})).await;
    let id = body["id"].as_i64().unwrap() as i32;
    let secret = body["new_secret"].as_str().unwrap().to_string();
    let row = webhook::Entity::find_by_id(id).one(&s.state.db).await.unwrap().unwrap();
    let sealed = row.hmac_secret_enc.clone().unwrap();
    assert!(!sealed.windows(secret.len()).any(|w| w == secret.as_bytes()));
    assert_eq!(s.state.cipher.open(&sealed).as_deref(), Some(secret.as_str()));
    if std::env::var("TEST_DATABASE_URL").is_err() {
        let file = std::fs::read(s._dir.path().join("test.db")).unwrap();
        let b64 = secret.trim_start_matches("whsec_");
        assert!(!file.windows(b64.len()).any(|w| w == b64.as_bytes()), "raw database bytes contain the secret");
    }
    let page = admin.get(s.url(&format!("/webhooks/{id}"))).send().await.unwrap().text().await.unwrap();
    assert!(!page.contains(&secret), "the secret is never shown again");
    let (st, new) = s.rpc_form(&admin, "regenerate_hmac_secret", &[("id", &id.to_string())]).await;
    assert_eq!(st, StatusCode::OK);
    let new: String = serde_json::from_str(&new).unwrap();
    assert!(new.starts_with("whsec_") && new != secret);
    let stored = app::ssr::webhooks::hmac_secret(&s.state.db, &s.state.cipher, id).await.unwrap();
    assert_eq!(stored.as_deref(), Some(new.as_str()), "only the new secret is stored");
    let audit = admin.get(s.url("/audit")).send().await.unwrap().text().await.unwrap();
    assert!(audit.contains("webhook.regenerate_secret") && !audit.contains(&new) && !audit.contains(&secret));
}

#[tokio::test]
async fn two_admins_editing_at_once_the_second_is_told_not_overwritten() {
    let s = start().await;
    let a = s.as_role(Role::SiteAdmin).await;
    let b = s.as_role(Role::IntegrationAdmin).await;
    let name = unique("race");
    let (_, body) = s.rpc(&a, "create_webhook", json!({"form": hook(&name, "NewWorkItemVersionComplete")})).await;
    let id = body["id"].as_i64().unwrap();
    let mut form = hook(&name, "NewWorkItemVersionComplete");
    form["version"] = json!(1);
    form["url"] = json!("https://a.example/h");
    let (st, _) = s.rpc(&a, "update_webhook", json!({"id": id, "form": form.clone()})).await;
    assert_eq!(st, StatusCode::OK);
    form["url"] = json!("https://b.example/h");
    let (st, err) = s.rpc(&b, "update_webhook", json!({"id": id, "form": form})).await;
    assert_eq!(st, StatusCode::CONFLICT);
    assert!(err.to_string().contains("changed by"), "{err}");
    let row = webhook::Entity::find_by_id(id as i32).one(&s.state.db).await.unwrap().unwrap();
    assert_eq!(row.url, "https://a.example/h");
}

#[tokio::test]
async fn only_one_post_processing_webhook_and_duplicate_names_are_refused() {
    let s = start().await;
    let admin = s.as_role(Role::SiteAdmin).await;
    let first = unique("pp");
    let (st, body) = s.rpc(&admin, "create_webhook", json!({"form": hook(&first, "PostProcessingEvent")})).await;
    assert_eq!(st, StatusCode::OK, "{body}");
    let (st, err) = s.rpc(&admin, "create_webhook", json!({"form": hook(&unique("pp2"), "PostProcessingEvent")})).await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(err["Invalid"]["event_type"].as_str().unwrap().contains(&first), "{err}");
    let (st, err) = s
        .rpc(&admin, "create_webhook", json!({"form": hook(&first.to_uppercase(), "NewWorkItemVersionComplete")}))
        .await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(err["Invalid"]["name"].as_str().unwrap().contains("already exists"));
    s.rpc_form(&admin, "delete_webhook", &[("id", &body["id"].to_string())]).await;
}

#[tokio::test]
async fn bad_input_is_refused_with_field_messages_never_500() {
    let s = start().await;
    let admin = s.as_role(Role::SiteAdmin).await;
    let cases = [
        ("url", json!("javascript:alert(1)")),
        ("url", json!("data:text/html,hi")),
        ("url", json!("https://")),
        ("name", json!("   ")),
        ("name", json!("x".repeat(201))),
        ("event_type", json!("DropTables")),
    ];
    for (field, value) in cases {
        let mut form = hook(&unique("bad"), "NewWorkItemVersionComplete");
        form[field] = value.clone();
        let (st, err) = s.rpc(&admin, "create_webhook", json!({"form": form})).await;
        assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{field}={value}");
        assert!(err["Invalid"][field].is_string(), "{field}: {err}");
    }
    let (st, _) = s.rpc(&admin, "get_webhook", json!(null)).await;
    assert!(st.is_client_error(), "missing id is a client error, got {st}");
    let (st, _) = s.rpc_form(&admin, "get_webhook", &[("id", "987654")]).await;
    assert_eq!(st, StatusCode::NOT_FOUND);
    let (st, _) = s.rpc_form(&admin, "set_webhook_active", &[("id", "987654"), ("active", "true")]).await;
    assert_eq!(st, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn no_js_form_post_keeps_typed_values_and_shows_errors_next_to_fields() {
    let s = start().await;
    let admin = s.as_role(Role::SiteAdmin).await;
    let name = unique("typed");
    let res = admin
        .post(s.url("/webhooks/new"))
        .form(&[
            ("name", name.as_str()),
            ("url", "ftp://files.example/x"),
            ("auth_method", "HMAC"),
            ("event_type", "CustomInterviewEvent"),
            ("event_name", ""),
            ("ssl", "block"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = res.text().await.unwrap();
    assert!(html.contains(&format!("value=\"{name}\"")), "typed name kept");
    assert!(html.contains("Use an http:// or https:// URL."));
    assert!(html.contains("Enter the Event Name"));
    assert!(html.contains("aria-invalid=\"true\""));
}

#[tokio::test]
async fn no_js_create_shows_the_secret_dialog_once_then_continue_needs_the_checkbox() {
    let s = start().await;
    let admin = s.as_role(Role::SiteAdmin).await;
    let name = unique("nojs");
    let res = admin
        .post(s.url("/webhooks/new"))
        .form(&[
            ("name", name.as_str()),
            ("url", "https://example.com/h"),
            ("auth_method", "HMAC"),
            ("event_type", "NewWorkItemVersionComplete"),
            ("active", "on"),
            ("ssl", "block"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);
    let html = res.text().await.unwrap();
    assert!(html.contains("role=\"dialog\"") && html.contains("Your HMAC secret"));
    let secret_start = html.find("whsec_").expect("secret in page");
    let secret = &html[secret_start..secret_start + 50];
    let row = webhook::Entity::find().all(&s.state.db).await.unwrap().into_iter().find(|w| w.name == name).unwrap();
    let res = admin
        .post(s.url(&format!("/webhooks/{}/secret-acknowledged", row.id)))
        .form(&[("x", "")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let res = admin
        .post(s.url(&format!("/webhooks/{}/secret-acknowledged", row.id)))
        .form(&[("copied", "yes")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let page = admin.get(s.url(&format!("/webhooks/{}", row.id))).send().await.unwrap().text().await.unwrap();
    assert!(page.contains(&name) && !page.contains(secret));
}

#[tokio::test]
async fn deleting_a_work_group_removes_the_link_never_the_webhook() {
    let s = start().await;
    let admin = s.as_role(Role::SiteAdmin).await;
    let key = unique("wg");
    let (st, _) =
        s.rpc_form(&admin, "add_catalog_item", &[("kind", "WorkGroup"), ("key", &key), ("name", "Legal")]).await;
    assert_eq!(st, StatusCode::OK);
    let (_, items) = s.rpc_form(&admin, "list_catalog", &[("kind", "WorkGroup")]).await;
    let items: Value = serde_json::from_str(&items).unwrap();
    let wg = items.as_array().unwrap().iter().find(|i| i["key"] == json!(key)).unwrap()["id"].as_i64().unwrap();
    let mut form = hook(&unique("linked"), "InterviewLoadEvent");
    form["work_groups"] = json!([wg]);
    let (_, body) = s.rpc(&admin, "create_webhook", json!({"form": form})).await;
    let id = body["id"].as_i64().unwrap();
    let (_, detail) = s.rpc_form(&admin, "get_webhook", &[("id", &id.to_string())]).await;
    assert!(detail.contains(&key));
    let (st, _) = s.rpc_form(&admin, "delete_catalog_item", &[("kind", "WorkGroup"), ("id", &wg.to_string())]).await;
    assert_eq!(st, StatusCode::OK);
    let (st, detail) = s.rpc_form(&admin, "get_webhook", &[("id", &id.to_string())]).await;
    assert_eq!(st, StatusCode::OK, "the webhook survives");
    assert!(!detail.contains(&key));
}

#[tokio::test]
async fn pages_answer_404_403_and_redirect_to_sign_in() {
    let s = start().await;
    let anon = client();
    let res = anon.get(s.url("/webhooks/new")).send().await.unwrap();
    assert!(res.status().is_redirection());
    assert_eq!(res.headers()["location"], "/login?next=%2Fwebhooks%2Fnew");
    let author = s.as_role(Role::Author).await;
    let res = author.get(s.url("/webhooks")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let html = res.text().await.unwrap();
    assert!(html.contains("Not allowed") && !html.contains("Manage webhooks"));
    let admin = s.as_role(Role::IntegrationAdmin).await;
    assert_eq!(admin.get(s.url("/webhooks/424242")).send().await.unwrap().status(), StatusCode::NOT_FOUND);
    assert_eq!(admin.get(s.url("/no-such-page")).send().await.unwrap().status(), StatusCode::NOT_FOUND);
    let res = admin.get(s.url("/webhooks")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let csp = res.headers()["content-security-policy"].to_str().unwrap().to_string();
    assert!(csp.contains("frame-ancestors 'none'") && csp.contains("'nonce-"), "{csp}");
    assert_eq!(res.headers()["x-content-type-options"], "nosniff");
    assert!(res.headers().contains_key("referrer-policy"));
}

#[tokio::test]
async fn cross_site_posts_are_refused_and_health_checks_answer() {
    let s = start().await;
    let admin = s.as_role(Role::SiteAdmin).await;
    let res = admin.post(s.url("/rpc/list_users")).header("origin", "https://evil.example").send().await.unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert_eq!(client().get(s.url("/healthz")).send().await.unwrap().status(), StatusCode::OK);
    assert_eq!(client().get(s.url("/readyz")).send().await.unwrap().status(), StatusCode::OK);
}

#[tokio::test]
async fn every_page_script_carries_the_nonce_its_policy_allows() {
    let s = start().await;
    let admin = s.as_role(Role::SiteAdmin).await;
    for path in ["/login", "/webhooks", "/webhooks/new", "/no-such-page"] {
        let res = admin.get(s.url(path)).header("accept", "text/html").send().await.unwrap();
        let csp = res.headers()["content-security-policy"].to_str().unwrap().to_string();
        let nonce = csp
            .split("'nonce-")
            .nth(1)
            .and_then(|r| r.split('\'').next())
            .unwrap_or_else(|| panic!("{path}: {csp}"))
            .to_string();
        let html = res.text().await.unwrap();
        let scripts = html.matches("<script").count();
        assert!(scripts > 0, "{path} has scripts");
        assert_eq!(
            html.matches(&format!("nonce=\"{nonce}\"")).count(),
            scripts,
            "{path}: every script has the policy's nonce"
        );
    }
    let res = admin.get(s.url("/rpc/whoami")).send().await.unwrap();
    assert_eq!(res.headers()["content-security-policy"], "default-src 'none'; frame-ancestors 'none'");
}

#[tokio::test]
async fn regenerating_an_access_token_webhook_is_refused_with_the_reason() {
    let s = start().await;
    let admin = s.as_role(Role::SiteAdmin).await;
    let mut form = hook(&unique("token"), "NewWorkItemVersionComplete");
    form["auth_method"] = json!("AccessToken");
    form["access_token"] = json!("tok-abcd1234");
    let (_, body) = s.rpc(&admin, "create_webhook", json!({"form": form})).await;
    assert!(body["new_secret"].is_null(), "no secret for access tokens");
    let id = body["id"].as_i64().unwrap();
    let res = admin
        .post(s.url(&format!("/webhooks/{id}/regenerate-secret")))
        .form(&[("confirm", "yes")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text().await.unwrap().contains("switch it to HMAC to get a secret"));
    let detail = admin.get(s.url(&format!("/webhooks/{id}"))).send().await.unwrap().text().await.unwrap();
    assert!(detail.contains("••••1234") && !detail.contains("tok-abcd1234"), "token shown masked only");
}

#[tokio::test]
async fn a_hand_edited_id_list_is_refused_by_field_and_nothing_typed_is_lost() {
    let s = start().await;
    let admin = s.as_role(Role::SiteAdmin).await;
    let name = unique("odd-ids");
    let res = admin
        .post(s.url("/webhooks/new"))
        .form(&[
            ("name", name.as_str()),
            ("url", "https://example.com/kept"),
            ("auth_method", "HMAC"),
            ("event_type", "InterviewLoadEvent"),
            ("work_groups", "not-a-number"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = res.text().await.unwrap();
    assert!(html.contains("Choose from the list."));
    assert!(html.contains(&format!("value=\"{name}\"")) && html.contains("value=\"https://example.com/kept\""));
}
