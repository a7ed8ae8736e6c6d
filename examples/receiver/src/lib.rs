//! Example Hookwell webhook receiver, written against the wire contract (DESIGN.md §7) only.
//!
//! * **HMAC** webhooks: the `webhook-signature` header must carry a valid Standard Webhooks `v1,`
//!   signature over `"{webhook-id}.{webhook-timestamp}.{raw body}"` with a timestamp at most
//!   5 minutes off, **and** the form field `token` must be an HS256 JWT signed with the same 32 key
//!   bytes, with `exp`, `iat`, `iss = "hookwell"`, not expired, and `jti` equal to `webhook-id`.
//! * **Access token** webhooks: `Authorization: Bearer <token>` must equal the configured token
//!   (compared in constant time); the body is the event as JSON.
//!
//! Anything else is answered `401` with a plain-text reason.

use std::net::SocketAddr;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Json, Response};
use axum::routing::post;
use axum::Router;
use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use hmac::{Hmac, Mac};
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde::Deserialize;
use serde_json::{json, Value};
use sha2::Sha256;
use subtle::ConstantTimeEq;

/// Expected `iss` claim.
pub const ISSUER: &str = "hookwell";
/// Largest accepted difference between `webhook-timestamp` and the receiver's clock, in seconds.
pub const TOLERANCE_SECS: i64 = 5 * 60;
/// Default listen address.
pub const DEFAULT_ADDR: &str = "127.0.0.1:4000";

/// How requests are authenticated, matching the webhook's Authentication Method in Hookwell.
#[derive(Clone)]
pub enum Verifier {
    /// `HMAC`: the 32 bytes the `whsec_…` secret decodes to.
    Hmac([u8; 32]),
    /// `Access token`: the token Hookwell sends as `Bearer`.
    AccessToken(String),
}

/// A refused request; the message is sent as the plain-text `401` body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejection(pub String);

impl Rejection {
    fn new(reason: impl Into<String>) -> Self {
        Self(reason.into())
    }
}

impl IntoResponse for Rejection {
    fn into_response(self) -> Response {
        (StatusCode::UNAUTHORIZED, self.0).into_response()
    }
}

/// The JWT claims of an HMAC delivery.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Claims {
    /// Issuer, `hookwell`.
    pub iss: String,
    /// Issued at (unix seconds).
    pub iat: i64,
    /// Expiry (unix seconds), `iat + 300`.
    pub exp: i64,
    /// Equals the `webhook-id` header.
    pub jti: String,
    /// Event id.
    pub event_id: String,
    /// Event type.
    pub event_type: String,
    /// RFC 3339 creation time.
    pub created_date: String,
    /// Interview event name (custom interview events only).
    pub event_name: Option<String>,
    /// Event data.
    pub data: Value,
}

/// An event whose request passed verification.
#[derive(Debug, Clone, PartialEq)]
pub struct VerifiedEvent {
    /// The `webhook-id` header (stable across retries: de-duplicate on it).
    pub webhook_id: String,
    /// Event id.
    pub event_id: String,
    /// Event type.
    pub event_type: String,
    /// Interview event name, if any.
    pub event_name: Option<String>,
    /// Event data.
    pub data: Value,
}

/// Decodes a `whsec_` secret to its 32 key bytes.
pub fn parse_secret(secret: &str) -> Result<[u8; 32], String> {
    let encoded = secret.trim().strip_prefix("whsec_").ok_or("WEBHOOK_SECRET must start with whsec_")?;
    let bytes = STANDARD.decode(encoded).map_err(|_| "WEBHOOK_SECRET is not base64 after whsec_")?;
    bytes.try_into().map_err(|_| "WEBHOOK_SECRET must decode to 32 bytes".to_owned())
}

fn header<'a>(headers: &'a HeaderMap, name: &str) -> Result<&'a str, Rejection> {
    headers
        .get(name)
        .ok_or_else(|| Rejection::new(format!("missing {name} header")))?
        .to_str()
        .map_err(|_| Rejection::new(format!("invalid {name} header")))
}

/// Verifies a Standard Webhooks `webhook-signature` header value (space-separated `v1,<base64>`
/// entries, any one may match) over `body`, with the timestamp at most [`TOLERANCE_SECS`] from `now`.
pub fn verify_signature(
    key: &[u8],
    webhook_id: &str,
    timestamp: &str,
    signatures: &str,
    body: &[u8],
    now: i64,
) -> Result<(), Rejection> {
    let ts: i64 = timestamp.trim().parse().map_err(|_| Rejection::new("webhook-timestamp is not an integer"))?;
    if now - ts > TOLERANCE_SECS {
        return Err(Rejection::new("webhook-timestamp is too old"));
    }
    if ts - now > TOLERANCE_SECS {
        return Err(Rejection::new("webhook-timestamp is in the future"));
    }
    let mut mac = Hmac::<Sha256>::new_from_slice(key).map_err(|_| Rejection::new("invalid key"))?;
    mac.update(format!("{webhook_id}.{ts}.").as_bytes());
    mac.update(body);
    let matched = signatures
        .split(' ')
        .filter_map(|entry| entry.strip_prefix("v1,"))
        .filter_map(|sig| STANDARD.decode(sig).ok())
        .any(|sig| mac.clone().verify_slice(&sig).is_ok());
    if matched {
        Ok(())
    } else {
        Err(Rejection::new("no matching webhook-signature"))
    }
}

/// Verifies the delivery JWT: HS256 with `key`, `exp`/`iat`/`iss` required, `iss = hookwell`, not expired.
pub fn verify_token(key: &[u8], token: &str) -> Result<Claims, Rejection> {
    let mut validation = Validation::new(Algorithm::HS256);
    validation.set_required_spec_claims(&["exp", "iat", "iss"]);
    validation.set_issuer(&[ISSUER]);
    jsonwebtoken::decode::<Claims>(token, &DecodingKey::from_secret(key), &validation)
        .map(|data| data.claims)
        .map_err(|e| Rejection::new(format!("invalid token: {e}")))
}

/// Verifies an HMAC delivery: signature header over the raw body, then the `token` JWT.
pub fn verify_hmac_request(key: &[u8], headers: &HeaderMap, body: &[u8], now: i64) -> Result<VerifiedEvent, Rejection> {
    let webhook_id = header(headers, "webhook-id")?;
    let timestamp = header(headers, "webhook-timestamp")?;
    let signatures = header(headers, "webhook-signature")?;
    verify_signature(key, webhook_id, timestamp, signatures, body, now)?;

    let mut tokens = form_urlencoded::parse(body).filter(|(name, _)| name == "token").map(|(_, value)| value);
    let token = match (tokens.next(), tokens.next()) {
        (Some(token), None) => token,
        _ => return Err(Rejection::new("body must have exactly one token field")),
    };
    let claims = verify_token(key, &token)?;
    if claims.jti != webhook_id {
        return Err(Rejection::new("token jti does not match webhook-id"));
    }
    Ok(VerifiedEvent {
        webhook_id: webhook_id.to_owned(),
        event_id: claims.event_id,
        event_type: claims.event_type,
        event_name: claims.event_name,
        data: claims.data,
    })
}

/// Verifies an access-token delivery: the Bearer token (constant-time), then the JSON body.
pub fn verify_access_token_request(
    expected: &str,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<VerifiedEvent, Rejection> {
    let authorization = header(headers, "authorization")?;
    let token = authorization.strip_prefix("Bearer ").ok_or_else(|| Rejection::new("authorization is not Bearer"))?;
    if !bool::from(token.as_bytes().ct_eq(expected.as_bytes())) {
        return Err(Rejection::new("wrong access token"));
    }
    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct Body {
        event_id: String,
        event_type: String,
        event_name: Option<String>,
        data: Value,
    }
    let event: Body = serde_json::from_slice(body).map_err(|e| Rejection::new(format!("body is not an event: {e}")))?;
    Ok(VerifiedEvent {
        webhook_id: header(headers, "webhook-id")?.to_owned(),
        event_id: event.event_id,
        event_type: event.event_type,
        event_name: event.event_name,
        data: event.data,
    })
}

/// Verifies a request with the configured method at unix time `now`.
pub fn verify(verifier: &Verifier, headers: &HeaderMap, body: &[u8], now: i64) -> Result<VerifiedEvent, Rejection> {
    match verifier {
        Verifier::Hmac(key) => verify_hmac_request(key, headers, body, now),
        Verifier::AccessToken(token) => verify_access_token_request(token, headers, body),
    }
}

fn unix_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

/// What the receiver answers: synchronous events get the shape Hookwell expects, unchanged.
fn answer(event: &VerifiedEvent) -> Value {
    match event.event_type.as_str() {
        "InterviewLoadEvent" | "CustomInterviewEvent" => json!({"answers": {}}),
        "PostProcessingEvent" => json!({"documents": event.data.get("documents").cloned().unwrap_or(json!([]))}),
        _ => json!({"received": event.event_id}),
    }
}

async fn receive(State(verifier): State<Verifier>, headers: HeaderMap, body: Bytes) -> Result<Json<Value>, Rejection> {
    let event =
        verify(&verifier, &headers, &body, unix_now()).inspect_err(|r| tracing::warn!(reason = %r.0, "rejected"))?;
    tracing::info!(
        webhook_id = %event.webhook_id,
        event_id = %event.event_id,
        event_type = %event.event_type,
        event_name = event.event_name.as_deref().unwrap_or(""),
        data = %event.data,
        "verified event"
    );
    Ok(Json(answer(&event)))
}

/// The receiver's routes: `POST` to any path.
pub fn router(verifier: Verifier) -> Router {
    Router::new().route("/", post(receive)).route("/{*path}", post(receive)).with_state(verifier)
}

/// Reads `RECEIVER_ADDR` (default `127.0.0.1:4000`) and exactly one of `WEBHOOK_SECRET` /
/// `WEBHOOK_ACCESS_TOKEN` through `var`.
pub fn config_from(var: impl Fn(&str) -> Option<String>) -> Result<(SocketAddr, Verifier), String> {
    let addr = var("RECEIVER_ADDR").unwrap_or_else(|| DEFAULT_ADDR.to_owned());
    let addr: SocketAddr = addr.parse().map_err(|_| format!("RECEIVER_ADDR {addr:?} is not host:port"))?;
    let verifier = match (var("WEBHOOK_SECRET"), var("WEBHOOK_ACCESS_TOKEN")) {
        (Some(secret), None) => Verifier::Hmac(parse_secret(&secret)?),
        (None, Some(token)) if !token.is_empty() => Verifier::AccessToken(token),
        (Some(_), Some(_)) => return Err("set only one of WEBHOOK_SECRET and WEBHOOK_ACCESS_TOKEN".into()),
        _ => return Err("set WEBHOOK_SECRET (HMAC) or WEBHOOK_ACCESS_TOKEN (Access token)".into()),
    };
    Ok((addr, verifier))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Test vector of the Standard Webhooks reference library
    /// (github.com/standard-webhooks/standard-webhooks, libraries/python/tests/test_webhooks.py).
    #[test]
    fn accepts_the_standard_webhooks_test_vector_among_other_signatures() {
        let key = STANDARD.decode("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").unwrap();
        let sigs =
            "v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc= v2,x v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";
        let body = br#"{"test": 2432232314}"#;
        let id = "msg_p5jXN8AQM9LWM0D4loKWxJek";
        assert_eq!(verify_signature(&key, id, "1614265330", sigs, body, 1_614_265_330), Ok(()));
        assert!(verify_signature(
            &key,
            id,
            "1614265330",
            "v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc=",
            body,
            1_614_265_330
        )
        .is_err());
        assert_eq!(
            verify_signature(&key, id, "1614265330", sigs, body, 1_614_265_330 + 301),
            Err(Rejection::new("webhook-timestamp is too old"))
        );
        assert_eq!(
            verify_signature(&key, id, "1614265330", sigs, body, 1_614_265_330 - 301),
            Err(Rejection::new("webhook-timestamp is in the future"))
        );
    }

    #[test]
    fn config_needs_exactly_one_credential() {
        fn env(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
            let pairs: Vec<(String, String)> = pairs.iter().map(|(n, v)| ((*n).to_owned(), (*v).to_owned())).collect();
            move |name| pairs.iter().find(|(n, _)| n == name).map(|(_, v)| v.clone())
        }
        let secret = "whsec_AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
        let (addr, verifier) = config_from(env(&[("WEBHOOK_SECRET", secret)])).unwrap();
        assert_eq!(addr.to_string(), "127.0.0.1:4000");
        assert!(matches!(verifier, Verifier::Hmac(key) if key[31] == 31));
        assert!(config_from(env(&[])).is_err());
        assert!(config_from(env(&[("WEBHOOK_SECRET", secret), ("WEBHOOK_ACCESS_TOKEN", "t")])).is_err());
        assert!(config_from(env(&[("WEBHOOK_SECRET", "whsec_AAAA")])).is_err());
        let (addr, verifier) =
            config_from(env(&[("WEBHOOK_ACCESS_TOKEN", "t"), ("RECEIVER_ADDR", "0.0.0.0:9000")])).unwrap();
        assert_eq!(addr.port(), 9000);
        assert!(matches!(verifier, Verifier::AccessToken(t) if t == "t"));
    }
}
