//! The no-JavaScript forms: what a browser without JavaScript posts.
use crate::support::*;
use app::model::Role;
use app::ssr::entities::webhook;
use reqwest::StatusCode;
use sea_orm::EntityTrait;

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

/// A webhook row as a user would compare two: every setting, no ids, names or timestamps.
async fn settings_of(s: &TestServer, name: &str) -> (String, serde_json::Value) {
    let row = webhook::Entity::find().all(&s.state.db).await.unwrap().into_iter().find(|w| w.name == name).unwrap();
    let admin = s.signed_in("admin", ADMIN_PASSWORD).await;
    let (st, detail) = s.rpc_form(&admin, "get_webhook", &[("id", &row.id.to_string())]).await;
    assert_eq!(st, StatusCode::OK, "{detail}");
    let mut d: serde_json::Value = serde_json::from_str(&detail).unwrap();
    for volatile in ["id", "name", "version", "created_at", "created_by", "updated_at", "updated_by"] {
        d.as_object_mut().unwrap().remove(volatile);
    }
    (row.name, d)
}

#[tokio::test]
async fn every_field_posted_with_and_without_javascript_saves_the_same_webhook() {
    let s = start().await;
    let admin = s.signed_in("admin", ADMIN_PASSWORD).await;
    let mut ids = vec![];
    for key in ["wg-a", "wg-b"] {
        let key = unique(key);
        s.rpc_form(&admin, "add_catalog_item", &[("kind", "WorkGroup"), ("key", &key), ("name", &key)]).await;
        ids.push(app::ssr::catalog::upsert(&s.state.db, app::model::CatalogKind::WorkGroup, &key, &key).await.unwrap());
    }
    let tpl_key = unique("tpl");
    let tpl =
        app::ssr::catalog::upsert(&s.state.db, app::model::CatalogKind::Template, &tpl_key, "Contract").await.unwrap();
    let (wg1, wg2, tpl) = (ids[0].to_string(), ids[1].to_string(), tpl.to_string());
    let fields = |name: &str| -> Vec<(&'static str, String)> {
        vec![
            ("name", name.to_string()),
            ("url", "https://example.com/all fields?x=1".into()),
            ("auth_method", "AccessToken".into()),
            ("access_token", "token-for-every-field-test".into()),
            ("event_type", "InterviewLoadEvent".into()),
            ("event_name", "ignored-for-this-type".into()),
            ("ssl", "accept".into()),
            ("work_groups", wg2.clone()),
            ("work_groups", wg1.clone()),
            ("templates", tpl.clone()),
        ]
    };
    // Without JavaScript: the browser's form post ("active" unticked is simply absent).
    let no_js = unique("no-js");
    let res = admin.post(s.url("/webhooks/new")).form(&fields(&no_js)).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER, "{}", res.text().await.unwrap());
    // With JavaScript: the same fields as the server function's JSON.
    let js = unique("js");
    let mut form = serde_json::Map::new();
    for (k, v) in fields(&js) {
        match k {
            "work_groups" | "templates" => {
                form.entry(k).or_insert_with(|| serde_json::json!([])).as_array_mut().unwrap().push(v.into())
            }
            _ => {
                form.insert(k.into(), v.into());
            }
        }
    }
    let (st, body) = s.rpc(&admin, "create_webhook", serde_json::json!({ "form": form })).await;
    assert_eq!(st, StatusCode::OK, "{body}");
    let (a, b) = (settings_of(&s, &no_js).await, settings_of(&s, &js).await);
    assert_eq!(a.1, b.1, "the same saved webhook both ways");
    assert_eq!(a.1["active"], serde_json::json!(false));
    assert_eq!(a.1["accept_untrusted_ssl"], serde_json::json!(true));
    assert_eq!(a.1["work_groups"].as_array().unwrap().len(), 2);
}

fn page_post(c: &reqwest::Client, s: &TestServer, rpc: &str, page: &str) -> reqwest::RequestBuilder {
    c.post(s.url(&format!("/rpc/{rpc}"))).header("accept", "text/html").header("referer", s.url(page))
}

#[tokio::test]
async fn a_refused_user_form_without_javascript_answers_422_and_keeps_what_was_typed() {
    let s = start().await;
    let admin = s.as_role(Role::SiteAdmin).await;
    let res = page_post(&admin, &s, "create_user", "/users")
        .form(&[("username", "has space"), ("password", "secret-typed-password"), ("role", "IntegrationAdmin")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = res.text().await.unwrap();
    assert!(html.contains("value=\"has space\""), "the typed username is kept");
    assert!(html.contains("Use only letters, digits"), "the message is on the page");
    assert!(html.contains("aria-invalid=\"true\""), "the field is marked");
    assert!(html.contains("<option value=\"IntegrationAdmin\" selected"), "the chosen role is kept");
    assert!(!html.contains("secret-typed-password"), "a typed password never comes back");
    assert!(html.contains("name=\"_page\" value=\"/users\""), "the page's forms name their page");
    // The refused page's own address is the server function's: its forms name their page.
    let name = unique("ok");
    let res = page_post(&admin, &s, "create_user", "/rpc/create_user")
        .form(&[("_page", "/users"), ("username", name.as_str()), ("password", PASSWORD), ("role", "Author")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(res.headers()["location"], "/users");
}

#[tokio::test]
async fn a_refused_work_group_form_without_javascript_answers_422_with_its_message() {
    let s = start().await;
    let admin = s.as_role(Role::SiteAdmin).await;
    let res = page_post(&admin, &s, "add_catalog_item", "/work-groups")
        .form(&[("kind", "WorkGroup"), ("key", "bad key"), ("name", "Typed name")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = res.text().await.unwrap();
    assert!(html.contains("value=\"bad key\"") && html.contains("value=\"Typed name\""));
    assert!(html.contains("Use only letters, digits, _, - and . in the key."));
}

#[tokio::test]
async fn oversized_bodies_answer_413_with_a_clear_message() {
    let s = start().await;
    let admin = s.as_role(Role::SiteAdmin).await;
    let huge = "x".repeat(300 * 1024);
    let res = admin.post(s.url("/webhooks/new")).form(&[("name", huge.as_str())]).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert!(res.text().await.unwrap().contains("at most 256 KiB"));
    let res = admin
        .post(s.url("/rpc/create_webhook"))
        .json(&serde_json::json!({"form": {"name": huge}}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::PAYLOAD_TOO_LARGE);
}

#[tokio::test]
async fn a_typed_access_token_never_comes_back_in_the_page() {
    let s = start().await;
    let admin = s.as_role(Role::SiteAdmin).await;
    let token = "typed-token-that-must-not-return";
    let res = admin
        .post(s.url("/webhooks/new"))
        .form(&[
            ("name", unique("tok").as_str()),
            ("url", "not a url"),
            ("auth_method", "AccessToken"),
            ("access_token", token),
            ("event_type", "NewWorkItemVersionComplete"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = res.text().await.unwrap();
    assert!(!html.contains(token), "not in the form, not in the hydration state");
    assert!(html.contains("Enter the access token again"));
}

#[tokio::test]
async fn an_issued_secret_appears_once_in_the_page_and_never_in_its_state() {
    let s = start().await;
    let admin = s.as_role(Role::SiteAdmin).await;
    let res = admin
        .post(s.url("/webhooks/new"))
        .form(&[
            ("name", unique("once").as_str()),
            ("url", "https://example.com/h"),
            ("auth_method", "HMAC"),
            ("event_type", "NewWorkItemVersionComplete"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.headers()["cache-control"], "no-store");
    let html = res.text().await.unwrap();
    let start = html.find("whsec_").unwrap();
    let secret: String = html[start..].chars().take_while(|c| !matches!(c, '<' | '"' | '\\')).collect();
    assert_eq!(html.matches(&secret).count(), 1, "only the dialog shows {secret}");
}

#[tokio::test]
async fn a_regenerate_confirmation_posted_twice_rotates_the_secret_once() {
    let s = start().await;
    let admin = s.as_role(Role::SiteAdmin).await;
    let (_, body) = s
        .rpc(
            &admin,
            "create_webhook",
            serde_json::json!({"form": hook(&unique("twice"), "NewWorkItemVersionComplete")}),
        )
        .await;
    let id = body["id"].as_i64().unwrap() as i32;
    let post = || {
        admin
            .post(s.url(&format!("/webhooks/{id}/regenerate-secret")))
            .form(&[("confirm", "yes"), ("version", "1")])
            .send()
    };
    let first = post().await.unwrap();
    assert_eq!(first.status(), StatusCode::OK);
    let html = first.text().await.unwrap();
    let start = html.find("whsec_").unwrap();
    let issued: String = html[start..].chars().take_while(|c| !matches!(c, '<' | '"' | '\\')).collect();
    let again = post().await.unwrap();
    assert_eq!(again.status(), StatusCode::CONFLICT);
    let html = again.text().await.unwrap();
    assert!(!html.contains("whsec_") && html.contains("no new secret was issued"));
    let stored = app::ssr::webhooks::hmac_secret(&s.state.db, &s.state.cipher, id).await.unwrap();
    assert_eq!(stored.as_deref(), Some(issued.as_str()), "the secret shown first is still the one in force");
}
