//! The `prune-certs` step against the emulator: it keeps what a distribution uses and the newest
//! of each name, deletes the rest through plan and journal, deletes nothing the second time,
//! and a rollback given the key files uploads the deleted ones again.

use std::collections::BTreeSet;
use std::path::Path;

use aws_sdk_iam::Client;
use serde_json::Value;

use crate::support::Run;
use crate::support::certs::{LeafSpec, Pki, write};
use crate::support::site::{Site, outputs};

const PRUNE: &str = r#"[workflow]
name = "prune"
region = "us-east-1"

[[step]]
id = "prune"
plugin = "prune-certs"
with = { path_prefix = "/cloudfront/", keep = 2 }
grants = ["iam:read", "iam:write:/cloudfront/", "cloudfront:read"]
"#;

/// Uploads an old certificate of the site's base name, valid for `days`, its key in `dir`.
/// Returns its certificate (PEM).
async fn old_certificate(iam: &Client, dir: &Path, name: &str, days: i64) -> String {
    let pki = Pki::new();
    let leaf = pki.leaf(LeafSpec {
        to: days,
        ..LeafSpec::default()
    });
    write(dir, &format!("{name}.key"), leaf.key_pem());
    write(dir, &format!("{name}.pem"), leaf.pem());
    iam.upload_server_certificate()
        .server_certificate_name(name)
        .path("/cloudfront/")
        .certificate_body(leaf.pem())
        .private_key(leaf.key_pem())
        .certificate_chain(pki.intermediate.pem())
        .send()
        .await
        .expect("upload an old certificate");
    leaf.pem()
}

/// The body IAM holds for certificate `name`.
async fn body(iam: &Client, name: &str) -> String {
    iam.get_server_certificate()
        .server_certificate_name(name)
        .send()
        .await
        .expect("get")
        .server_certificate
        .map(|c| c.certificate_body)
        .unwrap_or_default()
}

/// `switchyard ARGS` in the site's folder (where its runs are journaled).
fn in_site<I, S>(site: &Site, args: I) -> Run
where
    I: IntoIterator<Item = S>,
    S: AsRef<std::ffi::OsStr>,
{
    site.emulator.switchyard().dir(site.path()).run(args)
}

async fn names(iam: &Client) -> BTreeSet<String> {
    iam.list_server_certificates()
        .send()
        .await
        .expect("list")
        .server_certificate_metadata_list
        .into_iter()
        .map(|m| m.server_certificate_name)
        .collect()
}

fn deletes(emulator_writes: &[Value]) -> Vec<String> {
    emulator_writes
        .iter()
        .filter_map(|w| w["action"].as_str().map(str::to_owned))
        .collect()
}

/// Three older certificates of the site's name and one of another: the one in use and the newest
/// other of the site's name are kept, the two oldest deleted (plan first: no write), the other
/// name's only one kept; a second apply deletes nothing; rollback needs the keys, and with them
/// uploads both again.
#[tokio::test]
async fn prune_keeps_what_is_used_and_the_newest_and_rollback_restores_the_rest() {
    let site = Site::new().await;
    site.apply();
    let iam = Client::new(&site.sdk);
    let in_use: Vec<String> = names(&iam).await.into_iter().collect();
    assert_eq!(in_use.len(), 1, "the seed workflow uploaded one: {in_use:?}");
    let keys = site.path().join("old-keys");
    std::fs::create_dir(&keys).expect("keys dir");
    let mut bodies = std::collections::BTreeMap::new();
    for (name, days) in [
        ("www-example-com-20260110-0a0a0a0a", 10),
        ("www-example-com-20260120-0b0b0b0b", 20),
        ("www-example-com-20260130-0c0c0c0c", 30),
        ("api-example-com-20260105-0d0d0d0d", 5),
    ] {
        bodies.insert(name, old_certificate(&iam, &keys, name, days).await);
    }
    std::fs::write(site.path().join("prune.toml"), PRUNE).expect("write");
    let prune = site.path().join("prune.toml");
    let prune = prune.to_str().expect("utf-8");

    site.clear_log();
    let plan = in_site(&site, ["plan", prune]);
    assert_eq!(plan.code, 0, "{plan:?}");
    assert_eq!(site.emulator.writes(), Vec::<Value>::new(), "a plan writes nothing");
    for name in ["www-example-com-20260110-0a0a0a0a", "www-example-com-20260120-0b0b0b0b"] {
        assert!(
            plan.stdout
                .contains(&format!("- delete IAM server certificate /cloudfront/{name}")),
            "{plan:?}"
        );
    }
    assert!(
        plan.stdout.contains("its private key is not"),
        "the plan says the key is not kept: {plan:?}"
    );

    let applied = in_site(&site, ["apply", "--output", "json", prune]);
    assert_eq!(applied.code, 0, "{applied:?}");
    let report = applied.json();
    let out = outputs(&report, "prune");
    let kept: BTreeSet<&str> = out["kept"]
        .as_array()
        .expect("kept")
        .iter()
        .filter_map(|k| k["name"].as_str())
        .collect();
    let expected_kept: BTreeSet<&str> = [
        in_use[0].as_str(),
        "www-example-com-20260130-0c0c0c0c",
        "api-example-com-20260105-0d0d0d0d",
    ]
    .into_iter()
    .collect();
    assert_eq!(kept, expected_kept, "{out:#}");
    let used = out["kept"]
        .as_array()
        .expect("kept")
        .iter()
        .find(|k| k["name"] == in_use[0].as_str())
        .expect("in use");
    assert_eq!(used["reason"], "in-use", "{used:#}");
    assert_eq!(
        used["used_by"].as_array().map(Vec::len),
        Some(1),
        "names the distribution: {used:#}"
    );
    assert_eq!(
        deletes(&site.emulator.writes()),
        ["DeleteServerCertificate", "DeleteServerCertificate"]
    );
    assert_eq!(
        names(&iam).await,
        expected_kept.iter().map(|s| (*s).to_owned()).collect(),
        "exactly the two oldest are gone"
    );
    assert_eq!(out["quota"]["used_before"], 5, "{out:#}");
    assert_eq!(out["quota"]["used_after"], 3, "{out:#}");
    let journal = std::fs::read_dir(site.path().join(".switchyard/runs"))
        .expect("runs")
        .flatten()
        .map(|e| std::fs::read_to_string(e.path()).unwrap_or_default())
        .collect::<String>();
    assert!(journal.contains("BEGIN CERTIFICATE"), "the public parts are kept");
    assert!(
        !journal.contains("PRIVATE KEY") && !journal.contains("<redacted>"),
        "no private key, not even one redacted"
    );

    site.clear_log();
    let again = in_site(&site, ["apply", "--output", "json", prune]);
    assert_eq!(again.code, 0, "{again:?}");
    assert_eq!(outputs(&again.json(), "prune")["deleted"], Value::Array(Vec::new()));
    assert_eq!(site.emulator.writes(), Vec::<Value>::new(), "nothing left to prune");

    let run = report["run"].as_str().expect("run id");
    let no_key = in_site(&site, ["rollback", run, "--yes"]);
    assert_eq!(no_key.code, 1, "{no_key:?}");
    assert!(
        no_key.stdout.contains("--key FILE") || no_key.stderr.contains("--key FILE"),
        "{no_key:?}"
    );
    assert_eq!(names(&iam).await.len(), 3, "nothing uploaded without a key");

    let key = |name: &str| keys.join(format!("{name}.key")).display().to_string();
    // A key file that holds no key is refused before anything is undone; a key of another
    // certificate restores nothing.
    let not_a_key = keys.join("www-example-com-20260110-0a0a0a0a.pem").display().to_string();
    let bad = in_site(&site, ["rollback", run, "--yes", "--key", &not_a_key]);
    assert_eq!(bad.code, 2, "{bad:?}");
    assert!(
        bad.stderr.contains("no-key") || bad.stderr.contains("PRIVATE KEY"),
        "{bad:?}"
    );
    let wrong = in_site(
        &site,
        [
            "rollback",
            run,
            "--yes",
            "--key",
            &key("www-example-com-20260130-0c0c0c0c"),
        ],
    );
    assert_eq!(wrong.code, 1, "{wrong:?}");
    assert!(
        (wrong.stdout.clone() + &wrong.stderr).contains("no key given is this certificate's"),
        "{wrong:?}"
    );
    assert_eq!(names(&iam).await.len(), 3, "nothing uploaded with another's key");

    let with_keys = in_site(
        &site,
        [
            "rollback",
            run,
            "--yes",
            "--key",
            &key("www-example-com-20260110-0a0a0a0a"),
            "--key",
            &key("www-example-com-20260120-0b0b0b0b"),
        ],
    );
    assert_eq!(with_keys.code, 0, "{with_keys:?}");
    assert_eq!(names(&iam).await.len(), 5, "both uploaded again");
    for name in ["www-example-com-20260110-0a0a0a0a", "www-example-com-20260120-0b0b0b0b"] {
        assert_eq!(
            body(&iam, name).await.replace("\r\n", "\n").trim(),
            bodies[name].trim(),
            "{name} is the same certificate"
        );
    }
    site.clear_log();
    let twice = in_site(&site, ["rollback", run, "--yes"]);
    assert_eq!(twice.code, 0, "a second rollback needs no key: {twice:?}");
    assert_eq!(site.emulator.writes(), Vec::<Value>::new(), "and changes nothing");
}

/// `examples/renewal.toml` on the seed site with a renewed certificate: the new one is uploaded
/// and put on the distribution, the old one kept (the newest two of the name); a second apply
/// writes nothing.
#[tokio::test]
async fn the_renewal_example_renews_and_converges() {
    let site = Site::new().await;
    site.apply();
    let iam = Client::new(&site.sdk);
    let before = names(&iam).await;
    let renewal = std::fs::read_to_string(crate::support::root().join("examples/renewal.toml")).expect("read");
    let validate = "domains = \"${vars.domains}\" }";
    assert!(renewal.contains(validate), "the example's validate step has changed");
    let renewal = renewal.replace(
        validate,
        "domains = \"${vars.domains}\", trust_store = \"certs/root.pem\" }",
    );
    std::fs::write(site.path().join("renewal.toml"), renewal).expect("write");
    site.new_certificate(120);
    let file = site.path().join("renewal.toml");
    let file = file.to_str().expect("utf-8");

    let applied = in_site(&site, ["apply", "--output", "json", file]);
    assert_eq!(applied.code, 0, "{applied:?}");
    let report = applied.json();
    let uploaded = outputs(&report, "upload")["name"].as_str().expect("name").to_owned();
    let after = names(&iam).await;
    assert_eq!(after.len(), 2, "{after:?}");
    assert!(after.contains(&uploaded) && before.is_subset(&after), "{after:?}");
    assert_eq!(outputs(&report, "prune")["deleted"], Value::Array(Vec::new()));
    let cf = aws_sdk_cloudfront::Client::new(&site.sdk);
    let id = outputs(&report, "attach")["distribution_id"]
        .as_str()
        .expect("id")
        .to_owned();
    let config = cf.get_distribution_config().id(&id).send().await.expect("config");
    let viewer = config
        .distribution_config
        .and_then(|c| c.viewer_certificate)
        .expect("viewer");
    let detail = iam
        .get_server_certificate()
        .server_certificate_name(&uploaded)
        .send()
        .await
        .expect("get");
    let cert_id = detail
        .server_certificate
        .and_then(|c| c.server_certificate_metadata)
        .map(|m| m.server_certificate_id);
    assert_eq!(
        viewer.iam_certificate_id, cert_id,
        "the renewed certificate is on the distribution"
    );

    site.clear_log();
    let again = in_site(&site, ["apply", "--output", "json", file]);
    assert_eq!(again.code, 0, "{again:?}");
    assert_eq!(site.emulator.writes(), Vec::<Value>::new(), "converged");
}

/// With `acm = true`: of three ACM certificates upload-cert imported (tagged as switchyard's),
/// the newest is kept and the two others deleted; one imported outside switchyard is never
/// touched; rollback with the two keys imports both again.
#[tokio::test]
async fn prune_reaches_only_the_acm_certificates_switchyard_imported() {
    let site = Site::new().await;
    site.acm_upload_only();
    let keys = site.path().join("old-keys");
    std::fs::create_dir(&keys).expect("keys dir");
    for (n, days) in [(1, 90), (2, 120), (3, 150)] {
        if n > 1 {
            site.new_certificate(days);
        }
        site.apply();
        std::fs::copy(site.path().join("certs/site.key"), keys.join(format!("{n}.key"))).expect("keep the key");
    }
    let acm = aws_sdk_acm::Client::new(&site.sdk);
    let pki = Pki::new();
    let foreign = pki.leaf(LeafSpec {
        to: 10,
        ..LeafSpec::default()
    });
    let foreign_arn = acm
        .import_certificate()
        .certificate(aws_sdk_acm::primitives::Blob::new(foreign.pem()))
        .private_key(aws_sdk_acm::primitives::Blob::new(foreign.key_pem()))
        .send()
        .await
        .expect("import outside switchyard")
        .certificate_arn
        .expect("arn");
    let arns = || async {
        acm.list_certificates()
            .send()
            .await
            .expect("list")
            .certificate_summary_list
            .unwrap_or_default()
            .into_iter()
            .filter_map(|c| c.certificate_arn)
            .collect::<BTreeSet<String>>()
    };
    assert_eq!(arns().await.len(), 4);
    let prune = PRUNE.replace("keep = 2 }", "keep = 1, acm = true }").replace(
        "\"cloudfront:read\"]",
        "\"cloudfront:read\", \"acm:read\", \"acm:write\"]",
    );
    std::fs::write(site.path().join("prune.toml"), prune).expect("write");
    let file = site.path().join("prune.toml");
    let file = file.to_str().expect("utf-8");

    site.clear_log();
    let applied = in_site(&site, ["apply", "--output", "json", file]);
    assert_eq!(applied.code, 0, "{applied:?}");
    let report = applied.json();
    let out = outputs(&report, "prune");
    let deleted: Vec<&str> = out["deleted"]
        .as_array()
        .expect("deleted")
        .iter()
        .filter_map(|d| d["store"].as_str())
        .collect();
    assert_eq!(deleted, ["acm", "acm"], "{out:#}");
    assert_eq!(
        deletes(&site.emulator.writes()),
        ["DeleteCertificate", "DeleteCertificate"]
    );
    let left = arns().await;
    assert_eq!(left.len(), 2, "{left:?}");
    assert!(left.contains(&foreign_arn), "another's certificate is never pruned");

    let run = report["run"].as_str().expect("run id");
    let key = |n: u32| keys.join(format!("{n}.key")).display().to_string();
    let rolled = in_site(&site, ["rollback", run, "--yes", "--key", &key(1), "--key", &key(2)]);
    assert_eq!(rolled.code, 0, "{rolled:?}");
    assert_eq!(arns().await.len(), 4, "both imported again (under new ARNs)");
    site.clear_log();
    let twice = in_site(&site, ["rollback", run, "--yes"]);
    assert_eq!(twice.code, 0, "found again by serial, no key asked: {twice:?}");
    assert_eq!(
        site.emulator.writes(),
        Vec::<Value>::new(),
        "and nothing imported twice"
    );
}
