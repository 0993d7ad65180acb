//! The key: the certificate's own, of a kind and size CloudFront takes and root programs allow.
//!
//! CloudFront takes RSA keys of 1024, 2048, 3072 or 4096 bits and ECDSA keys on P-256
//! (prime256v1) only ("Requirements for using SSL/TLS certificates with CloudFront", *Key type*
//! and *Size of the certificate key*; for ACM certificates, ACM's "Supported Regions" page lists
//! the same). The CA/Browser Forum Baseline Requirements (6.1.5) and Mozilla's root store policy
//! (5.1) require RSA of at least 2048 bits.

use switchyard_sdk::certificates::{KeyAlgorithm, PublicKey};

use super::{Finding, Loaded, Severity, error, q};
use crate::input::{Input, Target};

/// RSA sizes CloudFront lists.
const RSA_SIZES: [u32; 4] = [1024, 2048, 3072, 4096];

/// How a key is named in messages and in the report: `RSA 2048`, `EC P-256`, …
pub fn key_name(key: &PublicKey) -> String {
    match key.algorithm {
        KeyAlgorithm::Rsa => format!("RSA {}", key.bits),
        KeyAlgorithm::EcP256 => "EC P-256".to_owned(),
        KeyAlgorithm::EcP384 => "EC P-384".to_owned(),
        KeyAlgorithm::EcP521 => "EC P-521".to_owned(),
        KeyAlgorithm::EcP192 => "EC P-192".to_owned(),
        KeyAlgorithm::EcP224 => "EC P-224".to_owned(),
        KeyAlgorithm::Ed25519 => "Ed25519".to_owned(),
        KeyAlgorithm::Dsa => format!("DSA {}", key.bits),
        KeyAlgorithm::Other if key.bits > 0 => format!("other ({} bits)", key.bits),
        KeyAlgorithm::Other => "other".to_owned(),
    }
}

/// Whether CloudFront serves a certificate with this key.
pub fn key_supported(key: &PublicKey) -> bool {
    match key.algorithm {
        KeyAlgorithm::Rsa => RSA_SIZES.contains(&key.bits),
        KeyAlgorithm::EcP256 => true,
        _ => false,
    }
}

pub(super) fn check(input: &Input, bundle: Loaded<'_>, out: &mut Vec<Finding>) {
    let leaf = &bundle.facts.leaf;
    if !bundle.verification.key_matches_leaf {
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
    let key = &leaf.key;
    let reissue = "Have the certificate issued again for a new RSA 2048 or ECDSA P-256 key (e.g. \
                   `openssl req -new -newkey rsa:2048 -nodes -keyout key.pem -out req.csr`)";
    if !key_supported(key) {
        out.push(error(
            "unsupported-key",
            format!(
                "the certificate's key is {}: CloudFront takes RSA keys of 1024, 2048, 3072 or 4096 \
                 bits and ECDSA keys on P-256 (prime256v1) only, from IAM and from ACM alike. {reissue}",
                key_name(key)
            ),
        ));
    } else if key.algorithm == KeyAlgorithm::Rsa && key.bits < 2048 {
        let (severity, why) = match input.target {
            Target::Acm => (
                Severity::Error,
                "an error for ACM (`target = \"acm\"`): switchyard holds imports into ACM to the \
                 root programs' rules",
            ),
            Target::Iam => (
                Severity::Warning,
                "a warning for IAM: CloudFront still serves it, but no public CA issues such keys \
                 any more, so browsers will not trust it unless it comes from a private CA",
            ),
        };
        out.push(Finding {
            code: "weak-key",
            severity,
            message: format!(
                "the certificate's key is {}, below the 2048 bits the CA/Browser Forum (Baseline \
                 Requirements 6.1.5) and Mozilla (root store policy 5.1) require; {why}. {reissue}",
                key_name(key)
            ),
        });
    }
}
