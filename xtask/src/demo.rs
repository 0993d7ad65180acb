//! `cargo xtask demo`: the emulator, `whoami`, `validate`, and the whole maintenance-failover
//! workflow (plan, apply, apply again, its runs, rollback) against it.

use std::fs;
use std::path::Path;
use std::process::Command;

use anyhow::Context;
use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair};
use time::{Duration, OffsetDateTime};

use crate::emulator::{Emulator, python};
use crate::{cargo, root, run_cmd};

/// Runs the demo.
pub fn run() -> anyhow::Result<()> {
    run_cmd(cargo().args(["build", "--quiet", "-p", "switchyard"]))?;
    let dir = root().join("target/demo");
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(dir.join("certs"))?;
    sample_certificate(&dir.join("certs"))?;
    // The demo's CA is not one of Mozilla's: the workflow trusts its root.
    let workflow = fs::read_to_string(root().join("examples/maintenance-failover.toml"))?;
    fs::write(dir.join("maintenance-failover.toml"), with_trust_store(&workflow)?)?;
    fs::copy(root().join("examples/maintenance.html"), dir.join("maintenance.html"))?;

    let emulator = Emulator::start()?;
    println!("emulator: {}\n", emulator.endpoint);
    run_cmd(
        Command::new(python())
            .arg(root().join("emulator/demo_seed.py"))
            .arg(&emulator.endpoint),
    )
    .context("cannot seed the emulator")?;
    let switchyard = |args: &[&str]| {
        let mut cmd = Command::new(root().join("target/debug/switchyard"));
        cmd.args(args)
            .current_dir(&dir)
            .env("AWS_ENDPOINT_URL", &emulator.endpoint)
            .env("AWS_ACCESS_KEY_ID", "demo")
            .env("AWS_SECRET_ACCESS_KEY", "demo")
            .env("AWS_REGION", "us-east-1")
            .env("AWS_EC2_METADATA_DISABLED", "true")
            .env("AWS_CONFIG_FILE", "/dev/null")
            .env("AWS_SHARED_CREDENTIALS_FILE", "/dev/null")
            .env_remove("AWS_PROFILE");
        cmd
    };
    let step = |title: &str, args: &[&str]| -> anyhow::Result<()> {
        println!("\n$ switchyard {}   # {title}", args.join(" "));
        run_cmd(&mut switchyard(args))
    };
    step("which account", &["whoami"])?;
    step(
        "check the certificate",
        &[
            "validate",
            "--cert",
            "certs/site.pem",
            "--key",
            "certs/site.key",
            "--chain",
            "certs/chain.pem",
            "--domain",
            "www.example.com",
            "--domain",
            "example.com",
            "--trust-store",
            "certs/root.pem",
        ],
    )?;
    step("what would change", &["plan", "maintenance-failover.toml"])?;
    step("do it", &["apply", "maintenance-failover.toml"])?;
    step("again: nothing to change", &["apply", "maintenance-failover.toml"])?;
    step("every apply is a journaled run", &["runs"])?;
    let runs = switchyard(&["runs", "--output", "json"])
        .output()
        .context("cannot list the runs")?;
    let runs: serde_json::Value = serde_json::from_slice(&runs.stdout).context("`runs --output json` is not JSON")?;
    let first = runs[0]["id"].as_str().context("no run was journaled")?.to_owned();
    step("its changes", &["runs", "show", &first])?;
    step("what undoing it would do", &["rollback", &first, "--plan"])?;
    step("undo it", &["rollback", &first])?;
    println!("\nThe workflow is examples/maintenance-failover.toml; the demo's files are in target/demo/.");
    Ok(())
}

/// The example workflow, its validate step trusting the roots of `certs/root.pem`.
fn with_trust_store(workflow: &str) -> anyhow::Result<String> {
    let validate = "domains = \"${vars.domains}\" }\ngrants = [\"certificates:load:certs/*\"]";
    anyhow::ensure!(workflow.contains(validate), "the example's validate step has changed");
    Ok(workflow.replace(
        validate,
        &validate.replace("\" }", "\", trust_store = \"certs/root.pem\" }"),
    ))
}

/// A CA, an intermediate and a leaf for example.com, written to `dir` (the root too: it is the
/// trust store, as for a private PKI).
fn sample_certificate(dir: &Path) -> anyhow::Result<()> {
    let now = OffsetDateTime::now_utc();
    let ca_key = KeyPair::generate()?;
    let mut ca = CertificateParams::new(Vec::<String>::new())?;
    ca.distinguished_name
        .push(DnType::CommonName, "Switchyard Demo Root CA");
    ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca.not_before = now - Duration::days(1);
    ca.not_after = now + Duration::days(3650);
    let ca_cert = ca.self_signed(&ca_key)?;
    let ca_issuer = Issuer::new(ca, ca_key);

    let int_key = KeyPair::generate()?;
    let mut int = CertificateParams::new(Vec::<String>::new())?;
    int.distinguished_name
        .push(DnType::CommonName, "Switchyard Demo Intermediate CA");
    int.is_ca = IsCa::Ca(BasicConstraints::Constrained(0));
    int.not_before = now - Duration::days(1);
    int.not_after = now + Duration::days(1825);
    let int_cert = int.signed_by(&int_key, &ca_issuer)?;
    let int_issuer = Issuer::new(int, int_key);

    let leaf_key = KeyPair::generate()?;
    let mut leaf = CertificateParams::new(vec!["www.example.com".to_owned(), "example.com".to_owned()])?;
    leaf.distinguished_name.push(DnType::CommonName, "www.example.com");
    leaf.not_before = now - Duration::days(1);
    leaf.not_after = now + Duration::days(90);
    let leaf_cert = leaf.signed_by(&leaf_key, &int_issuer)?;

    fs::write(dir.join("site.pem"), leaf_cert.pem())?;
    fs::write(dir.join("site.key"), leaf_key.serialize_pem()).context("cannot write the sample key")?;
    fs::write(dir.join("chain.pem"), int_cert.pem())?;
    fs::write(dir.join("root.pem"), ca_cert.pem())?;
    Ok(())
}
