//! `switchyard:step/domain-names`: domain names as browsers read them.

use std::net::IpAddr;

use super::wit::domain_names::Host;
use crate::error::HostError;
use crate::state::StepState;

impl Host for StepState {
    async fn to_ascii(&mut self, name: String) -> Result<String, HostError> {
        to_ascii(&name)
    }

    async fn is_public_suffix(&mut self, name: String) -> wasmtime::Result<bool> {
        Ok(crate::certs::is_public_suffix(&name))
    }
}

/// `name` as DNS holds it: A-labels (UTS 46 with `idna`'s strict rules: STD3 letters, digits
/// and hyphens, hyphen rules, DNS lengths), lowercase, without one trailing dot; a leading `*.`
/// is kept.
pub(crate) fn to_ascii(name: &str) -> Result<String, HostError> {
    let bad = |reason: &'static str, message: String| HostError::invalid("name", reason, message);
    let trimmed = name.strip_suffix('.').unwrap_or(name);
    let address = trimmed
        .trim_start_matches('[')
        .trim_end_matches(']')
        .parse::<IpAddr>()
        .is_ok();
    // A numeric last label is an IPv4 address in a short form (`127.1`), never a name.
    let numeric = trimmed
        .rsplit('.')
        .next()
        .is_some_and(|l| !l.is_empty() && l.bytes().all(|b| b.is_ascii_digit()));
    if address || numeric {
        return Err(bad(
            "ip-address",
            format!("`{name}` is an IP address: CloudFront's alternate domain names are names, not addresses"),
        ));
    }
    let (wildcard, rest) = match trimmed.strip_prefix("*.") {
        Some(rest) => ("*.", rest),
        None => ("", trimmed),
    };
    let ascii = idna::domain_to_ascii_strict(rest).map_err(|_| {
        bad(
            "not-a-name",
            format!(
                "`{name}` is not a domain name: labels of letters, digits and inner hyphens (or \
                 international letters), 1 to 63 characters each, 253 in all"
            ),
        )
    })?;
    if ascii.is_empty() {
        return Err(bad("not-a-name", "the name is empty".into()));
    }
    Ok(format!("{wildcard}{ascii}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn international_names_become_a_labels_and_addresses_are_refused() {
        assert_eq!(to_ascii("☃.com").expect("a name"), "xn--n3h.com");
        assert_eq!(to_ascii("Bücher.Example.").expect("a name"), "xn--bcher-kva.example");
        assert_eq!(to_ascii("*.WWW.example.com").expect("a wildcard"), "*.www.example.com");
        assert_eq!(to_ascii("xn--n3h.com").expect("an A-label"), "xn--n3h.com");
        let long = format!("{}.com", "a".repeat(64));
        for (ip, reason) in [
            ("192.0.2.1", "ip-address"),
            ("[2001:db8::1]", "ip-address"),
            ("127.1", "ip-address"),
            ("a b.com", "not-a-name"),
            (" example.com", "not-a-name"),
            ("under_score.example.com", "not-a-name"),
            ("-lead.example.com", "not-a-name"),
            ("example..com", "not-a-name"),
            ("example.com..", "not-a-name"),
            (long.as_str(), "not-a-name"),
            ("", "not-a-name"),
        ] {
            match to_ascii(ip) {
                Err(HostError::InvalidInput { reason: r, .. }) => assert_eq!(r, reason, "{ip}"),
                other => panic!("{ip}: {other:?}"),
            }
        }
    }
}
