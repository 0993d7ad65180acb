//! The step's `with` input, its JSON Schema, and the checks made on it before anything is read.

use serde::Deserialize;
use switchyard_sdk::StepError;
use switchyard_sdk::distributions::{CertificateSource, SslSupportMethod};

pub use switchyard_sdk::Store;

/// How CloudFront serves HTTPS.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Method {
    /// Server Name Indication only.
    #[default]
    SniOnly,
    /// Dedicated IP addresses (billed).
    Vip,
    /// Static IP (accounts that have it).
    StaticIp,
}

impl Method {
    /// The WIT value.
    pub fn wit(self) -> SslSupportMethod {
        match self {
            Self::SniOnly => SslSupportMethod::SniOnly,
            Self::Vip => SslSupportMethod::Vip,
            Self::StaticIp => SslSupportMethod::StaticIp,
        }
    }
}

/// The `with` input of `attach-cert`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Input {
    /// The distribution's id.
    #[serde(default)]
    pub distribution_id: Option<String>,
    /// An alternate domain name of the distribution.
    #[serde(default)]
    pub alias: Option<String>,
    /// Where the certificate is stored.
    #[serde(default)]
    pub store: Store,
    /// The IAM server certificate's name, or the ACM certificate's ARN.
    pub certificate: String,
    /// How CloudFront serves HTTPS.
    #[serde(default)]
    pub ssl_support_method: Method,
    /// The security policy.
    #[serde(default = "default_protocol")]
    pub minimum_protocol_version: String,
    /// Wait until the distribution is deployed.
    #[serde(default = "default_wait")]
    pub wait: bool,
    /// How long to wait, in minutes.
    #[serde(default = "default_timeout")]
    pub timeout_minutes: u32,
    /// How many times to retry after another writer changed the distribution.
    #[serde(default = "default_retries")]
    pub max_retries: u32,
}

fn default_protocol() -> String {
    "TLSv1.2_2021".into()
}
fn default_wait() -> bool {
    true
}
fn default_timeout() -> u32 {
    40
}
fn default_retries() -> u32 {
    5
}

/// How the distribution is found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Locator {
    /// By id.
    Id(String),
    /// By one of its aliases.
    Alias(String),
}

/// A checked input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    /// Which distribution.
    pub locator: Locator,
    /// Where the certificate is stored.
    pub store: Store,
    /// The IAM name or ACM ARN.
    pub certificate: String,
    /// How CloudFront serves HTTPS.
    pub method: Method,
    /// The security policy.
    pub protocol: String,
    /// Seconds to wait for the deployment; none to not wait.
    pub wait_seconds: Option<u32>,
    /// Retries after a stale ETag.
    pub max_retries: u32,
}

impl Request {
    /// The viewer certificate's source.
    pub fn source(&self) -> CertificateSource {
        self.store.source()
    }
}

use switchyard_sdk::invalid_input as refuse;

/// Whether `name` is an IAM server certificate name: 1–128 letters, digits and `+=,.@_-`.
fn iam_name_ok(name: &str) -> bool {
    switchyard_sdk::is_iam_name(name, 128)
}

/// Whether `arn` is an ACM certificate ARN in us-east-1.
pub fn acm_arn_ok(arn: &str) -> bool {
    let parts: Vec<&str> = arn.splitn(6, ':').collect();
    matches!(parts.as_slice(), ["arn", p, "acm", "us-east-1", account, resource]
        if !p.is_empty()
            && account.len() == 12
            && account.chars().all(|c| c.is_ascii_digit())
            && resource.strip_prefix("certificate/").is_some_and(|id| !id.is_empty() && !id.contains('/')))
}

fn locator(input: &Input) -> Result<Locator, StepError> {
    match (input.distribution_id.as_deref(), input.alias.as_deref()) {
        (Some(_), Some(_)) | (None, None) => Err(refuse(
            "give exactly one of `distribution_id` (e.g. `E2QWRUHAPOMQZL`) and `alias` (an alternate \
             domain name of the distribution, e.g. `www.example.com`)"
                .into(),
        )),
        (Some(id), None) if switchyard_sdk::is_placeholder(id) => Ok(Locator::Id(id.to_owned())),
        (Some(id), None) if id.is_empty() || !id.chars().all(|c| c.is_ascii_alphanumeric()) => Err(refuse(format!(
            "`distribution_id` `{id}` is not a CloudFront distribution id (letters and digits, e.g. `E2QWRUHAPOMQZL`)"
        ))),
        (Some(id), None) => Ok(Locator::Id(id.to_owned())),
        (None, Some(alias)) if alias.trim().is_empty() => Err(refuse(
            "`alias` is empty: give an alternate domain name of the distribution, e.g. `www.example.com`".into(),
        )),
        (None, Some(alias)) => Ok(Locator::Alias(alias.to_owned())),
    }
}

fn certificate(input: &Input) -> Result<(), StepError> {
    let c = &input.certificate;
    match input.store {
        Store::Iam if c.starts_with("arn:") => Err(refuse(format!(
            "`certificate` `{c}` is an ARN, but `store` is \"iam\": give the IAM server certificate's \
             name (upload-cert's `name` output), or set `store` to \"acm\" for an ACM certificate"
        ))),
        Store::Iam if !iam_name_ok(c) => Err(refuse(format!(
            "`certificate` `{c}` is not an IAM server certificate name (1–128 letters, digits and \
             `+=,.@_-`): give the name, e.g. upload-cert's `name` output"
        ))),
        // In a plan, the certificate upload-cert would import is known only after apply.
        Store::Acm if !acm_arn_ok(c) && !switchyard_sdk::is_placeholder(c) => Err(refuse(format!(
            "`certificate` `{c}` is not an ACM certificate ARN in us-east-1 \
             (arn:aws:acm:us-east-1:ACCOUNT:certificate/ID): CloudFront uses ACM certificates from \
             us-east-1 only. Give the ARN (upload-cert's `id` output), or set `store` to \"iam\""
        ))),
        _ => Ok(()),
    }
}

/// Checks everything about the input that can be checked without the host. Every refusal names
/// the field and the fix.
pub fn validate(input: &Input) -> Result<Request, StepError> {
    let locator = locator(input)?;
    certificate(input)?;
    let protocol = input.minimum_protocol_version.trim();
    if protocol.is_empty() {
        return Err(refuse(
            "`minimum_protocol_version` is empty: give a CloudFront security policy such as `TLSv1.2_2021`".into(),
        ));
    }
    if protocol == "SSLv3" && input.ssl_support_method == Method::SniOnly {
        return Err(refuse(
            "`minimum_protocol_version` `SSLv3` cannot be used with `ssl_support_method` \"sni-only\": \
             CloudFront needs TLSv1 or later with SNI; use `TLSv1.2_2021`"
                .into(),
        ));
    }
    if !(1..=180).contains(&input.timeout_minutes) {
        return Err(refuse(format!(
            "`timeout_minutes` {} is out of range: give 1 to 180 (deployments usually take 5 to 40 minutes)",
            input.timeout_minutes
        )));
    }
    if !(1..=20).contains(&input.max_retries) {
        return Err(refuse(format!(
            "`max_retries` {} is out of range: give 1 to 20",
            input.max_retries
        )));
    }
    Ok(Request {
        locator,
        store: input.store,
        certificate: input.certificate.clone(),
        method: input.ssl_support_method,
        protocol: protocol.to_owned(),
        wait_seconds: input.wait.then_some(input.timeout_minutes * 60),
        max_retries: input.max_retries,
    })
}

/// The JSON Schema (draft 2020-12) of [`Input`]. Keep the two in step: a unit test checks it.
pub const SCHEMA: &str = r#"{
  "$schema": "https://json-schema.org/draft/2020-12/schema",
  "title": "attach-cert input",
  "description": "Sets a CloudFront distribution's viewer certificate to an IAM server certificate or an ACM certificate, changing nothing else, and waits until it is deployed.",
  "type": "object",
  "properties": {
    "distribution_id": {
      "type": "string",
      "description": "The distribution's id, e.g. E2QWRUHAPOMQZL. Give this or alias."
    },
    "alias": {
      "type": "string",
      "description": "An alternate domain name (CNAME) of the distribution, e.g. www.example.com. Give this or distribution_id."
    },
    "store": {
      "enum": ["iam", "acm"],
      "default": "iam",
      "description": "Where the certificate is: an IAM server certificate or an ACM certificate in us-east-1."
    },
    "certificate": {
      "type": "string",
      "minLength": 1,
      "description": "The IAM server certificate's name (store iam; upload-cert's name output) or the ACM certificate's ARN (store acm; upload-cert's id output)."
    },
    "ssl_support_method": {
      "enum": ["sni-only", "vip", "static-ip"],
      "default": "sni-only",
      "description": "How CloudFront serves HTTPS: sni-only (normal), vip (dedicated IPs, billed) or static-ip."
    },
    "minimum_protocol_version": {
      "type": "string",
      "default": "TLSv1.2_2021",
      "description": "The CloudFront security policy, e.g. TLSv1.2_2021."
    },
    "wait": {
      "type": "boolean",
      "default": true,
      "description": "Wait until the distribution is deployed."
    },
    "timeout_minutes": {
      "type": "integer",
      "minimum": 1,
      "maximum": 180,
      "default": 40,
      "description": "How long to wait for the deployment."
    },
    "max_retries": {
      "type": "integer",
      "minimum": 1,
      "maximum": 20,
      "default": 5,
      "description": "How many times to read the distribution again and retry when another writer changed it in between."
    }
  },
  "required": ["certificate"],
  "oneOf": [
    { "required": ["distribution_id"], "not": { "required": ["alias"] } },
    { "required": ["alias"], "not": { "required": ["distribution_id"] } }
  ],
  "additionalProperties": false
}"#;

/// The JSON Schema of the step's outputs, which later steps name as `${steps.<id>.<output>}`.
pub const OUTPUT_SCHEMA: &str = r#"{
  "$schema": "https://json-schema.org/draft/2020-12/schema",
  "type": "object",
  "properties": {
    "distribution_id": { "type": "string" },
    "changed": { "type": "boolean" },
    "previous_viewer_certificate": { "type": "object" },
    "viewer_certificate": { "type": "object" },
    "status": { "type": "string" },
    "retries": { "type": "integer" }
  }
}"#;

#[cfg(test)]
mod tests;
