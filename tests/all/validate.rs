//! `switchyard validate` over a generated corpus: every finding code, its severity, the exit
//! code. The emulator is not involved: these checks must hold because AWS would reject what
//! moto accepts.

use std::path::{Path, PathBuf};

use rcgen::{
    BasicConstraints, CertificateParams, CustomExtension, ExtendedKeyUsagePurpose, GeneralSubtree, IsCa,
    KeyUsagePurpose, NameConstraints,
};
use serde_json::Value;
use time::{Duration, OffsetDateTime};

use crate::support::certs::{self, LeafSpec, P384, Pki, RSA, write};
use crate::support::{Run, switchyard};

/// Runs `switchyard validate --output json` with `args` in `dir`, trusting `dir/root.pem` when
/// there is one (the test PKI's root is not one of Mozilla's).
fn validate(dir: &Path, args: &[&str]) -> Run {
    let mut all = vec!["validate", "--output", "json"];
    all.extend_from_slice(args);
    if dir.join("root.pem").exists() {
        all.extend(["--trust-store", "root.pem"]);
    }
    switchyard().dir(dir).run(all)
}

/// The codes of the findings of a run, with their severity.
fn findings(run: &Run) -> Vec<(String, String)> {
    let json = run.json();
    json["findings"]
        .as_array()
        .unwrap_or_else(|| panic!("no findings in {run:?}"))
        .iter()
        .map(|f| {
            (
                f["code"].as_str().unwrap_or_default().to_owned(),
                f["severity"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect()
}

fn codes(run: &Run) -> Vec<String> {
    findings(run).into_iter().map(|(c, _)| c).collect()
}

/// A directory with a good bundle: site.pem, site.key, chain.pem, and its root, root.pem.
struct Bundle {
    dir: tempfile::TempDir,
    pki: Pki,
}

impl Bundle {
    fn new() -> Self {
        Self::with(LeafSpec::default())
    }

    fn with(spec: LeafSpec) -> Self {
        Self::edited(spec, |_| {})
    }

    /// A bundle whose leaf's parameters `edit` changed.
    fn edited(spec: LeafSpec, edit: impl FnOnce(&mut CertificateParams)) -> Self {
        let pki = Pki::new();
        let leaf = certs::leaf_edited(spec, Some(&pki.intermediate), edit);
        Self::of(pki, &leaf)
    }

    fn of(pki: Pki, leaf: &certs::Made) -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        write(dir.path(), "site.pem", leaf.pem());
        write(dir.path(), "site.key", leaf.key_pem());
        write(dir.path(), "chain.pem", pki.intermediate.pem());
        write(dir.path(), "root.pem", pki.root.pem());
        Self { dir, pki }
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    fn run(&self, extra: &[&str]) -> Run {
        let mut args = vec!["--cert", "site.pem", "--key", "site.key", "--chain", "chain.pem"];
        args.extend_from_slice(extra);
        validate(self.path(), &args)
    }
}

/// A good bundle covering both names passes with no findings (exit 0) and reports its facts: key
/// `EC P-256`, its DNS names, 88 to 90 days left.
#[test]
fn a_good_bundle_passes_with_its_facts() {
    let b = Bundle::new();
    let run = b.run(&["--domain", "www.example.com", "--domain", "example.com"]);
    assert_eq!(run.code, 0, "{run:?}");
    let json = run.json();
    assert_eq!(json["ok"], Value::Bool(true));
    assert_eq!(json["findings"], Value::Array(vec![]));
    assert_eq!(json["certificate"]["key"], "EC P-256");
    assert_eq!(
        json["certificate"]["dns_names"],
        serde_json::json!(["www.example.com", "example.com"])
    );
    assert!(
        json["certificate"]["days_left"]
            .as_i64()
            .is_some_and(|d| (88..=90).contains(&d)),
        "{json}"
    );
}

/// Human output for an uncovered name and no chain names both findings and ends "invalid: 2
/// error(s), 0 warning(s)"; exit 1.
#[test]
fn human_output_lists_findings_and_a_verdict() {
    let b = Bundle::new();
    let run = switchyard().dir(b.path()).run([
        "validate",
        "--cert",
        "site.pem",
        "--key",
        "site.key",
        "--domain",
        "shop.example.org",
    ]);
    assert_eq!(run.code, 1, "{run:?}");
    assert!(run.stdout.contains("domain-not-covered"), "{run:?}");
    assert!(run.stdout.contains("chain-incomplete"), "{run:?}");
    assert!(run.stdout.contains("invalid: 2 error(s), 0 warning(s)"), "{run:?}");
}

/// An RSA 2048 bundle passes and is reported as such; with another RSA key, `key-mismatch` is the
/// only finding, exit 1.
#[test]
fn an_rsa_bundle_passes_and_a_foreign_key_is_a_mismatch() {
    let b = Bundle::with(LeafSpec {
        alg: &RSA,
        ..LeafSpec::default()
    });
    let run = b.run(&[]);
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(run.json()["certificate"]["key"], "RSA 2048");

    let other = certs::key(&RSA);
    write(b.path(), "other.key", other.serialize_pem());
    let run = validate(
        b.path(),
        &["--cert", "site.pem", "--key", "other.key", "--chain", "chain.pem"],
    );
    assert_eq!(run.code, 1, "{run:?}");
    assert_eq!(codes(&run), ["key-mismatch"]);
}

/// A P-256 key other than the certificate's gives `key-mismatch` and nothing else.
#[test]
fn an_ec_key_of_another_certificate_is_a_mismatch() {
    let b = Bundle::new();
    write(b.path(), "other.key", certs::key(&certs::P256).serialize_pem());
    let run = validate(
        b.path(),
        &["--cert", "site.pem", "--key", "other.key", "--chain", "chain.pem"],
    );
    assert_eq!(codes(&run), ["key-mismatch"], "{run:?}");
}

/// An expired or not-yet-valid leaf is an error (exit 1); ten days left is an `expires-soon`
/// warning that passes, and no finding with `--min-days 5`.
#[test]
fn dates_are_checked_against_now_and_min_days() {
    let run = Bundle::with(LeafSpec {
        from: -100,
        to: -1,
        ..LeafSpec::default()
    })
    .run(&[]);
    assert_eq!((run.code, codes(&run)), (1, vec!["expired".to_owned()]), "{run:?}");

    let run = Bundle::with(LeafSpec {
        from: 2,
        to: 90,
        ..LeafSpec::default()
    })
    .run(&[]);
    assert_eq!(
        (run.code, codes(&run)),
        (1, vec!["not-yet-valid".to_owned()]),
        "{run:?}"
    );

    let soon = Bundle::with(LeafSpec {
        to: 10,
        ..LeafSpec::default()
    });
    let run = soon.run(&[]);
    assert_eq!(run.code, 0, "a warning alone passes: {run:?}");
    assert_eq!(findings(&run), [("expires-soon".to_owned(), "warning".to_owned())]);
    let run = soon.run(&["--min-days", "5"]);
    assert_eq!(codes(&run), Vec::<String>::new(), "{run:?}");
}

/// `*.example.com` covers one label, in any case and with a trailing dot; the apex, a name two
/// labels deep and another domain each give `domain-not-covered` naming the name, exit 1.
#[test]
fn wildcards_cover_one_label_only() {
    let b = Bundle::with(LeafSpec {
        names: vec!["*.example.com".into()],
        ..LeafSpec::default()
    });
    let run = b.run(&[
        "--domain",
        "www.example.com",
        "--domain",
        "WWW.Example.COM.",
        "--domain",
        "api.example.com",
    ]);
    assert_eq!(run.code, 0, "{run:?}");
    for name in ["example.com", "a.b.example.com", "www.example.org"] {
        let run = b.run(&["--domain", "www.example.com", "--domain", name]);
        assert_eq!(
            (run.code, codes(&run)),
            (1, vec!["domain-not-covered".to_owned()]),
            "{name}: {run:?}"
        );
        let message = run.json()["findings"][0]["message"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        assert!(message.contains(name), "the finding names {name}: {message}");
    }
}

/// A leaf and its intermediate in the certificate file give only `multiple-certs-in-cert-file`,
/// exit 1.
#[test]
fn a_full_chain_given_as_the_certificate_is_flagged() {
    let b = Bundle::new();
    let leaf = std::fs::read_to_string(b.path().join("site.pem")).expect("read");
    write(b.path(), "fullchain.pem", format!("{leaf}{}", b.pki.intermediate.pem()));
    let run = validate(b.path(), &["--cert", "fullchain.pem", "--key", "site.key"]);
    assert_eq!(
        (run.code, codes(&run)),
        (1, vec!["multiple-certs-in-cert-file".to_owned()]),
        "{run:?}"
    );
}

/// No chain is `chain-incomplete` (exit 1), a chain with the root only a `chain-includes-root`
/// warning (exit 0), and intermediates in the wrong order `chain-order` (exit 1).
#[test]
fn chain_problems_are_named() {
    // Missing intermediate.
    let b = Bundle::new();
    let run = validate(b.path(), &["--cert", "site.pem", "--key", "site.key"]);
    assert_eq!(
        (run.code, codes(&run)),
        (1, vec!["chain-incomplete".to_owned()]),
        "{run:?}"
    );

    // Root included: a warning only.
    write(
        b.path(),
        "with-root.pem",
        format!("{}{}", b.pki.intermediate.pem(), b.pki.root.pem()),
    );
    let run = validate(
        b.path(),
        &["--cert", "site.pem", "--key", "site.key", "--chain", "with-root.pem"],
    );
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(
        findings(&run),
        [("chain-includes-root".to_owned(), "warning".to_owned())]
    );

    // Two intermediates in the wrong order.
    let dir = tempfile::tempdir().expect("temp dir");
    let root = certs::ca("Root", None);
    let upper = certs::ca("Upper Intermediate", Some(&root));
    let lower = certs::ca("Lower Intermediate", Some(&upper));
    let leaf = certs::leaf(LeafSpec::default(), Some(&lower));
    write(dir.path(), "root.pem", root.pem());
    write(dir.path(), "site.pem", leaf.pem());
    write(dir.path(), "site.key", leaf.key_pem());
    write(dir.path(), "good.pem", format!("{}{}", lower.pem(), upper.pem()));
    write(dir.path(), "swapped.pem", format!("{}{}", upper.pem(), lower.pem()));
    let run = validate(
        dir.path(),
        &["--cert", "site.pem", "--key", "site.key", "--chain", "good.pem"],
    );
    assert_eq!(run.code, 0, "{run:?}");
    let run = validate(
        dir.path(),
        &["--cert", "site.pem", "--key", "site.key", "--chain", "swapped.pem"],
    );
    assert_eq!((run.code, codes(&run)), (1, vec!["chain-order".to_owned()]), "{run:?}");
}

/// A self-signed leaf gives only `self-signed`, exit 1.
#[test]
fn a_self_signed_certificate_is_an_error() {
    let dir = tempfile::tempdir().expect("temp dir");
    let leaf = certs::leaf(LeafSpec::default(), None);
    write(dir.path(), "site.pem", leaf.pem());
    write(dir.path(), "site.key", leaf.key_pem());
    let run = validate(dir.path(), &["--cert", "site.pem", "--key", "site.key"]);
    assert_eq!((run.code, codes(&run)), (1, vec!["self-signed".to_owned()]), "{run:?}");
}

/// A P-384 key gives only `unsupported-key` (exit 1), and still does with `--target acm`.
#[test]
fn keys_cloudfront_rejects_are_unsupported() {
    let run = Bundle::with(LeafSpec {
        alg: &P384,
        ..LeafSpec::default()
    })
    .run(&[]);
    assert_eq!(
        (run.code, codes(&run)),
        (1, vec!["unsupported-key".to_owned()]),
        "{run:?}"
    );
    let run = Bundle::with(LeafSpec {
        alg: &P384,
        ..LeafSpec::default()
    })
    .run(&["--target", "acm"]);
    assert_eq!(codes(&run), ["unsupported-key"], "{run:?}");
}

/// An encrypted key, PKCS#8 or legacy PEM, gives only `encrypted-key`, exit 1.
#[test]
fn an_encrypted_key_is_named_as_such() {
    let b = Bundle::new();
    // PKCS#8 encrypted, as `openssl pkcs8 -topk8 -v2 aes256` writes it; and the legacy form.
    let pkcs8 = pem::encode(&pem::Pem::new(
        "ENCRYPTED PRIVATE KEY",
        vec![0x30, 0x03, 0x02, 0x01, 0x00],
    ));
    write(b.path(), "enc8.key", pkcs8);
    write(
        b.path(),
        "legacy.key",
        "-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,0123456789ABCDEF0123456789ABCDEF\n\nMAMCAQA=\n-----END RSA PRIVATE KEY-----\n",
    );
    for key in ["enc8.key", "legacy.key"] {
        let run = validate(b.path(), &["--cert", "site.pem", "--key", key, "--chain", "chain.pem"]);
        assert_eq!(
            (run.code, codes(&run)),
            (1, vec!["encrypted-key".to_owned()]),
            "{key}: {run:?}"
        );
    }
}

/// A certificate file that is missing, empty, not PEM, truncated, DER, oversized or a key gives
/// only `unreadable` (exit 1), with a message naming the file and the reason.
#[test]
fn unreadable_files_are_named_with_the_reason() {
    let b = Bundle::new();
    let pem = std::fs::read_to_string(b.path().join("site.pem")).expect("read");
    let der = pem::parse(&pem).expect("pem").into_contents();
    let cases: Vec<(&str, PathBuf, &str)> = vec![
        ("missing", b.path().join("nope.pem"), "missing"),
        ("empty", write(b.path(), "empty.pem", ""), "empty"),
        (
            "not PEM",
            write(b.path(), "text.pem", "hello, I am not a certificate\n"),
            "not-pem",
        ),
        (
            "truncated",
            write(b.path(), "cut.pem", &pem[..pem.len() / 2]),
            "truncated",
        ),
        ("DER", write(b.path(), "site.der", &der), "DER"),
        (
            "oversized",
            write(b.path(), "huge.pem", vec![b'A'; 3 * 1024 * 1024]),
            "larger than",
        ),
        ("a key as the certificate", b.path().join("site.key"), "no CERTIFICATE"),
    ];
    for (what, path, said) in cases {
        let run = validate(
            b.path(),
            &["--cert", path.to_str().expect("utf-8"), "--key", "site.key"],
        );
        assert_eq!(
            (run.code, codes(&run)),
            (1, vec!["unreadable".to_owned()]),
            "{what}: {run:?}"
        );
        let message = run.json()["findings"][0]["message"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        assert!(
            message.contains(path.file_name().and_then(|n| n.to_str()).unwrap_or("?")),
            "{what}: names the file: {message}"
        );
        assert!(message.contains(said), "{what}: says {said:?}: {message}");
    }
}

/// With the key given as the certificate, or a mismatched key, neither stdout nor stderr holds
/// the start of `site.key`'s body.
#[test]
fn findings_never_show_key_material() {
    let b = Bundle::new();
    write(b.path(), "other.key", certs::key(&certs::P256).serialize_pem());
    let body = |file: &str| -> String {
        let key = std::fs::read_to_string(b.path().join(file)).expect("read");
        key.lines().filter(|l| !l.starts_with("-----")).collect()
    };
    for (args, given) in [
        (["--cert", "site.key", "--key", "site.key"], "site.key"),
        (["--cert", "site.pem", "--key", "other.key"], "other.key"),
    ] {
        let run = validate(b.path(), &args);
        let body = body(given);
        for line in body.as_bytes().chunks(16).filter_map(|c| std::str::from_utf8(c).ok()) {
            assert!(
                !run.stdout.contains(line) && !run.stderr.contains(line),
                "{given}: {run:?}"
            );
        }
    }
}

/// The codes of a run, its exit code first: `(1, ["no-san"])`.
fn outcome(run: &Run) -> (i32, Vec<String>) {
    (run.code, codes(run))
}

fn strings(codes: &[&str]) -> Vec<String> {
    codes.iter().map(|c| (*c).to_owned()).collect()
}

/// The message of the first finding with `code`.
fn message(run: &Run, code: &str) -> String {
    run.json()["findings"]
        .as_array()
        .and_then(|f| f.iter().find(|f| f["code"] == code))
        .and_then(|f| f["message"].as_str())
        .unwrap_or_else(|| panic!("no {code} in {run:?}"))
        .to_owned()
}

const BOTH: [&str; 4] = ["--domain", "www.example.com", "--domain", "example.com"];

/// Names only in the common name: `no-san`, and the common name covers nothing (one
/// `domain-not-covered` per name), exit 1.
#[test]
fn a_certificate_without_subject_alternative_names_covers_nothing() {
    let b = Bundle::edited(LeafSpec::default(), |p| p.subject_alt_names.clear());
    let run = b.run(&BOTH);
    assert_eq!(
        outcome(&run),
        (1, strings(&["no-san", "domain-not-covered", "domain-not-covered"])),
        "{run:?}"
    );
    assert!(message(&run, "no-san").contains("common name"), "{run:?}");
    assert!(
        message(&run, "domain-not-covered").contains("it has no subject alternative names"),
        "{run:?}"
    );
}

/// A subject alternative name extension that does not decode is `malformed-san`, and its
/// common name is not used instead: the names are not covered, exit 1.
#[test]
fn a_malformed_san_is_not_read_as_no_names() {
    let b = Bundle::edited(LeafSpec::default(), |p| {
        p.subject_alt_names.clear();
        // A SEQUENCE of one dNSName whose length runs past the end.
        p.custom_extensions.push(CustomExtension::from_oid_content(
            &[2, 5, 29, 17],
            vec![0x30, 0x05, 0x82, 0x09, b'w'],
        ));
    });
    let run = b.run(&["--domain", "www.example.com"]);
    assert_eq!(
        outcome(&run),
        (1, strings(&["malformed-san", "domain-not-covered"])),
        "{run:?}"
    );
}

/// `*.co.uk` and `*.s3.amazonaws.com` are wildcards directly under public suffixes: they cover
/// neither `example.co.uk` nor a bucket's name, and the finding says why; exit 1.
#[test]
fn wildcards_under_a_public_suffix_cover_nothing() {
    let b = Bundle::with(LeafSpec {
        names: vec!["*.co.uk".into(), "*.s3.amazonaws.com".into(), "*.example.co.uk".into()],
        ..LeafSpec::default()
    });
    for name in ["example.co.uk", "my-bucket.s3.amazonaws.com"] {
        let run = b.run(&["--domain", name]);
        assert_eq!(outcome(&run), (1, strings(&["domain-not-covered"])), "{name}: {run:?}");
        assert!(
            message(&run, "domain-not-covered").contains("directly under a public suffix"),
            "{name}: {run:?}"
        );
    }
    let run = b.run(&["--domain", "www.example.co.uk"]);
    assert_eq!(outcome(&run), (0, vec![]), "{run:?}");
}

/// A leaf for client authentication only, or with an empty extended key usage, is `wrong-eku`,
/// exit 1; one naming `serverAuth` passes.
#[test]
fn a_leaf_must_allow_tls_server_authentication() {
    let b = Bundle::edited(LeafSpec::default(), |p| {
        p.extended_key_usages = vec![ExtendedKeyUsagePurpose::ClientAuth];
    });
    let run = b.run(&BOTH);
    assert_eq!(outcome(&run), (1, strings(&["wrong-eku"])), "{run:?}");
    assert!(message(&run, "wrong-eku").contains("clientAuth"), "{run:?}");

    let b = Bundle::edited(LeafSpec::default(), |p| {
        p.custom_extensions
            .push(CustomExtension::from_oid_content(&[2, 5, 29, 37], vec![0x30, 0x00]));
    });
    let run = b.run(&BOTH);
    assert_eq!(outcome(&run), (1, strings(&["wrong-eku"])), "{run:?}");

    let b = Bundle::edited(LeafSpec::default(), |p| {
        p.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth, ExtendedKeyUsagePurpose::ClientAuth];
    });
    assert_eq!(outcome(&b.run(&BOTH)), (0, vec![]));
}

/// A leaf that is a CA (basic constraints) or may sign certificates (`keyCertSign`) is
/// `leaf-is-ca`, exit 1.
#[test]
fn a_leaf_must_not_be_a_ca() {
    let b = Bundle::edited(LeafSpec::default(), |p| {
        p.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    });
    let run = b.run(&BOTH);
    assert_eq!(outcome(&run), (1, strings(&["leaf-is-ca"])), "{run:?}");
    assert!(message(&run, "leaf-is-ca").contains("basic constraints"), "{run:?}");

    let b = Bundle::edited(LeafSpec::default(), |p| {
        p.key_usages = vec![KeyUsagePurpose::DigitalSignature, KeyUsagePurpose::KeyCertSign];
    });
    let run = b.run(&BOTH);
    assert_eq!(outcome(&run), (1, strings(&["leaf-is-ca"])), "{run:?}");
    assert!(message(&run, "leaf-is-ca").contains("keyCertSign"), "{run:?}");
}

/// An unknown critical extension, an extension given twice and an authority information access
/// that does not decode are each `malformed-certificate`, saying which; exit 1.
#[test]
fn malformed_extensions_are_named() {
    type Edit = Box<dyn FnOnce(&mut CertificateParams)>;
    let cases: [(&str, Edit, &str); 3] = [
        (
            "unknown critical",
            Box::new(|p| {
                let mut e = CustomExtension::from_oid_content(&[1, 3, 6, 1, 4, 1, 55555, 1], vec![0x05, 0x00]);
                e.set_criticality(true);
                p.custom_extensions.push(e);
            }),
            "the critical extension 1.3.6.1.4.1.55555.1 is not one browsers know",
        ),
        (
            "twice",
            Box::new(|p| {
                p.key_usages = vec![KeyUsagePurpose::DigitalSignature];
                // keyUsage again: BIT STRING digitalSignature.
                p.custom_extensions.push(CustomExtension::from_oid_content(
                    &[2, 5, 29, 15],
                    vec![0x03, 0x02, 0x07, 0x80],
                ));
            }),
            "appears more than once",
        ),
        (
            "bad AIA",
            Box::new(|p| {
                p.custom_extensions.push(CustomExtension::from_oid_content(
                    &[1, 3, 6, 1, 5, 5, 7, 1, 1],
                    vec![0x30, 0x03, 0x02, 0x01, 0x00],
                ));
            }),
            "the authority information access extension does not parse",
        ),
    ];
    for (what, edit, said) in cases {
        let b = Bundle::edited(LeafSpec::default(), edit);
        let run = b.run(&BOTH);
        assert_eq!(
            outcome(&run),
            (1, strings(&["malformed-certificate"])),
            "{what}: {run:?}"
        );
        assert!(message(&run, "malformed-certificate").contains(said), "{what}: {run:?}");
    }
}

/// A leaf whose issuer's name is in the chain but whose signature that issuer's key does not
/// verify (another CA of the same name) is `bad-signature`, not a missing issuer; exit 1.
#[test]
fn an_issuer_that_did_not_sign_is_a_bad_signature() {
    let b = Bundle::new();
    let impostor = certs::ca("Test Intermediate CA", Some(&b.pki.root));
    write(b.path(), "impostor.pem", impostor.pem());
    let run = validate(
        b.path(),
        &["--cert", "site.pem", "--key", "site.key", "--chain", "impostor.pem"],
    );
    assert_eq!(outcome(&run), (1, strings(&["bad-signature"])), "{run:?}");
    assert!(message(&run, "bad-signature").contains("does not verify"), "{run:?}");
}

/// A bundle for a chain of `intermediate` (under the test root) and a good leaf under it.
fn under(edit: impl FnOnce(&mut CertificateParams)) -> Bundle {
    let root = certs::ca("Test Root CA", None);
    let intermediate = certs::ca_edited("Test Intermediate CA", Some(&root), edit);
    let leaf = certs::leaf(LeafSpec::default(), Some(&intermediate));
    Bundle::of(Pki { root, intermediate }, &leaf)
}

/// An expired intermediate is `intermediate-expired`, one not valid yet
/// `intermediate-not-yet-valid`, one that is not a CA `intermediate-not-ca`; exit 1.
#[test]
fn every_intermediate_must_be_a_ca_valid_now() {
    let now = OffsetDateTime::now_utc();
    let run = under(|p| {
        p.not_before = now - Duration::days(400);
        p.not_after = now - Duration::days(2);
    })
    .run(&BOTH);
    assert_eq!(outcome(&run), (1, strings(&["intermediate-expired"])), "{run:?}");
    assert!(
        message(&run, "intermediate-expired").contains("Test Intermediate CA"),
        "{run:?}"
    );

    let run = under(|p| p.not_before = now + Duration::days(2)).run(&BOTH);
    assert_eq!(outcome(&run), (1, strings(&["intermediate-not-yet-valid"])), "{run:?}");

    let run = under(|p| p.is_ca = IsCa::ExplicitNoCa).run(&BOTH);
    assert_eq!(outcome(&run), (1, strings(&["intermediate-not-ca"])), "{run:?}");
}

/// An intermediate permitted only `example.org` cannot issue for `www.example.com`:
/// `name-constraint-violation`, exit 1; permitted `example.com`, the bundle passes.
#[test]
fn name_constraints_of_the_chain_hold() {
    let constrained = |domain: &str| {
        let domain = domain.to_owned();
        under(move |p| {
            p.name_constraints = Some(NameConstraints {
                permitted_subtrees: vec![GeneralSubtree::DnsName(domain)],
                excluded_subtrees: Vec::new(),
            });
        })
    };
    let run = constrained("example.org").run(&BOTH);
    assert_eq!(outcome(&run), (1, strings(&["name-constraint-violation"])), "{run:?}");
    assert_eq!(outcome(&constrained("example.com").run(&BOTH)), (0, vec![]));
}

/// A root whose intermediate may have no CA under it (path length 0), and a second intermediate
/// under it anyway: `path-length-exceeded`, exit 1.
#[test]
fn path_length_constraints_hold() {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = certs::ca("Root", None);
    let upper = certs::ca_edited("Upper Intermediate", Some(&root), |p| {
        p.is_ca = IsCa::Ca(BasicConstraints::Constrained(0));
    });
    let lower = certs::ca("Lower Intermediate", Some(&upper));
    let leaf = certs::leaf(LeafSpec::default(), Some(&lower));
    write(dir.path(), "root.pem", root.pem());
    write(dir.path(), "site.pem", leaf.pem());
    write(dir.path(), "site.key", leaf.key_pem());
    write(dir.path(), "chain.pem", format!("{}{}", lower.pem(), upper.pem()));
    let run = validate(
        dir.path(),
        &["--cert", "site.pem", "--key", "site.key", "--chain", "chain.pem"],
    );
    assert_eq!(outcome(&run), (1, strings(&["path-length-exceeded"])), "{run:?}");
}

/// Without `--trust-store` the roots are Mozilla's, which the test root is not:
/// `untrusted-root`, exit 1; with another private root as the trust store, the same, naming
/// that file; with its own root the bundle passes.
#[test]
fn the_chain_must_reach_a_trusted_root() {
    let b = Bundle::new();
    let args = [
        "validate",
        "--output",
        "json",
        "--cert",
        "site.pem",
        "--key",
        "site.key",
        "--chain",
        "chain.pem",
    ];
    let run = switchyard().dir(b.path()).run(args);
    assert_eq!(outcome(&run), (1, strings(&["untrusted-root"])), "{run:?}");
    assert!(message(&run, "untrusted-root").contains("Mozilla's roots"), "{run:?}");

    write(b.path(), "other-root.pem", certs::ca("Other Root", None).pem());
    let mut other = args.to_vec();
    other.extend(["--trust-store", "other-root.pem"]);
    let run = switchyard().dir(b.path()).run(other);
    assert_eq!(outcome(&run), (1, strings(&["untrusted-root"])), "{run:?}");
    assert!(message(&run, "untrusted-root").contains("other-root.pem"), "{run:?}");

    assert_eq!(outcome(&b.run(&[])), (0, vec![]));

    // A private root that signs its leaves itself: nothing to put in the chain.
    let dir = tempfile::tempdir().expect("temp dir");
    let root = certs::ca("Private Root", None);
    let leaf = certs::leaf(LeafSpec::default(), Some(&root));
    write(dir.path(), "root.pem", root.pem());
    write(dir.path(), "site.pem", leaf.pem());
    write(dir.path(), "site.key", leaf.key_pem());
    let run = validate(dir.path(), &["--cert", "site.pem", "--key", "site.key"]);
    assert_eq!(outcome(&run), (0, vec![]), "{run:?}");
}

/// An expired leaf under an untrusted root is both `expired` and `untrusted-root`: the leaf's
/// dates do not hide what is wrong with the path.
#[test]
fn an_expired_leaf_does_not_hide_an_untrusted_root() {
    let b = Bundle::with(LeafSpec {
        from: -100,
        to: -1,
        ..LeafSpec::default()
    });
    std::fs::remove_file(b.path().join("root.pem")).expect("remove the trust store");
    let run = b.run(&[]);
    assert_eq!(outcome(&run), (1, strings(&["expired", "untrusted-root"])), "{run:?}");
}

/// Intermediates with P-521 and P-384 keys (signatures ecdsa-with-SHA512 and -SHA384) link and
/// verify: the bundle passes.
#[test]
fn intermediates_with_larger_curves_verify() {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = certs::ca_keyed("Root", None, &P384, |_| {});
    let intermediate = certs::ca_keyed(
        "P-521 Intermediate",
        Some(&root),
        &rcgen::PKCS_ECDSA_P521_SHA512,
        |_| {},
    );
    let leaf = certs::leaf(LeafSpec::default(), Some(&intermediate));
    write(dir.path(), "root.pem", root.pem());
    write(dir.path(), "site.pem", leaf.pem());
    write(dir.path(), "site.key", leaf.key_pem());
    write(dir.path(), "chain.pem", intermediate.pem());
    let run = validate(
        dir.path(),
        &["--cert", "site.pem", "--key", "site.key", "--chain", "chain.pem"],
    );
    assert_eq!(outcome(&run), (0, vec![]), "{run:?}");
}

/// `--domain ☃.com` is compared as `xn--n3h.com` and passes; not covered, it is named in both
/// forms. An IP address as `--domain` is refused before anything is checked: exit 2, saying
/// CloudFront's names are names.
#[test]
fn domains_are_names_compared_in_ascii() {
    let b = Bundle::with(LeafSpec {
        names: vec!["xn--n3h.com".into()],
        ..LeafSpec::default()
    });
    assert_eq!(outcome(&b.run(&["--domain", "☃.com"])), (0, vec![]));

    let run = Bundle::new().run(&["--domain", "☃.com"]);
    assert_eq!(outcome(&run), (1, strings(&["domain-not-covered"])), "{run:?}");
    assert!(
        message(&run, "domain-not-covered").contains("`xn--n3h.com` (☃.com)"),
        "{run:?}"
    );

    for ip in ["203.0.113.10", "2001:db8::1"] {
        let run = b.run(&["--domain", ip]);
        assert_eq!(run.code, 2, "{ip}: {run:?}");
        let error = run.json()["error"].as_str().unwrap_or_default().to_owned();
        assert!(
            error.contains(&format!("`{ip}` is an IP address")) && error.contains("alternate domain names are names"),
            "{ip}: {run:?}"
        );
    }
}

/// Keys CloudFront does not take are `unsupported-key` naming the key (DSA, P-192 in the key
/// file; RSA 2052 in the certificate); RSA 1024 is a `weak-key` warning for IAM (exit 0) and an
/// error for ACM (exit 1); a SHA-1 signature is `unsupported-signature`; an X.509 v1
/// certificate is `malformed-certificate` (and has no SAN).
#[test]
fn keys_signatures_and_versions_rcgen_cannot_make() {
    let b = Bundle::new();
    b.pki.odd_leaves(b.path());
    let run = |leaf: &str, extra: &[&str]| {
        let (cert, key) = (format!("{leaf}.pem"), format!("{leaf}.key"));
        let mut args = vec!["--cert", &cert, "--key", &key, "--chain", "chain.pem"];
        args.extend_from_slice(extra);
        validate(b.path(), &args)
    };
    for (leaf, named) in [("dsa", "DSA"), ("p192", "P-192"), ("rsa2052", "RSA 2052")] {
        let r = run(leaf, &BOTH);
        assert_eq!(outcome(&r), (1, strings(&["unsupported-key"])), "{leaf}: {r:?}");
        assert!(message(&r, "unsupported-key").contains(named), "{leaf}: {r:?}");
    }

    let r = run("rsa1024", &BOTH);
    assert_eq!(r.code, 0, "{r:?}");
    assert_eq!(findings(&r), [("weak-key".to_owned(), "warning".to_owned())]);
    let r = run("rsa1024", &["--target", "acm"]);
    assert_eq!(r.code, 1, "{r:?}");
    assert_eq!(findings(&r), [("weak-key".to_owned(), "error".to_owned())]);

    let r = run("sha1", &BOTH);
    assert_eq!(outcome(&r), (1, strings(&["unsupported-signature"])), "{r:?}");

    let r = run("v1", &[]);
    assert_eq!(outcome(&r), (1, strings(&["malformed-certificate", "no-san"])), "{r:?}");
    assert!(message(&r, "malformed-certificate").contains("version 1"), "{r:?}");
}

/// `validate --help` lists the finding codes of the plugin's README, in its order, each with
/// the first word of its severity.
#[test]
fn help_lists_every_finding() {
    let readme =
        std::fs::read_to_string(crate::support::root().join("plugins/validate-cert/README.md")).expect("README");
    let checks = readme.split("## What it checks").nth(1).expect("the README's findings");
    let documented: Vec<(String, String)> = checks
        .lines()
        .take_while(|l| !l.starts_with("## "))
        .filter(|l| l.starts_with("| `"))
        .map(|row| {
            let cells: Vec<&str> = row.split('|').map(str::trim).collect();
            let severity = cells[2].split_whitespace().next().unwrap_or_default();
            (cells[1].trim_matches('`').to_owned(), severity.to_owned())
        })
        .collect();
    let run = switchyard().run(["validate", "--help"]);
    assert_eq!(run.code, 0, "{run:?}");
    let listed: Vec<(String, String)> = run
        .stdout
        .split("Findings (errors first, then warnings):")
        .nth(1)
        .expect("a findings section")
        .lines()
        .skip(1)
        .map_while(|l| {
            let mut words = l.split_whitespace();
            Some((words.next()?.to_owned(), words.next()?.to_owned()))
        })
        .filter(|(code, _)| code.bytes().all(|b| b.is_ascii_lowercase() || b == b'-'))
        .collect();
    assert_eq!(listed, documented, "{}", run.stdout);
}
