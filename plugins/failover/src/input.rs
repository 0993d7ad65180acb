//! The step's `with` input and its JSON Schema.

use serde::Deserialize;

/// The `with` input of `failover`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Input {
    /// The hostnames to fail over, e.g. `www.example.com`.
    pub hostnames: Vec<String>,
    /// The hosted zone holding every hostname; found for each hostname when absent.
    #[serde(default)]
    pub zone_id: Option<String>,
    /// The origin server: an IPv4 address, an IPv6 address or a DNS name.
    pub origin: String,
    /// The maintenance CloudFront distribution's `*.cloudfront.net` domain name.
    pub maintenance_domain: String,
    /// How the origin is checked.
    #[serde(default)]
    pub health_check: HealthCheckInput,
    /// The TTL of records created (existing TTLs are kept).
    #[serde(default = "default_ttl")]
    pub ttl: u32,
}

/// The `health_check` part of [`Input`].
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HealthCheckInput {
    /// The HTTPS port.
    #[serde(default = "default_port")]
    pub port: u16,
    /// The path requested.
    #[serde(default = "default_path")]
    pub path: String,
    /// Seconds between checks: 10 or 30.
    #[serde(default = "default_interval")]
    pub interval: u32,
    /// Consecutive failures before the origin is unhealthy: 1 to 10.
    #[serde(default = "default_failure_threshold")]
    pub failure_threshold: u32,
    /// Whether the hostname is sent as TLS SNI.
    #[serde(default = "default_sni")]
    pub sni: bool,
    /// A string the response body must contain.
    #[serde(default)]
    pub search_string: Option<String>,
}

impl Default for HealthCheckInput {
    fn default() -> Self {
        HealthCheckInput {
            port: default_port(),
            path: default_path(),
            interval: default_interval(),
            failure_threshold: default_failure_threshold(),
            sni: default_sni(),
            search_string: None,
        }
    }
}

fn default_ttl() -> u32 {
    60
}
fn default_port() -> u16 {
    443
}
fn default_path() -> String {
    "/".into()
}
fn default_interval() -> u32 {
    30
}
fn default_failure_threshold() -> u32 {
    3
}
fn default_sni() -> bool {
    true
}

/// The JSON Schema (draft 2020-12) of [`Input`]. Keep the two in step: a unit test checks it.
pub const SCHEMA: &str = r#"{
  "$schema": "https://json-schema.org/draft/2020-12/schema",
  "title": "failover input",
  "description": "Route 53 failover of hostnames from an origin server to a maintenance site on CloudFront, driven by an HTTPS health check of the origin.",
  "type": "object",
  "properties": {
    "hostnames": {
      "type": "array",
      "items": { "type": "string" },
      "minItems": 1,
      "description": "The hostnames to fail over, e.g. www.example.com."
    },
    "zone_id": {
      "type": "string",
      "description": "The hosted zone holding every hostname, e.g. Z1D633PJN98FT9; found for each hostname when absent."
    },
    "origin": {
      "type": "string",
      "description": "The origin server: an IPv4 address (A records), an IPv6 address (AAAA) or a DNS name (CNAME)."
    },
    "maintenance_domain": {
      "type": "string",
      "pattern": "\\.cloudfront\\.net\\.?$",
      "description": "The maintenance CloudFront distribution's domain name, e.g. d111111abcdef8.cloudfront.net."
    },
    "health_check": {
      "type": "object",
      "description": "The HTTPS health check of the origin.",
      "properties": {
        "port": { "type": "integer", "minimum": 1, "maximum": 65535, "default": 443, "description": "The HTTPS port." },
        "path": { "type": "string", "pattern": "^/", "maxLength": 255, "default": "/", "description": "The path requested." },
        "interval": { "enum": [10, 30], "default": 30, "description": "Seconds between checks." },
        "failure_threshold": { "type": "integer", "minimum": 1, "maximum": 10, "default": 3, "description": "Consecutive failures before the origin is unhealthy." },
        "sni": { "type": "boolean", "default": true, "description": "Send the hostname as TLS SNI." },
        "search_string": { "type": "string", "minLength": 1, "maxLength": 255, "description": "A string the first 5120 bytes of the response body must contain." }
      },
      "additionalProperties": false
    },
    "ttl": {
      "type": "integer",
      "minimum": 0,
      "maximum": 2147483647,
      "default": 60,
      "description": "TTL in seconds of records created; existing TTLs are kept."
    }
  },
  "required": ["hostnames", "origin", "maintenance_domain"],
  "additionalProperties": false
}"#;

/// The JSON Schema of the step's outputs, which later steps name as `${steps.<id>.<output>}`.
pub const OUTPUT_SCHEMA: &str = r#"{
  "$schema": "https://json-schema.org/draft/2020-12/schema",
  "type": "object",
  "properties": {
    "health_check_id": { "type": "string" },
    "caller_reference": { "type": "string" },
    "changed": { "type": "boolean" },
    "zones": { "type": "object" },
    "replaced": { "type": "array" },
    "records": { "type": "array" }
  }
}"#;

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn parse(s: &str) -> Result<Input, serde_json::Error> {
        serde_json::from_str(s)
    }

    const MINIMAL: &str =
        r#"{"hostnames":["www.example.com"],"origin":"192.0.2.10","maintenance_domain":"d1.cloudfront.net"}"#;

    #[test]
    fn defaults() {
        let i = parse(MINIMAL).expect("minimal input");
        assert_eq!(i.zone_id, None);
        assert_eq!(i.ttl, 60);
        let h = i.health_check;
        assert_eq!(
            (h.port, h.path.as_str(), h.interval, h.failure_threshold, h.sni),
            (443, "/", 30, 3, true)
        );
        assert_eq!(h.search_string, None);
    }

    #[test]
    fn partial_health_check_keeps_other_defaults() {
        let i: Input = serde_json::from_value(json!({
            "hostnames": ["a.example.com"], "origin": "o.example.net", "maintenance_domain": "d1.cloudfront.net",
            "health_check": {"path": "/health", "interval": 10}
        }))
        .expect("input");
        assert_eq!(i.health_check.path, "/health");
        assert_eq!(i.health_check.interval, 10);
        assert_eq!(i.health_check.port, 443);
        assert_eq!(i.health_check.failure_threshold, 3);
    }

    #[test]
    fn rejects_unknown_and_missing() {
        assert!(parse(r#"{"hostnames":["a"],"origin":"o"}"#).is_err());
        assert!(parse(r#"{"hostnames":["a"],"origin":"o","maintenance_domain":"m","zone":"Z"}"#).is_err());
        assert!(
            parse(r#"{"hostnames":["a"],"origin":"o","maintenance_domain":"m","health_check":{"protocol":"http"}}"#)
                .is_err()
        );
        assert!(
            parse(r#"{"hostnames":["a"],"origin":"o","maintenance_domain":"m","health_check":{"port":70000}}"#)
                .is_err()
        );
    }

    #[test]
    fn schema_matches_struct() {
        let s: serde_json::Value = serde_json::from_str(SCHEMA).expect("schema is JSON");
        let names = |v: &serde_json::Value| {
            let mut n: Vec<String> = v.as_object().expect("properties").keys().cloned().collect();
            n.sort_unstable();
            n
        };
        assert_eq!(
            names(&s["properties"]),
            [
                "health_check",
                "hostnames",
                "maintenance_domain",
                "origin",
                "ttl",
                "zone_id"
            ]
        );
        let hc = &s["properties"]["health_check"];
        assert_eq!(
            names(&hc["properties"]),
            ["failure_threshold", "interval", "path", "port", "search_string", "sni"]
        );
        assert_eq!(s["required"], json!(["hostnames", "origin", "maintenance_domain"]));
        assert_eq!(s["additionalProperties"], false);
        assert_eq!(hc["additionalProperties"], false);
        // Every default the schema states is the struct's default.
        let i = parse(MINIMAL).expect("minimal input");
        let h = &hc["properties"];
        assert_eq!(s["properties"]["ttl"]["default"], i.ttl);
        assert_eq!(h["port"]["default"], i.health_check.port);
        assert_eq!(h["path"]["default"], i.health_check.path);
        assert_eq!(h["interval"]["default"], i.health_check.interval);
        assert_eq!(h["failure_threshold"]["default"], i.health_check.failure_threshold);
        assert_eq!(h["sni"]["default"], i.health_check.sni);
    }
}
