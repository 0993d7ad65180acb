//! The step's `with` input, its JSON Schema, and the checks made on it before anything is read.

use serde::Deserialize;
use serde_json::Value;
use switchyard_sdk::StepError;

use crate::audit::Severity;

/// Whose credentials are audited.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(try_from = "Value")]
pub enum Users {
    /// The calling identity only (none when it is a role or the root user).
    #[default]
    Caller,
    /// Every IAM user the grant covers (`list-users`).
    All,
    /// These IAM users.
    Named(Vec<String>),
}

impl TryFrom<Value> for Users {
    type Error = String;

    fn try_from(value: Value) -> Result<Self, String> {
        let refuse = |v: &Value| format!("`users` must be \"caller\", \"all\" or a list of IAM user names, not {v}");
        match value {
            Value::String(s) if s == "caller" => Ok(Users::Caller),
            Value::String(s) if s == "all" => Ok(Users::All),
            Value::Array(items) => items
                .into_iter()
                .map(|item| match item {
                    Value::String(name) => Ok(name),
                    other => Err(refuse(&other)),
                })
                .collect::<Result<_, _>>()
                .map(Users::Named),
            other => Err(refuse(&other)),
        }
    }
}

/// Which findings fail the step.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FailOn {
    /// Errors only.
    #[default]
    Error,
    /// Errors and warnings.
    Warning,
}

impl FailOn {
    /// Whether a finding of `severity` fails the step.
    pub fn fails(self, severity: Severity) -> bool {
        match self {
            FailOn::Error => severity == Severity::Error,
            FailOn::Warning => true,
        }
    }
}

/// The `with` input of `audit-credentials`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Input {
    /// Whose credentials are audited.
    #[serde(default)]
    pub users: Users,
    /// An active access key older than this many days is reported.
    #[serde(default = "default_days")]
    pub key_max_age_days: u32,
    /// An active access key not used for more than this many days is reported.
    #[serde(default = "default_days")]
    pub key_unused_days: u32,
    /// An active signing certificate expiring in fewer days than this is reported.
    #[serde(default = "default_expiring_days")]
    pub signing_cert_expiring_days: u32,
    /// Which findings fail the step.
    #[serde(default)]
    pub fail_on: FailOn,
}

fn default_days() -> u32 {
    90
}

fn default_expiring_days() -> u32 {
    30
}

/// The most days any of the day limits may be (ten years).
pub const MAX_DAYS: u32 = 3650;

/// Whether `name` can be an IAM user name: 1–64 letters, digits and `+=,.@_-`.
pub fn user_name_ok(name: &str) -> bool {
    switchyard_sdk::is_iam_name(name, 64)
}

use switchyard_sdk::invalid_input as refuse;

impl Input {
    /// Checks what the schema states but serde does not: the day ranges and the user names.
    pub fn check(&self) -> Result<(), StepError> {
        for (field, value, min) in [
            ("key_max_age_days", self.key_max_age_days, 1),
            ("key_unused_days", self.key_unused_days, 1),
            ("signing_cert_expiring_days", self.signing_cert_expiring_days, 0),
        ] {
            if !(min..=MAX_DAYS).contains(&value) {
                return Err(refuse(format!("`{field}` is {value}: give {min} to {MAX_DAYS} days")));
            }
        }
        if let Users::Named(names) = &self.users {
            if names.is_empty() {
                return Err(refuse(
                    "`users` is an empty list: name at least one IAM user, or use \"caller\" or \"all\"".into(),
                ));
            }
            for (i, name) in names.iter().enumerate() {
                if !user_name_ok(name) {
                    return Err(refuse(format!(
                        "`users` names `{name}`, which is not an IAM user name (1–64 letters, digits and `+=,.@_-`)"
                    )));
                }
                if names[..i].contains(name) {
                    return Err(refuse(format!("`users` names `{name}` twice: name each user once")));
                }
            }
        }
        Ok(())
    }
}

/// The JSON Schema (draft 2020-12) of [`Input`]. Keep the two in step: a unit test checks it.
pub const SCHEMA: &str = r#"{
  "$schema": "https://json-schema.org/draft/2020-12/schema",
  "title": "audit-credentials input",
  "description": "Whose IAM credentials to audit (access keys, X.509 signing certificates, MFA, the root user's keys), the limits, and which findings fail the step.",
  "type": "object",
  "properties": {
    "users": {
      "oneOf": [
        { "enum": ["caller", "all"] },
        {
          "type": "array",
          "items": { "type": "string", "pattern": "^[A-Za-z0-9+=,.@_-]{1,64}$" },
          "minItems": 1,
          "uniqueItems": true
        }
      ],
      "default": "caller",
      "description": "\"caller\": the calling identity only (no user when it is a role or the root user); \"all\": every IAM user the grant covers; or a list of IAM user names."
    },
    "key_max_age_days": {
      "type": "integer",
      "minimum": 1,
      "maximum": 3650,
      "default": 90,
      "description": "Report an active access key older than this many days."
    },
    "key_unused_days": {
      "type": "integer",
      "minimum": 1,
      "maximum": 3650,
      "default": 90,
      "description": "Report an active access key not used for more than this many days."
    },
    "signing_cert_expiring_days": {
      "type": "integer",
      "minimum": 0,
      "maximum": 3650,
      "default": 30,
      "description": "Report an active X.509 signing certificate that expires in fewer days than this (0: never)."
    },
    "fail_on": {
      "enum": ["error", "warning"],
      "default": "error",
      "description": "The least severe finding that fails the step."
    }
  },
  "additionalProperties": false
}"#;

/// The JSON Schema of the step's outputs, which later steps name as `${steps.<id>.<output>}`.
pub const OUTPUT_SCHEMA: &str = r#"{
  "$schema": "https://json-schema.org/draft/2020-12/schema",
  "type": "object",
  "properties": {
    "caller": {
      "type": "object",
      "properties": {
        "account": { "type": "string" },
        "arn": { "type": "string" },
        "user_name": { "type": ["string", "null"] },
        "is_root": { "type": "boolean" },
        "account_alias": { "type": ["string", "null"] }
      }
    },
    "users": { "type": "array" },
    "findings": { "type": "array" },
    "errors": { "type": "integer" },
    "warnings": { "type": "integer" },
    "not_checked": { "type": "array", "items": { "type": "string" } }
  }
}"#;

#[cfg(test)]
mod tests;
