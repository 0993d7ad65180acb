//! `misbehave`: a test-only step that breaks the rules on purpose, so that the host's end-to-end
//! tests can prove its sandbox limits (traps, fuel or time, memory, grants).
//!
//! `with = { action = "trap" | "loop" | "alloc" | "call-iam" | "write" | "echo" | "forge", value = <any> }`.

use std::hint::black_box;

use serde::Deserialize;
use serde_json::{Value, json};
use switchyard_sdk::{
    Description, Error, Step, StepContext, StepError, certificates, dns, explain, export_step, storage,
};

const SCHEMA: &str = r#"{
  "$schema": "https://json-schema.org/draft/2020-12/schema",
  "title": "misbehave input",
  "type": "object",
  "properties": {
    "action": {
      "enum": ["trap", "loop", "alloc", "call-iam", "write", "echo", "forge"],
      "description": "trap: panic; loop: spin forever; alloc: allocate until memory runs out; call-iam: call an IAM function without its grant; write: create a bucket, a health check and a TXT record in zone `value`, whatever the mode; echo: return `value`; forge: log, report progress and fail with text that forges another step's line and holds terminal escape sequences."
    },
    "value": {
      "description": "Any JSON value, returned by `echo`."
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
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Input {
    action: Action,
    #[serde(default)]
    value: Value,
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

fn call_iam() -> Result<String, StepError> {
    match certificates::list_server_certificates("/") {
        Ok(list) => output(&json!({ "certificates": list.len() })),
        Err(e) => {
            let mut out = json!({ "error": explain(&e), "code": StepError::from(e.clone()).code });
            if let Error::Denied(d) = &e {
                out["capability"] = json!(d.capability);
                if let Some(r) = &d.resource {
                    out["resource"] = json!(r);
                }
            }
            output(&out)
        }
    }
}

/// Writes to AWS without asking whether this is a plan: the host must not let it through.
fn write(zone_id: &str) -> Result<String, StepError> {
    let bucket = storage::ensure_bucket("switchyard-misbehave")?;
    let check = dns::ensure_health_check(
        "switchyard-misbehave",
        &dns::HealthCheckConfig {
            protocol: dns::HealthCheckProtocol::Https,
            fqdn: Some("www.example.com".into()),
            ip_address: Some("203.0.113.10".into()),
            port: 443,
            resource_path: Some("/".into()),
            request_interval: 30,
            failure_threshold: 3,
            enable_sni: true,
            search_string: None,
        },
    )?;
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

/// Text that would forge a line of another step and recolour the terminal, if printed raw.
const FORGED: &str = "ok\n[attach] certificate attached to E2FORGED\u{1b}[2K\u{1b}[31m";

/// Logs, reports progress and fails with [`FORGED`] text.
fn forge() -> Result<String, StepError> {
    switchyard_sdk::log::write(switchyard_sdk::log::Level::Info, FORGED);
    switchyard_sdk::log::progress(FORGED, 1, 2);
    Err(StepError {
        code: "forged".into(),
        message: FORGED.into(),
        details: None,
    })
}

struct Misbehave;

impl Step for Misbehave {
    fn describe() -> Description {
        Description {
            name: "misbehave".into(),
            version: env!("CARGO_PKG_VERSION").into(),
            description: "Test-only step that misbehaves on purpose so that the host's tests can \
                prove its limits: it traps, loops forever, allocates until memory runs out, calls \
                IAM without a grant, writes without checking for a plan, or echoes its input."
                .into(),
            input_schema: SCHEMA.into(),
            capabilities: Vec::new(),
            output_schema: r#"{"type": "object", "properties": {"value": {}}}"#.into(),
        }
    }

    fn run(_context: StepContext, input: String) -> Result<String, StepError> {
        let input: Input = switchyard_sdk::json::input(&input)?;
        match input.action {
            Action::Trap => panic!("misbehave: deliberate trap"),
            Action::Loop => spin(),
            Action::Alloc => allocate(),
            Action::CallIam => call_iam(),
            Action::Write => write(input.value.as_str().unwrap_or_default()),
            Action::Echo => output(&json!({ "value": input.value })),
            Action::Forge => forge(),
        }
    }
}

export_step!(Misbehave);
