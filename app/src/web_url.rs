//! URL parsing shared by the server and the browser. Both follow the WHATWG URL standard: the
//! server with the `url` crate (its checks are the authoritative ones), the browser with its
//! own parser (`URL`), so the WASM carries no URL or IDNA tables.

/// The parts of a parsed absolute URL that the console's checks read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebUrl {
    /// Without the colon: `https`.
    pub scheme: String,
    /// The host as serialized (punycode for international names), empty when there is none.
    pub host: String,
    /// True when the URL names a port other than the scheme's default.
    pub has_port: bool,
    pub has_credentials: bool,
    pub path: String,
    /// Without the `?`; `None` when there is no query.
    pub query: Option<String>,
    /// The whole URL, serialized.
    pub href: String,
}

/// Parses `raw`, relative to `base` when given; `None` when it is not a valid URL.
#[cfg(feature = "ssr")]
pub fn parse(raw: &str, base: Option<&str>) -> Option<WebUrl> {
    let url = match base {
        Some(base) => url::Url::parse(base).ok()?.join(raw).ok()?,
        None => url::Url::parse(raw).ok()?,
    };
    Some(WebUrl {
        scheme: url.scheme().to_string(),
        host: url.host_str().unwrap_or_default().to_string(),
        has_port: url.port().is_some(),
        has_credentials: !url.username().is_empty() || url.password().is_some(),
        path: url.path().to_string(),
        query: url.query().map(str::to_string),
        href: url.to_string(),
    })
}

/// Parses `raw`, relative to `base` when given; `None` when it is not a valid URL.
#[cfg(not(feature = "ssr"))]
pub fn parse(raw: &str, base: Option<&str>) -> Option<WebUrl> {
    let url = match base {
        Some(base) => web_sys::Url::new_with_base(raw, base).ok()?,
        None => web_sys::Url::new(raw).ok()?,
    };
    let search = url.search();
    Some(WebUrl {
        scheme: url.protocol().trim_end_matches(':').to_string(),
        host: url.hostname(),
        has_port: !url.port().is_empty(),
        has_credentials: !url.username().is_empty() || !url.password().is_empty(),
        path: url.pathname(),
        // `search` is "" both for no query and for a bare "?"; the server keeps the bare "?" as
        // an empty query. Only the login page's `next` reads it, and both forms lead to the same page.
        query: search.strip_prefix('?').map(str::to_string),
        href: url.href(),
    })
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use super::*;

    #[test]
    fn reads_the_parts_the_checks_need() {
        let u = parse("HTTPS://user:pw@Bücher.example:8443/a b?x=1", None).unwrap();
        assert_eq!(u.scheme, "https");
        assert_eq!(u.host, "xn--bcher-kva.example");
        assert!(u.has_port && u.has_credentials);
        assert_eq!(u.path, "/a%20b");
        assert_eq!(u.query.as_deref(), Some("x=1"));
        assert_eq!(u.href, "https://user:pw@xn--bcher-kva.example:8443/a%20b?x=1");
        assert!(!parse("https://example.com:443/", None).unwrap().has_port, "the default port is no port");
        assert_eq!(parse("/x/../y", Some("http://h.invalid/")).unwrap().path, "/y");
        assert_eq!(parse("not a url", None), None);
    }
}
