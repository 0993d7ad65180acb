//! The step's `with` input, its JSON Schema, and the checks made on it before anything is read
//! or written.

use serde::Deserialize;
use switchyard_sdk::StepError;

/// The `with` input of `prune-certs`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Input {
    /// Only IAM server certificates whose path starts with this are considered.
    #[serde(default = "default_path_prefix")]
    pub path_prefix: String,
    /// How many certificates of each name are kept (the newest; in-use ones count).
    #[serde(default = "default_keep")]
    pub keep: u32,
    /// Only certificates of this base name are considered.
    #[serde(default)]
    pub name: Option<String>,
    /// Report what would be deleted, deleting nothing.
    #[serde(default)]
    pub dry_run: bool,
    /// Also prune the ACM certificates switchyard imported (tagged `switchyard:managed`),
    /// grouped by domain name; needs `acm:read` and `acm:write` too.
    #[serde(default)]
    pub acm: bool,
}

/// The path prefix used when `path_prefix` is absent: where CloudFront's certificates are.
pub const DEFAULT_PATH_PREFIX: &str = "/cloudfront/";

/// How many certificates of each name are kept when `keep` is absent.
pub const DEFAULT_KEEP: u32 = 2;

/// The most `keep` may be (IAM's default quota is 20 server certificates in all).
pub const MAX_KEEP: u32 = 20;

/// The longest IAM name.
pub const MAX_NAME: usize = 128;

fn default_path_prefix() -> String {
    DEFAULT_PATH_PREFIX.into()
}

fn default_keep() -> u32 {
    DEFAULT_KEEP
}

use switchyard_sdk::invalid_input as refuse;

/// Whether `name` is 1–[`MAX_NAME`] letters, digits and `+=,.@_-` (IAM's name characters).
pub fn name_ok(name: &str) -> bool {
    switchyard_sdk::is_iam_name(name, MAX_NAME)
}

/// Why `prefix` is not an IAM path prefix, if it is not.
fn prefix_problem(prefix: &str) -> Option<&'static str> {
    if !prefix.starts_with('/') || !prefix.ends_with('/') {
        Some("does not start and end with `/`: IAM paths do, e.g. `/cloudfront/`")
    } else if prefix.len() > 512 || !prefix.chars().all(|c| ('\u{21}'..='\u{7e}').contains(&c)) {
        Some("is not a valid IAM path: at most 512 printable ASCII characters without spaces")
    } else {
        None
    }
}

/// Checks everything about the input that can be checked without the host. Every refusal names
/// the field and the fix.
pub fn validate(input: &Input) -> Result<(), StepError> {
    if let Some(problem) = prefix_problem(&input.path_prefix) {
        return Err(refuse(format!("`path_prefix` `{}` {problem}", input.path_prefix)));
    }
    if !(1..=MAX_KEEP).contains(&input.keep) {
        return Err(refuse(format!(
            "`keep` is {}: give 1–{MAX_KEEP}, how many certificates of each name to keep (at least \
             the one a rollback returns to)",
            input.keep
        )));
    }
    if let Some(name) = &input.name
        && !name_ok(name)
    {
        return Err(refuse(format!(
            "`name` `{name}` is not an IAM name: give the base name given to upload-cert (1–{MAX_NAME} \
             letters, digits and `+=,.@_-`, without the `-YYYYMMDD-SERIAL` suffix), e.g. `www.example.com`"
        )));
    }
    Ok(())
}

/// A warning for a `path_prefix` outside `/cloudfront/`: certificates there may serve other
/// services (Elastic Load Balancing, …), whose use the step cannot see.
pub fn prefix_warning(prefix: &str) -> Option<String> {
    (!prefix.starts_with(DEFAULT_PATH_PREFIX)).then(|| {
        format!(
            "`path_prefix` `{prefix}` is not under `/cloudfront/`: only CloudFront distributions are \
             checked for use, so a certificate there that another service (such as a load balancer) \
             uses may be deleted"
        )
    })
}

/// The JSON Schema (draft 2020-12) of [`Input`]. Keep the two in step: a unit test checks it.
pub const SCHEMA: &str = r#"{
  "$schema": "https://json-schema.org/draft/2020-12/schema",
  "title": "prune-certs input",
  "description": "Which IAM server certificates to prune: all but the newest `keep` of each name, never one a CloudFront distribution uses.",
  "type": "object",
  "properties": {
    "path_prefix": {
      "type": "string",
      "pattern": "^/(.*/)?$",
      "default": "/cloudfront/",
      "description": "Only IAM server certificates whose path starts with this prefix are considered. Starts and ends with /."
    },
    "keep": {
      "type": "integer",
      "minimum": 1,
      "maximum": 20,
      "default": 2,
      "description": "How many certificates of each name to keep: the newest (by expiration), so a rollback still has its certificate. Certificates in use are always kept and count toward it."
    },
    "name": {
      "type": "string",
      "minLength": 1,
      "maxLength": 128,
      "pattern": "^[A-Za-z0-9+=,.@_-]+$",
      "description": "Only certificates of this base name (upload-cert's name, without the -YYYYMMDD-SERIAL suffix)."
    },
    "dry_run": {
      "type": "boolean",
      "default": false,
      "description": "Report what would be deleted, deleting nothing."
    },
    "acm": {
      "type": "boolean",
      "default": false,
      "description": "Also prune the ACM certificates switchyard imported (tagged switchyard:managed; never another's), grouped by domain name, with the same rule. Needs grants acm:read and acm:write too."
    }
  },
  "additionalProperties": false
}"#;

/// The JSON Schema of the step's outputs, which later steps name as `${steps.<id>.<output>}`.
pub const OUTPUT_SCHEMA: &str = r#"{
  "$schema": "https://json-schema.org/draft/2020-12/schema",
  "type": "object",
  "properties": {
    "path_prefix": { "type": "string" },
    "keep": { "type": "integer" },
    "kept": {
      "type": "array",
      "items": {
        "type": "object",
        "properties": {
          "store": { "enum": ["iam", "acm"] },
          "name": { "type": "string" },
          "id": { "type": "string" },
          "expiration": { "type": ["string", "null"] },
          "used_by": { "type": "array", "items": { "type": "string" } },
          "reason": { "enum": ["in-use", "newest"] }
        }
      }
    },
    "deleted": {
      "type": "array",
      "items": {
        "type": "object",
        "properties": {
          "store": { "enum": ["iam", "acm"] },
          "name": { "type": "string" },
          "id": { "type": "string" },
          "expiration": { "type": ["string", "null"] }
        }
      }
    },
    "quota": {
      "type": "object",
      "properties": {
        "used_before": { "type": "integer" },
        "used_after": { "type": "integer" },
        "limit": { "type": "integer" }
      }
    },
    "quota_warning": { "type": ["string", "null"] }
  }
}"#;

#[cfg(test)]
mod tests;
