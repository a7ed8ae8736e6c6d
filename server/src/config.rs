//! Configuration from the environment, validated once at start with messages that name the
//! variable and what is wrong with it.
use std::{net::SocketAddr, path::PathBuf, time::Duration};

#[derive(Debug, Clone)]
pub struct Config {
    pub addr: SocketAddr,
    pub database_url: String,
    pub data_dir: PathBuf,
    pub master_key: Option<[u8; 32]>,
    /// `HOOKWELL_PREVIOUS_MASTER_KEY`: during a key rotation, secrets only it opens are sealed
    /// again under the current key at start-up.
    pub previous_master_key: Option<[u8; 32]>,
    pub admin_password: Option<String>,
    pub allow_private_targets: bool,
    /// `HOOKWELL_API_MAX_BODY_BYTES`: largest `/api/v1` request body.
    pub api_max_body_bytes: usize,
    /// The delivery engine's limits.
    pub delivery: DeliverySettings,
    /// The origin browsers use (`HOOKWELL_PUBLIC_URL`), e.g. `https://hooks.example.com`.
    pub public_origin: Option<String>,
    /// Session idle timeout and absolute lifetime.
    pub sessions: app::ssr::auth::SessionPolicy,
    /// Pruning of old deliveries and events.
    pub retention: RetentionSettings,
    /// `HOOKWELL_METRICS_TOKEN`: when set, `/metrics` wants it as a bearer token.
    pub metrics_token: Option<String>,
    /// `HOOKWELL_LOG_FORMAT`: text (default) or json.
    pub log_format: LogFormat,
}

/// How logs are written (to stderr): `HOOKWELL_LOG_FORMAT`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum LogFormat {
    /// Human-readable lines.
    #[default]
    Text,
    /// One JSON object per line, with the fields of the enclosing spans (e.g. `request_id`).
    Json,
}

impl LogFormat {
    /// Parses `HOOKWELL_LOG_FORMAT` (unset or empty: text).
    pub fn from_env(raw: Option<&str>) -> Result<LogFormat, String> {
        match raw.map(|v| v.trim().to_ascii_lowercase()).filter(|v| !v.is_empty()).as_deref() {
            None | Some("text") => Ok(LogFormat::Text),
            Some("json") => Ok(LogFormat::Json),
            Some(_) => Err(format!(
                "HOOKWELL_LOG_FORMAT: '{}' is not a log format; use text or json",
                raw.unwrap_or_default().trim()
            )),
        }
    }
}

/// Retention: finished deliveries and their events older than `max_age` are deleted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetentionSettings {
    /// `HOOKWELL_RETENTION`: age after which finished deliveries are pruned; `None` (`off`) keeps all.
    pub max_age: Option<Duration>,
    /// `HOOKWELL_RETENTION_BATCH`: rows deleted per transaction.
    pub batch: usize,
}

impl Default for RetentionSettings {
    fn default() -> Self {
        RetentionSettings { max_age: Some(Duration::from_secs(30 * 86_400)), batch: 1000 }
    }
}

impl RetentionSettings {
    /// How often the pruner runs: a tenth of the retention age, between 10 s and 5 min.
    pub fn interval(&self) -> Option<Duration> {
        self.max_age.map(|age| (age / 10).clamp(Duration::from_secs(10), Duration::from_secs(300)))
    }
}

/// The shortest `HOOKWELL_RETENTION`.
pub const MIN_RETENTION: Duration = Duration::from_secs(60);

/// Limits and timings of the delivery engine; each is one variable with a default.
#[derive(Debug, Clone, PartialEq)]
pub struct DeliverySettings {
    /// `HOOKWELL_DELIVERY_WORKER`: run the delivery worker in this process.
    pub worker: bool,
    /// `HOOKWELL_DELIVERY_CONCURRENCY`: attempts in flight at once, in total.
    pub concurrency: usize,
    /// `HOOKWELL_DELIVERY_PER_ENDPOINT`: attempts in flight at once to one webhook.
    pub per_endpoint: usize,
    /// `HOOKWELL_DELIVERY_TIMEOUT`: per asynchronous attempt.
    pub timeout: Duration,
    /// `HOOKWELL_SYNC_TIMEOUT`: per webhook of a synchronous call.
    pub sync_timeout: Duration,
    /// `HOOKWELL_RETRY_SCHEDULE`: delays between attempts (comma-separated durations).
    pub retry_delays: Vec<Duration>,
    /// `HOOKWELL_DELIVERY_BATCH`: deliveries claimed per query.
    pub batch: usize,
    /// `HOOKWELL_DELIVERY_LEASE`: how long a claim holds a delivery before another worker may take it.
    pub lease: Duration,
    /// `HOOKWELL_DELIVERY_POLL_INTERVAL`: how often the worker looks for due work without being woken.
    pub poll_interval: Duration,
    /// `HOOKWELL_AUTO_DISABLE_AFTER`: failing this long without a success deactivates a webhook.
    pub auto_disable_after: Duration,
    /// `HOOKWELL_SHUTDOWN_GRACE`: how long in-flight attempts may finish on shutdown.
    pub shutdown_grace: Duration,
}

impl Default for DeliverySettings {
    fn default() -> Self {
        DeliverySettings {
            worker: true,
            concurrency: 64,
            per_endpoint: 8,
            timeout: Duration::from_secs(15),
            sync_timeout: Duration::from_secs(10),
            retry_delays: crate::delivery::retry::DEFAULT_DELAYS.to_vec(),
            batch: 64,
            lease: Duration::from_secs(60),
            poll_interval: Duration::from_secs(1),
            auto_disable_after: Duration::from_secs(5 * 86_400),
            shutdown_grace: Duration::from_secs(10),
        }
    }
}

/// Default of `HOOKWELL_API_MAX_BODY_BYTES`: 10 MiB.
pub const DEFAULT_API_MAX_BODY_BYTES: usize = 10 * 1024 * 1024;

/// Parses a duration such as `500ms`, `15s`, `5m`, `2h` or `5d`.
pub fn parse_duration(raw: &str) -> Option<Duration> {
    humantime::parse_duration(raw.trim()).ok()
}

impl Config {
    /// Reads and validates every setting; `get` looks a variable up (the process env in main).
    pub fn load(get: impl Fn(&str) -> Option<String>) -> Result<Config, String> {
        let non_empty = |k: &str| get(k).filter(|v| !v.trim().is_empty());
        let addr = match non_empty("HOOKWELL_ADDR") {
            None => SocketAddr::from(([127, 0, 0, 1], 3000)),
            Some(v) => v
                .trim()
                .parse()
                .map_err(|_| format!("HOOKWELL_ADDR: '{v}' is not an address and port such as 127.0.0.1:3000"))?,
        };
        let data_dir = PathBuf::from(non_empty("HOOKWELL_DATA_DIR").unwrap_or_else(|| "data".into()));
        let database_url = match non_empty("DATABASE_URL") {
            None => format!("sqlite://{}/hookwell.db?mode=rwc", data_dir.display()),
            Some(v) => check_database_url(v.trim())?,
        };
        let master_key =
            non_empty("HOOKWELL_MASTER_KEY").map(|k| app::ssr::crypto::parse_master_key(&k)).transpose()?;
        let previous_master_key = non_empty("HOOKWELL_PREVIOUS_MASTER_KEY")
            .map(|k| {
                app::ssr::crypto::parse_master_key(&k).map_err(|m| {
                    format!("HOOKWELL_PREVIOUS_MASTER_KEY: {}", m.trim_start_matches("HOOKWELL_MASTER_KEY "))
                })
            })
            .transpose()?;
        let admin_password = non_empty("HOOKWELL_ADMIN_PASSWORD");
        if let Some(p) = &admin_password {
            app::model::validate_password(p).map_err(|m| format!("HOOKWELL_ADMIN_PASSWORD: {m}"))?;
        }
        let allow_private_targets =
            match non_empty("HOOKWELL_ALLOW_PRIVATE_TARGETS").map(|v| v.trim().to_ascii_lowercase()) {
                None => false,
                Some(v) if matches!(v.as_str(), "true" | "1" | "yes") => true,
                Some(v) if matches!(v.as_str(), "false" | "0" | "no") => false,
                Some(v) => return Err(format!("HOOKWELL_ALLOW_PRIVATE_TARGETS: '{v}' is not true or false")),
            };
        let duration = |k: &str, default: Duration| -> Result<Duration, String> {
            match non_empty(k) {
                None => Ok(default),
                Some(v) => parse_duration(&v)
                    .ok_or_else(|| format!("{k}: '{v}' is not a duration such as 500ms, 15s, 5m, 2h or 5d")),
            }
        };
        let count = |k: &str, default: usize| -> Result<usize, String> {
            match non_empty(k) {
                None => Ok(default),
                Some(v) => match v.trim().parse::<usize>() {
                    Ok(n) if n > 0 => Ok(n),
                    _ => Err(format!("{k}: '{v}' is not a whole number above 0")),
                },
            }
        };
        let d = DeliverySettings::default();
        let retry_delays = match non_empty("HOOKWELL_RETRY_SCHEDULE") {
            None => d.retry_delays,
            Some(v) => v
                .split(',')
                .map(|part| {
                    parse_duration(part).ok_or_else(|| {
                        format!("HOOKWELL_RETRY_SCHEDULE: '{}' is not a duration such as 5s, 5m or 2h", part.trim())
                    })
                })
                .collect::<Result<Vec<_>, _>>()?,
        };
        let worker = match non_empty("HOOKWELL_DELIVERY_WORKER").map(|v| v.trim().to_ascii_lowercase()) {
            None => true,
            Some(v) if matches!(v.as_str(), "true" | "1" | "yes") => true,
            Some(v) if matches!(v.as_str(), "false" | "0" | "no") => false,
            Some(v) => return Err(format!("HOOKWELL_DELIVERY_WORKER: '{v}' is not true or false")),
        };
        let delivery = DeliverySettings {
            worker,
            concurrency: count("HOOKWELL_DELIVERY_CONCURRENCY", d.concurrency)?,
            per_endpoint: count("HOOKWELL_DELIVERY_PER_ENDPOINT", d.per_endpoint)?,
            timeout: duration("HOOKWELL_DELIVERY_TIMEOUT", d.timeout)?,
            sync_timeout: duration("HOOKWELL_SYNC_TIMEOUT", d.sync_timeout)?,
            retry_delays,
            batch: count("HOOKWELL_DELIVERY_BATCH", d.batch)?,
            lease: duration("HOOKWELL_DELIVERY_LEASE", d.lease)?,
            poll_interval: duration("HOOKWELL_DELIVERY_POLL_INTERVAL", d.poll_interval)?,
            auto_disable_after: duration("HOOKWELL_AUTO_DISABLE_AFTER", d.auto_disable_after)?,
            shutdown_grace: duration("HOOKWELL_SHUTDOWN_GRACE", d.shutdown_grace)?,
        };
        if delivery.lease <= delivery.timeout.max(delivery.sync_timeout) {
            return Err(format!(
                "HOOKWELL_DELIVERY_LEASE: {:?} must be longer than HOOKWELL_DELIVERY_TIMEOUT ({:?})",
                delivery.lease, delivery.timeout
            ));
        }
        let api_max_body_bytes = count("HOOKWELL_API_MAX_BODY_BYTES", DEFAULT_API_MAX_BODY_BYTES)?;
        let public_origin = non_empty("HOOKWELL_PUBLIC_URL").map(|v| check_public_url(v.trim())).transpose()?;
        let defaults = app::ssr::auth::SessionPolicy::default();
        let session_duration = |key: &str, default: chrono::Duration| -> Result<chrono::Duration, String> {
            let std_default = default.to_std().unwrap_or_default();
            chrono::Duration::from_std(duration(key, std_default)?)
                .ok()
                .filter(|d| *d > chrono::Duration::zero())
                .ok_or_else(|| format!("{key}: must be a duration above zero such as 30m, 12h or 7d"))
        };
        let sessions = app::ssr::auth::SessionPolicy {
            idle: session_duration("HOOKWELL_SESSION_IDLE", defaults.idle)?,
            max: session_duration("HOOKWELL_SESSION_MAX", defaults.max)?,
        };
        let r = RetentionSettings::default();
        let retention = RetentionSettings {
            max_age: match non_empty("HOOKWELL_RETENTION").map(|v| v.trim().to_ascii_lowercase()) {
                None => r.max_age,
                Some(v) if v == "off" => None,
                Some(v) => match parse_duration(&v) {
                    Some(d) if d >= MIN_RETENTION => Some(d),
                    Some(_) => return Err(format!("HOOKWELL_RETENTION: '{v}' is too short; at least 1m (or off)")),
                    None => {
                        return Err(format!(
                            "HOOKWELL_RETENTION: '{v}' is not a duration such as 30d, 12h or 90m (or off to keep everything)"
                        ))
                    }
                },
            },
            batch: count("HOOKWELL_RETENTION_BATCH", r.batch)?,
        };
        let metrics_token = non_empty("HOOKWELL_METRICS_TOKEN").map(|v| v.trim().to_string());
        if metrics_token.as_ref().is_some_and(|t| t.len() < 16) {
            return Err("HOOKWELL_METRICS_TOKEN: use at least 16 characters (e.g. openssl rand -hex 32)".into());
        }
        let log_format = LogFormat::from_env(get("HOOKWELL_LOG_FORMAT").as_deref())?;
        Ok(Config {
            addr,
            database_url,
            data_dir,
            master_key,
            previous_master_key,
            admin_password,
            allow_private_targets,
            api_max_body_bytes,
            delivery,
            public_origin,
            sessions,
            retention,
            metrics_token,
            log_format,
        })
    }
}

/// `HOOKWELL_PUBLIC_URL`: an absolute http(s) URL; only its origin is kept.
fn check_public_url(v: &str) -> Result<String, String> {
    let url = url::Url::parse(v).map_err(|e| {
        format!("HOOKWELL_PUBLIC_URL: '{v}' is not a URL ({e}); expected e.g. https://hooks.example.com")
    })?;
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
        return Err(format!("HOOKWELL_PUBLIC_URL: '{v}' must be an http:// or https:// URL with a host"));
    }
    Ok(url.origin().ascii_serialization())
}

fn check_database_url(v: &str) -> Result<String, String> {
    if v.starts_with("sqlite:") {
        return Ok(v.to_string());
    }
    let parsed = url::Url::parse(v).map_err(|e| {
        format!("DATABASE_URL: not a URL ({e}); expected sqlite://… or postgres://user:password@host/database")
    })?;
    match parsed.scheme() {
        "postgres" | "postgresql" if parsed.host_str().is_some_and(|h| !h.is_empty()) && parsed.path().len() > 1 => Ok(v.to_string()),
        "postgres" | "postgresql" => Err("DATABASE_URL: a PostgreSQL URL needs a host and a database name, e.g. postgres://user:password@localhost/hookwell".into()),
        other => Err(format!("DATABASE_URL: scheme '{other}' is not supported; use sqlite://… or postgres://…")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn load(pairs: &[(&str, &str)]) -> Result<Config, String> {
        let map: HashMap<String, String> = pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        Config::load(|k| map.get(k).cloned())
    }

    #[test]
    fn defaults_serve_sqlite_on_localhost_3000() {
        let c = load(&[]).unwrap();
        assert_eq!(c.addr.to_string(), "127.0.0.1:3000");
        assert_eq!(c.database_url, "sqlite://data/hookwell.db?mode=rwc");
        assert!(!c.allow_private_targets);
    }

    #[test]
    fn malformed_database_url_names_the_variable() {
        let e = load(&[("DATABASE_URL", "mysql://x/y")]).unwrap_err();
        assert!(e.starts_with("DATABASE_URL:") && e.contains("mysql"), "{e}");
        let e = load(&[("DATABASE_URL", "postgres://")]).unwrap_err();
        assert!(e.starts_with("DATABASE_URL:"), "{e}");
        assert!(load(&[("DATABASE_URL", "postgres://u:p@localhost/hw")]).is_ok());
    }

    #[test]
    fn bad_address_flag_and_key_are_refused_by_name() {
        assert!(load(&[("HOOKWELL_ADDR", "localhost")]).unwrap_err().starts_with("HOOKWELL_ADDR:"));
        assert!(load(&[("HOOKWELL_ALLOW_PRIVATE_TARGETS", "maybe")])
            .unwrap_err()
            .starts_with("HOOKWELL_ALLOW_PRIVATE_TARGETS:"));
        assert!(load(&[("HOOKWELL_MASTER_KEY", "short")]).unwrap_err().contains("HOOKWELL_MASTER_KEY"));
        assert!(load(&[("HOOKWELL_ADMIN_PASSWORD", "abc")]).unwrap_err().starts_with("HOOKWELL_ADMIN_PASSWORD:"));
    }

    #[test]
    fn delivery_settings_have_defaults_and_refuse_bad_values_by_name() {
        let c = load(&[]).unwrap();
        assert_eq!(c.delivery, DeliverySettings::default());
        assert_eq!(c.api_max_body_bytes, 10 * 1024 * 1024);
        let c = load(&[("HOOKWELL_RETRY_SCHEDULE", "50ms, 1s,2m"), ("HOOKWELL_DELIVERY_PER_ENDPOINT", "2")]).unwrap();
        assert_eq!(
            c.delivery.retry_delays,
            vec![Duration::from_millis(50), Duration::from_secs(1), Duration::from_secs(120)]
        );
        assert_eq!(c.delivery.per_endpoint, 2);
        assert!(load(&[("HOOKWELL_RETRY_SCHEDULE", "5s,soon")]).unwrap_err().starts_with("HOOKWELL_RETRY_SCHEDULE:"));
        assert!(load(&[("HOOKWELL_DELIVERY_CONCURRENCY", "0")])
            .unwrap_err()
            .starts_with("HOOKWELL_DELIVERY_CONCURRENCY:"));
        assert!(load(&[("HOOKWELL_DELIVERY_TIMEOUT", "2x")]).unwrap_err().starts_with("HOOKWELL_DELIVERY_TIMEOUT:"));
        assert!(load(&[("HOOKWELL_DELIVERY_LEASE", "5s")]).unwrap_err().starts_with("HOOKWELL_DELIVERY_LEASE:"));
        assert_eq!(parse_duration("5d"), Some(Duration::from_secs(432_000)));
    }

    #[test]
    fn public_url_keeps_the_origin_and_session_durations_parse() {
        let c = load(&[
            ("HOOKWELL_PUBLIC_URL", "https://Hooks.Example.com:8443/console/"),
            ("HOOKWELL_SESSION_IDLE", "30m"),
        ])
        .unwrap();
        assert_eq!(c.public_origin.as_deref(), Some("https://hooks.example.com:8443"));
        assert_eq!(c.sessions.idle, chrono::Duration::minutes(30));
        assert_eq!(c.sessions.max, chrono::Duration::days(7));
        assert!(load(&[("HOOKWELL_PUBLIC_URL", "ftp://x")]).unwrap_err().starts_with("HOOKWELL_PUBLIC_URL:"));
        assert!(load(&[("HOOKWELL_SESSION_MAX", "soon")]).unwrap_err().starts_with("HOOKWELL_SESSION_MAX:"));
    }

    #[test]
    fn retention_metrics_token_and_log_format_have_defaults_and_refuse_bad_values_by_name() {
        let c = load(&[]).unwrap();
        assert_eq!(c.retention, RetentionSettings::default());
        assert_eq!(c.retention.max_age, Some(Duration::from_secs(30 * 86_400)));
        assert_eq!(c.retention.interval(), Some(Duration::from_secs(300)));
        assert_eq!(c.log_format, LogFormat::Text);
        assert_eq!(c.metrics_token, None);
        let c = load(&[
            ("HOOKWELL_RETENTION", "2m"),
            ("HOOKWELL_RETENTION_BATCH", "50"),
            ("HOOKWELL_LOG_FORMAT", "JSON"),
            ("HOOKWELL_METRICS_TOKEN", "0123456789abcdef0123"),
        ])
        .unwrap();
        assert_eq!(c.retention, RetentionSettings { max_age: Some(Duration::from_secs(120)), batch: 50 });
        assert_eq!(c.retention.interval(), Some(Duration::from_secs(12)));
        assert_eq!(c.log_format, LogFormat::Json);
        assert_eq!(c.metrics_token.as_deref(), Some("0123456789abcdef0123"));
        assert_eq!(load(&[("HOOKWELL_RETENTION", "off")]).unwrap().retention.max_age, None);
        let e = load(&[("HOOKWELL_RETENTION", "forever")]).unwrap_err();
        assert!(e.starts_with("HOOKWELL_RETENTION:") && e.contains("forever"), "{e}");
        assert!(load(&[("HOOKWELL_RETENTION", "5s")]).unwrap_err().contains("too short"));
        assert!(load(&[("HOOKWELL_RETENTION_BATCH", "0")]).unwrap_err().starts_with("HOOKWELL_RETENTION_BATCH:"));
        let e = load(&[("HOOKWELL_LOG_FORMAT", "xml")]).unwrap_err();
        assert_eq!(e, "HOOKWELL_LOG_FORMAT: 'xml' is not a log format; use text or json");
        assert!(load(&[("HOOKWELL_METRICS_TOKEN", "short")]).unwrap_err().starts_with("HOOKWELL_METRICS_TOKEN:"));
    }

    #[test]
    fn private_targets_flag_accepts_true() {
        assert!(load(&[("HOOKWELL_ALLOW_PRIVATE_TARGETS", "true")]).unwrap().allow_private_targets);
    }
}
