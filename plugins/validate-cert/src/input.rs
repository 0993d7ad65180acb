//! The step's `with` input and its JSON Schema.

use serde::Deserialize;

/// Where a CloudFront certificate will be stored: it changes only the advice given.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Target {
    /// An IAM server certificate.
    #[default]
    Iam,
    /// An ACM certificate (in us-east-1).
    Acm,
}

/// The `with` input of `validate-cert`.
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
    /// The names the certificate must cover.
    #[serde(default)]
    pub domains: Vec<String>,
    /// Warn when the certificate expires in fewer days than this.
    #[serde(default = "default_min_days")]
    pub min_days: u32,
    /// Where the certificate will go.
    #[serde(default)]
    pub target: Target,
    /// A PEM file of the roots to trust instead of Mozilla's (a private PKI).
    #[serde(default)]
    pub trust_store: Option<String>,
}

fn default_min_days() -> u32 {
    30
}

/// The JSON Schema (draft 2020-12) of [`Input`]. Keep the two in step: a unit test checks it.
pub const SCHEMA: &str = r#"{
  "$schema": "https://json-schema.org/draft/2020-12/schema",
  "title": "validate-cert input",
  "description": "A TLS certificate bundle (PEM files on the host) to check before it is uploaded to IAM or imported into ACM for CloudFront.",
  "type": "object",
  "properties": {
    "certificate": {
      "type": "string",
      "description": "Path of the server (leaf) certificate, PEM."
    },
    "private_key": {
      "type": "string",
      "description": "Path of the private key, unencrypted PEM (PKCS#8, PKCS#1 or SEC1)."
    },
    "chain": {
      "type": "string",
      "description": "Path of the intermediate certificates, PEM, the leaf's issuer first."
    },
    "domains": {
      "type": "array",
      "items": { "type": "string" },
      "default": [],
      "description": "Names the certificate must cover, e.g. www.example.com."
    },
    "min_days": {
      "type": "integer",
      "minimum": 0,
      "maximum": 4294967295,
      "default": 30,
      "description": "Warn when the certificate expires in fewer days than this."
    },
    "target": {
      "enum": ["iam", "acm"],
      "default": "iam",
      "description": "Where the certificate will be stored for CloudFront: an IAM server certificate or an ACM certificate."
    },
    "trust_store": {
      "type": "string",
      "description": "Path of a PEM file of root certificates to trust instead of Mozilla's (those CloudFront's viewers' browsers trust): for a private PKI."
    }
  },
  "required": ["certificate", "private_key"],
  "additionalProperties": false
}"#;

/// The JSON Schema of the step's outputs, which later steps name as `${steps.<id>.<output>}`.
pub const OUTPUT_SCHEMA: &str = r#"{
  "$schema": "https://json-schema.org/draft/2020-12/schema",
  "type": "object",
  "properties": {
    "ok": { "type": "boolean" },
    "findings": { "type": "array" },
    "certificate": { "type": ["object", "null"] }
  }
}"#;

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(s: &str) -> Result<Input, serde_json::Error> {
        serde_json::from_str(s)
    }

    #[test]
    fn defaults() {
        let i = parse(r#"{"certificate":"c.pem","private_key":"k.pem"}"#).expect("minimal input");
        assert_eq!(i.chain, None);
        assert!(i.domains.is_empty());
        assert_eq!(i.min_days, 30);
        assert_eq!(i.target, Target::Iam);
    }

    #[test]
    fn everything() {
        let i = parse(
            r#"{"certificate":"c","private_key":"k","chain":"ch","domains":["a.example.com"],
                "min_days":7,"target":"acm"}"#,
        )
        .expect("full input");
        assert_eq!(i.chain.as_deref(), Some("ch"));
        assert_eq!(i.domains, ["a.example.com"]);
        assert_eq!(i.min_days, 7);
        assert_eq!(i.target, Target::Acm);
    }

    #[test]
    fn rejects_unknown_and_missing() {
        assert!(parse(r#"{"certificate":"c","private_key":"k","domain":["x"]}"#).is_err());
        assert!(parse(r#"{"certificate":"c"}"#).is_err());
        assert!(parse(r#"{"certificate":"c","private_key":"k","target":"elb"}"#).is_err());
        assert!(parse(r#"{"certificate":"c","private_key":"k","min_days":-1}"#).is_err());
    }

    #[test]
    fn schema_matches_struct() {
        let s: serde_json::Value = serde_json::from_str(SCHEMA).expect("schema is JSON");
        let props = s["properties"].as_object().expect("properties");
        let mut names: Vec<&str> = props.keys().map(String::as_str).collect();
        names.sort_unstable();
        assert_eq!(
            names,
            [
                "certificate",
                "chain",
                "domains",
                "min_days",
                "private_key",
                "target",
                "trust_store"
            ]
        );
        assert_eq!(s["required"], serde_json::json!(["certificate", "private_key"]));
        assert_eq!(s["additionalProperties"], false);
        assert_eq!(s["properties"]["target"]["enum"], serde_json::json!(["iam", "acm"]));
        // Every default the schema states is the struct's default.
        let i = parse(r#"{"certificate":"c","private_key":"k"}"#).expect("minimal input");
        assert_eq!(s["properties"]["min_days"]["default"], i.min_days);
        assert_eq!(s["properties"]["target"]["default"], "iam");
    }
}
