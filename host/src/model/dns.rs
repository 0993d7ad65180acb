//! Route 53: zones, health checks, record sets.

use serde::{Deserialize, Serialize};

/// A hosted zone.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HostedZone {
    /// Its id without the `/hostedzone/` prefix.
    pub id: String,
    /// Its name, fully qualified with the trailing dot.
    pub name: String,
    /// Whether it is private.
    pub private_zone: bool,
}

/// What a health check probes with.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HealthCheckProtocol {
    /// HTTPS.
    #[serde(alias = "Https")]
    Https,
    /// HTTP.
    #[serde(alias = "Http")]
    Http,
    /// A TCP connection.
    #[serde(alias = "Tcp")]
    Tcp,
}

/// What a health check checks.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HealthCheckConfig {
    /// The protocol.
    pub protocol: HealthCheckProtocol,
    /// The endpoint's domain name.
    pub fqdn: Option<String>,
    /// The endpoint's address.
    pub ip_address: Option<String>,
    /// The port.
    pub port: u16,
    /// The path to request.
    pub resource_path: Option<String>,
    /// Seconds between checks: 10 or 30.
    pub request_interval: u32,
    /// Consecutive failures before unhealthy: 1 to 10.
    pub failure_threshold: u32,
    /// Send the fqdn as TLS SNI.
    pub enable_sni: bool,
    /// A string the response must contain.
    pub search_string: Option<String>,
}

impl HealthCheckConfig {
    /// Why Route 53's `UpdateHealthCheck` cannot turn these settings into `wanted`, if it
    /// cannot: a health check's type and request interval are fixed when it is created, and an
    /// IP address or a search string, once set, can be changed but not removed.
    pub fn updatable_to(&self, wanted: &HealthCheckConfig) -> Option<String> {
        if self.protocol != wanted.protocol {
            return Some("its protocol is fixed when it is created".into());
        }
        if self.request_interval != wanted.request_interval {
            return Some("its request interval is fixed when it is created".into());
        }
        if self.ip_address.is_some() && wanted.ip_address.is_none() {
            return Some("its IP address can be changed but not removed".into());
        }
        if self.search_string.is_some() && wanted.search_string.is_none() {
            return Some("its search string can be changed but not removed".into());
        }
        None
    }
}

/// A health check.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HealthCheck {
    /// Its id.
    pub id: String,
    /// The caller reference it was created with.
    pub caller_reference: String,
    /// Its configuration.
    pub config: HealthCheckConfig,
}

/// What Route 53's checkers last observed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HealthStatus {
    /// Whether enough checkers see the endpoint as healthy.
    pub healthy: bool,
    /// How many checkers reported.
    pub checkers: u32,
    /// How many saw it healthy.
    pub healthy_checkers: u32,
}

/// Which half of a failover pair a record set is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FailoverRole {
    /// Served while healthy.
    #[serde(alias = "Primary")]
    Primary,
    /// Served while the primary is not.
    #[serde(alias = "Secondary")]
    Secondary,
}

/// An alias to another AWS resource.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AliasTarget {
    /// The target's hosted zone id.
    pub hosted_zone_id: String,
    /// The target's DNS name.
    pub dns_name: String,
    /// Whether the alias is healthy only while its target is.
    pub evaluate_target_health: bool,
}

/// A resource record set.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordSet {
    /// Its name, fully qualified with the trailing dot.
    pub name: String,
    /// Its type: `A`, `AAAA`, `CNAME`, `TXT`, …
    #[serde(rename = "type", alias = "type_")]
    pub record_type: String,
    /// Its TTL in seconds; none for an alias.
    pub ttl: Option<u32>,
    /// Its values; empty for an alias.
    pub values: Vec<String>,
    /// Its alias target.
    pub alias: Option<AliasTarget>,
    /// Its set identifier.
    pub set_identifier: Option<String>,
    /// Its failover role.
    pub failover: Option<FailoverRole>,
    /// The health check it is tied to.
    pub health_check_id: Option<String>,
}

impl RecordSet {
    /// Its identity within its zone: name (lowercase, no trailing dot), type and set identifier.
    pub fn key(&self) -> (String, String, Option<String>) {
        (
            self.name.trim_end_matches('.').to_ascii_lowercase(),
            self.record_type.clone(),
            self.set_identifier.clone(),
        )
    }

    /// Its identity for people: `www.example.com. A [primary]`.
    pub fn label(&self) -> String {
        match &self.set_identifier {
            Some(id) => format!("{} {} [{id}]", self.name, self.record_type),
            None => format!("{} {}", self.name, self.record_type),
        }
    }
}

/// What to do with a record set.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChangeAction {
    /// Create; fails if it exists.
    Create,
    /// Delete; must match exactly.
    Delete,
    /// Create or replace.
    Upsert,
}

/// One change to a record set.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordChange {
    /// The action.
    pub action: ChangeAction,
    /// The record set.
    pub record_set: RecordSet,
}

/// A DNS name lowercased with its trailing dot, with Route 53's `\052` escape read as `*`.
pub fn fqdn(name: &str) -> String {
    let name = name.to_ascii_lowercase().replace("\\052", "*");
    if name.ends_with('.') { name } else { format!("{name}.") }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config() -> HealthCheckConfig {
        HealthCheckConfig {
            protocol: HealthCheckProtocol::Https,
            fqdn: Some("www.example.com".into()),
            ip_address: Some("192.0.2.10".into()),
            port: 443,
            resource_path: Some("/health".into()),
            request_interval: 30,
            failure_threshold: 3,
            enable_sni: true,
            search_string: None,
        }
    }

    #[test]
    fn what_route_53_updates_in_place_and_what_it_does_not() {
        let c = config();
        for wanted in [
            HealthCheckConfig {
                failure_threshold: 7,
                ..config()
            },
            HealthCheckConfig {
                port: 8443,
                resource_path: None,
                ..config()
            },
            HealthCheckConfig {
                search_string: Some("ok".into()),
                ..config()
            },
        ] {
            assert_eq!(c.updatable_to(&wanted), None, "{wanted:?}");
        }
        let fixed = |wanted: HealthCheckConfig| c.updatable_to(&wanted).expect("not in place");
        assert!(
            fixed(HealthCheckConfig {
                request_interval: 10,
                ..config()
            })
            .contains("request interval")
        );
        assert!(
            fixed(HealthCheckConfig {
                protocol: HealthCheckProtocol::Http,
                ..config()
            })
            .contains("protocol")
        );
        assert!(
            fixed(HealthCheckConfig {
                ip_address: None,
                ..config()
            })
            .contains("IP address")
        );
    }
}
