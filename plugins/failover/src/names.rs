//! DNS names and addresses: what the origin is, and names in the form they are compared in.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// The record type the origin calls for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RecordKind {
    /// An IPv4 address.
    A,
    /// An IPv6 address.
    Aaaa,
    /// A DNS name.
    Cname,
}

impl RecordKind {
    /// The Route 53 record type, e.g. `AAAA`.
    pub fn as_str(self) -> &'static str {
        match self {
            RecordKind::A => "A",
            RecordKind::Aaaa => "AAAA",
            RecordKind::Cname => "CNAME",
        }
    }

    /// Whether the record type is an address type (`A` or `AAAA`).
    pub fn is_address(self) -> bool {
        self != RecordKind::Cname
    }
}

/// The origin, classified and in canonical form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin {
    /// The record type it calls for.
    pub kind: RecordKind,
    /// The address (RFC 5952 form for IPv6) or the name (lowercase, no trailing dot).
    pub value: String,
}

/// Classifies the origin: an IPv4 address → `A`, IPv6 → `AAAA`, anything else a DNS name →
/// `CNAME`. Fails with what is wrong for an address Route 53 cannot health-check or a bad name.
pub fn origin(s: &str) -> Result<Origin, String> {
    if let Ok(ip) = s.parse::<Ipv4Addr>() {
        return checkable(IpAddr::V4(ip)).map(|()| Origin {
            kind: RecordKind::A,
            value: ip.to_string(),
        });
    }
    if let Ok(ip) = s.parse::<Ipv6Addr>() {
        return checkable(IpAddr::V6(ip)).map(|()| Origin {
            kind: RecordKind::Aaaa,
            value: ip.to_string(),
        });
    }
    let name = hostname(s)?;
    if name.starts_with("*.") {
        return Err(format!(
            "`{s}` is a wildcard: give the origin server's own name or address"
        ));
    }
    Ok(Origin {
        kind: RecordKind::Cname,
        value: name,
    })
}

/// Route 53 cannot health-check addresses in local, private, non-routable or multicast ranges.
fn checkable(ip: IpAddr) -> Result<(), String> {
    let bad = match ip {
        IpAddr::V4(v4) => {
            let [a, b, ..] = v4.octets();
            v4.is_private()
                || v4.is_loopback()
                || v4.is_link_local()
                || v4.is_unspecified()
                || v4.is_multicast()
                || v4.is_broadcast()
                || a == 0
                || a >= 240
                || (a == 100 && (64..128).contains(&b))
        }
        IpAddr::V6(v6) => {
            let first = v6.segments()[0];
            v6.is_loopback()
                || v6.is_unspecified()
                || v6.is_multicast()
                || (first & 0xfe00) == 0xfc00
                || (first & 0xffc0) == 0xfe80
        }
    };
    if bad {
        Err(format!(
            "`{ip}` is a local, private, non-routable or multicast address, which Route 53 health \
             checkers (on the internet) cannot reach: give the origin's public address"
        ))
    } else {
        Ok(())
    }
}

/// Checks a hostname and returns it lowercase without a trailing dot. A left-most `*` label
/// (a wildcard) is allowed.
pub fn hostname(s: &str) -> Result<String, String> {
    let name = s.strip_suffix('.').unwrap_or(s).to_ascii_lowercase();
    if name.is_empty() {
        return Err("a DNS name cannot be empty".into());
    }
    if name.len() > 253 {
        return Err(format!("`{s}` is longer than 253 characters"));
    }
    let labels: Vec<&str> = name.split('.').collect();
    if labels.len() < 2 {
        return Err(format!("`{s}` is not a fully qualified name (such as www.example.com)"));
    }
    for (i, label) in labels.iter().enumerate() {
        let ok_chars = label
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        let ok = (i == 0 && *label == "*") || (!label.is_empty() && label.len() <= 63 && ok_chars);
        if !ok {
            return Err(format!(
                "`{s}` is not a DNS name: label `{label}` must be 1–63 letters, digits, `-` or `_`"
            ));
        }
    }
    if labels.last().is_some_and(|l| l.bytes().all(|b| b.is_ascii_digit())) {
        return Err(format!(
            "`{s}` is neither an IP address nor a DNS name (a top-level domain is never all digits)"
        ));
    }
    Ok(name)
}

/// Checks the maintenance distribution's domain name and returns it lowercase without a
/// trailing dot.
pub fn cloudfront_domain(s: &str) -> Result<String, String> {
    if switchyard_sdk::is_placeholder(s) {
        return Ok(s.to_owned());
    }
    let name = hostname(s)?;
    match name.strip_suffix(".cloudfront.net") {
        Some(prefix) if !prefix.is_empty() && !prefix.contains('*') => Ok(name),
        _ => Err(format!(
            "`{s}` is not a CloudFront distribution's domain name: give the maintenance \
             distribution's `*.cloudfront.net` name (e.g. d111111abcdef8.cloudfront.net), not an \
             alternate domain name"
        )),
    }
}

/// A name for comparison: lowercase, no trailing dot, Route 53's `\052` escape read as `*`.
pub fn normalize(name: &str) -> String {
    let name = name.strip_suffix('.').unwrap_or(name).to_ascii_lowercase();
    name.replace("\\052", "*")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn record_type_from_origin() {
        let o = origin("192.0.2.10").expect("IPv4");
        assert_eq!((o.kind, o.value.as_str()), (RecordKind::A, "192.0.2.10"));
        let o = origin("2001:DB8:0:0::1").expect("IPv6");
        assert_eq!((o.kind, o.value.as_str()), (RecordKind::Aaaa, "2001:db8::1"));
        let o = origin("Origin.Example.NET.").expect("name");
        assert_eq!((o.kind, o.value.as_str()), (RecordKind::Cname, "origin.example.net"));
        assert_eq!(RecordKind::Aaaa.as_str(), "AAAA");
        assert!(RecordKind::A.is_address() && !RecordKind::Cname.is_address());
    }

    #[test]
    fn origins_route53_cannot_check() {
        for bad in [
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "127.0.0.1",
            "169.254.0.1",
            "0.0.0.0",
            "224.0.0.1",
            "255.255.255.255",
            "100.64.0.1",
            "::1",
            "::",
            "fd00::1",
            "fe80::1",
            "ff02::1",
        ] {
            assert!(origin(bad).is_err(), "{bad} should be refused");
        }
        for bad in [
            "",
            "localhost",
            "*.example.com",
            "a..example.com",
            "bad_ch@r.example.com",
            "300.1.2.3.4",
        ] {
            assert!(origin(bad).is_err(), "{bad} should be refused");
        }
        assert!(origin("203.0.113.7").is_ok());
        assert!(origin("2600:1f18::1").is_ok());
    }

    #[test]
    fn hostnames() {
        assert_eq!(hostname("WWW.Example.com.").as_deref(), Ok("www.example.com"));
        assert_eq!(hostname("*.example.com").as_deref(), Ok("*.example.com"));
        assert!(hostname("www.*.example.com").is_err());
        assert!(hostname("com").is_err());
        assert!(hostname(&format!("{}.example.com", "a".repeat(64))).is_err());
    }

    #[test]
    fn cloudfront_domains() {
        assert_eq!(
            cloudfront_domain("D111111abcdef8.cloudfront.net.").as_deref(),
            Ok("d111111abcdef8.cloudfront.net")
        );
        for bad in [
            "cloudfront.net",
            "www.example.com",
            "d1.cloudfront.net.evil.com",
            "d1cloudfront.net",
            "*.cloudfront.net",
        ] {
            assert!(cloudfront_domain(bad).is_err(), "{bad} should be refused");
        }
    }

    #[test]
    fn names_for_route53() {
        assert_eq!(normalize("WWW.example.com."), "www.example.com");
        assert_eq!(normalize("\\052.Example.com."), "*.example.com");
    }
}
