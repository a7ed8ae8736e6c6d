//! Configuration from the environment, validated once at start with messages that name the
//! variable and what is wrong with it.
use std::{net::SocketAddr, path::PathBuf};

#[derive(Debug, Clone)]
pub struct Config {
    pub addr: SocketAddr,
    pub database_url: String,
    pub data_dir: PathBuf,
    pub master_key: Option<[u8; 32]>,
    pub admin_password: Option<String>,
    pub allow_private_targets: bool,
    /// The origin browsers use (`HOOKWELL_PUBLIC_URL`), e.g. `https://hooks.example.com`.
    pub public_origin: Option<String>,
    /// Session idle timeout and absolute lifetime.
    pub sessions: app::ssr::auth::SessionPolicy,
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
        let public_origin = non_empty("HOOKWELL_PUBLIC_URL").map(|v| check_public_url(v.trim())).transpose()?;
        let defaults = app::ssr::auth::SessionPolicy::default();
        let duration = |key: &str, default: chrono::Duration| -> Result<chrono::Duration, String> {
            match non_empty(key) {
                None => Ok(default),
                Some(v) => humantime::parse_duration(v.trim())
                    .ok()
                    .and_then(|d| chrono::Duration::from_std(d).ok())
                    .filter(|d| *d > chrono::Duration::zero())
                    .ok_or_else(|| format!("{key}: '{v}' is not a duration such as 30m, 12h or 7d")),
            }
        };
        let sessions = app::ssr::auth::SessionPolicy {
            idle: duration("HOOKWELL_SESSION_IDLE", defaults.idle)?,
            max: duration("HOOKWELL_SESSION_MAX", defaults.max)?,
        };
        Ok(Config {
            addr,
            database_url,
            data_dir,
            master_key,
            admin_password,
            allow_private_targets,
            public_origin,
            sessions,
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
    fn private_targets_flag_accepts_true() {
        assert!(load(&[("HOOKWELL_ALLOW_PRIVATE_TARGETS", "true")]).unwrap().allow_private_targets);
    }
}
