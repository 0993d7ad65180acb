//! The leaf itself: well formed, with names browsers match (its subject alternative names, never
//! the common name; never a wildcard directly under a public suffix), for TLS server
//! authentication and not a CA.

use switchyard_sdk::certificates::{CertificateFacts, SanState};
use switchyard_sdk::names;

use super::{Domain, Finding, error, q};

pub(super) fn check(leaf: &CertificateFacts, domains: &[Domain], out: &mut Vec<Finding>) {
    if leaf.x509_version != 3 {
        out.push(error(
            "malformed-certificate",
            format!(
                "the certificate {} is X.509 version {}: browsers and ACM take version 3 only \
                 (RFC 5280 4.1.2.1; CA/Browser Forum Baseline Requirements 7.1.1). Have it issued again",
                q(leaf),
                leaf.x509_version
            ),
        ));
    }
    if !leaf.problems.is_empty() {
        out.push(error(
            "malformed-certificate",
            format!(
                "the certificate {} is malformed: {} (RFC 5280 4.2: a verifier refuses it). Have it \
                 issued again",
                q(leaf),
                leaf.problems.join("; ")
            ),
        ));
    }
    match &leaf.san {
        SanState::Absent => out.push(error(
            "no-san",
            format!(
                "the certificate {} has no subject alternative names: browsers match names there only \
                 and have ignored the common name since 2017 (Chrome 58, Firefox 48; RFC 9525). Have it \
                 issued again with the names in the subject alternative name extension",
                q(leaf)
            ),
        )),
        SanState::Malformed(why) => out.push(error(
            "malformed-san",
            format!(
                "the certificate {}'s subject alternative names do not parse ({why}): browsers match \
                 no name (and do not fall back to the common name). Have it issued again",
                q(leaf)
            ),
        )),
        SanState::Present => {}
    }
    let usable: Vec<String> = leaf
        .dns_names
        .iter()
        .filter(|n| !leaf.public_suffix_wildcards.contains(n))
        .cloned()
        .collect();
    for domain in domains {
        if !matches!(leaf.san, SanState::Present) || !names::covers(&usable, &domain.name) {
            out.push(error("domain-not-covered", not_covered(leaf, domain)));
        }
    }
    usage(leaf, out);
}

/// The extended key usage must allow TLS server authentication, and the leaf must not be a CA.
fn usage(leaf: &CertificateFacts, out: &mut Vec<Finding>) {
    match &leaf.extended_key_usage {
        Some(eku) if !eku.iter().any(|u| u == "serverAuth") => out.push(error(
            "wrong-eku",
            format!(
                "the certificate {} does not allow TLS server authentication: its extended key usage \
                 is {} (browsers need serverAuth; CA/Browser Forum Baseline Requirements 7.1.2.7.10). \
                 Have it issued again as a TLS server certificate",
                q(leaf),
                if eku.is_empty() {
                    "empty".to_owned()
                } else {
                    eku.join(", ")
                }
            ),
        )),
        _ => {}
    }
    let signs = leaf
        .key_usage
        .as_ref()
        .is_some_and(|ku| ku.iter().any(|u| u == "keyCertSign"));
    if leaf.is_ca || signs {
        let what = if leaf.is_ca {
            "is a CA certificate (basic constraints cA)"
        } else {
            "may sign certificates (key usage keyCertSign)"
        };
        out.push(error(
            "leaf-is-ca",
            format!(
                "the certificate {} {what}: a server certificate must not be one (RFC 5280 4.2.1.9; \
                 Baseline Requirements 7.1.2.7.8), and browsers refuse it. Use the server certificate \
                 your certificate authority issued, not its CA certificate",
                q(leaf)
            ),
        ));
    }
}

fn not_covered(leaf: &CertificateFacts, domain: &Domain) -> String {
    let has = match &leaf.san {
        SanState::Absent => "it has no subject alternative names".to_owned(),
        SanState::Malformed(_) => "its subject alternative names do not parse".to_owned(),
        SanState::Present if leaf.dns_names.is_empty() => "it has no DNS names".to_owned(),
        SanState::Present => {
            let names: Vec<String> = leaf.dns_names.iter().map(|n| format!("`{n}`")).collect();
            format!("its names are {}", names.join(", "))
        }
    };
    let void: Vec<String> = leaf
        .public_suffix_wildcards
        .iter()
        .filter(|w| names::matches(w, &domain.name))
        .map(|w| format!("`{w}`"))
        .collect();
    let void = if void.is_empty() {
        String::new()
    } else {
        format!(
            "; {} would match, but is a wildcard directly under a public suffix, which browsers never \
             match (Public Suffix List; Baseline Requirements 3.2.2.6)",
            void.join(", ")
        )
    };
    let wildcard = match domain.name.split_once('.') {
        Some((_, parent)) if parent.contains('.') && !domain.name.starts_with('*') => {
            format!(" (or a wildcard `*.{parent}`)")
        }
        _ => String::new(),
    };
    format!(
        "the certificate does not cover {} ({has}{void}): get a certificate whose subject alternative \
         names include `{}`{wildcard}, or remove it from `domains`",
        domain.shown(),
        domain.name
    )
}
