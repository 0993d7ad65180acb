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

/// `name` as DNS holds it: A-labels (UTS 46, with `idna`), lowercase, no trailing dot; a
/// leading `*.` is kept.
pub(crate) fn to_ascii(name: &str) -> Result<String, HostError> {
    let bad = |reason: &'static str, message: String| HostError::invalid("name", reason, message);
    let trimmed = name.trim().trim_end_matches('.');
    if trimmed
        .trim_start_matches('[')
        .trim_end_matches(']')
        .parse::<IpAddr>()
        .is_ok()
    {
        return Err(bad(
            "ip-address",
            format!("`{name}` is an IP address: CloudFront's alternate domain names are names, not addresses"),
        ));
    }
    let (wildcard, rest) = match trimmed.strip_prefix("*.") {
        Some(rest) => ("*.", rest),
        None => ("", trimmed),
    };
    let ascii =
        idna::domain_to_ascii(rest).map_err(|e| bad("not-a-name", format!("`{name}` is not a domain name ({e})")))?;
    let labels_ok = !ascii.is_empty()
        && ascii.len() <= 253
        && ascii.split('.').all(|l| {
            !l.is_empty() && l.len() <= 63 && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        });
    if !labels_ok {
        return Err(bad(
            "not-a-name",
            format!("`{name}` is not a domain name: labels of letters, digits and `-`, each at most 63 characters"),
        ));
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
        for (ip, reason) in [
            ("192.0.2.1", "ip-address"),
            ("[2001:db8::1]", "ip-address"),
            ("a b.com", "not-a-name"),
        ] {
            match to_ascii(ip) {
                Err(HostError::InvalidInput { reason: r, .. }) => assert_eq!(r, reason, "{ip}"),
                other => panic!("{ip}: {other:?}"),
            }
        }
    }
}
