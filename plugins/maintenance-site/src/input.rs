//! The step's input and its checks.

use serde::Deserialize;
use switchyard_sdk::{StepError, Store};

/// The `with` table of a `maintenance-site` step.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Input {
    /// The hostnames the maintenance site answers for (its CloudFront aliases).
    pub hostnames: Vec<String>,
    /// The page to serve (an HTML file on the host).
    pub page: String,
    /// The bucket that holds the page; derived from the first hostname when absent.
    pub bucket: Option<String>,
    /// `iam` or `acm`: where the certificate is.
    #[serde(default)]
    pub store: Store,
    /// The certificate for a new distribution: an IAM server certificate id or an ACM ARN.
    pub certificate: String,
    /// The minimum TLS version for a new distribution.
    #[serde(default = "default_protocol")]
    pub minimum_protocol_version: String,
    /// Seconds clients are told to wait before retrying (`Retry-After`).
    #[serde(default = "default_retry_after")]
    pub retry_after: u32,
}

fn default_retry_after() -> u32 {
    300
}

fn default_protocol() -> String {
    "TLSv1.2_2021".into()
}

/// The JSON Schema of [`Input`].
pub const SCHEMA: &str = r#"{
  "$schema": "https://json-schema.org/draft/2020-12/schema",
  "type": "object",
  "additionalProperties": false,
  "required": ["hostnames", "page", "certificate"],
  "properties": {
    "hostnames": { "type": "array", "items": { "type": "string" }, "minItems": 1, "description": "Hostnames the maintenance site answers for." },
    "page": { "type": "string", "x-switchyard-file": "files:read", "description": "Path of the HTML page to serve, relative to the workflow." },
    "bucket": { "type": "string", "description": "S3 bucket for the page (default: first hostname with dots as dashes, plus -maintenance)." },
    "store": { "enum": ["iam", "acm"], "default": "iam", "description": "Where the certificate is." },
    "certificate": { "type": "string", "description": "IAM server certificate id (ASCA...) or ACM ARN, for a new distribution." },
    "minimum_protocol_version": { "type": "string", "default": "TLSv1.2_2021" },
    "retry_after": { "type": "integer", "minimum": 1, "default": 300, "description": "Seconds in the Retry-After header of every response." }
  }
}"#;

/// The JSON Schema of the step's outputs, which later steps name as `${steps.<id>.<output>}`.
pub const OUTPUT_SCHEMA: &str = r#"{
  "$schema": "https://json-schema.org/draft/2020-12/schema",
  "type": "object",
  "properties": {
    "distribution_id": { "type": "string" },
    "domain_name": { "type": "string" },
    "arn": { "type": "string" },
    "bucket": { "type": "string" },
    "page_key": { "type": "string" },
    "created": { "type": "boolean" },
    "changed": { "type": "boolean" }
  }
}"#;

impl Input {
    /// The hostnames, lowercase without a trailing dot.
    pub fn hostnames(&self) -> Result<Vec<String>, StepError> {
        if self.hostnames.is_empty() {
            return Err(invalid("hostnames", "name at least one hostname"));
        }
        self.hostnames
            .iter()
            .map(|h| {
                let h = h.trim_end_matches('.').to_ascii_lowercase();
                let ok = !h.is_empty()
                    && h.contains('.')
                    && h.bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.' || b == b'*');
                if ok {
                    Ok(h)
                } else {
                    Err(invalid("hostnames", &format!("`{h}` is not a hostname")))
                }
            })
            .collect()
    }

    /// The bucket name: given, or derived from the first hostname.
    pub fn bucket(&self, hostnames: &[String]) -> String {
        match &self.bucket {
            Some(b) => b.clone(),
            None => format!(
                "{}-maintenance",
                hostnames[0].replace(['.', '*'], "-").trim_matches('-')
            ),
        }
    }

    /// Checks `store` and `certificate` agree, and `retry_after` is positive.
    pub fn check_certificate(&self) -> Result<(), StepError> {
        if self.retry_after == 0 {
            return Err(invalid("retry_after", "give at least 1 second"));
        }
        match self.store {
            _ if switchyard_sdk::is_placeholder(&self.certificate) => Ok(()),
            Store::Iam if self.certificate.starts_with("ASCA") => Ok(()),
            Store::Iam => Err(invalid(
                "certificate",
                "with store `iam`, give the IAM server certificate id (ASCA…), e.g. `${steps.upload.id}`",
            )),
            Store::Acm if self.certificate.starts_with("arn:aws:acm:us-east-1:") => Ok(()),
            Store::Acm => Err(invalid(
                "certificate",
                "with store `acm`, give an ACM certificate ARN in us-east-1",
            )),
        }
    }
}

/// An input error naming the field.
pub fn invalid(field: &str, message: &str) -> StepError {
    StepError {
        code: "invalid-input".into(),
        message: format!("`{field}`: {message}"),
        details: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(json: &str) -> Input {
        serde_json::from_str(json).expect("input parses")
    }

    #[test]
    fn the_schema_names_every_field() {
        let schema: serde_json::Value = serde_json::from_str(SCHEMA).expect("schema is JSON");
        let names: Vec<&String> = schema["properties"].as_object().expect("properties").keys().collect();
        for field in [
            "hostnames",
            "page",
            "bucket",
            "store",
            "certificate",
            "minimum_protocol_version",
        ] {
            assert!(names.iter().any(|n| *n == field), "{field}");
        }
        assert!(serde_json::from_str::<Input>(r#"{"hostnames":[],"page":"p","certificate":"c","extra":1}"#).is_err());
    }

    #[test]
    fn the_bucket_is_derived_from_the_first_hostname() {
        let i = input(r#"{"hostnames":["WWW.Example.com."],"page":"p","certificate":"ASCA1"}"#);
        let hosts = i.hostnames().expect("valid");
        assert_eq!(hosts, ["www.example.com"]);
        assert_eq!(i.bucket(&hosts), "www-example-com-maintenance");
    }

    #[test]
    fn the_certificate_must_fit_the_store() {
        assert!(
            input(r#"{"hostnames":["a.b"],"page":"p","certificate":"ASCA1"}"#)
                .check_certificate()
                .is_ok()
        );
        assert!(
            input(r#"{"hostnames":["a.b"],"page":"p","certificate":"arn:aws:acm:us-east-1:1:certificate/x"}"#)
                .check_certificate()
                .is_err()
        );
        assert!(input(r#"{"hostnames":["a.b"],"page":"p","store":"acm","certificate":"arn:aws:acm:eu-west-1:1:certificate/x"}"#).check_certificate().is_err());
    }
}
