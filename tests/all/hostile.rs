//! Hostile plugins (issue 11): each case runs the real binary against the emulator and checks
//! what the host did, what it said, and that nothing reached AWS where a call was refused.
//!
//! Grants are typed by resource kind, files and IAM paths cannot climb out of their grants, and
//! every limit of a step's `limits` table (with its default) stops or cuts a flood by name.

use std::path::Path;
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::support::certs::{self, LeafSpec, Pki};
use crate::support::{Emulator, Run, guests, switchyard, workflow};

/// A workflow running the `misbehave` guest as step `bad` with `action` and `value` (a TOML
/// value), then `extra` (its `grants` and `limits` lines).
fn misbehave(action: &str, value: &str, extra: &str) -> String {
    format!(
        "[workflow]\nname = \"hostile\"\n\n{}",
        misbehave_step("bad", action, value, extra)
    )
}

/// One `[[step]]` running the `misbehave` guest.
fn misbehave_step(id: &str, action: &str, value: &str, extra: &str) -> String {
    format!(
        "[[step]]\nid = \"{id}\"\nplugin = \"{}\"\nwith = {{ action = \"{action}\", value = {value} }}\n{extra}\n",
        guests::MISBEHAVE
    )
}

/// Applies the workflow `file` with a JSON report.
fn apply(emulator: &Emulator, file: &Path) -> Run {
    emulator
        .switchyard()
        .run(["apply", "--output", "json", file.to_str().expect("utf-8")])
}

/// Applies `text`, written to a folder of its own.
fn apply_text(emulator: &Emulator, text: &str) -> Run {
    let (dir, file) = workflow(text);
    let run = apply(emulator, &file);
    drop(dir);
    run
}

/// A run, each stream cut to 4 KiB: a flood that got through must not flood the test's output.
fn show(run: &Run) -> String {
    fn cut(text: &str) -> &str {
        let mut end = text.len().min(4096);
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        &text[..end]
    }
    format!(
        "exit {} ({} bytes of stdout, {} of stderr)\n--- stdout\n{}\n--- stderr\n{}",
        run.code,
        run.stdout.len(),
        run.stderr.len(),
        cut(&run.stdout),
        cut(&run.stderr)
    )
}

/// The report of step `index`.
fn step(run: &Run, index: usize) -> Value {
    let json: Value = serde_json::from_str(&run.stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {}", show(run)));
    json["steps"][index].clone()
}

/// The outputs of the one step, which succeeded.
fn outputs(run: &Run) -> Value {
    let step = step(run, 0);
    assert_eq!(step["status"], "succeeded", "{}", show(run));
    step["outputs"].clone()
}

/// The failure code and message of the one step, which failed.
fn failure(run: &Run) -> (String, String) {
    failure_of(run, 0)
}

fn failure_of(run: &Run, index: usize) -> (String, String) {
    let step = step(run, index);
    assert_eq!(step["status"], "failed", "{}", show(run));
    (
        step["failure"]["code"].as_str().unwrap_or_default().to_owned(),
        step["failure"]["message"].as_str().unwrap_or_default().to_owned(),
    )
}

/// Asserts the emulator saw no request that changes anything.
fn assert_no_writes(emulator: &Emulator) {
    assert_eq!(emulator.writes(), Vec::<Value>::new(), "nothing was written");
}

/// The requests the emulator saw for `service`.
fn requests_to(emulator: &Emulator, service: &str) -> Vec<Value> {
    emulator
        .requests()
        .into_iter()
        .filter(|r| r["service"] == service)
        .collect()
}

/// Asserts `outputs` report a denial of `capability` for `resource`.
fn assert_denied(outputs: &Value, capability: &str, resource: &str) {
    assert_eq!(outputs["code"], "denied", "{outputs}");
    assert_eq!(outputs["capability"], capability, "{outputs}");
    assert_eq!(outputs["resource"], resource, "{outputs}");
}

// --- A. Grants are typed by resource kind ---------------------------------------------------

/// A grant for distribution `E123` does not reach an origin access control named `E123`: the
/// plugin gets `denied` for `cloudfront:write` on `oac/E123`, and no CloudFront request is sent.
#[test]
fn a_distribution_grant_does_not_reach_an_origin_access_control_of_that_name() {
    let emulator = Emulator::start();
    let run = apply_text(
        &emulator,
        &misbehave(
            "oac",
            "\"E123\"",
            "grants = [\"cloudfront:read\", \"cloudfront:write:E123\"]",
        ),
    );
    assert_eq!(run.code, 0, "{}", show(&run));
    assert_denied(&outputs(&run), "cloudfront:write", "oac/E123");
    assert_eq!(
        requests_to(&emulator, "cloudfront"),
        Vec::<Value>::new(),
        "no CloudFront request"
    );
    assert_no_writes(&emulator);
}

/// The same call with a grant of the origin-access-control kind (`cloudfront:write:oac/E123`)
/// creates it: the typed grant is what lets it through.
#[test]
fn an_origin_access_control_grant_lets_the_same_call_through() {
    let emulator = Emulator::start();
    let run = apply_text(
        &emulator,
        &misbehave("oac", "\"E123\"", "grants = [\"cloudfront:write:oac/E123\"]"),
    );
    assert_eq!(run.code, 0, "{}", show(&run));
    let out = outputs(&run);
    assert!(
        out["oac"].as_str().is_some_and(|id| !id.is_empty()),
        "an origin access control id: {out}"
    );
    assert!(
        emulator.writes().iter().any(|w| w["service"] == "cloudfront"),
        "the origin access control was created: {:?}",
        emulator.writes()
    );
}

/// A grant for zone `Z123` does not reach a health check whose caller reference is `Z123`: the
/// plugin gets `denied` for `route53:write` on `health-check/Z123`, and nothing is written.
#[test]
fn a_zone_grant_does_not_reach_a_health_check_of_that_name() {
    let emulator = Emulator::start();
    let run = apply_text(
        &emulator,
        &misbehave(
            "health-check",
            "\"Z123\"",
            "grants = [\"route53:read\", \"route53:write:Z123\"]",
        ),
    );
    assert_eq!(run.code, 0, "{}", show(&run));
    assert_denied(&outputs(&run), "route53:write", "health-check/Z123");
    assert_no_writes(&emulator);
}

/// The same call with `route53:write:health-check/Z123` creates the health check.
#[test]
fn a_health_check_grant_lets_the_same_call_through() {
    let emulator = Emulator::start();
    let run = apply_text(
        &emulator,
        &misbehave(
            "health-check",
            "\"Z123\"",
            "grants = [\"route53:write:health-check/Z123\"]",
        ),
    );
    assert_eq!(run.code, 0, "{}", show(&run));
    let out = outputs(&run);
    assert_eq!(out["caller_reference"], "Z123", "{out}");
    assert!(
        emulator
            .writes()
            .iter()
            .any(|w| w["service"] == "route53" && w["action"] == "CreateHealthCheck"),
        "the health check was created: {:?}",
        emulator.writes()
    );
}

/// Deleting a health check by id is checked on its caller reference: with
/// `route53:write:health-check/mine-*`, deleting one created as `theirs` is denied on
/// `health-check/theirs`, nothing is written, and the check is still there.
#[tokio::test]
async fn deleting_a_health_check_is_checked_on_its_caller_reference() {
    use aws_sdk_route53::types::{HealthCheckConfig, HealthCheckType};
    let emulator = Emulator::start();
    let r53 = aws_sdk_route53::Client::new(&emulator.sdk().await);
    let config = HealthCheckConfig::builder()
        .r#type(HealthCheckType::Https)
        .fully_qualified_domain_name("origin.example.com")
        .port(443)
        .resource_path("/health")
        .request_interval(30)
        .failure_threshold(3)
        .build()
        .expect("health check config");
    let id = r53
        .create_health_check()
        .caller_reference("theirs")
        .health_check_config(config)
        .send()
        .await
        .expect("create a health check")
        .health_check
        .expect("a health check")
        .id;
    emulator.post("/_switchyard/requests/clear", "{}");

    let run = apply_text(
        &emulator,
        &misbehave(
            "delete-health-check",
            &format!("\"{id}\""),
            "grants = [\"route53:read\", \"route53:write:health-check/mine-*\"]",
        ),
    );
    assert_eq!(run.code, 0, "{}", show(&run));
    assert_denied(&outputs(&run), "route53:write", "health-check/theirs");
    assert_no_writes(&emulator);
    r53.get_health_check()
        .health_check_id(&id)
        .send()
        .await
        .expect("the health check is still there");
}

// --- B. Files ---------------------------------------------------------------------------------

// `files:read` without a path is refused when the workflow loads (exit 2, nothing run):
// workflow_errors.rs `grants_must_be_known_and_sufficient` covers it already.

/// With `files:read:*` (the workflow's folder) and `s3:write`, uploading `/proc/self/environ` —
/// named absolutely, or by climbing out of the folder with `..` — is denied on that path for
/// `files:read`, and no S3 request at all is sent.
#[test]
fn a_file_outside_the_workflow_folder_is_not_uploaded() {
    let emulator = Emulator::start();
    let climb = format!("{}proc/self/environ", "../".repeat(16));
    for path in ["/proc/self/environ", climb.as_str()] {
        let run = apply_text(
            &emulator,
            &misbehave(
                "put-file",
                &format!("{{ bucket = \"switchyard-hostile\", key = \"environ\", path = \"{path}\" }}"),
                "grants = [\"files:read:*\", \"s3:write\"]",
            ),
        );
        assert_eq!(run.code, 0, "{path}: {}", show(&run));
        assert_denied(&outputs(&run), "files:read", "/proc/self/environ");
    }
    assert_eq!(requests_to(&emulator, "s3"), Vec::<Value>::new(), "no S3 request");
    assert_no_writes(&emulator);
}

// --- C. IAM paths and folder grants ---------------------------------------------------------

/// With `iam:read:/cloudfront/`, listing under `/cloudfront/../other/` (under the grant to IAM,
/// which compares text, but `/other/` to a person) is refused as `invalid-input`, reason
/// `bad-path`, and no IAM request is sent.
#[test]
fn an_iam_path_that_climbs_out_of_its_grant_is_refused_before_iam() {
    let emulator = Emulator::start();
    let run = apply_text(
        &emulator,
        &misbehave(
            "iam-list",
            "\"/cloudfront/../other/\"",
            "grants = [\"iam:read:/cloudfront/\"]",
        ),
    );
    assert_eq!(run.code, 0, "{}", show(&run));
    let out = outputs(&run);
    assert_eq!(out["code"], "invalid-input", "{out}");
    assert_eq!(out["reason"], "bad-path", "{out}");
    assert_eq!(requests_to(&emulator, "iam"), Vec::<Value>::new(), "no IAM request");
}

/// The same grant lists `/cloudfront/` itself: one IAM list request, zero certificates.
#[test]
fn a_plain_iam_path_under_the_grant_is_listed() {
    let emulator = Emulator::start();
    let run = apply_text(
        &emulator,
        &misbehave("iam-list", "\"/cloudfront/\"", "grants = [\"iam:read:/cloudfront/\"]"),
    );
    assert_eq!(run.code, 0, "{}", show(&run));
    assert_eq!(outputs(&run)["certificates"], 0, "{}", show(&run));
    assert!(
        requests_to(&emulator, "iam")
            .iter()
            .any(|r| r["action"] == "ListServerCertificates"),
        "IAM was asked: {:?}",
        emulator.requests()
    );
}

/// Writes a good bundle (leaf, key, one intermediate) into `dir/folder`.
fn write_bundle(pki: &Pki, dir: &Path, folder: &str) {
    let folder = dir.join(folder);
    std::fs::create_dir_all(&folder).expect("a folder for the bundle");
    let leaf = pki.leaf(LeafSpec::default());
    certs::write(&folder, "site.pem", leaf.pem());
    certs::write(&folder, "site.key", leaf.key_pem());
    certs::write(&folder, "chain.pem", pki.intermediate.pem());
}

/// The `bundles` value for the bundle in `folder`, loaded `count` times.
fn bundle_value(folder: &str, count: u32) -> String {
    format!(
        "{{ certificate = \"{folder}/site.pem\", private_key = \"{folder}/site.key\", chain = \"{folder}/chain.pem\", count = {count} }}"
    )
}

/// `certificates:load:certs/` (a trailing `/`: the folder) grants `certs/site.pem` and the rest
/// of the folder, and not `certs2/site.pem`, which only begins with the same letters.
#[test]
fn a_folder_grant_covers_the_files_in_that_folder_only() {
    let emulator = Emulator::start();
    let pki = Pki::new();
    let grants = "grants = [\"certificates:load:certs/\"]";

    let (dir, file) = workflow(&misbehave("bundles", &bundle_value("certs", 1), grants));
    write_bundle(&pki, dir.path(), "certs");
    let run = apply(&emulator, &file);
    assert_eq!(run.code, 0, "{}", show(&run));
    let out = outputs(&run);
    assert_eq!(out["loaded"], 1, "{out}");
    assert_eq!(out["chain"], 1, "{out}");
    assert!(
        out["leaf"].as_str().is_some_and(|s| s.contains("www.example.com")),
        "{out}"
    );

    let (dir, file) = workflow(&misbehave("bundles", &bundle_value("certs2", 1), grants));
    write_bundle(&pki, dir.path(), "certs2");
    let run = apply(&emulator, &file);
    assert_eq!(run.code, 0, "{}", show(&run));
    let out = outputs(&run);
    assert_eq!(out["code"], "denied", "{out}");
    assert_eq!(out["capability"], "certificates:load", "{out}");
    assert!(
        out["resource"]
            .as_str()
            .is_some_and(|r| r.ends_with("/certs2/site.pem")),
        "{out}"
    );
    assert_eq!(out["loaded"], 0, "{out}");
}

// --- D. Limits --------------------------------------------------------------------------------

/// A plugin blocked in WASI (a one-hour sleep: no guest code runs, so the time limit never gets
/// a look in) is stopped by `deadline_seconds = 3` within 30 s: code `limit`, the deadline named.
#[test]
fn a_blocking_sleep_is_stopped_at_the_deadline() {
    let emulator = Emulator::start();
    let started = Instant::now();
    let run = apply_text(
        &emulator,
        &misbehave("sleep", "3600", "limits = { time_seconds = 2, deadline_seconds = 3 }"),
    );
    assert!(
        started.elapsed() < Duration::from_secs(30),
        "stopped promptly: {}",
        show(&run)
    );
    assert_eq!(run.code, 1, "{}", show(&run));
    let (code, message) = failure(&run);
    assert_eq!(code, "limit", "{message}");
    assert!(
        message.contains("did not finish within its deadline of 3 s"),
        "{message}"
    );
}

/// Host resources count against `memory_mib`: a plugin loading the same bundle 1,000 times and
/// keeping every handle (a 512 KiB chain each: the guest's own memory stays small) is stopped
/// at 16 MiB, code `limit`, the message naming what counts and the limit in bytes.
#[test]
fn certificate_bundles_held_count_against_the_memory_limit() {
    let emulator = Emulator::start();
    let pki = Pki::new();
    let (dir, file) = workflow(&misbehave(
        "bundles",
        &bundle_value("certs", 1000),
        "grants = [\"certificates:load:certs/*\"]\nlimits = { memory_mib = 16 }",
    ));
    write_bundle(&pki, dir.path(), "certs");
    // The chain file holds the intermediate again and again: loading does not check the order
    // (only uploading does), and each copy is a valid certificate the host parses and keeps.
    let one = format!("{}\n", pki.intermediate.pem().trim_end());
    let copies = (512 * 1024) / one.len() + 1;
    certs::write(&dir.path().join("certs"), "chain.pem", one.repeat(copies));
    let run = apply(&emulator, &file);
    assert_eq!(run.code, 1, "{}", show(&run));
    let (code, message) = failure(&run);
    assert_eq!(code, "limit", "{message}");
    assert!(
        message.contains("linear memories, tables and the host resources it holds together"),
        "{message}"
    );
    assert!(message.contains("over its limit of 16777216 bytes"), "{message}");
    assert!(message.contains("`limits.memory_mib`"), "{message}");
}

/// A plugin making a million cheap host calls (`identity.caller`) with `host_calls = 100` is
/// stopped: code `limit`, the limit named; the emulator saw about 100 requests, not a million;
/// the step before it succeeded with its output intact.
#[test]
fn too_many_host_calls_stop_the_step() {
    let emulator = Emulator::start();
    let text = format!(
        "[workflow]\nname = \"hostile\"\n\n{}{}",
        misbehave_step("first", "echo", "\"kept\"", ""),
        misbehave_step(
            "bad",
            "many-calls",
            "1000000",
            "grants = [\"identity:read\"]\nlimits = { host_calls = 100 }"
        ),
    );
    let run = apply_text(&emulator, &text);
    assert_eq!(run.code, 1, "{}", show(&run));
    let first = step(&run, 0);
    assert_eq!(first["status"], "succeeded", "{}", show(&run));
    assert_eq!(first["outputs"]["value"], "kept", "{}", show(&run));
    let (code, message) = failure_of(&run, 1);
    assert_eq!(code, "limit", "{message}");
    assert!(
        message.contains("made more than its limit of 100 host calls (`limits.host_calls`)"),
        "{message}"
    );
    let requests = emulator.requests().len();
    assert!(requests <= 110, "the emulator saw {requests} requests");
}

/// Counts the plugin's flood lines and the host's log-limit notices in `stderr`.
fn flood_lines(stderr: &str) -> (usize, usize) {
    let flood = stderr.lines().filter(|l| l.contains("flood ")).count();
    let notices = stderr
        .lines()
        .filter(|l| l.contains("log limit") && l.contains("`limits.log_lines`"))
        .count();
    (flood, notices)
}

/// 100,000 log lines of 4 KB with `log_lines = 50` do not fail the step, but at most 50 of them
/// are shown, then one line saying the log limit was reached: stderr stays well under 1 MiB.
#[test]
fn a_log_flood_is_cut_at_the_line_limit() {
    let emulator = Emulator::start();
    let run = apply_text(
        &emulator,
        &misbehave("log-flood", "100000", "limits = { log_lines = 50 }"),
    );
    assert_eq!(run.code, 0, "{}", show(&run));
    assert_eq!(outputs(&run)["logged"], 100_000, "{}", show(&run));
    let (flood, notices) = flood_lines(&run.stderr);
    assert!((1..=50).contains(&flood), "{flood} flood lines: {}", show(&run));
    assert_eq!(notices, 1, "one log-limit line: {}", show(&run));
    assert!(run.stderr.len() < 256 * 1024, "{}", show(&run));
}

/// With the default limits (`log_kib = 1024`), the same flood is cut at about 1 MiB: at most
/// 1 MiB / 4 KB lines are shown, then one log-limit line.
#[test]
fn a_log_flood_is_cut_at_the_default_byte_limit() {
    let emulator = Emulator::start();
    let run = apply_text(&emulator, &misbehave("log-flood", "100000", ""));
    assert_eq!(run.code, 0, "{}", show(&run));
    let (flood, notices) = flood_lines(&run.stderr);
    assert!((1..=262).contains(&flood), "{flood} flood lines: {}", show(&run));
    assert_eq!(notices, 1, "one log-limit line: {}", show(&run));
    assert!(run.stderr.len() < 1024 * 1024 + 64 * 1024, "{}", show(&run));
}

/// A 100 MiB output (memory allowing it) fails the step against the default `output_kib`: code
/// `limit`, the limit in bytes named, and the report stays small.
#[test]
fn an_oversized_output_fails_the_step() {
    let emulator = Emulator::start();
    let run = apply_text(
        &emulator,
        &misbehave("big-output", "100", "limits = { memory_mib = 512 }"),
    );
    assert_eq!(run.code, 1, "{}", show(&run));
    let (code, message) = failure(&run);
    assert_eq!(code, "limit", "{message}");
    assert!(
        message.contains("bytes of output, over its limit of 1048576 bytes (`limits.output_kib`)"),
        "{message}"
    );
    assert!(run.stdout.len() < 64 * 1024, "{}", show(&run));
}

/// A step error of 1 MiB is cut to a few KiB, saying how much was cut; the plugin's own code is
/// kept.
#[test]
fn a_huge_step_error_is_cut() {
    let emulator = Emulator::start();
    let run = apply_text(&emulator, &misbehave("big-error", "1048576", ""));
    assert_eq!(run.code, 1, "{}", show(&run));
    let (code, message) = failure(&run);
    assert_eq!(code, "big-error", "{}", show(&run));
    assert!(message.len() <= 8 * 1024, "{} bytes: {}", message.len(), show(&run));
    assert!(message.contains("bytes cut"), "{}", show(&run));
    assert!(run.stdout.len() < 64 * 1024, "{}", show(&run));
}

/// `bytes` (a component) with a custom section appended so that it is exactly `total` bytes: a
/// plugin as valid as before, only larger.
fn padded(mut bytes: Vec<u8>, total: usize) -> Vec<u8> {
    const NAME: &[u8] = b"switchyard-padding";
    // Section id 0 (custom), its size as a 5-byte LEB128 (padded encodings are valid), then the
    // name and zeros.
    let header = 1 + 5;
    assert!(
        bytes.len() + header + 1 + NAME.len() < total,
        "the component is already {} bytes",
        bytes.len()
    );
    let size = u32::try_from(total - bytes.len() - header).expect("a section size");
    bytes.push(0);
    for i in 0..5 {
        let group = u8::try_from((size >> (7 * i)) & 0x7f).expect("7 bits");
        bytes.push(if i < 4 { group | 0x80 } else { group });
    }
    bytes.push(u8::try_from(NAME.len()).expect("a short name"));
    bytes.extend_from_slice(NAME);
    bytes.resize(total, 0);
    bytes
}

/// A plugin file of 2 MiB with `plugin_mib = 1` is refused before anything runs: exit 2, the
/// file, its size and `limits.plugin_mib` named, no request sent. The same file runs under the
/// default limit, so its size alone refused it.
#[test]
fn a_plugin_file_over_the_size_limit_is_refused_before_it_runs() {
    const TOTAL: usize = 2 * 1024 * 1024;
    let emulator = Emulator::start();
    let plugin = padded(std::fs::read(guests::MISBEHAVE).expect("the misbehave guest"), TOTAL);
    let text = |limits: &str| {
        format!(
            "[workflow]\nname = \"hostile\"\n\n[[step]]\nid = \"big\"\nplugin = \"./big.wasm\"\nwith = {{ action = \"echo\", value = \"ran\" }}\n{limits}\n"
        )
    };

    let (dir, file) = workflow(&text("limits = { plugin_mib = 1 }"));
    std::fs::write(dir.path().join("big.wasm"), &plugin).expect("write the plugin");
    let run = emulator.switchyard().run(["apply", file.to_str().expect("utf-8")]);
    assert_eq!(run.code, 2, "{}", show(&run));
    let size = TOTAL.to_string();
    for said in ["big.wasm", size.as_str(), "`limits.plugin_mib`"] {
        assert!(run.stderr.contains(said), "says {said:?}: {}", show(&run));
    }
    assert_eq!(emulator.requests(), Vec::<Value>::new(), "no request was sent");

    let (dir, file) = workflow(&text(""));
    std::fs::write(dir.path().join("big.wasm"), &plugin).expect("write the plugin");
    let run = apply(&emulator, &file);
    assert_eq!(run.code, 0, "the padded plugin is a plugin: {}", show(&run));
    assert_eq!(outputs(&run)["value"], "ran", "{}", show(&run));
}

/// Asserts a plugin describing itself beyond the limit (`what`: `bytes` or `capabilities`) is
/// refused when loaded: `plan` and `apply` exit 2 saying so, before any request; `switchyard
/// plugins inspect` fails too.
fn assert_refused_when_described(plugin: &str, what: &str) {
    let emulator = Emulator::start();
    let (dir, file) = workflow(&format!(
        "[workflow]\nname = \"hostile\"\n\n[[step]]\nid = \"loud\"\nplugin = \"{plugin}\"\n"
    ));
    for command in ["plan", "apply"] {
        let run = emulator.switchyard().run([command, file.to_str().expect("utf-8")]);
        assert_eq!(run.code, 2, "{command}: {}", show(&run));
        for said in ["describes itself in", what, "over the limit"] {
            assert!(run.stderr.contains(said), "{command} says {said:?}: {}", show(&run));
        }
    }
    drop(dir);
    assert_eq!(emulator.requests(), Vec::<Value>::new(), "no request was sent");
    let run = switchyard().run(["plugins", "inspect", plugin]);
    assert_ne!(run.code, 0, "inspect: {}", show(&run));
    assert!(run.stderr.contains("describes itself in"), "inspect: {}", show(&run));
}

/// A plugin describing itself with a 2 MiB input schema is refused when loaded (describe runs
/// under the step's limits and its size is capped).
#[test]
fn a_plugin_describing_itself_at_length_is_refused() {
    assert_refused_when_described(guests::DESCRIBE_FLOOD, "bytes");
}

/// A plugin claiming 100,000 capabilities (under 1 MiB of text) is refused when loaded.
#[test]
fn a_plugin_claiming_too_many_capabilities_is_refused() {
    assert_refused_when_described(guests::DESCRIBE_CAPABILITIES, "capabilities");
}

// --- E. Resources the host derives from a plugin's input ----------------------------------------

/// With `cloudfront:read` and `cloudfront:write` for distribution A only, updating A with its own
/// spec but distribution B's caller reference (and a header `x-stolen: 1`) is refused as
/// `invalid-input` on `spec.caller-reference`, reason `immutable` (CloudFront's `IllegalUpdate`):
/// B's response headers policy, which the host names after B's caller reference, is neither
/// created nor changed, no CloudFront write is sent, and A, B and every policy are as they were.
#[tokio::test]
async fn an_update_cannot_borrow_another_distributions_caller_reference() {
    use aws_sdk_cloudfront::types::{
        ResponseHeadersPolicyConfig, ResponseHeadersPolicyCustomHeader, ResponseHeadersPolicyCustomHeadersConfig,
    };

    use crate::support::aws::{create_distribution, default_certificate, distribution_config};
    use crate::support::snapshot::snapshot;

    // Letters, digits and `-` only: the host's policy name for B is B's caller reference itself.
    const REFERENCE_A: &str = "switchyard-maintenance-a";
    const REFERENCE_B: &str = "switchyard-maintenance-b";

    let emulator = Emulator::start();
    let sdk = emulator.sdk().await;
    let cf = aws_sdk_cloudfront::Client::new(&sdk);
    let (a, _) = create_distribution(&cf, REFERENCE_A, &[], default_certificate()).await;
    // B, as the host would have left it: its response headers policy, named after its caller
    // reference, on its default cache behavior.
    let header = ResponseHeadersPolicyCustomHeader::builder()
        .header("x-b")
        .value("original")
        .r#override(true)
        .build()
        .expect("a custom header");
    let custom = ResponseHeadersPolicyCustomHeadersConfig::builder()
        .quantity(1)
        .items(header)
        .build()
        .expect("custom headers");
    let policy = ResponseHeadersPolicyConfig::builder()
        .name(REFERENCE_B)
        .comment("switchyard: headers added to every response")
        .custom_headers_config(custom)
        .build()
        .expect("a policy config");
    let policy = cf
        .create_response_headers_policy()
        .response_headers_policy_config(policy)
        .send()
        .await
        .expect("create B's response headers policy")
        .response_headers_policy
        .expect("a policy")
        .id;
    let mut config = distribution_config(REFERENCE_B, &[], default_certificate());
    if let Some(behavior) = config.default_cache_behavior.as_mut() {
        behavior.response_headers_policy_id = Some(policy);
    }
    cf.create_distribution()
        .distribution_config(config)
        .send()
        .await
        .expect("create distribution B");
    let before = snapshot(&sdk).await;
    emulator.post("/_switchyard/requests/clear", "{}");

    let run = apply_text(
        &emulator,
        &misbehave(
            "steal-caller-reference",
            &format!("{{ distribution = \"{a}\", caller_reference = \"{REFERENCE_B}\" }}"),
            &format!("grants = [\"cloudfront:read\", \"cloudfront:write:{a}\"]"),
        ),
    );
    assert_eq!(run.code, 0, "{}", show(&run));
    let out = outputs(&run);
    assert_eq!(out["at"], Value::Null, "A's spec was read: {out}");
    assert_eq!(out["code"], "invalid-input", "{out}");
    assert_eq!(out["field"], "spec.caller-reference", "{out}");
    assert_eq!(out["reason"], "immutable", "{out}");
    assert!(
        out["error"].as_str().is_some_and(|e| e.contains(&format!(
            "`{REFERENCE_B}` is not this distribution's caller reference (`{REFERENCE_A}`)"
        ))),
        "{out}"
    );
    let watched = [
        "CreateResponseHeadersPolicy",
        "UpdateResponseHeadersPolicy",
        "UpdateDistribution",
    ];
    let forbidden: Vec<Value> = emulator
        .writes()
        .into_iter()
        .filter(|w| w["action"].as_str().is_some_and(|a| watched.contains(&a)))
        .collect();
    assert_eq!(forbidden, Vec::<Value>::new(), "no policy or distribution was written");
    assert_no_writes(&emulator);
    assert_eq!(
        snapshot(&sdk).await["cloudfront"],
        before["cloudfront"],
        "A, B and B's policy are as they were"
    );
}
