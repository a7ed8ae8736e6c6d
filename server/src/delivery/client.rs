//! The HTTP side of a delivery: one client per "Accepts untrusted SSL" choice, the egress policy
//! on every request, signing from the webhook row, and what an answer came to.
use super::egress::{find_refusal, EgressPolicy, PolicyResolver};
use super::retry::{parse_retry_after, AttemptOutcome};
use super::signing::{sign_delivery, Authentication, EventPayload, HmacKey, SignedRequest};
use app::model::AuthMethod;
use app::ssr::{crypto::SecretCipher, deliveries::AttemptRecord, entities::webhook, webhooks};
use chrono::{DateTime, Utc};
use std::time::{Duration, Instant};

/// Bytes of a response body kept on an attempt record.
pub const RECORDED_BODY_BYTES: usize = 4096;
/// The version in `user-agent: Hookwell/<version>`.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// Installs the ring provider for rustls once; every client needs one (reqwest is built
/// without a bundled provider, so there is no aws-lc and no C toolchain).
pub fn install_crypto_provider() {
    let _ = rustls::crypto::ring::default_provider().install_default();
}

/// The delivery clients and the egress policy they enforce.
#[derive(Clone)]
pub struct Clients {
    strict: reqwest::Client,
    accept_untrusted: reqwest::Client,
    policy: EgressPolicy,
}

impl Clients {
    /// Builds both clients: redirects not followed, no proxy (the resolver must see the target),
    /// every resolved address checked against the policy, `timeout` per request by default.
    pub fn new(allow_private: bool, timeout: Duration, max_per_host: usize) -> Result<Clients, String> {
        install_crypto_provider();
        let policy = EgressPolicy { allow_private };
        let build = |accept_invalid: bool| {
            reqwest::Client::builder()
                .dns_resolver(PolicyResolver::new(policy))
                .redirect(reqwest::redirect::Policy::none())
                .no_proxy()
                .timeout(timeout)
                .connect_timeout(timeout.min(Duration::from_secs(10)))
                .pool_max_idle_per_host(max_per_host)
                .tls_danger_accept_invalid_certs(accept_invalid)
                .build()
                .map_err(|e| format!("cannot build the delivery HTTP client: {e}"))
        };
        Ok(Clients { strict: build(false)?, accept_untrusted: build(true)?, policy })
    }

    /// Sends `signed` to `url` with that webhook's client; keeps at most `keep_bytes` of the body.
    pub async fn send(
        &self,
        url: &str,
        accept_untrusted_ssl: bool,
        signed: &SignedRequest,
        timeout: Duration,
        keep_bytes: usize,
    ) -> Sent {
        let started = Instant::now();
        let parsed = match url::Url::parse(url) {
            Ok(u) => u,
            Err(e) => return Sent::failed(AttemptOutcome::ConnectionError, format!("invalid URL: {e}"), started),
        };
        if let Err(refused) = self.policy.check_literal_host(&parsed) {
            return Sent::failed(AttemptOutcome::EgressRefused, refused.to_string(), started);
        }
        let client = if accept_untrusted_ssl { &self.accept_untrusted } else { &self.strict };
        let mut request = client.post(parsed).timeout(timeout).body(signed.body.clone());
        for (name, value) in signed.header_pairs() {
            request = request.header(name, value);
        }
        let mut response = match request.send().await {
            Ok(r) => r,
            Err(e) => return Sent::from_error(&e, started),
        };
        let status = response.status().as_u16();
        let retry_after = response
            .headers()
            .get(reqwest::header::RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| parse_retry_after(v, Utc::now()));
        let mut body = Vec::new();
        let mut error = None;
        let mut outcome = AttemptOutcome::Status(status);
        loop {
            match response.chunk().await {
                Ok(Some(chunk)) => {
                    let room = keep_bytes.saturating_sub(body.len());
                    body.extend_from_slice(&chunk[..chunk.len().min(room)]);
                    if body.len() >= keep_bytes {
                        break;
                    }
                }
                Ok(None) => break,
                Err(e) if e.is_timeout() => {
                    outcome = AttemptOutcome::Timeout;
                    error = Some(format!("timed out after {} ms reading the answer", timeout.as_millis()));
                    break;
                }
                Err(e) => {
                    error = Some(format!("the answer could not be read: {}", error_chain(&e)));
                    break;
                }
            }
        }
        Sent { outcome, status: Some(status), body, retry_after, error, duration: started.elapsed() }
    }
}

/// What one request came to.
#[derive(Debug, Clone)]
pub struct Sent {
    pub outcome: AttemptOutcome,
    pub status: Option<u16>,
    /// The start of the response body (up to the requested bytes).
    pub body: Vec<u8>,
    pub retry_after: Option<Duration>,
    /// Timeout, connection error or egress refusal, with its reason.
    pub error: Option<String>,
    pub duration: Duration,
}

impl Sent {
    /// A request that could not be made or got no answer.
    pub fn failed(outcome: AttemptOutcome, error: String, started: Instant) -> Sent {
        Sent { outcome, status: None, body: vec![], retry_after: None, error: Some(error), duration: started.elapsed() }
    }

    fn from_error(e: &reqwest::Error, started: Instant) -> Sent {
        if let Some(refused) = find_refusal(e) {
            return Sent::failed(AttemptOutcome::EgressRefused, refused.to_string(), started);
        }
        if e.is_timeout() {
            let ms = started.elapsed().as_millis();
            return Sent::failed(AttemptOutcome::Timeout, format!("timed out after {ms} ms"), started);
        }
        Sent::failed(AttemptOutcome::ConnectionError, error_chain(e), started)
    }

    /// Whether the receiver answered 2xx.
    pub fn is_success(&self) -> bool {
        self.status.is_some_and(|s| (200..300).contains(&s)) && self.error.is_none()
    }

    /// The attempt as it is recorded: at most [`RECORDED_BODY_BYTES`] of the body, as text.
    pub fn record(&self, attempted_at: DateTime<Utc>) -> AttemptRecord {
        let body = &self.body[..self.body.len().min(RECORDED_BODY_BYTES)];
        AttemptRecord {
            attempted_at,
            duration_ms: i32::try_from(self.duration.as_millis()).unwrap_or(i32::MAX),
            status: self.status.map(i32::from),
            response_body: (!body.is_empty()).then(|| String::from_utf8_lossy(body).into_owned()),
            error: self.error.clone(),
        }
    }

    /// A one-line description for an outcome reason: the error, else the HTTP status.
    pub fn describe(&self) -> String {
        match (&self.error, self.status) {
            (Some(e), _) => e.clone(),
            (None, Some(s)) => format!("HTTP {s}"),
            (None, None) => "no answer".into(),
        }
    }
}

/// The error and its sources on one line ("error sending request: … : connection refused").
fn error_chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        let part = s.to_string();
        if !text.contains(&part) {
            text.push_str(": ");
            text.push_str(&part);
        }
        source = s.source();
    }
    text
}

/// How a delivery to `hook` at `now` is authenticated, from its sealed secrets.
pub fn authentication(
    hook: &webhook::Model,
    cipher: &SecretCipher,
    now: DateTime<Utc>,
) -> Result<Authentication, String> {
    match hook.auth_method {
        AuthMethod::Hmac => {
            let (current, previous) = webhooks::signing_secrets(hook, cipher, now);
            let current = current.ok_or("the webhook's HMAC secret cannot be opened; regenerate it")?;
            let key = HmacKey::parse(&current).map_err(|e| format!("the webhook's HMAC secret is unusable ({e})"))?;
            let previous_key = previous.and_then(|p| HmacKey::parse(&p).ok());
            Ok(Authentication::Hmac { key, previous_key })
        }
        AuthMethod::AccessToken => webhooks::access_token(hook, cipher)
            .map(Authentication::AccessToken)
            .ok_or_else(|| "the webhook's access token cannot be opened; enter it again".to_string()),
    }
}

/// Signs `event` for `hook` afresh (new timestamp, `iat`, `exp`) under `msg_id`.
pub fn sign(
    hook: &webhook::Model,
    cipher: &SecretCipher,
    msg_id: &str,
    event: &EventPayload,
) -> Result<SignedRequest, String> {
    let now = Utc::now();
    let auth = authentication(hook, cipher, now)?;
    sign_delivery(&auth, msg_id, event, now, VERSION).map_err(|e| format!("the delivery could not be signed: {e}"))
}
