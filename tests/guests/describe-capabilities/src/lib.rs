//! `describe-capabilities`: a test-only plugin whose `describe` claims 100,000 capabilities (in
//! under 1 MiB), so that the host's tests can prove it refuses so many when it loads the plugin.

use switchyard_sdk::{Description, Step, StepContext, StepError, export_step};

/// How many capabilities it claims.
const CAPABILITIES: usize = 100_000;

struct DescribeCapabilities;

impl Step for DescribeCapabilities {
    fn describe() -> Description {
        Description {
            name: "describe-capabilities".into(),
            version: env!("CARGO_PKG_VERSION").into(),
            description: "Test-only plugin claiming 100,000 capabilities.".into(),
            input_schema: r#"{"type": "object"}"#.into(),
            capabilities: vec![String::from("iam:read"); CAPABILITIES],
            output_schema: r#"{"type": "object"}"#.into(),
        }
    }

    fn run(_context: StepContext, _input: String) -> Result<String, StepError> {
        Ok("{}".into())
    }
}

export_step!(DescribeCapabilities);
