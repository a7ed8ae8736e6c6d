//! Outgoing-address policy (DESIGN.md §7).
//!
//! Requests to loopback, private, link-local, CGNAT, multicast, metadata and other special-purpose
//! addresses (IPv4 and IPv6, including IPv4 embedded in IPv6) are refused unless
//! `HOOKWELL_ALLOW_PRIVATE_TARGETS=true`. The check runs on the resolved address that is actually
//! connected to: [`PolicyResolver`] is the reqwest DNS resolver and hands reqwest only allowed
//! addresses, so a DNS answer that changes between check and connect cannot slip through.
//! reqwest does not call the resolver for IP-literal hosts: check those with
//! [`EgressPolicy::check_literal_host`] before sending.

use std::error::Error;
use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use url::{Host, Url};

/// Name of the setting that lifts the policy (tests and local development set it to `true`).
pub const ALLOW_PRIVATE_TARGETS_ENV: &str = "HOOKWELL_ALLOW_PRIVATE_TARGETS";

/// The category of a refused address, e.g. `"loopback address"`, or `None` when `ip` is a public
/// address a webhook may target. IPv4 embedded in IPv6 (mapped, compatible, NAT64, 6to4) is judged
/// by the embedded address.
pub fn refusal_reason(ip: IpAddr) -> Option<&'static str> {
    match ip {
        IpAddr::V4(v4) => v4_reason(v4),
        IpAddr::V6(v6) => v6_reason(v6),
    }
}

fn in_v4(ip: Ipv4Addr, net: [u8; 4], prefix: u32) -> bool {
    let mask = u32::MAX.checked_shl(32 - prefix).unwrap_or(0);
    u32::from(ip) & mask == u32::from(Ipv4Addr::from(net)) & mask
}

fn in_v6(ip: Ipv6Addr, net: Ipv6Addr, prefix: u32) -> bool {
    let mask = u128::MAX.checked_shl(128 - prefix).unwrap_or(0);
    u128::from(ip) & mask == u128::from(net) & mask
}

fn v4_reason(ip: Ipv4Addr) -> Option<&'static str> {
    const RANGES: &[([u8; 4], u32, &str)] = &[
        ([169, 254, 169, 254], 32, "cloud metadata address"),
        ([0, 0, 0, 0], 32, "unspecified address"),
        ([255, 255, 255, 255], 32, "broadcast address"),
        ([0, 0, 0, 0], 8, "\"this network\" address"),
        ([10, 0, 0, 0], 8, "private address"),
        ([100, 64, 0, 0], 10, "CGNAT (shared) address"),
        ([127, 0, 0, 0], 8, "loopback address"),
        ([169, 254, 0, 0], 16, "link-local address"),
        ([172, 16, 0, 0], 12, "private address"),
        ([192, 0, 0, 0], 24, "IETF protocol assignment address"),
        ([192, 0, 2, 0], 24, "documentation address"),
        ([192, 88, 99, 0], 24, "reserved (6to4 relay) address"),
        ([192, 168, 0, 0], 16, "private address"),
        ([198, 18, 0, 0], 15, "benchmarking address"),
        ([198, 51, 100, 0], 24, "documentation address"),
        ([203, 0, 113, 0], 24, "documentation address"),
        ([224, 0, 0, 0], 4, "multicast address"),
        ([240, 0, 0, 0], 4, "reserved address"),
    ];
    RANGES.iter().find(|(net, prefix, _)| in_v4(ip, *net, *prefix)).map(|(_, _, reason)| *reason)
}

fn v6_reason(ip: Ipv6Addr) -> Option<&'static str> {
    const METADATA: Ipv6Addr = Ipv6Addr::new(0xfd00, 0xec2, 0, 0, 0, 0, 0, 0x254);
    if ip == METADATA {
        return Some("cloud metadata address");
    }
    if ip.is_unspecified() {
        return Some("unspecified address");
    }
    if ip.is_loopback() {
        return Some("loopback address");
    }
    if let Some(embedded) = embedded_v4(ip) {
        return v4_reason(embedded);
    }
    let ranges: [(Ipv6Addr, u32, &'static str); 10] = [
        (Ipv6Addr::new(0x64, 0xff9b, 1, 0, 0, 0, 0, 0), 48, "local-use NAT64 address"),
        (Ipv6Addr::new(0x100, 0, 0, 0, 0, 0, 0, 0), 64, "discard-only address"),
        (Ipv6Addr::new(0x2001, 0, 0, 0, 0, 0, 0, 0), 32, "Teredo address"),
        (Ipv6Addr::new(0x2001, 2, 0, 0, 0, 0, 0, 0), 48, "benchmarking address"),
        (Ipv6Addr::new(0x2001, 0xdb8, 0, 0, 0, 0, 0, 0), 32, "documentation address"),
        (Ipv6Addr::new(0x3fff, 0, 0, 0, 0, 0, 0, 0), 20, "documentation address"),
        (Ipv6Addr::new(0xfc00, 0, 0, 0, 0, 0, 0, 0), 7, "unique local address"),
        (Ipv6Addr::new(0xfe80, 0, 0, 0, 0, 0, 0, 0), 10, "link-local address"),
        (Ipv6Addr::new(0xfec0, 0, 0, 0, 0, 0, 0, 0), 10, "site-local address"),
        (Ipv6Addr::new(0xff00, 0, 0, 0, 0, 0, 0, 0), 8, "multicast address"),
    ];
    ranges.iter().find(|(net, prefix, _)| in_v6(ip, *net, *prefix)).map(|(_, _, reason)| *reason)
}

/// The IPv4 address carried by an IPv4-mapped (`::ffff:0:0/96`), IPv4-compatible (`::/96`),
/// NAT64 (`64:ff9b::/96`) or 6to4 (`2002::/16`) address.
fn embedded_v4(ip: Ipv6Addr) -> Option<Ipv4Addr> {
    let bits = u128::from(ip);
    let low = Ipv4Addr::from((bits & 0xffff_ffff) as u32);
    let nat64 = Ipv6Addr::new(0x64, 0xff9b, 0, 0, 0, 0, 0, 0);
    let mapped = Ipv6Addr::new(0, 0, 0, 0, 0, 0xffff, 0, 0);
    if in_v6(ip, mapped, 96) || in_v6(ip, Ipv6Addr::UNSPECIFIED, 96) || in_v6(ip, nat64, 96) {
        Some(low)
    } else if in_v6(ip, Ipv6Addr::new(0x2002, 0, 0, 0, 0, 0, 0, 0), 16) {
        Some(Ipv4Addr::from(((bits >> 80) & 0xffff_ffff) as u32))
    } else {
        None
    }
}

/// A target address refused by the egress policy; its `Display` is the reason recorded on the attempt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EgressRefused {
    /// The host name of the URL (or the IP literal).
    pub host: String,
    /// The refused address (the first one when a name resolved to several).
    pub ip: IpAddr,
    /// The category, see [`refusal_reason`].
    pub reason: &'static str,
}

impl fmt::Display for EgressRefused {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {} is not allowed", self.reason, self.ip)?;
        if self.host != self.ip.to_string() {
            write!(f, " (resolved from {})", self.host)?;
        }
        write!(f, "; set {ALLOW_PRIVATE_TARGETS_ENV}=true to allow private targets")
    }
}

impl Error for EgressRefused {}

/// Finds an [`EgressRefused`] in an error's source chain (e.g. inside a `reqwest::Error`).
pub fn find_refusal<'a>(err: &'a (dyn Error + 'static)) -> Option<&'a EgressRefused> {
    let mut current = Some(err);
    while let Some(e) = current {
        if let Some(refused) = e.downcast_ref::<EgressRefused>() {
            return Some(refused);
        }
        current = e.source();
    }
    None
}

/// The operator's egress policy.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct EgressPolicy {
    /// `HOOKWELL_ALLOW_PRIVATE_TARGETS=true`: every address is allowed.
    pub allow_private: bool,
}

impl EgressPolicy {
    /// Checks one address reached through `host`.
    pub fn check(&self, host: &str, ip: IpAddr) -> Result<(), EgressRefused> {
        match refusal_reason(ip) {
            Some(reason) if !self.allow_private => Err(EgressRefused { host: host.to_owned(), ip, reason }),
            _ => Ok(()),
        }
    }

    /// Checks a URL whose host is an IP literal (reqwest connects to those without calling the
    /// resolver). Host names pass here; [`PolicyResolver`] checks what they resolve to.
    pub fn check_literal_host(&self, url: &Url) -> Result<(), EgressRefused> {
        let ip = match url.host() {
            Some(Host::Ipv4(v4)) => IpAddr::V4(v4),
            Some(Host::Ipv6(v6)) => IpAddr::V6(v6),
            Some(Host::Domain(_)) | None => return Ok(()),
        };
        self.check(&ip.to_string(), ip)
    }

    /// Keeps the allowed addresses of `host`; fails with the first refusal when none is allowed.
    pub fn filter(&self, host: &str, addrs: Vec<SocketAddr>) -> Result<Vec<SocketAddr>, EgressRefused> {
        let mut first_refusal = None;
        let allowed: Vec<SocketAddr> = addrs
            .into_iter()
            .filter(|addr| match self.check(host, addr.ip()) {
                Ok(()) => true,
                Err(refused) => {
                    first_refusal.get_or_insert(refused);
                    false
                }
            })
            .collect();
        match first_refusal {
            Some(refused) if allowed.is_empty() => Err(refused),
            _ => Ok(allowed),
        }
    }
}

/// reqwest DNS resolver that resolves with tokio and returns only addresses the policy allows.
///
/// Install with `reqwest::Client::builder().dns_resolver(PolicyResolver::new(policy))`.
#[derive(Debug, Clone, Copy, Default)]
pub struct PolicyResolver {
    policy: EgressPolicy,
}

impl PolicyResolver {
    /// A resolver enforcing `policy`.
    pub fn new(policy: EgressPolicy) -> Self {
        Self { policy }
    }
}

impl Resolve for PolicyResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let policy = self.policy;
        let host = name.as_str().to_owned();
        Box::pin(async move {
            let addrs: Vec<SocketAddr> = tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
            let allowed = policy.filter(&host, addrs)?;
            let addrs: Addrs = Box::new(allowed.into_iter());
            Ok(addrs)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    const REFUSED: &[(&str, &str)] = &[
        ("0.0.0.0", "unspecified address"),
        ("0.1.2.3", "\"this network\" address"),
        ("127.0.0.1", "loopback address"),
        ("127.255.0.9", "loopback address"),
        ("10.0.0.1", "private address"),
        ("172.16.0.1", "private address"),
        ("172.31.255.255", "private address"),
        ("192.168.1.1", "private address"),
        ("100.64.0.1", "CGNAT (shared) address"),
        ("100.127.255.254", "CGNAT (shared) address"),
        ("169.254.169.254", "cloud metadata address"),
        ("169.254.1.1", "link-local address"),
        ("192.0.0.192", "IETF protocol assignment address"),
        ("192.0.2.10", "documentation address"),
        ("198.51.100.7", "documentation address"),
        ("203.0.113.5", "documentation address"),
        ("198.18.0.1", "benchmarking address"),
        ("198.19.255.255", "benchmarking address"),
        ("224.0.0.1", "multicast address"),
        ("239.255.255.250", "multicast address"),
        ("240.0.0.1", "reserved address"),
        ("255.255.255.255", "broadcast address"),
        ("::", "unspecified address"),
        ("::1", "loopback address"),
        ("::ffff:127.0.0.1", "loopback address"),
        ("::ffff:10.0.0.1", "private address"),
        ("::ffff:169.254.169.254", "cloud metadata address"),
        ("::127.0.0.1", "loopback address"),
        ("::10.1.2.3", "private address"),
        ("64:ff9b::7f00:1", "loopback address"),
        ("64:ff9b::a9fe:a9fe", "cloud metadata address"),
        ("64:ff9b:1::1", "local-use NAT64 address"),
        ("2002:7f00:1::", "loopback address"),
        ("2002:c0a8:101::1", "private address"),
        ("fd00:ec2::254", "cloud metadata address"),
        ("fc00::1", "unique local address"),
        ("fd12:3456::1", "unique local address"),
        ("fe80::1", "link-local address"),
        ("febf::1", "link-local address"),
        ("fec0::1", "site-local address"),
        ("ff02::1", "multicast address"),
        ("2001:db8::1", "documentation address"),
        ("3fff::1", "documentation address"),
        ("2001:2::1", "benchmarking address"),
        ("2001:0:4136:e378::1", "Teredo address"),
        ("100::1", "discard-only address"),
    ];

    const ALLOWED: &[&str] = &[
        "8.8.8.8",
        "1.1.1.1",
        "100.63.255.255",
        "100.128.0.1",
        "172.15.255.255",
        "172.32.0.1",
        "169.253.0.1",
        "198.17.255.255",
        "198.20.0.1",
        "223.255.255.255",
        "2606:4700::1",
        "2a00:1450:4001::200e",
        "::ffff:8.8.8.8",
        "64:ff9b::808:808",
        "2002:808:808::1",
    ];

    fn ip(s: &str) -> IpAddr {
        IpAddr::from_str(s).unwrap()
    }

    #[test]
    fn special_purpose_addresses_are_refused_with_their_category() {
        for (addr, reason) in REFUSED {
            assert_eq!(refusal_reason(ip(addr)), Some(*reason), "{addr}");
        }
    }

    #[test]
    fn public_addresses_are_allowed() {
        for addr in ALLOWED {
            assert_eq!(refusal_reason(ip(addr)), None, "{addr}");
        }
    }

    #[test]
    fn allow_private_lifts_the_policy() {
        let open = EgressPolicy { allow_private: true };
        for (addr, _) in REFUSED {
            assert_eq!(open.check(addr, ip(addr)), Ok(()), "{addr}");
        }
    }

    #[test]
    fn refusal_message_names_address_host_and_setting() {
        let refused = EgressPolicy::default().check("localhost", ip("127.0.0.1")).unwrap_err();
        assert_eq!(
            refused.to_string(),
            "loopback address 127.0.0.1 is not allowed (resolved from localhost); \
             set HOOKWELL_ALLOW_PRIVATE_TARGETS=true to allow private targets"
        );
        let literal = EgressPolicy::default().check("::1", ip("::1")).unwrap_err();
        assert!(literal.to_string().starts_with("loopback address ::1 is not allowed;"), "{literal}");
    }

    #[test]
    fn literal_hosts_are_checked() {
        let policy = EgressPolicy::default();
        for (url, refused) in [
            ("http://127.0.0.1:8080/hook", true),
            ("https://[::1]/hook", true),
            ("https://[::ffff:127.0.0.1]/hook", true),
            ("http://169.254.169.254/latest/meta-data", true),
            ("http://0x7f.1/hook", true), // the URL parser normalises this to 127.0.0.1
            ("http://2130706433/hook", true),
            ("https://8.8.8.8/hook", false),
            ("https://[2606:4700::1]/hook", false),
            ("https://localhost/hook", false), // a name: the resolver decides
            ("https://example.com/hook", false),
        ] {
            let url = Url::parse(url).unwrap();
            assert_eq!(policy.check_literal_host(&url).is_err(), refused, "{url}");
        }
        let open = EgressPolicy { allow_private: true };
        assert_eq!(open.check_literal_host(&Url::parse("http://127.0.0.1/").unwrap()), Ok(()));
    }

    #[test]
    fn filter_keeps_only_allowed_addresses() {
        let policy = EgressPolicy::default();
        let public = SocketAddr::new(ip("8.8.8.8"), 0);
        let private = SocketAddr::new(ip("10.0.0.1"), 0);
        assert_eq!(policy.filter("mixed.example", vec![private, public]), Ok(vec![public]));
        let refused = policy.filter("rebind.example", vec![private]).unwrap_err();
        assert_eq!(
            (refused.ip, refused.reason, refused.host.as_str()),
            (private.ip(), "private address", "rebind.example")
        );
    }

    #[tokio::test]
    async fn resolver_refuses_localhost() {
        let resolver = PolicyResolver::new(EgressPolicy::default());
        let err = resolver.resolve(Name::from_str("localhost").unwrap()).await.err().unwrap();
        let refused = find_refusal(err.as_ref()).unwrap();
        assert_eq!(refused.reason, "loopback address");
        assert!(err.to_string().contains("is not allowed (resolved from localhost)"), "{err}");
    }

    #[tokio::test]
    async fn resolver_allows_localhost_when_private_targets_are_allowed() {
        let resolver = PolicyResolver::new(EgressPolicy { allow_private: true });
        let addrs: Vec<SocketAddr> = resolver.resolve(Name::from_str("localhost").unwrap()).await.unwrap().collect();
        assert!(!addrs.is_empty());
        assert!(addrs.iter().all(|a| a.ip().is_loopback()), "{addrs:?}");
    }

    /// End to end through reqwest: the refusal surfaces in the request error's source chain.
    #[tokio::test]
    async fn reqwest_with_the_resolver_never_connects_to_a_refused_address() {
        // In the product reqwest has no bundled TLS provider: install ring first.
        crate::delivery::client::install_crypto_provider();
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        tokio::spawn(async move {
            while let Ok((mut socket, _)) = listener.accept().await {
                let mut request = [0u8; 1024];
                let _ = socket.read(&mut request).await;
                let _ = socket.write_all(b"HTTP/1.1 204 No Content\r\nconnection: close\r\n\r\n").await;
            }
        });
        let url = format!("http://localhost:{port}/hook");

        let closed = reqwest::Client::builder()
            .dns_resolver(PolicyResolver::new(EgressPolicy::default()))
            .no_proxy()
            .build()
            .unwrap();
        let err = closed.post(&url).send().await.unwrap_err();
        let refused = find_refusal(&err).unwrap();
        assert_eq!(refused.reason, "loopback address");

        let open = reqwest::Client::builder()
            .dns_resolver(PolicyResolver::new(EgressPolicy { allow_private: true }))
            .no_proxy()
            .build()
            .unwrap();
        assert_eq!(open.post(&url).send().await.unwrap().status(), 204);
    }
}
