//! Facts for unit tests.

use switchyard_sdk::certificates::{CertificateFacts, KeyAlgorithm, Link, PublicKey, SanState, Verification};

/// The host's clock in tests: 2025-06-15T15:06:40Z.
pub const NOW: i64 = 1_750_000_000;

/// The leaf of the test bundle: expires 2026-05-01T12:00:00Z, serial `00f1e2d3c4b5a697`.
pub fn leaf() -> CertificateFacts {
    CertificateFacts {
        subject: "CN=www.example.com".into(),
        common_name: Some("www.example.com".into()),
        issuer: "CN=Intermediate".into(),
        serial: "00f1e2d3c4b5a697".into(),
        not_before: NOW - 10 * 86_400,
        not_after: 1_777_636_800,
        x509_version: 3,
        san: SanState::Present,
        dns_names: vec!["www.example.com".into(), "example.com".into()],
        ip_addresses: Vec::new(),
        public_suffix_wildcards: Vec::new(),
        extended_key_usage: Some(vec!["serverAuth".into()]),
        key_usage: Some(vec!["digitalSignature".into()]),
        problems: Vec::new(),
        key: PublicKey {
            algorithm: KeyAlgorithm::Rsa,
            bits: 2048,
        },
        signature_algorithm: "sha256WithRSAEncryption".into(),
        sha256_fingerprint: "ab".repeat(32),
        is_ca: false,
    }
}

/// A verification of the test bundle: the key matches, checked at [`NOW`].
pub fn verified() -> Verification {
    Verification {
        key_matches_leaf: true,
        leaf: Link {
            signed_by: Some(0),
            self_signed: false,
        },
        chain: vec![Link {
            signed_by: None,
            self_signed: false,
        }],
        checked_at: NOW,
    }
}

/// A test input with these extra JSON fields (each starting with `,`).
pub fn input(extra: &str) -> crate::input::Input {
    serde_json::from_str(&format!(
        r#"{{"certificate":"certs/site.crt","private_key":"certs/site.key","chain":"certs/chain.pem","name":"www.example.com"{extra}}}"#
    ))
    .expect("test input parses")
}
