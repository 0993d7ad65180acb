//! The path to a trusted root, as the host checked it (rustls-webpki): what the facts alone do
//! not show — a root browsers do not trust, an EKU, name or path length constraint of a CA on
//! the path — and what they show, only when nothing found it already.

use switchyard_sdk::certificates::PathCheck;

use super::{Finding, error};

/// For each code the host may give: the finding, and the findings that already say as much.
const MAP: &[(&str, &str, &[&str])] = &[
    (
        "untrusted-root",
        "untrusted-root",
        &["self-signed", "chain-incomplete", "bad-signature"],
    ),
    ("bad-signature", "bad-signature", &["chain-incomplete"]),
    ("unsupported-algorithm", "unsupported-signature", &[]),
    ("wrong-eku", "wrong-eku", &[]),
    ("leaf-is-ca", "leaf-is-ca", &[]),
    ("intermediate-not-ca", "intermediate-not-ca", &[]),
    ("name-constraint-violation", "name-constraint-violation", &[]),
    ("path-length-exceeded", "path-length-exceeded", &[]),
    ("expired", "intermediate-expired", &["expired"]),
    ("not-yet-valid", "intermediate-not-yet-valid", &["not-yet-valid"]),
    ("malformed-certificate", "malformed-certificate", &["malformed-san"]),
];

pub(super) fn check(path: &PathCheck, out: &mut Vec<Finding>) {
    let Some(problem) = &path.problem else { return };
    let (code, covered) = MAP
        .iter()
        .find(|(host, _, _)| *host == problem.code)
        .map_or(("untrusted-root", &[][..]), |(_, code, covered)| (*code, *covered));
    if out.iter().any(|f| f.code == code || covered.contains(&f.code)) {
        return;
    }
    let mozilla = path.trust_store.is_none();
    let store = match &path.trust_store {
        None => "Mozilla's roots, which CloudFront's viewers' browsers trust".to_owned(),
        Some(file) => format!("the roots of {file}"),
    };
    let fix = match code {
        "untrusted-root" if mozilla => {
            "Use a certificate from a CA in Mozilla's root program (ACM, Let's Encrypt or a \
             commercial CA); for a private PKI, name its root with `trust_store` (`--trust-store`)"
        }
        "untrusted-root" => "Use a certificate issued under one of those roots, or add its root to the file",
        "name-constraint-violation" | "path-length-exceeded" | "wrong-eku" => {
            "A CA on the path does not allow this certificate: get one issued under a CA that does"
        }
        "unsupported-signature" => {
            "Get the certificate and its chain issued again with SHA-256 (or stronger) RSA or \
             ECDSA signatures"
        }
        _ => "Get the certificate and its chain again from your certificate authority",
    };
    out.push(error(
        code,
        format!("checked against {store}: {}. {fix}", problem.message),
    ));
}
