#![allow(clippy::too_many_arguments)]
//! `step-v0-3-0`: a step written against `switchyard:step@0.3.0` with `wit-bindgen` alone, as a
//! plugin built before 0.3.1 was. The host runs it through its 0.3.1 bindings (a patch version
//! only adds): it reads the caller, the run's mode and a domain name's ASCII form, and says so.

use serde_json::json;

wit_bindgen::generate!({
    path: "../../../wit/step@0.3.0",
    world: "switchyard:step/step",
});

use switchyard::step::{domain_names, identity, log, run};

struct Step03;

impl Guest for Step03 {
    fn describe() -> Description {
        Description {
            name: "step-v0-3-0".into(),
            version: "0.3.0".into(),
            description: "Reports the caller, the run's mode and a name in ASCII (built against switchyard:step@0.3.0).".into(),
            input_schema: r#"{"type": "object", "additionalProperties": false}"#.into(),
            output_schema: r#"{"type": "object", "properties": {"account": {"type": "string"}, "mode": {"type": "string"}, "ascii": {"type": "string"}}}"#.into(),
            capabilities: vec!["identity:read".into()],
        }
    }

    fn run(_context: StepContext, _input: String) -> Result<String, StepError> {
        let fail = |message: String| StepError {
            code: "failed".into(),
            message,
            details: None,
        };
        let caller = identity::caller().map_err(|e| fail(format!("{e:?}")))?;
        let mode = match run::mode() {
            run::RunMode::Offline => "offline",
            run::RunMode::Plan => "plan",
            run::RunMode::Apply => "apply",
        };
        let ascii = domain_names::to_ascii("bücher.example").map_err(|e| fail(format!("{e:?}")))?;
        log::write(log::Level::Info, &format!("{} in {mode}", caller.account));
        Ok(json!({ "account": caller.account, "mode": mode, "ascii": ascii }).to_string())
    }
}

export!(Step03);
