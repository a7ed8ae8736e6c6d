//! The wire contract of a delivery (DESIGN.md §7): how one attempt is authenticated and encoded.
//!
//! * **HMAC**: the body is `application/x-www-form-urlencoded` with exactly one field `token=<JWT>`
//!   (HS256, signed with the 32 decoded key bytes), and the `webhook-signature` header carries the
//!   Standard Webhooks `v1,` signature over `"{webhook-id}.{webhook-timestamp}.{raw body}"`.
//! * **Access token**: the body is the event as JSON and the header is `Authorization: Bearer <token>`.
//!
//! Every attempt is signed afresh: [`sign_delivery`] takes `now` and derives the
//! `webhook-timestamp` header, `iat` and `exp` from it.

use std::fmt;
use std::str::FromStr;

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use chrono::{DateTime, Utc};
use hmac::{Hmac, Mac};
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::Sha256;

/// Prefix of every HMAC secret shown to administrators.
pub const SECRET_PREFIX: &str = "whsec_";
/// Number of key bytes an HMAC secret decodes to.
pub const KEY_LEN: usize = 32;
/// Value of the `iss` claim.
pub const ISSUER: &str = "hookwell";
/// Lifetime of a delivery JWT in seconds (`exp = iat + TOKEN_LIFETIME_SECS`).
pub const TOKEN_LIFETIME_SECS: i64 = 300;
/// Content type of an HMAC delivery body.
pub const FORM_CONTENT_TYPE: &str = "application/x-www-form-urlencoded";
/// Content type of an access-token delivery body.
pub const JSON_CONTENT_TYPE: &str = "application/json";
/// Header carrying the delivery id, stable across retries of one (event, webhook) delivery.
pub const WEBHOOK_ID: &str = "webhook-id";
/// Header carrying the attempt's unix time in integer seconds.
pub const WEBHOOK_TIMESTAMP: &str = "webhook-timestamp";
/// Header carrying the space-separated Standard Webhooks `v1,` signatures (HMAC only).
pub const WEBHOOK_SIGNATURE: &str = "webhook-signature";

type HmacSha256 = Hmac<Sha256>;

/// Why an HMAC secret string was refused. Never contains the secret itself.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SecretError {
    /// The secret does not start with `whsec_`.
    #[error("HMAC secret must start with \"whsec_\"")]
    MissingPrefix,
    /// The part after the prefix is not standard padded base64.
    #[error("HMAC secret is not standard padded base64 after \"whsec_\"")]
    NotBase64,
    /// The secret decodes to the wrong number of bytes.
    #[error("HMAC secret must decode to 32 bytes, got {0}")]
    WrongLength(usize),
}

/// The HMAC key of a webhook: the 32 bytes a `whsec_…` secret decodes to (not the string).
#[derive(Clone, PartialEq, Eq)]
pub struct HmacKey([u8; KEY_LEN]);

impl HmacKey {
    /// Parses `whsec_` + standard padded base64 of exactly 32 bytes.
    pub fn parse(secret: &str) -> Result<Self, SecretError> {
        let encoded = secret.strip_prefix(SECRET_PREFIX).ok_or(SecretError::MissingPrefix)?;
        let bytes = STANDARD.decode(encoded).map_err(|_| SecretError::NotBase64)?;
        let key: [u8; KEY_LEN] = bytes.try_into().map_err(|b: Vec<u8>| SecretError::WrongLength(b.len()))?;
        Ok(Self(key))
    }

    /// Wraps 32 key bytes (e.g. freshly generated with a CSPRNG).
    pub fn from_bytes(bytes: [u8; KEY_LEN]) -> Self {
        Self(bytes)
    }

    /// The 32 key bytes used for HS256 and the Standard Webhooks HMAC.
    pub fn as_bytes(&self) -> &[u8; KEY_LEN] {
        &self.0
    }

    /// The secret string shown once to the administrator: `whsec_` + standard padded base64.
    pub fn to_secret(&self) -> String {
        format!("{SECRET_PREFIX}{}", STANDARD.encode(self.0))
    }
}

impl FromStr for HmacKey {
    type Err = SecretError;

    fn from_str(secret: &str) -> Result<Self, Self::Err> {
        Self::parse(secret)
    }
}

impl fmt::Debug for HmacKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("HmacKey(<redacted>)")
    }
}

/// How a webhook authenticates its deliveries (the "Authentication Method" field).
#[derive(Clone)]
pub enum Authentication {
    /// `HMAC`: JWT in a form body plus the Standard Webhooks signature header.
    Hmac {
        /// The current key; signs the JWT and the first `v1,` signature.
        key: HmacKey,
        /// The key before the last regeneration while its grace period lasts; adds a second `v1,`
        /// signature to `webhook-signature` only, never to the JWT.
        previous_key: Option<HmacKey>,
    },
    /// `Access token`: JSON body plus `Authorization: Bearer <token>`.
    AccessToken(String),
}

impl fmt::Debug for Authentication {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Hmac { previous_key, .. } => {
                f.debug_struct("Hmac").field("previous_key", &previous_key.is_some()).finish_non_exhaustive()
            }
            Self::AccessToken(_) => f.write_str("AccessToken(<redacted>)"),
        }
    }
}

/// The event fields a receiver sees; serializes to exactly the access-token JSON body
/// `{"eventId","eventType","createdDate","eventName"?,"data"}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EventPayload {
    /// Platform or generated event id.
    pub event_id: String,
    /// Event type, e.g. `NewWorkItemVersionComplete`.
    pub event_type: String,
    /// RFC 3339 creation time, passed through as given.
    pub created_date: String,
    /// Interview event name (CustomInterviewEvent only); omitted from the wire when `None`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub event_name: Option<String>,
    /// The event data.
    pub data: Value,
}

/// Claims of a delivery JWT: exactly `iss, iat, exp, jti, eventId, eventType, createdDate, eventName?, data`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DeliveryClaims {
    /// Always [`ISSUER`].
    pub iss: String,
    /// Issued at, unix seconds.
    pub iat: i64,
    /// Expiry, `iat + TOKEN_LIFETIME_SECS`.
    pub exp: i64,
    /// The `webhook-id` of the delivery.
    pub jti: String,
    /// See [`EventPayload::event_id`].
    #[serde(rename = "eventId")]
    pub event_id: String,
    /// See [`EventPayload::event_type`].
    #[serde(rename = "eventType")]
    pub event_type: String,
    /// See [`EventPayload::created_date`].
    #[serde(rename = "createdDate")]
    pub created_date: String,
    /// See [`EventPayload::event_name`]; omitted when `None`.
    #[serde(rename = "eventName", default, skip_serializing_if = "Option::is_none")]
    pub event_name: Option<String>,
    /// See [`EventPayload::data`].
    pub data: Value,
}

impl DeliveryClaims {
    /// Claims for one attempt of delivery `webhook_id` issued at `iat` (unix seconds).
    pub fn new(webhook_id: &str, event: &EventPayload, iat: i64) -> Self {
        Self {
            iss: ISSUER.to_owned(),
            iat,
            exp: iat + TOKEN_LIFETIME_SECS,
            jti: webhook_id.to_owned(),
            event_id: event.event_id.clone(),
            event_type: event.event_type.clone(),
            created_date: event.created_date.clone(),
            event_name: event.event_name.clone(),
            data: event.data.clone(),
        }
    }
}

/// Failure to produce a signed request (in practice only a JSON serialization failure).
#[derive(Debug, thiserror::Error)]
pub enum SigningError {
    /// The JWT could not be encoded.
    #[error("could not encode the delivery JWT: {0}")]
    Jwt(#[from] jsonwebtoken::errors::Error),
    /// The JSON body could not be serialized.
    #[error("could not serialize the delivery body: {0}")]
    Json(#[from] serde_json::Error),
}

/// Signs `claims` as an HS256 JWT (header `{"typ":"JWT","alg":"HS256"}`) with the 32 key bytes.
pub fn jwt(key: &HmacKey, claims: &DeliveryClaims) -> Result<String, SigningError> {
    Ok(jsonwebtoken::encode(&Header::new(Algorithm::HS256), claims, &EncodingKey::from_secret(key.as_bytes()))?)
}

/// The HMAC delivery body: `token=<JWT>`, form-urlencoded.
pub fn form_body(token: &str) -> String {
    form_urlencoded::Serializer::new(String::new()).append_pair("token", token).finish()
}

/// The `webhook-signature` header value: `v1,<sig>` for `key`, then for `previous_key` if any,
/// space-separated, where `<sig>` is standard base64 of HMAC-SHA256(key, "{msg_id}.{timestamp}.{body}").
pub fn webhook_signature(
    key: &HmacKey,
    previous_key: Option<&HmacKey>,
    msg_id: &str,
    timestamp: i64,
    body: &[u8],
) -> String {
    std::iter::once(key)
        .chain(previous_key)
        .map(|k| v1_signature(k.as_bytes(), msg_id, timestamp, body))
        .collect::<Vec<_>>()
        .join(" ")
}

/// One Standard Webhooks `v1,` signature; any key length (the spec's test vectors use 24-byte keys).
fn v1_signature(key: &[u8], msg_id: &str, timestamp: i64, body: &[u8]) -> String {
    // HMAC accepts keys of any length, so this arm is unreachable; it keeps the function total.
    let Ok(mut mac) = HmacSha256::new_from_slice(key) else { return String::new() };
    mac.update(msg_id.as_bytes());
    mac.update(b".");
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    format!("v1,{}", STANDARD.encode(mac.finalize().into_bytes()))
}

/// The `Authorization` header value of an access-token delivery.
pub fn bearer(access_token: &str) -> String {
    format!("Bearer {access_token}")
}

/// The access-token delivery body: the event as JSON.
pub fn json_body(event: &EventPayload) -> Result<Vec<u8>, SigningError> {
    Ok(serde_json::to_vec(event)?)
}

/// Everything one attempt sends besides method (`POST`) and URL.
///
/// `headers` may contain `authorization`: do not log or record header values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedRequest {
    /// Value of the `content-type` header.
    pub content_type: &'static str,
    /// The exact body bytes (the signature covers these bytes).
    pub body: Vec<u8>,
    /// Headers to set besides `content-type`, lower-case names: `webhook-id`, `webhook-timestamp`,
    /// `user-agent`, and `webhook-signature` (HMAC) or `authorization` (access token).
    pub headers: Vec<(&'static str, String)>,
}

impl SignedRequest {
    /// The value of header `name` (lower-case), if set.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| *n == name).map(|(_, v)| v.as_str())
    }

    /// All headers including `content-type`, for building the HTTP request.
    pub fn header_pairs(&self) -> impl Iterator<Item = (&str, &str)> {
        std::iter::once(("content-type", self.content_type)).chain(self.headers.iter().map(|(n, v)| (*n, v.as_str())))
    }
}

/// Builds one attempt of delivery `webhook_id` at `now`: body, content type and headers.
///
/// `version` goes into `user-agent: Hookwell/<version>`.
pub fn sign_delivery(
    auth: &Authentication,
    webhook_id: &str,
    event: &EventPayload,
    now: DateTime<Utc>,
    version: &str,
) -> Result<SignedRequest, SigningError> {
    let timestamp = now.timestamp();
    let mut headers = vec![
        (WEBHOOK_ID, webhook_id.to_owned()),
        (WEBHOOK_TIMESTAMP, timestamp.to_string()),
        ("user-agent", format!("Hookwell/{version}")),
    ];
    let (content_type, body) = match auth {
        Authentication::Hmac { key, previous_key } => {
            let token = jwt(key, &DeliveryClaims::new(webhook_id, event, timestamp))?;
            let body = form_body(&token).into_bytes();
            headers
                .push((WEBHOOK_SIGNATURE, webhook_signature(key, previous_key.as_ref(), webhook_id, timestamp, &body)));
            (FORM_CONTENT_TYPE, body)
        }
        Authentication::AccessToken(access_token) => {
            headers.push(("authorization", bearer(access_token)));
            (JSON_CONTENT_TYPE, json_body(event)?)
        }
    };
    Ok(SignedRequest { content_type, body, headers })
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use jsonwebtoken::{DecodingKey, Validation};
    use serde_json::json;

    const SECRET: &str = "whsec_AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";

    fn key() -> HmacKey {
        HmacKey::parse(SECRET).unwrap()
    }

    fn other_key() -> HmacKey {
        HmacKey::from_bytes([7; KEY_LEN])
    }

    fn event(event_name: Option<&str>) -> EventPayload {
        EventPayload {
            event_id: "evt_1".into(),
            event_type: "CustomInterviewEvent".into(),
            created_date: "2026-05-01T12:00:00Z".into(),
            event_name: event_name.map(str::to_owned),
            data: json!({"answers": {"Name": "Ada"}, "n": 1}),
        }
    }

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 5, 1, 12, 0, 0).unwrap()
    }

    /// Validation as a receiver configures it; `exp` checked against the real clock is off because
    /// the tests sign at a fixed `now`.
    fn validation() -> Validation {
        let mut v = Validation::new(Algorithm::HS256);
        v.set_required_spec_claims(&["exp", "iat", "iss"]);
        v.set_issuer(&[ISSUER]);
        v.validate_exp = false;
        v
    }

    fn token_of(request: &SignedRequest) -> String {
        let fields: Vec<(String, String)> = form_urlencoded::parse(&request.body).into_owned().collect();
        assert_eq!(fields.len(), 1, "exactly one form field");
        assert_eq!(fields[0].0, "token");
        fields[0].1.clone()
    }

    fn hmac_auth(previous_key: Option<HmacKey>) -> Authentication {
        Authentication::Hmac { key: key(), previous_key }
    }

    #[test]
    fn secret_decodes_to_its_32_bytes() {
        let key = key();
        let expected: Vec<u8> = (0u8..32).collect();
        assert_eq!(key.as_bytes().as_slice(), expected.as_slice());
        assert_eq!(key.to_secret(), SECRET);
        assert_eq!(SECRET.parse::<HmacKey>().unwrap(), key);
    }

    #[test]
    fn malformed_secrets_are_refused_with_a_clear_reason() {
        assert_eq!(HmacKey::parse("AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="), Err(SecretError::MissingPrefix));
        assert_eq!(HmacKey::parse("whsec_not base64!"), Err(SecretError::NotBase64));
        // unpadded base64 is refused: the secret format is standard *padded* base64
        assert_eq!(HmacKey::parse("whsec_AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8"), Err(SecretError::NotBase64));
        // URL-safe alphabet is refused
        assert_eq!(HmacKey::parse("whsec_-_8="), Err(SecretError::NotBase64));
        // 24 bytes, as in the Standard Webhooks examples, is not a Hookwell secret
        assert_eq!(HmacKey::parse("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"), Err(SecretError::WrongLength(24)));
        let message = HmacKey::parse("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").unwrap_err().to_string();
        assert_eq!(message, "HMAC secret must decode to 32 bytes, got 24");
    }

    #[test]
    fn debug_output_never_shows_key_material() {
        let shown = format!("{:?} {:?}", hmac_auth(Some(other_key())), Authentication::AccessToken("tok-123".into()));
        assert!(!shown.contains("AAEC") && !shown.contains("tok-123") && !shown.contains('7'), "{shown}");
    }

    #[test]
    fn jwt_decodes_with_the_32_key_bytes_and_carries_every_claim() {
        let request = sign_delivery(&hmac_auth(None), "msg_1", &event(Some("Approve")), now(), "1.2.3").unwrap();
        let token = token_of(&request);

        let header = jsonwebtoken::decode_header(&token).unwrap();
        assert_eq!(header.alg, Algorithm::HS256);
        assert_eq!(header.typ.as_deref(), Some("JWT"));

        let decoded =
            jsonwebtoken::decode::<DeliveryClaims>(&token, &DecodingKey::from_secret(key().as_bytes()), &validation())
                .unwrap()
                .claims;
        let iat = now().timestamp();
        assert_eq!(
            decoded,
            DeliveryClaims {
                iss: "hookwell".into(),
                iat,
                exp: iat + 300,
                jti: "msg_1".into(),
                event_id: "evt_1".into(),
                event_type: "CustomInterviewEvent".into(),
                created_date: "2026-05-01T12:00:00Z".into(),
                event_name: Some("Approve".into()),
                data: json!({"answers": {"Name": "Ada"}, "n": 1}),
            }
        );

        // exact claim names, integers for the times, no aud / sub
        let raw = jsonwebtoken::decode::<Value>(&token, &DecodingKey::from_secret(key().as_bytes()), &validation())
            .unwrap()
            .claims;
        let mut names: Vec<&str> = raw.as_object().unwrap().keys().map(String::as_str).collect();
        names.sort_unstable();
        assert_eq!(names, ["createdDate", "data", "eventId", "eventName", "eventType", "exp", "iat", "iss", "jti"]);
        assert!(raw["iat"].is_i64() && raw["exp"].is_i64());
    }

    #[test]
    fn jwt_signed_with_another_key_or_tampered_is_rejected() {
        let token = jwt(&key(), &DeliveryClaims::new("msg_1", &event(None), now().timestamp())).unwrap();
        let right = DecodingKey::from_secret(key().as_bytes());
        assert!(jsonwebtoken::decode::<DeliveryClaims>(&token, &right, &validation()).is_ok());

        let wrong = DecodingKey::from_secret(other_key().as_bytes());
        assert!(jsonwebtoken::decode::<DeliveryClaims>(&token, &wrong, &validation()).is_err());

        // the secret *string* is not the key
        let string_key = DecodingKey::from_secret(SECRET.as_bytes());
        assert!(jsonwebtoken::decode::<DeliveryClaims>(&token, &string_key, &validation()).is_err());

        let parts: Vec<&str> = token.split('.').collect();
        let forged_claims =
            DeliveryClaims { event_id: "evt_forged".into(), ..DeliveryClaims::new("msg_1", &event(None), 0) };
        let forged_payload =
            base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(serde_json::to_vec(&forged_claims).unwrap());
        let tampered = format!("{}.{}.{}", parts[0], forged_payload, parts[2]);
        assert!(jsonwebtoken::decode::<DeliveryClaims>(&tampered, &right, &validation()).is_err());
    }

    #[test]
    fn event_name_is_omitted_when_none() {
        let request = sign_delivery(&hmac_auth(None), "msg_1", &event(None), now(), "1").unwrap();
        let raw = jsonwebtoken::decode::<Value>(
            &token_of(&request),
            &DecodingKey::from_secret(key().as_bytes()),
            &validation(),
        )
        .unwrap()
        .claims;
        assert!(raw.get("eventName").is_none());

        let request =
            sign_delivery(&Authentication::AccessToken("t".into()), "msg_1", &event(None), now(), "1").unwrap();
        let body: Value = serde_json::from_slice(&request.body).unwrap();
        assert!(body.get("eventName").is_none());
    }

    #[test]
    fn signature_equals_an_independently_computed_hmac() {
        let body = b"token=abc.def.ghi";
        let mut mac = HmacSha256::new_from_slice(key().as_bytes()).unwrap();
        mac.update(b"msg_1.1777636800.token=abc.def.ghi");
        let expected = format!("v1,{}", STANDARD.encode(mac.finalize().into_bytes()));
        assert_eq!(webhook_signature(&key(), None, "msg_1", 1_777_636_800, body), expected);
    }

    /// Test vectors of the Standard Webhooks reference libraries, repository
    /// github.com/standard-webhooks/standard-webhooks:
    /// `libraries/python/tests/test_webhooks.py` (`test_sign_function`) and
    /// `libraries/rust/src/lib.rs` (`test_sign`). Their keys are 24 bytes, so the private
    /// length-agnostic signer is used.
    #[test]
    fn signature_matches_the_standard_webhooks_test_vectors() {
        let python_key = STANDARD.decode("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").unwrap();
        assert_eq!(
            v1_signature(&python_key, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1_614_265_330, br#"{"test": 2432232314}"#),
            "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
        );
        let rust_key = STANDARD.decode("C2FVsBQIhrscChlQIMV+b5sSYspob7oD").unwrap();
        assert_eq!(
            v1_signature(
                &rust_key,
                "msg_27UH4WbU6Z5A5EzD8u03UvzRbpk",
                1_649_367_553,
                br#"{"email":"test@example.com","username":"test_user"}"#
            ),
            "v1,tZ1I4/hDygAJgO5TYxiSd6Sd0kDW6hPenDe+bTa3Kkw="
        );
    }

    #[test]
    fn two_keys_give_two_signatures_current_first() {
        let header = webhook_signature(&key(), Some(&other_key()), "msg_1", 42, b"body");
        let parts: Vec<&str> = header.split(' ').collect();
        assert_eq!(
            parts,
            [
                webhook_signature(&key(), None, "msg_1", 42, b"body"),
                webhook_signature(&other_key(), None, "msg_1", 42, b"body")
            ]
        );
    }

    #[test]
    fn previous_key_signs_the_header_but_never_the_jwt() {
        let request = sign_delivery(&hmac_auth(Some(other_key())), "msg_1", &event(None), now(), "1").unwrap();
        assert_eq!(request.header(WEBHOOK_SIGNATURE).unwrap().split(' ').count(), 2);
        let token = token_of(&request);
        let old = DecodingKey::from_secret(other_key().as_bytes());
        assert!(jsonwebtoken::decode::<DeliveryClaims>(&token, &old, &validation()).is_err());
    }

    #[test]
    fn hmac_delivery_is_a_form_with_signature_headers() {
        let request = sign_delivery(&hmac_auth(None), "msg_1", &event(None), now(), "0.1.0").unwrap();
        assert_eq!(request.content_type, "application/x-www-form-urlencoded");
        assert!(request.body.starts_with(b"token=ey"));
        assert_eq!(request.header("webhook-id"), Some("msg_1"));
        assert_eq!(request.header("webhook-timestamp"), Some(now().timestamp().to_string().as_str()));
        assert_eq!(request.header("user-agent"), Some("Hookwell/0.1.0"));
        assert_eq!(
            request.header("webhook-signature"),
            Some(webhook_signature(&key(), None, "msg_1", now().timestamp(), &request.body).as_str())
        );
        assert_eq!(request.header("authorization"), None);
        let names: Vec<&str> = request.header_pairs().map(|(n, _)| n).collect();
        assert_eq!(names, ["content-type", "webhook-id", "webhook-timestamp", "user-agent", "webhook-signature"]);
    }

    #[test]
    fn form_body_escapes_its_value() {
        assert_eq!(form_body("a b&c=d"), "token=a+b%26c%3Dd");
    }

    #[test]
    fn access_token_delivery_is_json_with_a_bearer_header() {
        let auth = Authentication::AccessToken("s3cr3t".into());
        let request = sign_delivery(&auth, "msg_1", &event(Some("Approve")), now(), "0.1.0").unwrap();
        assert_eq!(request.content_type, "application/json");
        let body: Value = serde_json::from_slice(&request.body).unwrap();
        assert_eq!(
            body,
            json!({
                "eventId": "evt_1",
                "eventType": "CustomInterviewEvent",
                "createdDate": "2026-05-01T12:00:00Z",
                "eventName": "Approve",
                "data": {"answers": {"Name": "Ada"}, "n": 1}
            })
        );
        assert_eq!(request.header("authorization"), Some("Bearer s3cr3t"));
        assert_eq!(request.header("webhook-id"), Some("msg_1"));
        assert_eq!(request.header("webhook-timestamp"), Some(now().timestamp().to_string().as_str()));
        assert_eq!(request.header("webhook-signature"), None);
    }

    #[test]
    fn every_attempt_is_signed_afresh() {
        let later = now() + chrono::Duration::seconds(65);
        let first = sign_delivery(&hmac_auth(None), "msg_1", &event(None), now(), "1").unwrap();
        let retry = sign_delivery(&hmac_auth(None), "msg_1", &event(None), later, "1").unwrap();
        assert_eq!(first.header(WEBHOOK_ID), retry.header(WEBHOOK_ID));
        assert_ne!(first.header(WEBHOOK_TIMESTAMP), retry.header(WEBHOOK_TIMESTAMP));
        assert_ne!(first.body, retry.body);
        let claims = jsonwebtoken::decode::<DeliveryClaims>(
            &token_of(&retry),
            &DecodingKey::from_secret(key().as_bytes()),
            &validation(),
        )
        .unwrap()
        .claims;
        assert_eq!((claims.iat, claims.exp), (later.timestamp(), later.timestamp() + 300));
    }
}
