//! `describe-flood`: a test-only plugin whose `describe` returns a 2 MiB input schema, so that
//! the host's tests can prove it refuses a description that large when it loads the plugin.

use switchyard_sdk::{Description, Step, StepContext, StepError, export_step};

/// How large the input schema is.
const SCHEMA_BYTES: usize = 2 << 20;

struct DescribeFlood;

impl Step for DescribeFlood {
    fn describe() -> Description {
        Description {
            name: "describe-flood".into(),
            version: env!("CARGO_PKG_VERSION").into(),
            description: "Test-only plugin describing itself with a 2 MiB input schema.".into(),
            input_schema: format!(r#"{{"type": "object", "description": "{}"}}"#, "x".repeat(SCHEMA_BYTES)),
            capabilities: Vec::new(),
            output_schema: r#"{"type": "object"}"#.into(),
        }
    }

    fn run(_context: StepContext, _input: String) -> Result<String, StepError> {
        Ok("{}".into())
    }
}

export_step!(DescribeFlood);
