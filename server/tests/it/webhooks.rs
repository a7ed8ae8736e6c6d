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
async fn deleting_a_work_group_that_webhooks_use_is_refused_naming_them_or_deactivates_them() {
    let s = start().await;
    let admin = s.as_role(Role::SiteAdmin).await;
    let key = unique("wg");
    let (st, _) =
        s.rpc_form(&admin, "add_catalog_item", &[("kind", "WorkGroup"), ("key", &key), ("name", "Legal")]).await;
    assert_eq!(st, StatusCode::OK);
    let (_, items) = s.rpc_form(&admin, "list_catalog", &[("kind", "WorkGroup")]).await;
    let items: Value = serde_json::from_str(&items).unwrap();
    let wg = items.as_array().unwrap().iter().find(|i| i["key"] == json!(key)).unwrap()["id"].as_i64().unwrap();
    let name = unique("limited-to-legal");
    let mut form = hook(&name, "InterviewLoadEvent");
    form["work_groups"] = json!([wg.to_string()]);
    let (_, body) = s.rpc(&admin, "create_webhook", json!({"form": form})).await;
    let id = body["id"].as_i64().unwrap();
    let wg = wg.to_string();
    let (st, err) = s.rpc_form(&admin, "delete_catalog_item", &[("kind", "WorkGroup"), ("id", &wg)]).await;
    assert_eq!(st, StatusCode::CONFLICT);
    assert!(err.contains(&name), "the refusal names the webhook: {err}");
    let (_, detail) = s.rpc_form(&admin, "get_webhook", &[("id", &id.to_string())]).await;
    assert!(detail.contains(&key), "nothing changed");
    let page = admin.get(s.url(&format!("/work-groups/{wg}/delete"))).send().await.unwrap().text().await.unwrap();
    assert!(
        page.contains(&name) && page.contains("Delete and deactivate 1 webhook"),
        "the no-JS confirmation names it"
    );
    let (st, _) = s
        .rpc_form(&admin, "delete_catalog_item", &[("kind", "WorkGroup"), ("id", &wg), ("deactivate_webhooks", "true")])
        .await;
    assert_eq!(st, StatusCode::OK);
    let row = webhook::Entity::find_by_id(id as i32).one(&s.state.db).await.unwrap().unwrap();
    assert!(!row.active, "the webhook no longer receives anything, rather than everything");
    let audit = admin.get(s.url("/audit")).send().await.unwrap().text().await.unwrap();
    assert!(audit.contains("work_group.delete") && audit.contains(&format!("“{name}”")));
}

#[tokio::test]
async fn a_stored_value_that_is_not_an_event_type_is_an_error_never_another_webhook() {
    use sea_orm::{ConnectionTrait, Statement};
    let s = start().await;
    let admin = s.as_role(Role::SiteAdmin).await;
    let (_, body) = s.rpc(&admin, "create_webhook", json!({"form": hook(&unique("odd"), "PostProcessingEvent")})).await;
    let id = body["id"].as_i64().unwrap();
    let backend = s.state.db.get_database_backend();
    s.state
        .db
        .execute_raw(Statement::from_string(
            backend,
            format!("UPDATE webhooks SET event_type = 'Bogus' WHERE id = {id}"),
        ))
        .await
        .unwrap();
    let res = admin.get(s.url(&format!("/webhooks/{id}"))).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::INTERNAL_SERVER_ERROR);
    let html = res.text().await.unwrap();
    assert!(html.contains("Something went wrong") && !html.contains("NewWorkItemVersionComplete"));
    s.state
        .db
        .execute_raw(Statement::from_string(backend, format!("DELETE FROM webhooks WHERE id = {id}")))
        .await
        .unwrap();
}

#[tokio::test]
async fn sealed_secrets_swapped_between_rows_no_longer_open() {
    use sea_orm::{ActiveModelTrait, ActiveValue::Set, IntoActiveModel};
    let s = start().await;
    let admin = s.as_role(Role::SiteAdmin).await;
    let mut ids = vec![];
    for n in ["swap-a", "swap-b"] {
        let (_, body) =
            s.rpc(&admin, "create_webhook", json!({"form": hook(&unique(n), "NewWorkItemVersionComplete")})).await;
        ids.push(body["id"].as_i64().unwrap() as i32);
    }
    let a = webhook::Entity::find_by_id(ids[0]).one(&s.state.db).await.unwrap().unwrap();
    let b = webhook::Entity::find_by_id(ids[1]).one(&s.state.db).await.unwrap().unwrap();
    let (sa, sb) = (a.hmac_secret_enc.clone(), b.hmac_secret_enc.clone());
    let mut am = a.into_active_model();
    am.hmac_secret_enc = Set(sb);
    am.update(&s.state.db).await.unwrap();
    let mut bm = b.into_active_model();
    bm.hmac_secret_enc = Set(sa);
    bm.update(&s.state.db).await.unwrap();
    for id in ids {
        assert_eq!(app::ssr::webhooks::hmac_secret(&s.state.db, &s.state.cipher, id).await.unwrap(), None);
    }
}

#[tokio::test]
async fn secrets_sealed_by_an_older_version_are_bound_at_start_up() {
    use chacha20poly1305::aead::{Aead, AeadCore, KeyInit, OsRng};
    use sea_orm::{ActiveModelTrait, ActiveValue::Set, IntoActiveModel};
    let s = start().await;
    let admin = s.as_role(Role::SiteAdmin).await;
    let (_, body) =
        s.rpc(&admin, "create_webhook", json!({"form": hook(&unique("legacy"), "NewWorkItemVersionComplete")})).await;
    let id = body["id"].as_i64().unwrap() as i32;
    let key = app::ssr::crypto::parse_master_key(MASTER_KEY).unwrap();
    let cipher = chacha20poly1305::XChaCha20Poly1305::new((&key).into());
    let nonce = chacha20poly1305::XChaCha20Poly1305::generate_nonce(&mut OsRng);
    let mut legacy = nonce.to_vec();
    legacy.extend(cipher.encrypt(&nonce, b"whsec_legacy".as_slice()).unwrap());
    let mut am = webhook::Entity::find_by_id(id).one(&s.state.db).await.unwrap().unwrap().into_active_model();
    am.hmac_secret_enc = Set(Some(legacy));
    am.update(&s.state.db).await.unwrap();
    assert_eq!(app::ssr::webhooks::hmac_secret(&s.state.db, &s.state.cipher, id).await.unwrap(), None);
    let rebound = app::ssr::secret_binding::bind_unbound_secrets(&s.state.db, &s.state.cipher).await.unwrap();
    assert!(rebound >= 1);
    let opened = app::ssr::webhooks::hmac_secret(&s.state.db, &s.state.cipher, id).await.unwrap();
    assert_eq!(opened.as_deref(), Some("whsec_legacy"));
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
