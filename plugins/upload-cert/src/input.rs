//! The step's `with` input, its JSON Schema, and the checks made on it before anything is read
//! or written.

use serde::Deserialize;
use switchyard_sdk::StepError;

pub use switchyard_sdk::Store;

/// The `with` input of `upload-cert`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Input {
    /// The server (leaf) certificate, PEM.
    pub certificate: String,
    /// The unencrypted private key, PEM.
    pub private_key: String,
    /// The intermediate certificates, PEM, the leaf's issuer first.
    #[serde(default)]
    pub chain: Option<String>,
    /// The base of the IAM server certificate's name.
    pub name: String,
    /// Where the certificate goes.
    #[serde(default)]
    pub store: Store,
    /// The IAM path (IAM only); `/cloudfront/` when absent.
    #[serde(default)]
    pub path: Option<String>,
    /// The ACM certificate to re-import onto (ACM only).
    #[serde(default)]
    pub acm_arn: Option<String>,
}

/// The IAM path used when `path` is absent.
pub const DEFAULT_PATH: &str = "/cloudfront/";

/// The longest `name`: IAM names have at most 128 characters and the step appends
/// `-YYYYMMDD-` and up to 8 hex digits.
pub const MAX_NAME: usize = 100;

/// The region CloudFront takes ACM certificates from.
pub const ACM_REGION: &str = "us-east-1";

/// What the step will do, once the input is known to be acceptable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// Upload to IAM under this path.
    Iam {
        /// The IAM path, under `/cloudfront/`.
        path: String,
    },
    /// Import into ACM, re-importing onto this ARN when given.
    Acm {
        /// The certificate to re-import onto.
        arn: Option<String>,
    },
}

use switchyard_sdk::invalid_input as refuse;

/// Whether `name` is 1–[`MAX_NAME`] letters, digits and `+=,.@_-` (IAM's name characters).
pub fn name_ok(name: &str) -> bool {
    switchyard_sdk::is_iam_name(name, MAX_NAME)
}

/// Why an IAM `path` cannot hold a CloudFront certificate, if it cannot.
fn path_problem(path: &str) -> Option<&'static str> {
    if !path.starts_with(DEFAULT_PATH) {
        Some(
            "is not under `/cloudfront/`: CloudFront only uses IAM server certificates whose path \
             starts with `/cloudfront/`. Use `/cloudfront/` (the default) or a path below it such \
             as `/cloudfront/example/`",
        )
    } else if !path.ends_with('/') {
        Some("does not end with `/`: IAM paths start and end with `/`, e.g. `/cloudfront/example/`")
    } else if path.len() > 512 || !path.chars().all(|c| ('\u{21}'..='\u{7e}').contains(&c)) {
        Some("is not a valid IAM path: at most 512 printable ASCII characters without spaces")
    } else {
        None
    }
}

/// Whether `arn` is an ACM certificate ARN in us-east-1 (`arn:PARTITION:acm:us-east-1:ACCOUNT:
/// certificate/ID`).
pub fn acm_arn_ok(arn: &str) -> bool {
    let parts: Vec<&str> = arn.splitn(6, ':').collect();
    matches!(parts.as_slice(), ["arn", p, "acm", ACM_REGION, account, resource]
        if !p.is_empty()
            && account.len() == 12
            && account.chars().all(|c| c.is_ascii_digit())
            && resource.strip_prefix("certificate/").is_some_and(|id| !id.is_empty() && !id.contains('/')))
}

/// Checks everything about the input that can be checked without the host, for a workflow
/// running in `region`. Every refusal names the field and the fix.
pub fn validate(input: &Input, region: &str) -> Result<Target, StepError> {
    if !name_ok(&input.name) {
        return Err(refuse(format!(
            "`name` `{}` is not usable: give 1–{MAX_NAME} letters, digits and `+=,.@_-` (the step \
             appends `-YYYYMMDD-SERIAL` to it and IAM names have at most 128 characters), e.g. \
             `www.example.com`",
            input.name
        )));
    }
    match input.store {
        Store::Iam => {
            if input.acm_arn.is_some() {
                return Err(refuse(
                    "`acm_arn` is only for `store = \"acm\"`: remove it, or set `store` to \"acm\"".into(),
                ));
            }
            let path = input.path.as_deref().unwrap_or(DEFAULT_PATH);
            if let Some(problem) = path_problem(path) {
                return Err(refuse(format!("`path` `{path}` {problem}")));
            }
            Ok(Target::Iam { path: path.to_owned() })
        }
        Store::Acm => {
            if input.path.is_some() {
                return Err(refuse(
                    "`path` is only for `store = \"iam\"` (ACM certificates have no path): remove \
                     it, or set `store` to \"iam\""
                        .into(),
                ));
            }
            if region != ACM_REGION {
                return Err(refuse(format!(
                    "`store` is \"acm\" but the workflow runs in region `{region}`: CloudFront uses \
                     ACM certificates from us-east-1 only: run the workflow with region us-east-1, \
                     or use `store = \"iam\"`"
                )));
            }
            if let Some(arn) = &input.acm_arn
                && !acm_arn_ok(arn)
            {
                return Err(refuse(format!(
                    "`acm_arn` `{arn}` is not an ACM certificate ARN in us-east-1 \
                     (arn:aws:acm:us-east-1:ACCOUNT:certificate/ID): CloudFront uses ACM \
                     certificates from us-east-1 only. Give the ARN of the certificate to replace, \
                     or remove `acm_arn` to import a new one"
                )));
            }
            Ok(Target::Acm {
                arn: input.acm_arn.clone(),
            })
        }
    }
}

/// The JSON Schema (draft 2020-12) of [`Input`]. Keep the two in step: a unit test checks it.
pub const SCHEMA: &str = r#"{
  "$schema": "https://json-schema.org/draft/2020-12/schema",
  "title": "upload-cert input",
  "description": "A TLS certificate bundle (PEM files on the host) to upload to IAM under /cloudfront/ or import into ACM in us-east-1, for CloudFront.",
  "type": "object",
  "properties": {
    "certificate": {
      "type": "string",
      "x-switchyard-file": "certificates:load",
      "description": "Path of the server (leaf) certificate, PEM."
    },
    "private_key": {
      "type": "string",
      "x-switchyard-file": "certificates:load",
      "description": "Path of the private key, unencrypted PEM (PKCS#8, PKCS#1 or SEC1)."
    },
    "chain": {
      "type": "string",
      "x-switchyard-file": "certificates:load",
      "description": "Path of the intermediate certificates, PEM, the leaf's issuer first."
    },
    "name": {
      "type": "string",
      "minLength": 1,
      "maxLength": 100,
      "pattern": "^[A-Za-z0-9+=,.@_-]+$",
      "description": "Base name. The IAM server certificate is named NAME-YYYYMMDD-SERIAL (expiry date, first 8 hex digits of the serial), so renewals never collide."
    },
    "store": {
      "enum": ["iam", "acm"],
      "default": "iam",
      "description": "Upload to IAM as a server certificate, or import into ACM (the workflow must run in us-east-1)."
    },
    "path": {
      "type": "string",
      "pattern": "^/cloudfront/(.*/)?$",
      "description": "IAM only: the server certificate's path, /cloudfront/ when absent; CloudFront needs it to start with /cloudfront/."
    },
    "acm_arn": {
      "type": "string",
      "description": "ACM only: re-import onto this certificate (same ARN, so whatever uses it gets the new certificate) instead of importing a new one."
    }
  },
  "required": ["certificate", "private_key", "name"],
  "additionalProperties": false
}"#;

/// The JSON Schema of the step's outputs, which later steps name as `${steps.<id>.<output>}`.
pub const OUTPUT_SCHEMA: &str = r#"{
  "$schema": "https://json-schema.org/draft/2020-12/schema",
  "type": "object",
  "properties": {
    "store": { "type": "string" },
    "name": { "type": "string" },
    "id": { "type": "string" },
    "arn": { "type": "string" },
    "path": { "type": ["string", "null"] },
    "fingerprint": { "type": "string" },
    "not_after": { "type": "string" },
    "dns_names": { "type": "array" },
    "reused": { "type": "boolean" }
  }
}"#;

#[cfg(test)]
mod tests;
