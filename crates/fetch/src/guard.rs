//! The SSRF guard: which addresses a fetch may connect to, and a resolver that
//! refuses the others after DNS resolution, so the checked address is the one used.

use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use ureq::config::Config;
use ureq::http::Uri;
use ureq::unversioned::resolver::{DefaultResolver, ResolvedSocketAddrs, Resolver};
use ureq::unversioned::transport::NextTimeout;

/// Why an address is not public, in words a user can act on; `None` for a public address.
pub fn non_public(ip: IpAddr) -> Option<&'static str> {
    match ip {
        IpAddr::V4(v4) => non_public_v4(v4),
        IpAddr::V6(v6) => non_public_v6(v6),
    }
}

fn non_public_v4(ip: Ipv4Addr) -> Option<&'static str> {
    let [a, b, c, _] = ip.octets();
    Some(match (a, b, c) {
        _ if ip.is_unspecified() => "an unspecified address (0.0.0.0)",
        (0, _, _) => "in 0.0.0.0/8 (this network)",
        (127, _, _) => "a loopback address",
        (10, _, _) => "a private address (10.0.0.0/8)",
        (172, 16..=31, _) => "a private address (172.16.0.0/12)",
        (192, 168, _) => "a private address (192.168.0.0/16)",
        (169, 254, 169) if ip.octets()[3] == 254 => "the cloud metadata address",
        (169, 254, _) => "a link-local address",
        (100, 64..=127, _) => "a shared carrier-grade NAT address (100.64.0.0/10)",
        (192, 0, 0) => "an IETF protocol assignment (192.0.0.0/24)",
        (192, 0, 2) | (198, 51, 100) | (203, 0, 113) => "a documentation address",
        (198, 18..=19, _) => "a benchmarking address (198.18.0.0/15)",
        (224..=239, _, _) => "a multicast address",
        _ if ip.is_broadcast() => "the broadcast address",
        (240..=255, _, _) => "a reserved address (240.0.0.0/4)",
        _ => return None,
    })
}

fn non_public_v6(ip: Ipv6Addr) -> Option<&'static str> {
    // An IPv4 address in IPv6 clothing is judged as the IPv4 address it reaches.
    if let Some(v4) = ip.to_ipv4_mapped() {
        return non_public_v4(v4);
    }
    let seg = ip.segments();
    Some(match seg[0] {
        _ if ip.is_unspecified() => "an unspecified address (::)",
        _ if ip.is_loopback() => "a loopback address",
        // IPv4-compatible (::a.b.c.d, deprecated) and NAT64 (64:ff9b::/96) embed an IPv4 address.
        0 if seg[1..6] == [0; 5] => {
            return non_public_v4(Ipv4Addr::from(
                (u32::from(seg[6]) << 16) | u32::from(seg[7]),
            ))
        }
        0x64 if seg[1] == 0xff9b && seg[2..6] == [0; 4] => {
            return non_public_v4(Ipv4Addr::from(
                (u32::from(seg[6]) << 16) | u32::from(seg[7]),
            ))
        }
        s if s & 0xfe00 == 0xfc00 => "a unique local (private) address (fc00::/7)",
        s if s & 0xffc0 == 0xfe80 => "a link-local address (fe80::/10)",
        s if s & 0xffc0 == 0xfec0 => "a site-local address (fec0::/10)",
        s if s & 0xff00 == 0xff00 => "a multicast address",
        0x2001 if seg[1] == 0x0db8 => "a documentation address (2001:db8::/32)",
        _ => return None,
    })
}

/// A refused connection: the host, the address it resolved to and why.
#[derive(Debug, Clone)]
pub struct Refusal {
    pub host: String,
    pub addr: IpAddr,
    pub why: &'static str,
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} resolves to {}, {}; fetching it is refused to protect local services (pass --allow-private to allow it)",
            self.host, self.addr, self.why
        )
    }
}

impl std::error::Error for Refusal {}

/// Resolves a host and refuses it when any of its addresses is not public. ureq
/// connects only to the addresses returned here, so a name cannot resolve to a public
/// address for the check and a private one for the connection.
#[derive(Debug, Default)]
pub struct GuardedResolver {
    allow_private: bool,
    /// Addresses allowed although not public (an intranet feed, a local test server).
    allowed: Vec<IpAddr>,
    inner: DefaultResolver,
}

impl GuardedResolver {
    pub fn new(allow_private: bool, allowed: Vec<IpAddr>) -> Self {
        GuardedResolver {
            allow_private,
            allowed,
            inner: DefaultResolver::default(),
        }
    }
}

impl Resolver for GuardedResolver {
    fn resolve(
        &self,
        uri: &Uri,
        config: &Config,
        timeout: NextTimeout,
    ) -> Result<ResolvedSocketAddrs, ureq::Error> {
        let addrs = self.inner.resolve(uri, config, timeout)?;
        if !self.allow_private {
            for a in addrs.iter().filter(|a| !self.allowed.contains(&a.ip())) {
                if let Some(why) = non_public(a.ip()) {
                    return Err(ureq::Error::Other(Box::new(Refusal {
                        host: uri.host().unwrap_or_default().to_string(),
                        addr: a.ip(),
                        why,
                    })));
                }
            }
        }
        Ok(addrs)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn private_and_special_addresses_are_not_public() {
        for s in [
            "127.0.0.1",
            "127.8.9.10",
            "10.1.2.3",
            "172.16.0.1",
            "172.31.255.255",
            "192.168.1.1",
            "169.254.169.254",
            "169.254.1.1",
            "100.64.0.1",
            "100.127.255.255",
            "0.0.0.0",
            "0.1.2.3",
            "224.0.0.1",
            "255.255.255.255",
            "192.0.2.5",
            "198.51.100.7",
            "203.0.113.9",
            "240.0.0.1",
            "::1",
            "::",
            "::ffff:127.0.0.1",
            "::ffff:10.0.0.1",
            "::127.0.0.1",
            "64:ff9b::a9fe:a9fe",
            "fc00::1",
            "fd12:3456::1",
            "fe80::1",
            "ff02::1",
            "2001:db8::1",
        ] {
            let ip: IpAddr = s.parse().unwrap();
            assert!(non_public(ip).is_some(), "{s} should be refused");
        }
    }

    #[test]
    fn public_addresses_pass() {
        for s in [
            "8.8.8.8",
            "1.1.1.1",
            "172.15.255.255",
            "172.32.0.1",
            "100.63.255.255",
            "100.128.0.1",
            "169.253.1.1",
            "2606:4700::1111",
            "::ffff:8.8.8.8",
        ] {
            let ip: IpAddr = s.parse().unwrap();
            assert_eq!(non_public(ip), None, "{s} should pass");
        }
    }

    #[test]
    fn the_metadata_address_is_named() {
        let ip: IpAddr = "169.254.169.254".parse().unwrap();
        assert_eq!(non_public(ip), Some("the cloud metadata address"));
    }
}
