//! `misbehave`: a test-only step that breaks the rules on purpose, so that the host's end-to-end
//! tests can prove its sandbox limits (traps, fuel or time, memory, grants, floods).
//!
//! `with = { action = "<one of SCHEMA's actions>", value = <any> }`: what `value` means depends on
//! the action (see SCHEMA). Actions that call the host report a refusal as their output, as the
//! plugin saw it (`error`, `code`, and `capability`/`resource` or `field`/`reason`), so that a
//! test can tell what the host did; the step itself then succeeds.

use std::hint::black_box;
use std::time::Duration;

use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};
use switchyard_sdk::{
    Description, Error, Step, StepContext, StepError, certificates, distributions, dns, explain, export_step, identity,
    log, storage,
};

const SCHEMA: &str = r#"{
  "$schema": "https://json-schema.org/draft/2020-12/schema",
  "title": "misbehave input",
  "type": "object",
  "properties": {
    "action": {
      "enum": ["trap", "loop", "alloc", "call-iam", "write", "echo", "forge", "sleep", "oac", "health-check", "delete-health-check", "put-file", "iam-list", "log-flood", "big-output", "many-calls", "bundles", "big-error", "steal-caller-reference"],
      "description": "trap: panic; loop: spin forever; alloc: allocate until memory runs out; call-iam: call an IAM function without its grant; write: create a bucket, a health check and a TXT record in zone `value`, whatever the mode; echo: return `value`; forge: log, report progress and fail with text that forges another step's line and holds terminal escape sequences; sleep: block in WASI for `value` seconds (3600); oac: ensure the origin access control named `value`; health-check: ensure an HTTPS health check with caller reference `value`; delete-health-check: delete health check id `value`; put-file: upload `value.path` as `value.key` to `value.bucket`; iam-list: list IAM server certificates under path prefix `value`; log-flood: log `value` lines of 4 KB (100000); big-output: return an output of `value` MiB (100); many-calls: call `identity.caller` `value` times (1000000); bundles: load the bundle `value` = {certificate, private_key, chain, count} `count` times, holding every handle; big-error: fail with a message of `value` bytes (1 MiB); steal-caller-reference: update distribution `value.distribution` with its own spec (as `get-distribution-spec` returns it) but caller reference `value.caller_reference` (another distribution's) and the response header `x-stolen: 1`."
    },
    "value": {
      "description": "Any JSON value: what it means depends on the action."
    }
  },
  "required": ["action"],
  "additionalProperties": false
}"#;

#[derive(Deserialize)]
#[serde(rename_all = "kebab-case")]
enum Action {
    Trap,
    Loop,
    Alloc,
    CallIam,
    Write,
    Echo,
    Forge,
    Sleep,
    Oac,
    HealthCheck,
    DeleteHealthCheck,
    PutFile,
    IamList,
    LogFlood,
    BigOutput,
    ManyCalls,
    Bundles,
    BigError,
    StealCallerReference,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Input {
    action: Action,
    #[serde(default)]
    value: Value,
}

/// `put-file`'s value.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PutFile {
    bucket: String,
    key: String,
    path: String,
}

/// `bundles`' value.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Bundles {
    certificate: String,
    private_key: String,
    #[serde(default)]
    chain: Option<String>,
    count: u32,
}

/// `steal-caller-reference`'s value.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct StealCallerReference {
    /// The distribution to update (the one the step may write).
    distribution: String,
    /// Another distribution's caller reference, put in the update's spec.
    caller_reference: String,
}

const MIB: usize = 1 << 20;
/// 4 GiB in 1 MiB chunks: more than a 32-bit address space, so this never completes.
const MAX_CHUNKS: usize = 4096;

/// Spins forever without calling the host; only fuel or an epoch deadline stops it.
fn spin() -> ! {
    let mut n: u64 = 0;
    loop {
        n = black_box(n.wrapping_add(1));
    }
}

/// Allocates 1 MiB at a time, writing every byte, until memory runs out. A host that caps
/// memory makes `memory.grow` fail (or traps it): either way the guest then traps.
fn allocate() -> Result<String, StepError> {
    let mut chunks: Vec<Vec<u8>> = Vec::new();
    for i in 0..MAX_CHUNKS {
        let mut chunk = Vec::new();
        if chunk.try_reserve_exact(MIB).is_err() || chunks.try_reserve(1).is_err() {
            panic!("misbehave: allocation failed after {i} MiB");
        }
        chunk.resize(MIB, (i % 251) as u8 + 1);
        chunks.push(black_box(chunk));
    }
    let total: usize = black_box(&chunks).iter().map(Vec::len).sum();
    output(&json!({ "allocated_mib": total / MIB }))
}

/// A host error as the plugin saw it: its explanation and code, and what the error names
/// (the capability and resource of a denial, the field and reason of an invalid input).
fn refusal(e: &Error) -> Value {
    let mut out = json!({ "error": explain(e), "code": StepError::from(e.clone()).code });
    match e {
        Error::Denied(d) => {
            out["capability"] = json!(d.capability);
            if let Some(r) = &d.resource {
                out["resource"] = json!(r);
            }
        }
        Error::InvalidInput(i) => {
            out["field"] = json!(i.field);
            out["reason"] = json!(i.reason);
        }
        _ => {}
    }
    out
}

/// `done`'s output, or the refusal as the output.
fn outcome<T>(result: Result<T, Error>, done: impl FnOnce(T) -> Value) -> Result<String, StepError> {
    match result {
        Ok(value) => output(&done(value)),
        Err(e) => output(&refusal(&e)),
    }
}

fn call_iam() -> Result<String, StepError> {
    outcome(
        certificates::list_server_certificates("/"),
        |list| json!({ "certificates": list.len() }),
    )
}

/// A valid HTTPS health check, as Route 53 takes it.
fn https_check() -> dns::HealthCheckConfig {
    dns::HealthCheckConfig {
        protocol: dns::HealthCheckProtocol::Https,
        fqdn: Some("www.example.com".into()),
        ip_address: Some("203.0.113.10".into()),
        port: 443,
        resource_path: Some("/".into()),
        request_interval: 30,
        failure_threshold: 3,
        enable_sni: true,
        search_string: None,
    }
}

/// Writes to AWS without asking whether this is a plan: the host must not let it through.
fn write(zone_id: &str) -> Result<String, StepError> {
    let bucket = storage::ensure_bucket("switchyard-misbehave")?;
    let check = dns::ensure_health_check("switchyard-misbehave", &https_check())?;
    let record = dns::RecordSet {
        name: "misbehave.example.com".into(),
        type_: "TXT".into(),
        ttl: Some(60),
        values: vec!["\"misbehave\"".into()],
        alias: None,
        set_identifier: None,
        failover: None,
        health_check_id: None,
    };
    let change = dns::Change {
        action: dns::ChangeAction::Create,
        record_set: record,
    };
    let change_id = dns::change_record_sets(zone_id, &[change], None)?;
    output(&json!({ "bucket": bucket.name, "health_check": check.id, "change": change_id }))
}

fn output(v: &Value) -> Result<String, StepError> {
    switchyard_sdk::json::output(v)
}

/// `value` as the action's own input.
fn value<T: DeserializeOwned>(value: Value) -> Result<T, StepError> {
    serde_json::from_value(value).map_err(|e| StepError {
        code: "invalid-input".into(),
        message: format!("`value` does not fit the action: {e}"),
        details: None,
    })
}

/// `value` as a count or size, or `default`.
fn number(value: &Value, default: u64) -> usize {
    usize::try_from(value.as_u64().unwrap_or(default)).unwrap_or(usize::MAX)
}

/// Text that would forge a line of another step and recolour the terminal, if printed raw.
const FORGED: &str = "ok\n[attach] certificate attached to E2FORGED\u{1b}[2K\u{1b}[31m";

/// Logs, reports progress and fails with [`FORGED`] text.
fn forge() -> Result<String, StepError> {
    log::write(log::Level::Info, FORGED);
    log::progress(FORGED, 1, 2);
    Err(StepError {
        code: "forged".into(),
        message: FORGED.into(),
        details: None,
    })
}

/// Blocks in WASI (the monotonic clock) for `seconds`: no guest code runs, so only a deadline
/// that covers blocking calls stops it.
fn sleep(seconds: usize) -> Result<String, StepError> {
    std::thread::sleep(Duration::from_secs(seconds as u64));
    output(&json!({ "slept": seconds }))
}

/// Uploads a host file; a refusal is the output.
fn put_file(spec: PutFile) -> Result<String, StepError> {
    outcome(
        storage::put_file(&spec.bucket, &spec.key, &spec.path, "application/octet-stream"),
        |(object, written)| json!({ "key": object.key, "size": object.size, "written": written }),
    )
}

/// Logs `lines` lines of about 4 KB, each numbered.
fn log_flood(lines: usize) -> Result<String, StepError> {
    let pad = "x".repeat(4000);
    for i in 0..lines {
        log::write(log::Level::Info, &format!("flood {i:06} {pad}"));
    }
    output(&json!({ "logged": lines }))
}

/// Returns `{"value": "xxx…"}` of `mib` MiB, built in place (one copy in the guest).
fn big_output(mib: usize) -> Result<String, StepError> {
    let chunk = "x".repeat(MIB);
    let mut out = String::with_capacity(mib.saturating_mul(MIB).saturating_add(16));
    out.push_str("{\"value\":\"");
    for _ in 0..mib {
        out.push_str(&chunk);
    }
    out.push_str("\"}");
    Ok(out)
}

/// Calls `identity.caller` `count` times, or until it is refused.
fn many_calls(count: usize) -> Result<String, StepError> {
    for made in 0..count {
        if let Err(e) = identity::caller() {
            let mut out = refusal(&e);
            out["made"] = json!(made);
            return output(&out);
        }
    }
    output(&json!({ "calls": count }))
}

/// Loads the same bundle `count` times, holding every handle until the end.
fn bundles(spec: Bundles) -> Result<String, StepError> {
    let source = certificates::BundleSource {
        certificate: spec.certificate,
        private_key: spec.private_key,
        chain: spec.chain,
    };
    let mut held = Vec::new();
    for _ in 0..spec.count {
        match certificates::load(&source) {
            Ok(bundle) => held.push(bundle),
            Err(e) => {
                let mut out = refusal(&e);
                out["loaded"] = json!(held.len());
                return output(&out);
            }
        }
    }
    let facts = held.first().map(|b| b.facts());
    output(&json!({
        "loaded": held.len(),
        "leaf": facts.as_ref().map(|f| f.leaf.subject.clone()),
        "chain": facts.as_ref().map(|f| f.chain.len()),
    }))
}

/// Fails with a message of `bytes` bytes.
fn big_error(bytes: usize) -> Result<String, StepError> {
    Err(StepError {
        code: "big-error".into(),
        message: "e".repeat(bytes),
        details: None,
    })
}

/// Updates `value.distribution` with its own spec, read just before, but another
/// distribution's caller reference and a header of its own: the host names a distribution's
/// response headers policy after its caller reference, so were the host to take the reference,
/// the header would land in the other distribution's policy. A refusal, of the read (with
/// `at = "get-distribution-spec"`) or of the update, is the output.
fn steal_caller_reference(steal: StealCallerReference) -> Result<String, StepError> {
    let (mut spec, etag) = match distributions::get_distribution_spec(&steal.distribution) {
        Ok(read) => read,
        Err(e) => {
            let mut out = refusal(&e);
            out["at"] = json!("get-distribution-spec");
            return output(&out);
        }
    };
    let own = std::mem::replace(&mut spec.caller_reference, steal.caller_reference);
    spec.response_headers = vec![("x-stolen".into(), "1".into())];
    outcome(
        distributions::update_distribution(&steal.distribution, &spec, &etag),
        |d| json!({ "updated": d.id, "own_caller_reference": own, "caller_reference": spec.caller_reference }),
    )
}

struct Misbehave;

impl Step for Misbehave {
    fn describe() -> Description {
        Description {
            name: "misbehave".into(),
            version: env!("CARGO_PKG_VERSION").into(),
            description: "Test-only step that misbehaves on purpose so that the host's tests can \
                prove its limits: it traps, loops forever, sleeps, allocates until memory runs out, \
                calls what it was not granted, passes another distribution's caller reference, writes \
                without checking for a plan, floods the log, the host or its output, or echoes its input."
                .into(),
            input_schema: SCHEMA.into(),
            capabilities: Vec::new(),
            output_schema: r#"{"type": "object", "properties": {"value": {}}}"#.into(),
        }
    }

    fn run(_context: StepContext, input: String) -> Result<String, StepError> {
        let input: Input = switchyard_sdk::json::input(&input)?;
        let text = input.value.as_str().unwrap_or_default().to_owned();
        match input.action {
            Action::Trap => panic!("misbehave: deliberate trap"),
            Action::Loop => spin(),
            Action::Alloc => allocate(),
            Action::CallIam => call_iam(),
            Action::Write => write(&text),
            Action::Echo => output(&json!({ "value": input.value })),
            Action::Forge => forge(),
            Action::Sleep => sleep(number(&input.value, 3600)),
            Action::Oac => outcome(
                distributions::ensure_origin_access_control(&text),
                |id| json!({ "oac": id }),
            ),
            Action::HealthCheck => outcome(
                dns::ensure_health_check(&text, &https_check()),
                |check| json!({ "health_check": check.id, "caller_reference": check.caller_reference }),
            ),
            Action::DeleteHealthCheck => outcome(dns::delete_health_check(&text), |()| json!({ "deleted": text })),
            Action::PutFile => put_file(value(input.value)?),
            Action::IamList => outcome(
                certificates::list_server_certificates(&text),
                |list| json!({ "certificates": list.len() }),
            ),
            Action::LogFlood => log_flood(number(&input.value, 100_000)),
            Action::BigOutput => big_output(number(&input.value, 100)),
            Action::ManyCalls => many_calls(number(&input.value, 1_000_000)),
            Action::Bundles => bundles(value(input.value)?),
            Action::BigError => big_error(number(&input.value, MIB as u64)),
            Action::StealCallerReference => steal_caller_reference(value(input.value)?),
        }
    }
}

export_step!(Misbehave);
