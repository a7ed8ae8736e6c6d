//! Webhook administration through the server functions.
use crate::support::*;
use app::model::Role;
use app::ssr::{crypto::Binding, entities::webhook};
use reqwest::StatusCode;
use sea_orm::EntityTrait;
use serde_json::{json, Value};

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
    assert_eq!(s.state.cipher.open(&sealed, Binding::HmacSecret { webhook_id: id }).as_deref(), Some(secret.as_str()));
    if std::env::var("TEST_DATABASE_URL").is_err() {
        // The database is in WAL mode: recent writes may still be in the write-ahead log.
        let b64 = secret.trim_start_matches("whsec_");
        for file in ["test.db", "test.db-wal"] {
            let bytes = std::fs::read(s.dir.path().join(file)).unwrap_or_default();
            assert!(!bytes.windows(b64.len()).any(|w| w == b64.as_bytes()), "raw bytes of {file} contain the secret");
        }
    }
    let page = admin.get(s.url(&format!("/webhooks/{id}"))).send().await.unwrap().text().await.unwrap();
    assert!(!page.contains(&secret), "the secret is never shown again");
    let (st, new) = s.rpc_form(&admin, "regenerate_hmac_secret", &[("id", &id.to_string()), ("version", "1")]).await;
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
    form["version"] = json!("1");
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
    form["work_groups"] = json!([wg.to_string()]);
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
async fn regenerating_an_access_token_webhook_is_refused_with_the_reason() {
    let s = start().await;
    let admin = s.as_role(Role::SiteAdmin).await;
    let mut form = hook(&unique("token"), "NewWorkItemVersionComplete");
    form["auth_method"] = json!("AccessToken");
    form["access_token"] = json!("tok-0000-5678-abcd1234");
    let (_, body) = s.rpc(&admin, "create_webhook", json!({"form": form})).await;
    assert!(body["new_secret"].is_null(), "no secret for access tokens");
    let id = body["id"].as_i64().unwrap();
    let res = admin
        .post(s.url(&format!("/webhooks/{id}/regenerate-secret")))
        .form(&[("confirm", "yes"), ("version", "1")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text().await.unwrap().contains("switch it to HMAC to get a secret"));
    let detail = admin.get(s.url(&format!("/webhooks/{id}"))).send().await.unwrap().text().await.unwrap();
    assert!(detail.contains("••••1234") && !detail.contains("tok-0000-5678-abcd1234"), "token shown masked only");
}
