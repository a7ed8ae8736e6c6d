//! Sign-in, sessions and who may call what.
use crate::support::*;
use app::model::Role;
use app::ssr::{entities::webhook, users};
use reqwest::{Client, StatusCode};
use sea_orm::EntityTrait;
use serde_json::json;

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
