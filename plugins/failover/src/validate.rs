//! Input checks before anything is read or written, and the settings they produce.

use std::fmt::Display;

use switchyard_sdk::StepError;
use switchyard_sdk::dns::HealthCheckConfig;

use crate::health;
use crate::input::Input;
use crate::names::{self, Origin, RecordKind};

/// Route 53's longest set identifier.
const MAX_SET_IDENTIFIER: usize = 128;
/// Route 53's longest TTL.
const MAX_TTL: u32 = 2_147_483_647;

/// A hostname to fail over.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hostname {
    /// Lowercase, without the trailing dot: `www.example.com`.
    pub name: String,
    /// Lowercase, with the trailing dot, as records are named: `www.example.com.`.
    pub fqdn: String,
}

impl Hostname {
    /// The set identifier of the PRIMARY record.
    pub fn primary_id(&self) -> String {
        format!("{}-primary", self.name)
    }

    /// The set identifier of the SECONDARY record.
    pub fn secondary_id(&self) -> String {
        format!("{}-secondary", self.name)
    }
}

/// The checked input.
#[derive(Debug, Clone)]
pub struct Settings {
    /// The hostnames, in input order.
    pub hostnames: Vec<Hostname>,
    /// The hosted zone given, without a `/hostedzone/` prefix.
    pub zone_id: Option<String>,
    /// The origin.
    pub origin: Origin,
    /// The maintenance distribution's domain name, lowercase, no trailing dot.
    pub maintenance_domain: String,
    /// The health check to ensure.
    pub health_check: HealthCheckConfig,
    /// Its caller reference.
    pub caller_reference: String,
    /// The TTL of records created.
    pub ttl: u32,
}

/// An `invalid-input` step error about `field`.
pub fn invalid(field: &str, message: impl Display) -> StepError {
    StepError {
        code: "invalid-input".into(),
        message: format!("`{field}`: {message}"),
        details: Some(serde_json::json!({ "field": field }).to_string()),
    }
}

/// Checks the input as Route 53 would, and more, before anything is sent.
pub fn settings(input: &Input) -> Result<Settings, StepError> {
    let hostnames = hostnames(&input.hostnames)?;
    let origin = names::origin(&input.origin).map_err(|m| invalid("origin", m))?;
    if origin.kind == RecordKind::Cname && hostnames.iter().any(|h| h.name == origin.value) {
        return Err(invalid(
            "origin",
            format!(
                "`{}` is also one of `hostnames`: the origin must be the server's own name (or \
                 address), not a name this step points elsewhere",
                origin.value
            ),
        ));
    }
    let maintenance_domain =
        names::cloudfront_domain(&input.maintenance_domain).map_err(|m| invalid("maintenance_domain", m))?;
    let zone_id = input.zone_id.as_deref().map(zone_id).transpose()?;
    check_health_check(input)?;
    if input.ttl > MAX_TTL {
        return Err(invalid(
            "ttl",
            format!("{} is more than Route 53's maximum, {MAX_TTL}", input.ttl),
        ));
    }
    let first = hostnames.first().map(|h| h.name.as_str()).unwrap_or_default();
    let health_check = health::config(&origin, first, &input.health_check);
    let caller_reference = health::caller_reference(&health_check);
    Ok(Settings {
        hostnames,
        zone_id,
        origin,
        maintenance_domain,
        health_check,
        caller_reference,
        ttl: input.ttl,
    })
}

fn hostnames(given: &[String]) -> Result<Vec<Hostname>, StepError> {
    if given.is_empty() {
        return Err(invalid(
            "hostnames",
            "give at least one hostname, e.g. [\"www.example.com\"]",
        ));
    }
    let mut out: Vec<Hostname> = Vec::with_capacity(given.len());
    for (i, h) in given.iter().enumerate() {
        let field = format!("hostnames[{i}]");
        let name = names::hostname(h).map_err(|m| invalid(&field, m))?;
        if name.len() + "-secondary".len() > MAX_SET_IDENTIFIER {
            return Err(invalid(
                &field,
                format!(
                    "`{name}` is too long: its set identifier `{name}-secondary` would exceed \
                     Route 53's {MAX_SET_IDENTIFIER} characters"
                ),
            ));
        }
        if out.iter().any(|o| o.name == name) {
            return Err(invalid(
                &field,
                format!("`{name}` is listed twice: list each hostname once"),
            ));
        }
        out.push(Hostname {
            fqdn: format!("{name}."),
            name,
        });
    }
    Ok(out)
}

fn zone_id(given: &str) -> Result<String, StepError> {
    let id = given.strip_prefix("/hostedzone/").unwrap_or(given);
    if id.is_empty() || !id.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return Err(invalid(
            "zone_id",
            format!("`{given}` is not a hosted zone id such as Z1D633PJN98FT9: omit it to find each hostname's zone"),
        ));
    }
    Ok(id.to_owned())
}

fn check_health_check(input: &Input) -> Result<(), StepError> {
    let hc = &input.health_check;
    if hc.port == 0 {
        return Err(invalid(
            "health_check.port",
            "0 is not a port: use 1–65535 (HTTPS is 443)",
        ));
    }
    if !hc.path.starts_with('/') || hc.path.len() > 255 {
        return Err(invalid(
            "health_check.path",
            format!(
                "`{}` must start with `/` and have at most 255 characters, e.g. `/health`",
                hc.path
            ),
        ));
    }
    if ![10, 30].contains(&hc.interval) {
        return Err(invalid(
            "health_check.interval",
            format!(
                "{} seconds: Route 53 checks every 10 or 30 seconds; use 10 or 30",
                hc.interval
            ),
        ));
    }
    if !(1..=10).contains(&hc.failure_threshold) {
        return Err(invalid(
            "health_check.failure_threshold",
            format!(
                "{}: Route 53 accepts 1 to 10 consecutive failures",
                hc.failure_threshold
            ),
        ));
    }
    if let Some(s) = &hc.search_string
        && (s.is_empty() || s.len() > 255)
    {
        return Err(invalid(
            "health_check.search_string",
            "must have 1–255 characters; omit it to accept any 2xx or 3xx response",
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{Value, json};

    fn input(patch: Value) -> Input {
        let mut v = json!({
            "hostnames": ["www.example.com", "Example.com."],
            "origin": "192.0.2.10",
            "maintenance_domain": "d1.cloudfront.net"
        });
        if let (Some(o), Some(p)) = (v.as_object_mut(), patch.as_object()) {
            for (k, val) in p {
                o.insert(k.clone(), val.clone());
            }
        }
        serde_json::from_value(v).expect("test input")
    }

    fn field_of(patch: Value) -> String {
        let e = settings(&input(patch)).expect_err("should be refused");
        assert_eq!(e.code, "invalid-input");
        let d: Value = serde_json::from_str(e.details.as_deref().expect("details")).expect("details JSON");
        d["field"].as_str().expect("field").to_owned()
    }

    #[test]
    fn accepts_and_normalises() {
        let s = settings(&input(json!({"zone_id": "/hostedzone/Z123"}))).expect("settings");
        assert_eq!(s.hostnames[1].name, "example.com");
        assert_eq!(s.hostnames[1].fqdn, "example.com.");
        assert_eq!(s.hostnames[0].primary_id(), "www.example.com-primary");
        assert_eq!(s.hostnames[0].secondary_id(), "www.example.com-secondary");
        assert_eq!(s.zone_id.as_deref(), Some("Z123"));
        assert_eq!(s.health_check.fqdn.as_deref(), Some("www.example.com"));
        assert_eq!(s.ttl, 60);
    }

    #[test]
    fn names_the_field_at_fault() {
        let cases = [
            (json!({"hostnames": []}), "hostnames"),
            (
                json!({"hostnames": ["www.example.com", "WWW.example.com."]}),
                "hostnames[1]",
            ),
            (json!({"hostnames": ["not a name"]}), "hostnames[0]"),
            (
                json!({"hostnames": [format!("{}.example.com", "a.".repeat(55))]}),
                "hostnames[0]",
            ),
            (json!({"origin": "10.0.0.1"}), "origin"),
            (json!({"origin": "www.example.com"}), "origin"),
            (
                json!({"maintenance_domain": "maintenance.example.com"}),
                "maintenance_domain",
            ),
            (json!({"zone_id": "Z 1"}), "zone_id"),
            (json!({"health_check": {"port": 0}}), "health_check.port"),
            (json!({"health_check": {"path": "health"}}), "health_check.path"),
            (json!({"health_check": {"interval": 20}}), "health_check.interval"),
            (
                json!({"health_check": {"failure_threshold": 0}}),
                "health_check.failure_threshold",
            ),
            (
                json!({"health_check": {"failure_threshold": 11}}),
                "health_check.failure_threshold",
            ),
            (
                json!({"health_check": {"search_string": ""}}),
                "health_check.search_string",
            ),
            (json!({"ttl": 2_147_483_648_u64}), "ttl"),
        ];
        for (patch, field) in cases {
            assert_eq!(field_of(patch.clone()), field, "{patch}");
        }
    }
}
