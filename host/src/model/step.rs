//! What a step is told, what a plugin says of itself, and how a step fails.

use serde::{Deserialize, Serialize};

/// What a step is told about the run it is part of.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StepContext {
    /// The step's `id` in the workflow.
    pub step_id: String,
    /// The workflow's `name`.
    pub workflow: String,
    /// The region the workflow runs in.
    pub region: String,
}

/// What a plugin says about itself.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Description {
    /// Its name, e.g. `validate-cert`.
    pub name: String,
    /// Its version (semver).
    pub version: String,
    /// What the step does and changes.
    pub description: String,
    /// The JSON Schema of its `with` input, as JSON text.
    pub input_schema: String,
    /// The capabilities it needs, e.g. `iam:write`.
    pub capabilities: Vec<String>,
    /// The JSON Schema of its outputs, as JSON text; none from a plugin built against a WIT
    /// version before 0.3.0 (its outputs are then known only when it has run).
    pub output_schema: Option<String>,
}

/// Why a step failed, as the plugin said.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StepError {
    /// A stable code, e.g. `invalid-input`.
    pub code: String,
    /// What went wrong, for a person.
    pub message: String,
    /// Structured details as JSON text.
    pub details: Option<String>,
}
