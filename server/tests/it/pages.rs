//! Pages, status codes and security headers.
use crate::support::*;
use app::model::Role;
use reqwest::StatusCode;

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

/// Reads a brotli body in full.
fn unbrotli(body: &[u8]) -> String {
    let mut out = String::new();
    std::io::Read::read_to_string(&mut brotli::Decompressor::new(body, 4096), &mut out).unwrap();
    out
}

#[tokio::test]
async fn pages_and_server_function_answers_go_out_compressed_when_the_browser_takes_it() {
    let s = start().await;
    let admin = s.as_role(Role::SiteAdmin).await;
    let plain = admin.get(s.url("/webhooks/new")).send().await.unwrap();
    assert!(plain.headers().get("content-encoding").is_none(), "nothing asked, nothing compressed");
    let plain = plain.text().await.unwrap();
    let res = admin.get(s.url("/webhooks/new")).header("accept-encoding", "gzip, deflate, br").send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()["content-encoding"], "br");
    assert!(res.headers()["vary"].to_str().unwrap().contains("accept-encoding"));
    assert!(res.headers().contains_key("content-security-policy"), "the page's own headers stay");
    let body = res.bytes().await.unwrap();
    let html = unbrotli(&body);
    assert!(without_markers(&html).contains("<h1>Create new webhook</h1>") && html.contains("name=\"url\""), "{html}");
    assert!(body.len() * 4 < plain.len(), "{} B compressed, {} B plain", body.len(), plain.len());

    // A refused call keeps its status (read from the answer before it is compressed).
    let res = admin
        .post(s.url("/rpc/create_webhook"))
        .header("accept-encoding", "br")
        .json(&serde_json::json!({"form": hook("", "NewWorkItemVersionComplete")}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(res.headers()["content-encoding"], "br");
    let err: serde_json::Value = serde_json::from_str(&unbrotli(&res.bytes().await.unwrap())).unwrap();
    assert!(err["Invalid"]["name"].is_string(), "{err}");
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
async fn signed_in_pages_and_server_functions_are_never_cached() {
    let s = start().await;
    let admin = s.as_role(Role::SiteAdmin).await;
    for path in ["/webhooks", "/webhooks/new", "/users", "/login"] {
        let res = admin.get(s.url(path)).send().await.unwrap();
        assert_eq!(res.headers()["cache-control"], "no-store", "{path}");
    }
    let res = admin.post(s.url("/rpc/whoami")).send().await.unwrap();
    assert_eq!(res.headers()["cache-control"], "no-store");
}
