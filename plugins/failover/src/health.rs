//! The origin's health check: its configuration and its deterministic caller reference.

use sha2::{Digest, Sha256};
use switchyard_sdk::dns::{HealthCheckConfig, HealthCheckProtocol};

use crate::input::HealthCheckInput;
use crate::names::{Origin, RecordKind};

/// The health check of `origin`. For an address, Route 53 probes the address and sends
/// `first_hostname` as Host (and SNI), so the site's own virtual host and certificate answer;
/// for a name it resolves and probes the name.
pub fn config(origin: &Origin, first_hostname: &str, hc: &HealthCheckInput) -> HealthCheckConfig {
    let (fqdn, ip_address) = match origin.kind {
        RecordKind::A | RecordKind::Aaaa => (first_hostname.to_owned(), Some(origin.value.clone())),
        RecordKind::Cname => (origin.value.clone(), None),
    };
    HealthCheckConfig {
        protocol: HealthCheckProtocol::Https,
        fqdn: Some(fqdn),
        ip_address,
        port: hc.port,
        resource_path: Some(hc.path.clone()),
        request_interval: hc.interval,
        failure_threshold: hc.failure_threshold,
        enable_sni: hc.sni,
        search_string: hc.search_string.clone(),
    }
}

/// Whether two health check settings are the same, field by field.
pub fn same(a: &HealthCheckConfig, b: &HealthCheckConfig) -> bool {
    a.protocol == b.protocol
        && a.fqdn == b.fqdn
        && a.ip_address == b.ip_address
        && a.port == b.port
        && a.resource_path == b.resource_path
        && a.request_interval == b.request_interval
        && a.failure_threshold == b.failure_threshold
        && a.enable_sni == b.enable_sni
        && a.search_string == b.search_string
}

/// The caller reference of a health check with `config`: `switchyard-` and the first 24 hex
/// digits of the SHA-256 of a canonical form of the configuration. The same configuration always
/// gives the same reference (a re-run finds the same check); any change gives another.
pub fn caller_reference(config: &HealthCheckConfig) -> String {
    let protocol = match config.protocol {
        HealthCheckProtocol::Https => "https",
        HealthCheckProtocol::Http => "http",
        HealthCheckProtocol::Tcp => "tcp",
    };
    // A JSON array: every field in a fixed order, strings quoted, absent ones `null`.
    let canonical = serde_json::json!([
        "switchyard-failover/1",
        protocol,
        config.fqdn,
        config.ip_address,
        config.port,
        config.resource_path,
        config.request_interval,
        config.failure_threshold,
        config.enable_sni,
        config.search_string,
    ])
    .to_string();
    let digest = Sha256::digest(canonical.as_bytes());
    let hex: String = digest.iter().take(12).map(|b| format!("{b:02x}")).collect();
    format!("switchyard-{hex}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::names;

    fn hc() -> HealthCheckInput {
        HealthCheckInput::default()
    }

    #[test]
    fn address_origin_probes_the_address_as_the_site() {
        let o = names::origin("192.0.2.10").expect("origin");
        let c = config(&o, "www.example.com", &hc());
        assert_eq!(c.ip_address.as_deref(), Some("192.0.2.10"));
        assert_eq!(c.fqdn.as_deref(), Some("www.example.com"));
        assert_eq!(
            (c.port, c.resource_path.as_deref(), c.request_interval),
            (443, Some("/"), 30)
        );
        assert_eq!(
            (c.failure_threshold, c.enable_sni, c.search_string.clone()),
            (3, true, None)
        );
        assert_eq!(c.protocol, HealthCheckProtocol::Https);
    }

    #[test]
    fn name_origin_probes_the_name() {
        let o = names::origin("origin.example.net").expect("origin");
        let c = config(&o, "www.example.com", &hc());
        assert_eq!(c.ip_address, None);
        assert_eq!(c.fqdn.as_deref(), Some("origin.example.net"));
    }

    #[test]
    fn caller_reference_is_deterministic() {
        let o = names::origin("192.0.2.10").expect("origin");
        let a = caller_reference(&config(&o, "www.example.com", &hc()));
        let b = caller_reference(&config(&o, "www.example.com", &hc()));
        assert_eq!(a, b);
        assert_eq!(a.len(), "switchyard-".len() + 24);
        assert!(a.starts_with("switchyard-"));
        assert!(
            a["switchyard-".len()..]
                .bytes()
                .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase())
        );
    }

    #[test]
    fn caller_reference_changes_with_any_setting() {
        let o = names::origin("192.0.2.10").expect("origin");
        let base = caller_reference(&config(&o, "www.example.com", &hc()));
        let variants: Vec<HealthCheckInput> = vec![
            HealthCheckInput { port: 8443, ..hc() },
            HealthCheckInput {
                path: "/health".into(),
                ..hc()
            },
            HealthCheckInput { interval: 10, ..hc() },
            HealthCheckInput {
                failure_threshold: 2,
                ..hc()
            },
            HealthCheckInput { sni: false, ..hc() },
            HealthCheckInput {
                search_string: Some("ok".into()),
                ..hc()
            },
        ];
        for v in &variants {
            assert_ne!(caller_reference(&config(&o, "www.example.com", v)), base, "{v:?}");
            assert!(
                !same(&config(&o, "www.example.com", v), &config(&o, "www.example.com", &hc())),
                "{v:?}"
            );
        }
        assert!(same(
            &config(&o, "www.example.com", &hc()),
            &config(&o, "www.example.com", &hc())
        ));
        assert_ne!(caller_reference(&config(&o, "example.com", &hc())), base);
        let other = names::origin("192.0.2.11").expect("origin");
        assert_ne!(caller_reference(&config(&other, "www.example.com", &hc())), base);
    }
}
