//! The policy: what makes a certificate bundle fit for CloudFront, as findings.
//!
//! Pure functions over the facts the host reports; nothing here calls the host, so it is unit
//! tested on the build machine's target.

use serde::Serialize;
use switchyard_sdk::certificates::{BundleFacts, CertificateFacts, KeyAlgorithm, Link, PublicKey, Verification};
use switchyard_sdk::{Error, StepError};

use crate::input::{Input, Target};
use switchyard_sdk::date::{self, DAY};
use switchyard_sdk::names;

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
    "expired",
    "not-yet-valid",
    "domain-not-covered",
    "multiple-certs-in-cert-file",
    "self-signed",
    "chain-incomplete",
    "chain-order",
    "expires-soon",
    "chain-includes-root",
];

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
/// `encrypted-key`). The host may give others (it gives `no-key` and `unreadable` too): every
/// `invalid-input` from `load` is about the files, so every one is a finding.
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

/// How a key is named in messages and in the report: `RSA 2048`, `EC P-256`, …
pub fn key_name(key: &PublicKey) -> String {
    match key.algorithm {
        KeyAlgorithm::Rsa => format!("RSA {}", key.bits),
        KeyAlgorithm::EcP256 => "EC P-256".to_owned(),
        KeyAlgorithm::EcP384 => "EC P-384".to_owned(),
        KeyAlgorithm::EcP521 => "EC P-521".to_owned(),
        KeyAlgorithm::Ed25519 => "Ed25519".to_owned(),
        KeyAlgorithm::Other if key.bits > 0 => format!("other ({} bits)", key.bits),
        KeyAlgorithm::Other => "other".to_owned(),
    }
}

/// Whether CloudFront accepts a viewer certificate with this key: RSA 1024–4096 or ECDSA P-256.
pub fn key_supported(key: &PublicKey) -> bool {
    match key.algorithm {
        KeyAlgorithm::Rsa => (1024..=4096).contains(&key.bits),
        KeyAlgorithm::EcP256 => true,
        KeyAlgorithm::EcP384 | KeyAlgorithm::EcP521 | KeyAlgorithm::Ed25519 | KeyAlgorithm::Other => false,
    }
}

fn q(c: &CertificateFacts) -> String {
    format!("`{}`", c.subject)
}

/// Checks a loaded bundle. Returns the findings in report order.
pub fn check_bundle(input: &Input, facts: &BundleFacts, v: &Verification) -> Vec<Finding> {
    let mut out = Vec::new();
    let leaf = &facts.leaf;

    if !v.key_matches_leaf {
        out.push(error(
            "key-mismatch",
            format!(
                "the private key `{}` does not belong to the certificate `{}` ({}): use the key that \
                 was generated with this certificate's request; to find it, compare \
                 `openssl x509 -noout -pubkey -in CERT` with `openssl pkey -pubout -in KEY`",
                input.private_key,
                input.certificate,
                q(leaf)
            ),
        ));
    }

    if !key_supported(&leaf.key) {
        let who = match input.target {
            Target::Iam => "IAM server certificates for CloudFront",
            Target::Acm => "ACM certificates used by CloudFront",
        };
        out.push(error(
            "unsupported-key",
            format!(
                "the certificate's key is {}: {who} must have an RSA key of 1024 to 4096 bits or an \
                 ECDSA P-256 key. Have the certificate issued again for a new RSA 2048 or ECDSA \
                 P-256 key (e.g. `openssl req -new -newkey rsa:2048 -nodes -keyout key.pem -out req.csr`)",
                key_name(&leaf.key)
            ),
        ));
    }

    validity(input, leaf, v.checked_at, &mut out);

    for domain in &input.domains {
        if !names::covers(&leaf.dns_names, leaf.common_name.as_deref(), domain) {
            out.push(error("domain-not-covered", not_covered(leaf, domain)));
        }
    }

    if facts.certificates_in_certificate_file > 1 {
        out.push(error(
            "multiple-certs-in-cert-file",
            format!(
                "the certificate file `{}` holds {} certificates: put only the server certificate \
                 ({}) in it, and the intermediate certificates in the chain file (`chain`), the \
                 leaf's issuer first",
                input.certificate,
                facts.certificates_in_certificate_file,
                q(leaf)
            ),
        ));
    }

    chain(input, facts, v, &mut out);
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

fn not_covered(leaf: &CertificateFacts, domain: &str) -> String {
    let has = if !leaf.dns_names.is_empty() {
        let names: Vec<String> = leaf.dns_names.iter().map(|n| format!("`{n}`")).collect();
        format!("its names are {}", names.join(", "))
    } else if let Some(cn) = &leaf.common_name {
        format!("it has no DNS names, only the common name `{cn}`")
    } else {
        "it has no DNS names and no common name".to_owned()
    };
    let wildcard = match domain.trim_end_matches('.').split_once('.') {
        Some((_, parent)) if parent.contains('.') && !domain.starts_with('*') => {
            format!(" (or a wildcard `*.{parent}`)")
        }
        _ => String::new(),
    };
    format!(
        "the certificate does not cover `{domain}` ({has}): get a certificate whose subject \
         alternative names include `{domain}`{wildcard}, or remove it from `domains`"
    )
}

/// The chain index that signed a certificate, when it is in range and not the certificate
/// itself.
fn signer(link: &Link, own: Option<usize>, len: usize) -> Option<usize> {
    let j = usize::try_from(link.signed_by?).ok()?;
    (j < len && Some(j) != own).then_some(j)
}

fn chain(input: &Input, facts: &BundleFacts, v: &Verification, out: &mut Vec<Finding>) {
    let leaf = &facts.leaf;
    let certs = &facts.chain;
    let n = certs.len();
    let unlinked = Link {
        signed_by: None,
        self_signed: false,
    };
    let link = |i: usize| v.chain.get(i).unwrap_or(&unlinked);
    let leaf_signer = signer(&v.leaf, None, n);

    if v.leaf.self_signed {
        out.push(error(
            "self-signed",
            format!(
                "the certificate {} is self-signed: browsers will not trust it. Use a certificate \
                 issued by a public certificate authority (ACM, Let's Encrypt or a commercial CA)",
                q(leaf)
            ),
        ));
    } else if leaf_signer.is_none() {
        let where_ = match &input.chain {
            Some(path) => format!("add it to the chain file `{path}`, first"),
            None => "give it in a chain file (`chain`), the leaf's issuer first".to_owned(),
        };
        out.push(error(
            "chain-incomplete",
            format!(
                "nothing in the chain signed the certificate: its issuer `{}` is missing. Get the \
                 intermediate certificate(s) from your certificate authority (often sent as the \
                 \"chain\", \"bundle\" or \"intermediate\" file) and {where_}",
                leaf.issuer
            ),
        ));
    }

    // Each certificate must be followed by its signer.
    let mut wrong = Vec::new();
    if let Some(j) = leaf_signer
        && j != 0
    {
        wrong.push(format!(
            "the certificate is signed by {}, which must come first",
            q(&certs[j])
        ));
    }
    for (i, cert) in certs.iter().enumerate() {
        let l = link(i);
        if l.self_signed {
            continue;
        }
        if let Some(j) = signer(l, Some(i), n)
            && j != i + 1
        {
            wrong.push(format!(
                "{} is signed by {}, which must come right after it",
                q(cert),
                q(&certs[j])
            ));
        }
    }

    // The right order: from the leaf's signer up, without roots.
    let mut path = Vec::new();
    let mut cur = leaf_signer;
    while let Some(i) = cur {
        if path.contains(&i) {
            break;
        }
        path.push(i);
        if link(i).self_signed {
            break;
        }
        cur = signer(link(i), Some(i), n);
    }
    let extras: Vec<usize> = if leaf_signer.is_some() {
        (0..n).filter(|i| !path.contains(i) && !link(*i).self_signed).collect()
    } else {
        Vec::new()
    };

    if !wrong.is_empty() || !extras.is_empty() {
        let mut msg = if wrong.is_empty() {
            "the chain holds certificates that are not part of the certificate's chain".to_owned()
        } else {
            format!("the chain is out of order: {}", wrong.join("; "))
        };
        let order: Vec<String> = path
            .iter()
            .filter(|i| !link(**i).self_signed)
            .enumerate()
            .map(|(k, i)| format!("{}. {}", k + 1, q(&certs[*i])))
            .collect();
        if !order.is_empty() {
            msg.push_str(&format!(
                ". Put the intermediates in the chain file in this order, the leaf's issuer first: {}",
                order.join(", ")
            ));
        } else {
            msg.push_str(". Order the chain file so that each certificate is followed by the one that signed it");
        }
        // A certificate given twice links only its first copy.
        let (copies, unrelated): (Vec<usize>, Vec<usize>) = extras.iter().partition(|i| {
            path.iter()
                .any(|p| certs[*p].sha256_fingerprint == certs[**i].sha256_fingerprint)
        });
        if !copies.is_empty() {
            let names: Vec<String> = copies.iter().map(|i| q(&certs[*i])).collect();
            msg.push_str(&format!("; remove the second copy of {}", names.join(", ")));
        }
        if !unrelated.is_empty() {
            let names: Vec<String> = unrelated.iter().map(|i| q(&certs[*i])).collect();
            msg.push_str(&format!(
                "; remove {}: {} no certificate of this chain",
                names.join(", "),
                if unrelated.len() == 1 { "it signs" } else { "they sign" }
            ));
        }
        out.push(error("chain-order", msg));
    }

    for (i, cert) in certs.iter().enumerate() {
        if link(i).self_signed {
            out.push(warning(
                "chain-includes-root",
                format!(
                    "the chain includes the root certificate {} (self-signed): remove it from the \
                     chain file; CloudFront and IAM do not need the root, browsers already have it",
                    q(cert)
                ),
            ));
        }
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

/// The certificate part of the report.
#[derive(Debug, Clone, Serialize)]
pub struct Summary {
    /// Subject, RFC 4514.
    pub subject: String,
    /// Issuer, RFC 4514.
    pub issuer: String,
    /// Serial number, lowercase hex.
    pub serial: String,
    /// End of validity, RFC 3339 UTC.
    pub not_after: String,
    /// Whole days until it expires (negative once expired).
    pub days_left: i64,
    /// Its DNS names.
    pub dns_names: Vec<String>,
    /// SHA-256 fingerprint, lowercase hex.
    pub sha256_fingerprint: String,
    /// Its key, e.g. `RSA 2048`.
    pub key: String,
}

impl Summary {
    /// The summary of a leaf, as of `now`.
    pub fn new(leaf: &CertificateFacts, now: i64) -> Self {
        Summary {
            subject: leaf.subject.clone(),
            issuer: leaf.issuer.clone(),
            serial: leaf.serial.clone(),
            not_after: date::rfc3339(leaf.not_after),
            days_left: date::days_between(now, leaf.not_after),
            dns_names: leaf.dns_names.clone(),
            sha256_fingerprint: leaf.sha256_fingerprint.clone(),
            key: key_name(&leaf.key),
        }
    }
}

/// The step's report.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// No finding is an error.
    pub ok: bool,
    /// The findings, errors first.
    pub findings: Vec<Finding>,
    /// The leaf, when the bundle could be loaded.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub certificate: Option<Summary>,
}

impl Report {
    /// A report of these findings.
    pub fn new(mut findings: Vec<Finding>, certificate: Option<Summary>) -> Self {
        sort(&mut findings);
        let ok = findings.iter().all(|f| f.severity != Severity::Error);
        Report {
            ok,
            findings,
            certificate,
        }
    }

    /// The step's result: the report as output, or `validation-failed` with the report as
    /// details when any finding is an error.
    pub fn into_result(self) -> Result<String, StepError> {
        let json = switchyard_sdk::json::output(&self)?;
        let errors: Vec<&Finding> = self.findings.iter().filter(|f| f.severity == Severity::Error).collect();
        let Some(first) = errors.first() else {
            return Ok(json);
        };
        let more = match errors.len() {
            1 => String::new(),
            n => format!(" (and {} more: see the report)", n - 1),
        };
        Err(StepError {
            code: "validation-failed".into(),
            message: format!("{}: {}{more}", count(errors.len() as u32, "problem"), first.message),
            details: Some(json),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use switchyard_sdk::{DeniedError, InvalidInputError};

    const NOW: i64 = 1_750_000_000; // 2025-06-15T15:06:40Z

    fn input() -> Input {
        serde_json::from_value(serde_json::json!({
            "certificate": "cert.pem", "private_key": "key.pem", "chain": "chain.pem",
            "domains": ["www.example.com", "example.com"]
        }))
        .expect("test input")
    }

    fn cert(cn: &str, issuer: &str, names: &[&str]) -> CertificateFacts {
        CertificateFacts {
            subject: format!("CN={cn}"),
            common_name: Some(cn.to_owned()),
            issuer: format!("CN={issuer}"),
            serial: "0a1b".into(),
            not_before: NOW - 10 * DAY,
            not_after: NOW + 90 * DAY,
            dns_names: names.iter().map(|n| (*n).to_owned()).collect(),
            key: PublicKey {
                algorithm: KeyAlgorithm::Rsa,
                bits: 2048,
            },
            signature_algorithm: "sha256WithRSAEncryption".into(),
            sha256_fingerprint: cn.bytes().map(|b| format!("{b:02x}")).collect(),
            is_ca: names.is_empty(),
        }
    }

    fn link(signed_by: Option<u32>, self_signed: bool) -> Link {
        Link { signed_by, self_signed }
    }

    /// www.example.com ← Intermediate ← (Root, not included).
    fn good() -> (BundleFacts, Verification) {
        let facts = BundleFacts {
            leaf: cert("www.example.com", "Intermediate", &["www.example.com", "example.com"]),
            chain: vec![cert("Intermediate", "Root", &[])],
            certificates_in_certificate_file: 1,
        };
        let v = Verification {
            key_matches_leaf: true,
            leaf: link(Some(0), false),
            chain: vec![link(None, false)],
            checked_at: NOW,
        };
        (facts, v)
    }

    fn codes(f: &[Finding]) -> Vec<&'static str> {
        f.iter().map(|f| f.code).collect()
    }

    #[test]
    fn a_good_bundle_has_no_findings() {
        let (facts, v) = good();
        assert_eq!(check_bundle(&input(), &facts, &v), []);
    }

    #[test]
    fn key_mismatch() {
        let (facts, mut v) = good();
        v.key_matches_leaf = false;
        let f = check_bundle(&input(), &facts, &v);
        assert_eq!(codes(&f), ["key-mismatch"]);
        assert!(f[0].message.contains("key.pem") && f[0].message.contains("cert.pem"));
    }

    #[test]
    fn validity_dates() {
        let i = input();
        let (mut facts, mut v) = good();
        facts.leaf.not_after = NOW - 3 * DAY;
        let f = check_bundle(&i, &facts, &v);
        assert_eq!(codes(&f), ["expired"]);
        assert!(
            f[0].message.contains("2025-06-12T15:06:40Z") && f[0].message.contains("3 days ago"),
            "{}",
            f[0].message
        );

        let (mut facts, _) = good();
        facts.leaf.not_before = NOW + DAY + 1;
        let f = check_bundle(&i, &facts, &v);
        assert_eq!(codes(&f), ["not-yet-valid"]);
        assert!(f[0].message.contains("1 day from now"), "{}", f[0].message);

        let (mut facts, _) = good();
        facts.leaf.not_after = NOW + 29 * DAY + 5;
        let f = check_bundle(&i, &facts, &v);
        assert_eq!(codes(&f), ["expires-soon"]);
        assert_eq!(f[0].severity, Severity::Warning);
        assert!(f[0].message.contains("in 29 days, on 2025-07-14"), "{}", f[0].message);

        facts.leaf.not_after = NOW + 30 * DAY;
        assert_eq!(check_bundle(&i, &facts, &v), []);

        // Exactly at the end is still valid.
        facts.leaf.not_after = NOW;
        let f = check_bundle(&i, &facts, &v);
        assert_eq!(codes(&f), ["expires-soon"]);
        assert!(f[0].message.contains("in less than a day"), "{}", f[0].message);
        let mut i0 = input();
        i0.min_days = 0;
        assert_eq!(check_bundle(&i0, &facts, &v), []);

        v.checked_at = NOW + 1;
        assert_eq!(codes(&check_bundle(&i0, &facts, &v)), ["expired"]);
    }

    #[test]
    fn domains_one_finding_each() {
        let mut i = input();
        i.domains = vec![
            "WWW.example.com.".into(),
            "a.b.example.com".into(),
            "shop.example.com".into(),
        ];
        let (mut facts, v) = good();
        facts.leaf.dns_names = vec!["www.example.com".into(), "*.b.example.com".into()];
        let f = check_bundle(&i, &facts, &v);
        assert_eq!(codes(&f), ["domain-not-covered"]);
        assert!(f[0].message.contains("`shop.example.com`"));
        assert!(f[0].message.contains("*.example.com"), "{}", f[0].message);

        // The common name counts only without DNS names.
        facts.leaf.dns_names.clear();
        facts.leaf.common_name = Some("*.example.com".into());
        let f = check_bundle(&i, &facts, &v);
        assert_eq!(codes(&f), ["domain-not-covered"]);
        assert!(f[0].message.contains("a.b.example.com") && f[0].message.contains("only the common name"));
    }

    #[test]
    fn whole_chain_in_certificate_file() {
        let (mut facts, v) = good();
        facts.certificates_in_certificate_file = 2;
        let f = check_bundle(&input(), &facts, &v);
        assert_eq!(codes(&f), ["multiple-certs-in-cert-file"]);
        assert!(f[0].message.contains("holds 2 certificates"));
    }

    #[test]
    fn chain_incomplete_names_the_issuer() {
        let (mut facts, mut v) = good();
        facts.chain.clear();
        v.chain.clear();
        v.leaf = link(None, false);
        let mut i = input();
        i.chain = None;
        let f = check_bundle(&i, &facts, &v);
        assert_eq!(codes(&f), ["chain-incomplete"]);
        assert!(f[0].message.contains("`CN=Intermediate`") && f[0].message.contains("`chain`"));
    }

    /// Leaf ← I2 ← I1 ← Root.
    fn three_level(chain_order: &[&str], links: Vec<Link>, leaf_signed_by: u32) -> (BundleFacts, Verification) {
        let all = [
            cert("I2", "I1", &[]),
            cert("I1", "Root", &[]),
            cert("Root", "Root", &[]),
        ];
        let chain = chain_order
            .iter()
            .map(|cn| {
                all.iter()
                    .find(|c| c.common_name.as_deref() == Some(cn))
                    .expect("known cert")
                    .clone()
            })
            .collect();
        let facts = BundleFacts {
            leaf: cert("www.example.com", "I2", &["www.example.com", "example.com"]),
            chain,
            certificates_in_certificate_file: 1,
        };
        let v = Verification {
            key_matches_leaf: true,
            leaf: link(Some(leaf_signed_by), false),
            chain: links,
            checked_at: NOW,
        };
        (facts, v)
    }

    #[test]
    fn chain_in_order_with_root_only_warns() {
        let (facts, v) = three_level(
            &["I2", "I1", "Root"],
            vec![link(Some(1), false), link(Some(2), false), link(Some(2), true)],
            0,
        );
        let f = check_bundle(&input(), &facts, &v);
        assert_eq!(codes(&f), ["chain-includes-root"]);
        assert!(f[0].message.contains("`CN=Root`"));
        let r = Report::new(f, None);
        assert!(r.ok);
        assert!(r.into_result().is_ok());
    }

    #[test]
    fn chain_out_of_order() {
        let (facts, v) = three_level(&["I1", "I2"], vec![link(None, false), link(Some(0), false)], 1);
        let f = check_bundle(&input(), &facts, &v);
        assert_eq!(codes(&f), ["chain-order"]);
        let m = &f[0].message;
        assert!(m.contains("signed by `CN=I2`, which must come first"), "{m}");
        assert!(m.contains("1. `CN=I2`, 2. `CN=I1`"), "{m}");

        // Root first, then the intermediates reversed.
        let (facts, v) = three_level(
            &["Root", "I1", "I2"],
            vec![link(None, true), link(Some(0), false), link(Some(1), false)],
            2,
        );
        let f = check_bundle(&input(), &facts, &v);
        assert_eq!(codes(&f), ["chain-order", "chain-includes-root"]);
        assert!(
            f[0].message
                .contains("`CN=I1` is signed by `CN=Root`, which must come right after it")
        );
        assert!(f[0].message.contains("1. `CN=I2`, 2. `CN=I1`"), "{}", f[0].message);
    }

    #[test]
    fn chain_with_an_unrelated_certificate() {
        let (mut facts, mut v) = good();
        facts.chain.push(cert("Other CA", "Other Root", &[]));
        v.chain.push(link(None, false));
        let f = check_bundle(&input(), &facts, &v);
        assert_eq!(codes(&f), ["chain-order"]);
        assert!(f[0].message.contains("remove `CN=Other CA`"), "{}", f[0].message);
    }

    #[test]
    fn chain_with_a_certificate_twice() {
        let (mut facts, mut v) = good();
        facts.chain.push(facts.chain[0].clone());
        v.chain.push(link(None, false));
        let f = check_bundle(&input(), &facts, &v);
        assert_eq!(codes(&f), ["chain-order"]);
        assert!(
            f[0].message.contains("remove the second copy of `CN=Intermediate`"),
            "{}",
            f[0].message
        );
    }

    #[test]
    fn self_signed_leaf() {
        let (mut facts, mut v) = good();
        facts.leaf.issuer = facts.leaf.subject.clone();
        facts.chain.clear();
        v.chain.clear();
        v.leaf = link(None, true);
        let f = check_bundle(&input(), &facts, &v);
        assert_eq!(codes(&f), ["self-signed"]);
    }

    #[test]
    fn keys_cloudfront_accepts() {
        let ok = |algorithm, bits| key_supported(&PublicKey { algorithm, bits });
        assert!(ok(KeyAlgorithm::Rsa, 1024));
        assert!(ok(KeyAlgorithm::Rsa, 2048));
        assert!(ok(KeyAlgorithm::Rsa, 4096));
        assert!(!ok(KeyAlgorithm::Rsa, 512));
        assert!(!ok(KeyAlgorithm::Rsa, 8192));
        assert!(ok(KeyAlgorithm::EcP256, 256));
        assert!(!ok(KeyAlgorithm::EcP384, 384));
        assert!(!ok(KeyAlgorithm::EcP521, 521));
        assert!(!ok(KeyAlgorithm::Ed25519, 256));
        assert!(!ok(KeyAlgorithm::Other, 0));

        let (mut facts, v) = good();
        facts.leaf.key = PublicKey {
            algorithm: KeyAlgorithm::EcP384,
            bits: 384,
        };
        let f = check_bundle(&input(), &facts, &v);
        assert_eq!(codes(&f), ["unsupported-key"]);
        assert!(f[0].message.contains("EC P-384") && f[0].message.contains("IAM server certificates for CloudFront"));
        let mut i = input();
        i.target = Target::Acm;
        let f = check_bundle(&i, &facts, &v);
        assert!(f[0].message.contains("ACM certificates used by CloudFront"));
    }

    #[test]
    fn errors_first_in_fixed_order() {
        let mut i = input();
        i.domains = vec!["nope.example.org".into()];
        let (mut facts, mut v) = good();
        v.key_matches_leaf = false;
        v.leaf = link(None, false);
        facts.leaf.not_after = NOW + DAY;
        facts.certificates_in_certificate_file = 3;
        let f = check_bundle(&i, &facts, &v);
        assert_eq!(
            codes(&f),
            [
                "key-mismatch",
                "domain-not-covered",
                "multiple-certs-in-cert-file",
                "chain-incomplete",
                "expires-soon"
            ]
        );
        let r = Report::new(f, Some(Summary::new(&facts.leaf, NOW)));
        assert!(!r.ok);
        let e = r.into_result().expect_err("errors fail the step");
        assert_eq!(e.code, "validation-failed");
        assert!(e.message.starts_with("4 problems: the private key"), "{}", e.message);
        assert!(e.message.ends_with("(and 3 more: see the report)"), "{}", e.message);
        let d: serde_json::Value = serde_json::from_str(&e.details.expect("details")).expect("JSON");
        assert_eq!(d["ok"], false);
        assert_eq!(d["findings"].as_array().map(Vec::len), Some(5));
        assert_eq!(d["findings"][0]["severity"], "error");
        assert_eq!(d["findings"][4]["severity"], "warning");
        assert_eq!(d["certificate"]["days_left"], 1);
        assert_eq!(d["certificate"]["key"], "RSA 2048");
        assert_eq!(d["certificate"]["not_after"], "2025-06-16T15:06:40Z");
    }

    #[test]
    fn report_without_certificate() {
        let r = Report::new(Vec::new(), None);
        let out = r.into_result().expect("no findings");
        assert_eq!(out, r#"{"ok":true,"findings":[]}"#);
    }

    fn invalid(field: &str, reason: &str) -> Error {
        Error::InvalidInput(InvalidInputError {
            field: field.into(),
            reason: reason.into(),
            message: "the host says so.".into(),
        })
    }

    #[test]
    fn load_failures() {
        let i = input();
        let f = load_failure(&invalid("key.pem", "encrypted-key"), &i).expect("a finding");
        assert_eq!(f.code, "encrypted-key");
        assert!(f.message.contains("openssl pkey -in key.pem -out key-decrypted.pem"));

        for reason in UNREADABLE {
            let f = load_failure(&invalid("chain.pem", reason), &i).expect("a finding");
            assert_eq!((f.code, f.severity), ("unreadable", Severity::Error));
            assert!(
                f.message.contains("`chain.pem`") && f.message.contains("the host says so"),
                "{}",
                f.message
            );
        }
        let f = load_failure(&invalid("key.pem", "not-pem"), &i).expect("a finding");
        assert!(
            f.message.contains("private key file") && f.message.contains("`private_key`"),
            "{}",
            f.message
        );
        let f = load_failure(&invalid("/elsewhere.pem", "malformed"), &i).expect("a finding");
        assert!(
            f.message
                .starts_with("cannot use the file `/elsewhere.pem` (malformed)"),
            "{}",
            f.message
        );

        // Reasons the WIT does not list (the host gives `no-key`, `unreadable`) are findings too.
        for reason in ["no-key", "unreadable", "something-new"] {
            let f = load_failure(&invalid("key.pem", reason), &i).expect("a finding");
            assert_eq!(f.code, "unreadable");
        }
        let denied = Error::Denied(DeniedError {
            capability: "certificates:load".into(),
            resource: Some("key.pem".into()),
        });
        assert_eq!(load_failure(&denied, &i), None);
        assert_eq!(load_failure(&Error::Internal("disk".into()), &i), None);
    }
}
