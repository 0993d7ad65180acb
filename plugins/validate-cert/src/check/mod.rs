//! The policy: what makes a certificate bundle fit for CloudFront and browsers, as findings.
//!
//! Pure functions over the facts the host reports (the bundle's facts, its signature links and
//! its path to a trusted root); nothing here calls the host, so it is unit tested on the build
//! machine's target. One module per part of the policy: [`keys`], [`leaf`] (names and usage),
//! [`chain`], [`path`].

mod chain;
mod keys;
mod leaf;
mod path;
mod report;

use serde::Serialize;
use switchyard_sdk::Error;
use switchyard_sdk::certificates::{BundleFacts, CertificateFacts, PathCheck, Verification};
use switchyard_sdk::date::{self, DAY};

pub use self::keys::key_name;
pub use self::report::{Report, Summary};
use crate::input::Input;

/// How bad a finding is: any error fails the step.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// CloudFront, IAM, ACM or browsers would reject the bundle.
    Error,
    /// Works today, but needs attention.
    Warning,
}

/// One thing wrong with the bundle, and what to do about it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// A stable code, one of [`ORDER`].
    pub code: &'static str,
    /// Its severity.
    pub severity: Severity,
    /// What is wrong and what to do, for a person.
    pub message: String,
}

/// Every finding code, in report order (within each severity).
pub const ORDER: &[&str] = &[
    "unreadable",
    "encrypted-key",
    "key-mismatch",
    "unsupported-key",
    "weak-key",
    "malformed-certificate",
    "expired",
    "not-yet-valid",
    "no-san",
    "malformed-san",
    "domain-not-covered",
    "wrong-eku",
    "leaf-is-ca",
    "multiple-certs-in-cert-file",
    "self-signed",
    "chain-incomplete",
    "bad-signature",
    "chain-order",
    "intermediate-expired",
    "intermediate-not-yet-valid",
    "intermediate-not-ca",
    "name-constraint-violation",
    "path-length-exceeded",
    "unsupported-signature",
    "untrusted-root",
    "expires-soon",
    "chain-includes-root",
];

/// A name of `domains`, in ASCII (as the host gave it back: `domain-names.to-ascii`), and as given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Domain {
    /// In ASCII (A-labels), lowercase.
    pub name: String,
    /// As the input gave it.
    pub given: String,
}

impl Domain {
    /// `name`, and its Unicode form when it was given in one: `xn--n3h.com` (☃.com).
    fn shown(&self) -> String {
        if self.given == self.name {
            format!("`{}`", self.name)
        } else {
            format!("`{}` ({})", self.name, self.given)
        }
    }
}

/// What the host reported of a loaded bundle.
#[derive(Debug, Clone, Copy)]
pub struct Loaded<'a> {
    /// Its certificates' public facts.
    pub facts: &'a BundleFacts,
    /// How its key and signatures link.
    pub verification: &'a Verification,
    /// How its leaf chains to a trusted root.
    pub path: &'a PathCheck,
}

fn error(code: &'static str, message: String) -> Finding {
    Finding {
        code,
        severity: Severity::Error,
        message,
    }
}

fn warning(code: &'static str, message: String) -> Finding {
    Finding {
        code,
        severity: Severity::Warning,
        message,
    }
}

/// `n thing` or `n things`.
fn count(n: impl Into<i128>, thing: &str) -> String {
    let n = n.into();
    if n == 1 {
        format!("{n} {thing}")
    } else {
        format!("{n} {thing}s")
    }
}

/// The reasons the WIT documents for a file that `certificates.load` cannot use (besides
/// `encrypted-key` and `unsupported-key`). The host may give others (it gives `no-key` and
/// `unreadable` too): every `invalid-input` from `load` is about the files, so every one is a
/// finding.
#[cfg(test)]
const UNREADABLE: &[&str] = &[
    "missing",
    "empty",
    "oversized",
    "not-pem",
    "truncated",
    "malformed",
    "no-certificate",
];

/// Which input a bundle file came from, from the path the host names.
fn role(input: &Input, field: &str) -> Option<(&'static str, &'static str)> {
    if field == input.private_key {
        Some(("private key file", "private_key"))
    } else if field == input.certificate {
        Some(("certificate file", "certificate"))
    } else if input.chain.as_deref() == Some(field) {
        Some(("chain file", "chain"))
    } else {
        None
    }
}

/// The finding for a bundle that `certificates.load` refused, or `None` when the error is not
/// about the files (denied, internal, …): then the step fails with it.
pub fn load_failure(e: &Error, input: &Input) -> Option<Finding> {
    let Error::InvalidInput(i) = e else {
        return None;
    };
    let field = &i.field;
    if i.reason == "encrypted-key" {
        return Some(error(
            "encrypted-key",
            format!(
                "the private key `{field}` is encrypted with a passphrase; CloudFront, IAM and ACM \
                 need an unencrypted key: decrypt it with \
                 `openssl pkey -in {field} -out key-decrypted.pem` (it asks for the passphrase), \
                 point `private_key` at key-decrypted.pem and keep that file private"
            ),
        ));
    }
    // The host's message says what is wrong with the file and how to fix it.
    let host = i.message.trim().trim_end_matches('.');
    if i.reason == "unsupported-key" {
        return Some(error("unsupported-key", format!("`{field}`: {host}")));
    }
    let (what, fix) = match role(input, field) {
        Some((what, key)) => (what, format!("correct the file or `{key}` in the step's `with`")),
        None => ("file", "correct the file or its path in the step's `with`".to_owned()),
    };
    Some(error(
        "unreadable",
        format!(
            "cannot use the {what} `{field}` ({}): {host}. Then {fix} and run the step again",
            i.reason
        ),
    ))
}

fn q(c: &CertificateFacts) -> String {
    format!("`{}`", c.subject)
}

/// Checks a loaded bundle for the names `domains`. Returns the findings in report order.
pub fn check_bundle(input: &Input, domains: &[Domain], bundle: Loaded<'_>) -> Vec<Finding> {
    let mut out = Vec::new();
    let leaf = &bundle.facts.leaf;
    keys::check(input, bundle, &mut out);
    leaf::check(leaf, domains, &mut out);
    validity(input, leaf, bundle.verification.checked_at, &mut out);
    if bundle.facts.certificates_in_certificate_file > 1 {
        out.push(error(
            "multiple-certs-in-cert-file",
            format!(
                "the certificate file `{}` holds {} certificates: put only the server certificate \
                 ({}) in it, and the intermediate certificates in the chain file (`chain`), the \
                 leaf's issuer first",
                input.certificate,
                bundle.facts.certificates_in_certificate_file,
                q(leaf)
            ),
        ));
    }
    chain::check(input, bundle, &mut out);
    path::check(bundle.path, &mut out);
    sort(&mut out);
    out
}

fn validity(input: &Input, leaf: &CertificateFacts, now: i64, out: &mut Vec<Finding>) {
    if now > leaf.not_after {
        let ago = date::days_between(leaf.not_after, now);
        let ago = if ago > 0 {
            format!(", {} ago", count(ago, "day"))
        } else {
            String::new()
        };
        out.push(error(
            "expired",
            format!(
                "the certificate expired on {}{ago}: renew it with your certificate authority and \
                 use the new certificate and key",
                date::rfc3339(leaf.not_after)
            ),
        ));
    } else if leaf.not_after.saturating_sub(now) < i64::from(input.min_days) * DAY {
        let left = date::days_between(now, leaf.not_after);
        let left = if left > 0 {
            format!("in {}", count(left, "day"))
        } else {
            "in less than a day".to_owned()
        };
        out.push(warning(
            "expires-soon",
            format!(
                "the certificate expires {left}, on {} (fewer than `min_days` = {}): renew it now \
                 so that CloudFront never serves an expired certificate",
                date::date(leaf.not_after),
                input.min_days
            ),
        ));
    }
    if now < leaf.not_before {
        out.push(error(
            "not-yet-valid",
            format!(
                "the certificate is not valid before {} ({} from now): wait until then, keep the \
                 certificate it replaces until then, or check the host's clock",
                date::rfc3339(leaf.not_before),
                match date::days_between(now, leaf.not_before) {
                    0 => "less than a day".to_owned(),
                    n => count(n, "day"),
                }
            ),
        ));
    }
}

/// Sorts findings: errors first, then warnings, each in [`ORDER`]; stable otherwise.
pub fn sort(findings: &mut [Finding]) {
    findings.sort_by_key(|f| {
        (
            f.severity,
            ORDER.iter().position(|c| *c == f.code).unwrap_or(ORDER.len()),
        )
    });
}

#[cfg(test)]
mod tests;
