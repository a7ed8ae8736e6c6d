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
