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

async fn sign_in_status(s: &TestServer, c: &Client, user: &str, pw: &str) -> StatusCode {
    c.post(s.url("/login")).form(&[("username", user), ("password", pw)]).send().await.unwrap().status()
}

#[tokio::test]
async fn spaces_around_a_name_give_it_no_extra_guesses() {
    let s = start().await;
    let name = unique("padded");
    users::create_unaudited(&s.state.db, &name, PASSWORD, Role::Author).await.unwrap();
    let c = client();
    for variant in [name.clone(), format!("{name} "), format!(" {name}"), format!("\t{name}"), format!("{name}  ")] {
        assert_eq!(sign_in_status(&s, &c, &variant, "wrong").await, StatusCode::UNAUTHORIZED);
    }
    assert_eq!(sign_in_status(&s, &c, &format!(" {name} "), PASSWORD).await, StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test]
async fn a_parallel_burst_of_guesses_gets_only_the_limit() {
    let s = start().await;
    let name = unique("burst");
    users::create_unaudited(&s.state.db, &name, PASSWORD, Role::Author).await.unwrap();
    let guesses: Vec<_> = (0..20)
        .map(|i| {
            let (url, name) = (s.url("/login"), name.clone());
            tokio::spawn(async move {
                let form = [("username", name.as_str()), ("password", &format!("wrong-{i}"))];
                client().post(url).form(&form).send().await.unwrap().status()
            })
        })
        .collect();
    let mut checked = 0;
    for g in guesses {
        match g.await.unwrap() {
            StatusCode::UNAUTHORIZED => checked += 1,
            StatusCode::TOO_MANY_REQUESTS => {}
            other => panic!("unexpected {other}"),
        }
    }
    assert_eq!(checked, 5, "only five passwords were actually tried");
    let res = client()
        .post(s.url("/login"))
        .form(&[("username", name.as_str()), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(res.headers().contains_key("retry-after"));
}

#[tokio::test]
async fn a_huge_username_is_refused_like_a_wrong_one() {
    let s = start().await;
    let res = client()
        .post(s.url("/login"))
        .form(&[("username", "a".repeat(200_000).as_str()), ("password", "x")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    assert!(s.state.login_limiter.tracked_keys().await.unwrap() <= 2, "one key per account and address, bounded");
}

#[tokio::test]
async fn after_sign_in_only_same_site_paths_are_followed() {
    let s = start().await;
    for (next, expected) in [
        ("/webhooks/new", "/webhooks/new"),
        ("/\t/evil.example", "/webhooks"),
        ("/\n/evil.example", "/webhooks"),
        ("/\\evil.example", "/webhooks"),
        ("//evil.example", "/webhooks"),
        ("https://evil.example/", "/webhooks"),
    ] {
        let res = client()
            .post(s.url("/login"))
            .form(&[("username", "admin"), ("password", ADMIN_PASSWORD), ("next", next)])
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::SEE_OTHER, "{next:?}");
        assert_eq!(res.headers()["location"], expected, "{next:?}");
    }
    let admin = s.signed_in("admin", ADMIN_PASSWORD).await;
    for next in ["%2F%0A", "%2F%09%2Fevil.example", "%2F%5Cevil.example"] {
        let res = admin.get(s.url(&format!("/login?next={next}"))).send().await.expect("the connection is kept");
        assert!(res.status().is_redirection(), "{next}: {}", res.status());
        assert_eq!(res.headers()["location"], "/webhooks", "{next}");
    }
}

async fn whoami(s: &TestServer, c: &Client) -> serde_json::Value {
    c.post(s.url("/rpc/whoami")).send().await.unwrap().json().await.unwrap()
}

#[tokio::test]
async fn changing_a_role_or_password_or_disabling_ends_the_users_other_sessions() {
    let s = start().await;
    let site_admin = s.as_role(Role::SiteAdmin).await;
    for change in ["change_user_role", "reset_user_password", "set_user_disabled"] {
        let name = unique("victim");
        let id = users::create_unaudited(&s.state.db, &name, PASSWORD, Role::IntegrationAdmin).await.unwrap();
        let victim = s.signed_in(&name, PASSWORD).await;
        assert_eq!(whoami(&s, &victim).await["username"], json!(name));
        let id = id.to_string();
        let form: Vec<(&str, &str)> = match change {
            "change_user_role" => vec![("id", &id), ("role", "Author")],
            "reset_user_password" => vec![("id", &id), ("password", "another-password-1")],
            _ => vec![("id", &id), ("disabled", "true")],
        };
        let (st, body) = s.rpc_form(&site_admin, change, &form).await;
        assert_eq!(st, StatusCode::OK, "{change}: {body}");
        assert_eq!(whoami(&s, &victim).await, json!(null), "{change} ends the session");
    }
}

#[tokio::test]
async fn resetting_your_own_password_keeps_you_signed_in_here() {
    let s = start().await;
    let name = unique("self");
    let id = users::create_unaudited(&s.state.db, &name, PASSWORD, Role::SiteAdmin).await.unwrap();
    let here = s.signed_in(&name, PASSWORD).await;
    let elsewhere = s.signed_in(&name, PASSWORD).await;
    let (st, _) =
        s.rpc_form(&here, "reset_user_password", &[("id", &id.to_string()), ("password", "my-new-password")]).await;
    assert_eq!(st, StatusCode::OK);
    assert_eq!(whoami(&s, &here).await["username"], json!(name));
    assert_eq!(whoami(&s, &elsewhere).await, json!(null));
}

#[tokio::test]
async fn an_idle_session_ends_and_is_purged() {
    let s = start_with(&[("HOOKWELL_SESSION_IDLE", "1s")]).await;
    let c = s.signed_in("admin", ADMIN_PASSWORD).await;
    assert_eq!(whoami(&s, &c).await["username"], json!("admin"));
    tokio::time::sleep(std::time::Duration::from_millis(1500)).await;
    assert_eq!(whoami(&s, &c).await, json!(null), "idle past the timeout");
    let purged = app::ssr::auth::purge_sessions(&s.state.db, s.state.sessions).await.unwrap();
    assert!(purged >= 1);
}

#[tokio::test]
async fn with_a_public_https_url_the_cookie_is_secure_and_other_origins_are_refused() {
    let s = start_with(&[("HOOKWELL_PUBLIC_URL", "https://hooks.example.com")]).await;
    let res = client()
        .post(s.url("/login"))
        .form(&[("username", "admin"), ("password", ADMIN_PASSWORD)])
        .send()
        .await
        .unwrap();
    assert!(res.headers()["set-cookie"].to_str().unwrap().contains("; Secure"));
    let c = s.signed_in("admin", ADMIN_PASSWORD).await;
    let own_host = s.base.clone();
    let res = c.post(s.url("/rpc/whoami")).header("origin", own_host).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN, "the Host header is not trusted when the public URL is set");
    let res = c.post(s.url("/rpc/whoami")).header("origin", "https://hooks.example.com").send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let plain = start().await;
    let res = client()
        .post(plain.url("/login"))
        .header("x-forwarded-proto", "https")
        .form(&[("username", "admin"), ("password", ADMIN_PASSWORD)])
        .send()
        .await
        .unwrap();
    assert!(res.headers()["set-cookie"].to_str().unwrap().contains("; Secure"), "without it, as before");
}

#[tokio::test]
async fn sign_out_does_not_claim_success_when_the_database_is_gone() {
    let s = start().await;
    let c = s.signed_in("admin", ADMIN_PASSWORD).await;
    s.state.db.clone().close().await.unwrap();
    let res = c.post(s.url("/logout")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert!(res.headers().get("set-cookie").is_none());
}
