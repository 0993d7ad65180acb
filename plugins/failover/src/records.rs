//! The desired failover pair of a hostname, how record sets compare, and their JSON form.

use std::net::IpAddr;

use serde::Serialize;
use switchyard_sdk::dns::{AliasTarget, FailoverRole, RecordSet};

use crate::names::{self, Origin, RecordKind};
use crate::validate::Hostname;

/// CloudFront's hosted zone id, the same for every distribution.
pub const CLOUDFRONT_ZONE_ID: &str = "Z2FDTNDATAQYW2";

/// The PRIMARY (the origin, tied to the health check) and SECONDARY (the maintenance site)
/// records of `host`. For an address origin the secondary is an alias of the same type to the
/// distribution; for a name it is a CNAME to it, because both records of a failover pair must
/// have the same type and an alias to CloudFront must be `A` or `AAAA`.
pub fn desired(
    host: &Hostname,
    origin: &Origin,
    maintenance_domain: &str,
    health_check_id: &str,
    ttl: u32,
) -> [RecordSet; 2] {
    let r#type = origin.kind.as_str().to_owned();
    let primary = RecordSet {
        name: host.fqdn.clone(),
        type_: r#type.clone(),
        ttl: Some(ttl),
        values: vec![origin.value.clone()],
        alias: None,
        set_identifier: Some(host.primary_id()),
        failover: Some(FailoverRole::Primary),
        health_check_id: Some(health_check_id.to_owned()),
    };
    let (ttl, values, alias) = match origin.kind {
        RecordKind::A | RecordKind::Aaaa => (
            None,
            Vec::new(),
            Some(AliasTarget {
                hosted_zone_id: CLOUDFRONT_ZONE_ID.into(),
                dns_name: maintenance_domain.to_owned(),
                evaluate_target_health: false,
            }),
        ),
        RecordKind::Cname => (Some(ttl), vec![maintenance_domain.to_owned()], None),
    };
    let secondary = RecordSet {
        name: host.fqdn.clone(),
        type_: r#type,
        ttl,
        values,
        alias,
        set_identifier: Some(host.secondary_id()),
        failover: Some(FailoverRole::Secondary),
        health_check_id: None,
    };
    [primary, secondary]
}

/// Whether two record sets are the same: every field, names compared case-insensitively
/// without the trailing dot, addresses as addresses, values in any order.
pub fn same(a: &RecordSet, b: &RecordSet) -> bool {
    let alias_same = match (&a.alias, &b.alias) {
        (None, None) => true,
        (Some(x), Some(y)) => {
            x.hosted_zone_id.eq_ignore_ascii_case(&y.hosted_zone_id)
                && names::normalize(&x.dns_name) == names::normalize(&y.dns_name)
                && x.evaluate_target_health == y.evaluate_target_health
        }
        _ => false,
    };
    names::normalize(&a.name) == names::normalize(&b.name)
        && a.type_.eq_ignore_ascii_case(&b.type_)
        && a.ttl == b.ttl
        && values(a) == values(b)
        && alias_same
        && a.set_identifier == b.set_identifier
        && a.failover == b.failover
        && a.health_check_id == b.health_check_id
}

/// The values of a record set in a comparable form, sorted.
fn values(r: &RecordSet) -> Vec<String> {
    let mut v: Vec<String> = r
        .values
        .iter()
        .map(|v| match v.parse::<IpAddr>() {
            Ok(ip) => ip.to_string(),
            Err(_) if r.type_.eq_ignore_ascii_case("CNAME") => names::normalize(v),
            Err(_) => v.clone(),
        })
        .collect();
    v.sort_unstable();
    v
}

/// A record set as the step's output shows it.
#[derive(Debug, Clone, Serialize)]
pub struct RecordView {
    /// Fully qualified, with the trailing dot.
    pub name: String,
    /// `A`, `AAAA`, `CNAME`, …
    #[serde(rename = "type")]
    pub r#type: String,
    /// Seconds; none for an alias.
    pub ttl: Option<u32>,
    /// Values; empty for an alias.
    pub values: Vec<String>,
    /// The alias target.
    pub alias: Option<AliasView>,
    /// The set identifier.
    pub set_identifier: Option<String>,
    /// `primary` or `secondary`.
    pub failover: Option<&'static str>,
    /// The health check.
    pub health_check_id: Option<String>,
}

/// An alias target as the step's output shows it.
#[derive(Debug, Clone, Serialize)]
pub struct AliasView {
    /// The target's hosted zone.
    pub hosted_zone_id: String,
    /// The target's DNS name.
    pub dns_name: String,
    /// Whether the alias follows its target's health.
    pub evaluate_target_health: bool,
}

impl From<&RecordSet> for RecordView {
    fn from(r: &RecordSet) -> Self {
        RecordView {
            name: r.name.clone(),
            r#type: r.type_.clone(),
            ttl: r.ttl,
            values: r.values.clone(),
            alias: r.alias.as_ref().map(|a| AliasView {
                hosted_zone_id: a.hosted_zone_id.clone(),
                dns_name: a.dns_name.clone(),
                evaluate_target_health: a.evaluate_target_health,
            }),
            set_identifier: r.set_identifier.clone(),
            failover: r.failover.map(|f| match f {
                FailoverRole::Primary => "primary",
                FailoverRole::Secondary => "secondary",
            }),
            health_check_id: r.health_check_id.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn host() -> Hostname {
        Hostname {
            name: "www.example.com".into(),
            fqdn: "www.example.com.".into(),
        }
    }

    #[test]
    fn address_pair_is_record_and_alias() {
        let o = names::origin("192.0.2.10").expect("origin");
        let [p, s] = desired(&host(), &o, "d1.cloudfront.net", "hc-1", 60);
        assert_eq!(
            (p.name.as_str(), p.type_.as_str(), p.ttl),
            ("www.example.com.", "A", Some(60))
        );
        assert_eq!(p.values, ["192.0.2.10"]);
        assert_eq!(p.set_identifier.as_deref(), Some("www.example.com-primary"));
        assert_eq!(
            (p.failover, p.health_check_id.as_deref()),
            (Some(FailoverRole::Primary), Some("hc-1"))
        );
        assert!(p.alias.is_none());
        assert_eq!((s.type_.as_str(), s.ttl, s.values.len()), ("A", None, 0));
        let a = s.alias.as_ref().expect("alias");
        assert_eq!(
            (a.hosted_zone_id.as_str(), a.dns_name.as_str()),
            ("Z2FDTNDATAQYW2", "d1.cloudfront.net")
        );
        assert!(!a.evaluate_target_health);
        assert_eq!(s.set_identifier.as_deref(), Some("www.example.com-secondary"));
        assert_eq!(
            (s.failover, s.health_check_id.clone()),
            (Some(FailoverRole::Secondary), None)
        );
        let o6 = names::origin("2001:db8::1").expect("origin");
        let [p6, s6] = desired(&host(), &o6, "d1.cloudfront.net", "hc-1", 60);
        assert_eq!((p6.type_.as_str(), s6.type_.as_str()), ("AAAA", "AAAA"));
    }

    #[test]
    fn name_pair_is_two_cnames() {
        let o = names::origin("origin.example.net").expect("origin");
        let [p, s] = desired(&host(), &o, "d1.cloudfront.net", "hc-1", 300);
        assert_eq!(
            (p.type_.as_str(), p.values.clone()),
            ("CNAME", vec!["origin.example.net".to_owned()])
        );
        assert_eq!((s.type_.as_str(), s.ttl), ("CNAME", Some(300)));
        assert_eq!(s.values, ["d1.cloudfront.net"]);
        assert!(s.alias.is_none());
    }

    #[test]
    fn comparison_normalises_what_route53_normalises() {
        let o = names::origin("2001:db8::1").expect("origin");
        let [p, s] = desired(&host(), &o, "d1.cloudfront.net", "hc-1", 60);
        let mut p2 = p.clone();
        p2.name = "WWW.example.com".into();
        p2.values = vec!["2001:DB8:0:0:0:0:0:1".into()];
        assert!(same(&p, &p2));
        let mut s2 = s.clone();
        if let Some(a) = s2.alias.as_mut() {
            a.dns_name = "D1.CloudFront.net.".into();
        }
        assert!(same(&s, &s2));
        p2.health_check_id = Some("hc-2".into());
        assert!(!same(&p, &p2));
        let mut p3 = p.clone();
        p3.ttl = Some(300);
        assert!(!same(&p, &p3));
        assert!(!same(&p, &s));
    }

    #[test]
    fn view_names_every_field() {
        let o = names::origin("192.0.2.10").expect("origin");
        let [_, s] = desired(&host(), &o, "d1.cloudfront.net", "hc-1", 60);
        let v = serde_json::to_value(RecordView::from(&s)).expect("JSON");
        assert_eq!(v["type"], "A");
        assert_eq!(v["failover"], "secondary");
        assert_eq!(v["alias"]["hosted_zone_id"], CLOUDFRONT_ZONE_ID);
        assert_eq!(v["ttl"], serde_json::Value::Null);
    }
}
