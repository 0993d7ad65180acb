use super::*;
use crate::input::Target;
use switchyard_sdk::certificates::{KeyAlgorithm, Link, PathProblem, PublicKey, SanState};
use switchyard_sdk::{DeniedError, InvalidInputError};

const NOW: i64 = 1_750_000_000; // 2025-06-15T15:06:40Z

fn input() -> Input {
    serde_json::from_value(serde_json::json!({
        "certificate": "cert.pem", "private_key": "key.pem", "chain": "chain.pem",
        "domains": ["www.example.com", "example.com"]
    }))
    .expect("test input")
}

fn domains(i: &Input) -> Vec<Domain> {
    i.domains
        .iter()
        .map(|d| Domain {
            name: d.clone(),
            given: d.clone(),
        })
        .collect()
}

/// A v3 certificate; a leaf (serverAuth, digitalSignature) when it has `names`, else a CA.
fn cert(cn: &str, issuer: &str, names: &[&str]) -> CertificateFacts {
    let ca = names.is_empty();
    CertificateFacts {
        subject: format!("CN={cn}"),
        common_name: Some(cn.to_owned()),
        issuer: format!("CN={issuer}"),
        serial: "0a1b".into(),
        not_before: NOW - 10 * DAY,
        not_after: NOW + 90 * DAY,
        x509_version: 3,
        san: if ca { SanState::Absent } else { SanState::Present },
        dns_names: names.iter().map(|n| (*n).to_owned()).collect(),
        ip_addresses: Vec::new(),
        public_suffix_wildcards: Vec::new(),
        extended_key_usage: (!ca).then(|| vec!["serverAuth".to_owned()]),
        key_usage: Some(if ca {
            vec!["keyCertSign".to_owned(), "cRLSign".to_owned()]
        } else {
            vec!["digitalSignature".to_owned()]
        }),
        problems: Vec::new(),
        key: PublicKey {
            algorithm: KeyAlgorithm::Rsa,
            bits: 2048,
        },
        signature_algorithm: "sha256WithRSAEncryption".into(),
        sha256_fingerprint: cn.bytes().map(|b| format!("{b:02x}")).collect(),
        is_ca: ca,
    }
}

fn link(signed_by: Option<u32>, self_signed: bool) -> Link {
    Link { signed_by, self_signed }
}

/// What the host reports of one bundle.
struct Bundle {
    facts: BundleFacts,
    v: Verification,
    path: PathCheck,
}

impl Bundle {
    fn check(&self, input: &Input) -> Vec<Finding> {
        self.check_for(input, &domains(input))
    }

    fn check_for(&self, input: &Input, domains: &[Domain]) -> Vec<Finding> {
        let loaded = Loaded {
            facts: &self.facts,
            verification: &self.v,
            path: &self.path,
        };
        check_bundle(input, domains, loaded)
    }

    /// The host found the path does not hold, with `code`.
    fn path_fails(&mut self, code: &str, message: &str) {
        self.path.trusted = false;
        self.path.problem = Some(PathProblem {
            code: code.into(),
            message: message.into(),
        });
    }
}

fn trusted() -> PathCheck {
    PathCheck {
        trusted: true,
        problem: None,
        trust_store: None,
    }
}

/// www.example.com ← Intermediate ← (Root, not included, trusted).
fn good() -> Bundle {
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
    Bundle {
        facts,
        v,
        path: trusted(),
    }
}

fn codes(f: &[Finding]) -> Vec<&'static str> {
    f.iter().map(|f| f.code).collect()
}

#[test]
fn a_good_bundle_has_no_findings() {
    assert_eq!(good().check(&input()), []);
}

#[test]
fn key_mismatch() {
    let mut b = good();
    b.v.key_matches_leaf = false;
    let f = b.check(&input());
    assert_eq!(codes(&f), ["key-mismatch"]);
    assert!(f[0].message.contains("key.pem") && f[0].message.contains("cert.pem"));
}

#[test]
fn validity_dates() {
    let i = input();
    let mut b = good();
    b.facts.leaf.not_after = NOW - 3 * DAY;
    let f = b.check(&i);
    assert_eq!(codes(&f), ["expired"]);
    assert!(
        f[0].message.contains("2025-06-12T15:06:40Z") && f[0].message.contains("3 days ago"),
        "{}",
        f[0].message
    );

    let mut b = good();
    b.facts.leaf.not_before = NOW + DAY + 1;
    let f = b.check(&i);
    assert_eq!(codes(&f), ["not-yet-valid"]);
    assert!(f[0].message.contains("1 day from now"), "{}", f[0].message);

    let mut b = good();
    b.facts.leaf.not_after = NOW + 29 * DAY + 5;
    let f = b.check(&i);
    assert_eq!(codes(&f), ["expires-soon"]);
    assert_eq!(f[0].severity, Severity::Warning);
    assert!(f[0].message.contains("in 29 days, on 2025-07-14"), "{}", f[0].message);

    b.facts.leaf.not_after = NOW + 30 * DAY;
    assert_eq!(b.check(&i), []);

    // Exactly at the end is still valid.
    b.facts.leaf.not_after = NOW;
    let f = b.check(&i);
    assert_eq!(codes(&f), ["expires-soon"]);
    assert!(f[0].message.contains("in less than a day"), "{}", f[0].message);
    let mut i0 = input();
    i0.min_days = 0;
    assert_eq!(b.check(&i0), []);

    b.v.checked_at = NOW + 1;
    assert_eq!(codes(&b.check(&i0)), ["expired"]);
}

#[test]
fn domains_one_finding_each() {
    let mut i = input();
    i.domains = vec![
        "www.example.com".into(),
        "a.b.example.com".into(),
        "shop.example.com".into(),
    ];
    let mut b = good();
    b.facts.leaf.dns_names = vec!["www.example.com".into(), "*.b.example.com".into()];
    let f = b.check(&i);
    assert_eq!(codes(&f), ["domain-not-covered"]);
    assert!(f[0].message.contains("`shop.example.com`"));
    assert!(f[0].message.contains("*.example.com"), "{}", f[0].message);
}

#[test]
fn the_common_name_never_counts() {
    let mut b = good();
    b.facts.leaf.san = SanState::Absent;
    b.facts.leaf.dns_names.clear();
    b.facts.leaf.common_name = Some("www.example.com".into());
    let f = b.check(&input());
    assert_eq!(codes(&f), ["no-san", "domain-not-covered", "domain-not-covered"]);
    assert!(f[0].message.contains("Chrome 58"), "{}", f[0].message);
    assert!(
        f[1].message.contains("it has no subject alternative names"),
        "{}",
        f[1].message
    );

    // A SAN that does not parse: no name, and no fallback either.
    b.facts.leaf.san = SanState::Malformed("unexpected end of input".into());
    let f = b.check(&input());
    assert_eq!(codes(&f), ["malformed-san", "domain-not-covered", "domain-not-covered"]);
    assert!(f[0].message.contains("(unexpected end of input)"), "{}", f[0].message);
}

#[test]
fn wildcards_under_a_public_suffix_never_cover() {
    let mut i = input();
    i.domains = vec!["example.co.uk".into()];
    let mut b = good();
    b.facts.leaf.dns_names = vec!["*.co.uk".into()];
    b.facts.leaf.public_suffix_wildcards = vec!["*.co.uk".into()];
    let f = b.check(&i);
    assert_eq!(codes(&f), ["domain-not-covered"]);
    assert!(
        f[0].message
            .contains("`*.co.uk` would match, but is a wildcard directly under a public suffix"),
        "{}",
        f[0].message
    );
}

#[test]
fn domains_are_shown_as_given_too() {
    let i = input();
    let mut b = good();
    b.facts.leaf.dns_names = vec!["www.example.com".into()];
    let snowman = Domain {
        name: "xn--n3h.com".into(),
        given: "☃.com".into(),
    };
    let f = b.check_for(&i, std::slice::from_ref(&snowman));
    assert_eq!(codes(&f), ["domain-not-covered"]);
    assert!(f[0].message.contains("`xn--n3h.com` (☃.com)"), "{}", f[0].message);
    b.facts.leaf.dns_names = vec!["xn--n3h.com".into()];
    assert_eq!(b.check_for(&i, &[snowman]), []);
}

#[test]
fn a_leaf_for_servers_only() {
    let i = input();
    let mut b = good();
    b.facts.leaf.extended_key_usage = Some(vec!["clientAuth".into()]);
    let f = b.check(&i);
    assert_eq!(codes(&f), ["wrong-eku"]);
    assert!(f[0].message.contains("is clientAuth"), "{}", f[0].message);
    b.facts.leaf.extended_key_usage = Some(Vec::new());
    let f = b.check(&i);
    assert_eq!(codes(&f), ["wrong-eku"]);
    assert!(f[0].message.contains("is empty"), "{}", f[0].message);
    // No extension at all allows every usage (RFC 5280 4.2.1.12).
    b.facts.leaf.extended_key_usage = None;
    assert_eq!(b.check(&i), []);

    let mut b = good();
    b.facts.leaf.is_ca = true;
    let f = b.check(&i);
    assert_eq!(codes(&f), ["leaf-is-ca"]);
    assert!(f[0].message.contains("basic constraints cA"), "{}", f[0].message);
    let mut b = good();
    b.facts.leaf.key_usage = Some(vec!["digitalSignature".into(), "keyCertSign".into()]);
    let f = b.check(&i);
    assert_eq!(codes(&f), ["leaf-is-ca"]);
    assert!(f[0].message.contains("keyCertSign"), "{}", f[0].message);
}

#[test]
fn malformed_leaves() {
    let i = input();
    let mut b = good();
    b.facts.leaf.x509_version = 1;
    let f = b.check(&i);
    assert_eq!(codes(&f), ["malformed-certificate"]);
    assert!(f[0].message.contains("X.509 version 1"), "{}", f[0].message);

    let mut b = good();
    b.facts.leaf.problems = vec!["the extension 1.2.3.4 is critical and unknown".into(), "x twice".into()];
    let f = b.check(&i);
    assert_eq!(codes(&f), ["malformed-certificate"]);
    assert!(
        f[0].message.contains("1.2.3.4 is critical and unknown; x twice"),
        "{}",
        f[0].message
    );
}

#[test]
fn whole_chain_in_certificate_file() {
    let mut b = good();
    b.facts.certificates_in_certificate_file = 2;
    let f = b.check(&input());
    assert_eq!(codes(&f), ["multiple-certs-in-cert-file"]);
    assert!(f[0].message.contains("holds 2 certificates"));
}

#[test]
fn chain_incomplete_names_the_issuer() {
    let mut b = good();
    b.facts.chain.clear();
    b.v.chain.clear();
    b.v.leaf = link(None, false);
    b.path_fails("untrusted-root", "the chain does not reach a root");
    let mut i = input();
    i.chain = None;
    let f = b.check(&i);
    assert_eq!(codes(&f), ["chain-incomplete"]);
    assert!(f[0].message.contains("`CN=Intermediate`") && f[0].message.contains("`chain`"));
}

#[test]
fn an_issuer_whose_signature_does_not_verify_is_not_missing() {
    let mut b = good();
    b.v.leaf = link(None, false);
    b.path_fails("bad-signature", "a signature on the path does not verify");
    let f = b.check(&input());
    assert_eq!(codes(&f), ["bad-signature"]);
    assert!(
        f[0].message
            .contains("holds `CN=Intermediate` with the name of the issuer of `CN=www.example.com`"),
        "{}",
        f[0].message
    );
}

#[test]
fn a_path_that_holds_needs_no_intermediate() {
    // A private root of the trust store signed the leaf itself.
    let mut b = good();
    b.facts.chain.clear();
    b.v.chain.clear();
    b.v.leaf = link(None, false);
    b.path.trust_store = Some("root.pem".into());
    assert_eq!(b.check(&input()), []);
}

#[test]
fn a_certificate_off_the_verified_path_is_not_judged() {
    // An expired cross-sign that browsers route around: the path holds without it.
    let mut b = good();
    b.facts.chain[0].not_after = NOW - DAY;
    assert_eq!(b.check(&input()), []);
    b.facts.chain[0].is_ca = false;
    assert_eq!(b.check(&input()), []);
}

#[test]
fn a_signature_the_host_cannot_verify_is_not_bad() {
    let mut b = good();
    b.v.leaf = link(None, false);
    b.path_fails(
        "unsupported-algorithm",
        "signed with an algorithm browsers do not accept",
    );
    let f = b.check(&input());
    assert_eq!(codes(&f), ["unsupported-signature"]);
}

#[test]
fn intermediates_valid_now_and_cas() {
    let i = input();
    let mut b = good();
    b.facts.chain[0].not_after = NOW - DAY;
    b.path_fails("expired", "a certificate of the path has expired");
    let f = b.check(&i);
    assert_eq!(codes(&f), ["intermediate-expired"]);
    assert!(
        f[0].message.contains("`CN=Intermediate` expired on 2025-06-14"),
        "{}",
        f[0].message
    );

    let mut b = good();
    b.facts.chain[0].not_before = NOW + DAY;
    b.path_fails("not-yet-valid", "not valid yet");
    assert_eq!(codes(&b.check(&i)), ["intermediate-not-yet-valid"]);

    let mut b = good();
    b.facts.chain[0].is_ca = false;
    b.path_fails(
        "intermediate-not-ca",
        "a certificate of the chain signs another but is not a CA",
    );
    let f = b.check(&i);
    assert_eq!(codes(&f), ["intermediate-not-ca"]);
    assert!(f[0].message.contains("`CN=Intermediate` signs"), "{}", f[0].message);
}

#[test]
fn what_only_the_path_shows() {
    let i = input();
    for (host, code) in [
        ("untrusted-root", "untrusted-root"),
        ("name-constraint-violation", "name-constraint-violation"),
        ("path-length-exceeded", "path-length-exceeded"),
        ("wrong-eku", "wrong-eku"),
        ("unsupported-algorithm", "unsupported-signature"),
        ("malformed-certificate", "malformed-certificate"),
        ("something-new", "untrusted-root"),
    ] {
        let mut b = good();
        b.path_fails(host, "the host's reason");
        let f = b.check(&i);
        assert_eq!(codes(&f), [code], "{host}");
        assert_eq!(f[0].severity, Severity::Error);
        assert!(
            f[0].message.starts_with("checked against Mozilla's roots") && f[0].message.contains("the host's reason"),
            "{}",
            f[0].message
        );
    }
    let mut b = good();
    b.path.trust_store = Some("pki/root.pem".into());
    b.path_fails("untrusted-root", "the chain does not reach a root of the trust store");
    let f = b.check(&i);
    assert!(
        f[0].message.starts_with("checked against the roots of pki/root.pem"),
        "{}",
        f[0].message
    );
    assert!(!f[0].message.contains("trust_store"), "{}", f[0].message);

    // What the facts found already is not said twice.
    let mut b = good();
    b.v.leaf = link(None, true);
    b.facts.leaf.issuer = b.facts.leaf.subject.clone();
    b.facts.chain.clear();
    b.v.chain.clear();
    b.path_fails("untrusted-root", "no root");
    assert_eq!(codes(&b.check(&i)), ["self-signed"]);
    let mut b = good();
    b.facts.leaf.is_ca = true;
    b.path_fails("leaf-is-ca", "the leaf is a CA");
    assert_eq!(codes(&b.check(&i)), ["leaf-is-ca"]);
}

/// Leaf ← I2 ← I1 ← Root.
fn three_level(chain_order: &[&str], links: Vec<Link>, leaf_signed_by: u32) -> Bundle {
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
    Bundle {
        facts,
        v,
        path: trusted(),
    }
}

#[test]
fn chain_in_order_with_root_only_warns() {
    let b = three_level(
        &["I2", "I1", "Root"],
        vec![link(Some(1), false), link(Some(2), false), link(Some(2), true)],
        0,
    );
    let f = b.check(&input());
    assert_eq!(codes(&f), ["chain-includes-root"]);
    assert!(f[0].message.contains("`CN=Root`"));
    let r = Report::new(f, None);
    assert!(r.ok);
    assert!(r.into_result().is_ok());
}

#[test]
fn chain_out_of_order() {
    let b = three_level(&["I1", "I2"], vec![link(None, false), link(Some(0), false)], 1);
    let f = b.check(&input());
    assert_eq!(codes(&f), ["chain-order"]);
    let m = &f[0].message;
    assert!(m.contains("signed by `CN=I2`, which must come first"), "{m}");
    assert!(m.contains("1. `CN=I2`, 2. `CN=I1`"), "{m}");

    // Root first, then the intermediates reversed.
    let b = three_level(
        &["Root", "I1", "I2"],
        vec![link(None, true), link(Some(0), false), link(Some(1), false)],
        2,
    );
    let f = b.check(&input());
    assert_eq!(codes(&f), ["chain-order", "chain-includes-root"]);
    assert!(
        f[0].message
            .contains("`CN=I1` is signed by `CN=Root`, which must come right after it")
    );
    assert!(f[0].message.contains("1. `CN=I2`, 2. `CN=I1`"), "{}", f[0].message);
}

#[test]
fn chain_with_an_unrelated_certificate() {
    let mut b = good();
    b.facts.chain.push(cert("Other CA", "Other Root", &[]));
    b.v.chain.push(link(None, false));
    let f = b.check(&input());
    assert_eq!(codes(&f), ["chain-order"]);
    assert!(f[0].message.contains("remove `CN=Other CA`"), "{}", f[0].message);
}

#[test]
fn chain_with_a_certificate_twice() {
    let mut b = good();
    b.facts.chain.push(b.facts.chain[0].clone());
    b.v.chain.push(link(None, false));
    let f = b.check(&input());
    assert_eq!(codes(&f), ["chain-order"]);
    assert!(
        f[0].message.contains("remove the second copy of `CN=Intermediate`"),
        "{}",
        f[0].message
    );
}

#[test]
fn self_signed_leaf() {
    let mut b = good();
    b.facts.leaf.issuer = b.facts.leaf.subject.clone();
    b.facts.chain.clear();
    b.v.chain.clear();
    b.v.leaf = link(None, true);
    assert_eq!(codes(&b.check(&input())), ["self-signed"]);
}

#[test]
fn keys_cloudfront_accepts() {
    let ok = |algorithm, bits| keys::key_supported(&PublicKey { algorithm, bits });
    assert!(ok(KeyAlgorithm::Rsa, 1024));
    assert!(ok(KeyAlgorithm::Rsa, 2048));
    assert!(ok(KeyAlgorithm::Rsa, 3072));
    assert!(ok(KeyAlgorithm::Rsa, 4096));
    assert!(!ok(KeyAlgorithm::Rsa, 512));
    assert!(!ok(KeyAlgorithm::Rsa, 2052));
    assert!(!ok(KeyAlgorithm::Rsa, 8192));
    assert!(ok(KeyAlgorithm::EcP256, 256));
    for algorithm in [
        KeyAlgorithm::EcP192,
        KeyAlgorithm::EcP224,
        KeyAlgorithm::EcP384,
        KeyAlgorithm::EcP521,
        KeyAlgorithm::Ed25519,
        KeyAlgorithm::Dsa,
        KeyAlgorithm::Other,
    ] {
        assert!(!ok(algorithm, 256), "{algorithm:?}");
    }

    let mut b = good();
    b.facts.leaf.key = PublicKey {
        algorithm: KeyAlgorithm::EcP384,
        bits: 384,
    };
    let f = b.check(&input());
    assert_eq!(codes(&f), ["unsupported-key"]);
    assert!(
        f[0].message
            .contains("is EC P-384: CloudFront takes RSA keys of 1024, 2048, 3072 or 4096 bits"),
        "{}",
        f[0].message
    );
    b.facts.leaf.key = PublicKey {
        algorithm: KeyAlgorithm::Rsa,
        bits: 2052,
    };
    let f = b.check(&input());
    assert_eq!(codes(&f), ["unsupported-key"]);
    assert!(f[0].message.contains("is RSA 2052"), "{}", f[0].message);
}

#[test]
fn rsa_1024_is_weak() {
    let mut b = good();
    b.facts.leaf.key.bits = 1024;
    let f = b.check(&input());
    assert_eq!(codes(&f), ["weak-key"]);
    assert_eq!(f[0].severity, Severity::Warning);
    assert!(f[0].message.contains("a warning for IAM"), "{}", f[0].message);
    assert!(Report::new(f, None).ok);

    let mut i = input();
    i.target = Target::Acm;
    let f = b.check(&i);
    assert_eq!(codes(&f), ["weak-key"]);
    assert_eq!(f[0].severity, Severity::Error);
    assert!(f[0].message.contains("Baseline Requirements 6.1.5"), "{}", f[0].message);
}

#[test]
fn errors_first_in_fixed_order() {
    let mut i = input();
    i.domains = vec!["nope.example.org".into()];
    let mut b = good();
    b.v.key_matches_leaf = false;
    b.v.leaf = link(None, false);
    b.facts.chain.clear();
    b.v.chain.clear();
    b.facts.leaf.not_after = NOW + DAY;
    b.facts.certificates_in_certificate_file = 3;
    b.path_fails("untrusted-root", "no root");
    let f = b.check(&i);
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
    let r = Report::new(f, Some(Summary::new(&b.facts.leaf, NOW)));
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
fn every_code_is_documented_and_every_documented_code_exists() {
    let readme = include_str!("../../README.md");
    let table = readme.split("## What it checks").nth(1).expect("the README's findings");
    let documented: Vec<&str> = table
        .lines()
        .take_while(|l| !l.starts_with("## "))
        .filter_map(|l| l.strip_prefix("| `")?.split('`').next())
        .collect();
    assert_eq!(documented, ORDER, "the README's table lists the codes in report order");
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
    let f = load_failure(&invalid("key.pem", "unsupported-key"), &i).expect("a finding");
    assert_eq!((f.code, f.severity), ("unsupported-key", Severity::Error));
    assert_eq!(f.message, "`key.pem`: the host says so");

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
