//! `switchyard validate` over a generated corpus: every finding code, its severity, the exit
//! code. The emulator is not involved: these checks must hold because AWS would reject what
//! moto accepts.

use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::support::certs::{self, LeafSpec, P384, Pki, RSA, write};
use crate::support::{Run, switchyard};

/// Runs `switchyard validate --output json` with `args` in `dir`.
fn validate(dir: &Path, args: &[&str]) -> Run {
    let mut all = vec!["validate", "--output", "json"];
    all.extend_from_slice(args);
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

/// A directory with a good bundle: site.pem, site.key, chain.pem.
struct Bundle {
    dir: tempfile::TempDir,
    pki: Pki,
}

impl Bundle {
    fn new() -> Self {
        Self::with(LeafSpec::default())
    }

    fn with(spec: LeafSpec) -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let pki = Pki::new();
        let leaf = pki.leaf(spec);
        write(dir.path(), "site.pem", leaf.pem());
        write(dir.path(), "site.key", leaf.key_pem());
        write(dir.path(), "chain.pem", pki.intermediate.pem());
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
