//! `switchyard:step/dns`: Route 53 hosted zones, health checks and record sets.

use std::net::{Ipv4Addr, Ipv6Addr};
use std::time::{Duration, Instant};

use aws_sdk_route53::types::{
    AliasTarget as AwsAliasTarget, Change as AwsChange, ChangeAction as AwsChangeAction, ChangeBatch, ChangeStatus,
    HealthCheckConfig as AwsHealthCheckConfig, HealthCheckType, ResourceRecord, ResourceRecordSet,
    ResourceRecordSetFailover, RrType,
};

use crate::aws::Aws;
use crate::bindings::dns::{
    AliasTarget, Change, ChangeAction, FailoverRole, HealthCheck, HealthCheckConfig, HealthCheckProtocol, HealthStatus,
    Host, HostedZone, RecordSet,
};
use crate::error::HostError;
use crate::gate::{Call, Capability};
use crate::journal::{Change as JournalChange, record_key};
use crate::plan::placeholder;
use crate::state::StepState;

/// How long a change may take to become `INSYNC`.
const SYNC_BUDGET: Duration = Duration::from_secs(300);

impl Host for StepState {
    async fn find_hosted_zone(&mut self, name: String) -> Result<Option<HostedZone>, HostError> {
        let wanted = fqdn(&name);
        let call = Call::new(Capability::Route53Read, "find hosted zone");
        self.gate
            .call(call, async |aws| {
                let mut pages = aws.route53.list_hosted_zones().into_paginator().send();
                let mut best: Option<HostedZone> = None;
                while let Some(page) = pages.next().await {
                    let page = page.map_err(|e| HostError::from_sdk("route53", e))?;
                    for zone in page.hosted_zones {
                        let private_zone = zone.config.as_ref().is_some_and(|c| c.private_zone);
                        let zone_name = fqdn(&zone.name);
                        let holds = wanted == zone_name || wanted.ends_with(&format!(".{zone_name}"));
                        if private_zone || !holds || best.as_ref().is_some_and(|b| b.name.len() >= zone_name.len()) {
                            continue;
                        }
                        best = Some(HostedZone {
                            id: zone.id.trim_start_matches("/hostedzone/").to_owned(),
                            name: zone_name,
                            private_zone,
                        });
                    }
                }
                Ok(best)
            })
            .await
    }

    async fn ensure_health_check(
        &mut self,
        caller_reference: String,
        config: HealthCheckConfig,
    ) -> Result<HealthCheck, HostError> {
        let aws_config = to_aws_health_check(&config)?;
        if caller_reference.is_empty() || caller_reference.len() > 64 {
            return Err(HostError::invalid(
                "caller-reference",
                "bad-caller-reference",
                "a caller reference has 1–64 characters",
            ));
        }
        let call = Call::new(Capability::Route53Write, "ensure health check").on(&caller_reference);
        let existing = self
            .gate
            .call(call, async |aws| find_health_check(aws, &caller_reference).await)
            .await?;
        // Route 53 answers a known caller reference with its health check when the settings are
        // the same, and refuses it when they differ; either way it creates nothing.
        if let Some(existing) = existing {
            if existing.config == config {
                return Ok(existing);
            }
            return Err(HostError::Conflict(format!(
                "health check {} has caller reference `{caller_reference}` with other settings: Route 53 refuses to reuse a caller reference; use another one",
                existing.id
            )));
        }
        let change = JournalChange::CreateHealthCheck {
            caller_reference: caller_reference.clone(),
            config: config.clone(),
        };
        let planned = || HealthCheck {
            id: placeholder("health check id"),
            caller_reference: caller_reference.clone(),
            config: config.clone(),
        };
        self.gate
            .write(call, change, planned, async |aws| {
                let out = aws
                    .route53
                    .create_health_check()
                    .caller_reference(&caller_reference)
                    .health_check_config(aws_config)
                    .send()
                    .await
                    .map_err(|e| HostError::from_sdk("route53", e))?;
                let check = health_check_of(out.health_check.ok_or_else(|| {
                    HostError::Internal("route53 CreateHealthCheck answered without a health check".into())
                })?)?;
                let id = check.id.clone();
                Ok((check, Some(id)))
            })
            .await
    }

    async fn get_health_check(&mut self, id: String) -> Result<HealthCheck, HostError> {
        let call = Call::new(Capability::Route53Read, "get health check").on(&id);
        self.gate
            .call(call, async |aws| {
                let out = aws
                    .route53
                    .get_health_check()
                    .health_check_id(&id)
                    .send()
                    .await
                    .map_err(|e| HostError::from_sdk("route53", e))?;
                health_check_of(
                    out.health_check
                        .ok_or_else(|| HostError::NotFound(format!("health check {id}")))?,
                )
            })
            .await
    }

    async fn delete_health_check(&mut self, id: String) -> Result<(), HostError> {
        let call = Call::new(Capability::Route53Write, "delete health check").on(&id);
        let change = JournalChange::DeleteHealthCheck { id: id.clone() };
        self.gate
            .write(
                call,
                change,
                || (),
                async |aws| {
                    aws.route53
                        .delete_health_check()
                        .health_check_id(&id)
                        .send()
                        .await
                        .map_err(|e| HostError::from_sdk("route53", e))?;
                    Ok(((), None))
                },
            )
            .await
    }

    async fn health_check_status(&mut self, id: String) -> Result<HealthStatus, HostError> {
        let call = Call::new(Capability::Route53Read, "get health check status").on(&id);
        self.gate
            .call(call, async |aws| {
                let out = aws
                    .route53
                    .get_health_check_status()
                    .health_check_id(&id)
                    .send()
                    .await
                    .map_err(|e| HostError::from_sdk("route53", e))?;
                let observations = out.health_check_observations;
                let healthy = observations
                    .iter()
                    .filter(|o| {
                        o.status_report
                            .as_ref()
                            .and_then(|r| r.status.as_deref())
                            .is_some_and(|s| s.starts_with("Success"))
                    })
                    .count();
                let (checkers, healthy_checkers) = (
                    u32::try_from(observations.len()).unwrap_or(u32::MAX),
                    u32::try_from(healthy).unwrap_or(u32::MAX),
                );
                // Route 53 considers an endpoint healthy when more than 18% of its checkers do.
                Ok(HealthStatus {
                    healthy: checkers > 0 && healthy_checkers * 100 > checkers * 18,
                    checkers,
                    healthy_checkers,
                })
            })
            .await
    }

    async fn list_record_sets(
        &mut self,
        zone_id: String,
        name: String,
        r#type: Option<String>,
    ) -> Result<Vec<RecordSet>, HostError> {
        let call = Call::new(Capability::Route53Read, "list record sets").on(&zone_id);
        self.gate
            .call(call, async |aws| {
                list_record_sets(aws, &zone_id, &fqdn(&name), r#type.as_deref()).await
            })
            .await
    }

    async fn change_record_sets(
        &mut self,
        zone_id: String,
        changes: Vec<Change>,
        comment: Option<String>,
    ) -> Result<String, HostError> {
        if changes.is_empty() {
            return Err(HostError::invalid(
                "changes",
                "empty",
                "a change batch needs at least one change",
            ));
        }
        let call = Call::new(Capability::Route53Write, "change record sets").on(&zone_id);
        let (zone_name, before) = self
            .gate
            .call(call, async |aws| {
                let zone_name = zone_name(aws, &zone_id).await?;
                let mut before: Vec<RecordSet> = Vec::new();
                for change in &changes {
                    let set = &change.record_set;
                    let key = record_key(set);
                    let current = list_record_sets(aws, &zone_id, &fqdn(&set.name), Some(&set.type_)).await?;
                    for found in current {
                        if record_key(&found) == key && !before.iter().any(|b| record_key(b) == key) {
                            before.push(found);
                        }
                    }
                }
                Ok((zone_name, before))
            })
            .await?;
        let aws_changes = changes
            .iter()
            .enumerate()
            .map(|(i, c)| to_aws_change(i, c, &zone_name))
            .collect::<Result<Vec<_>, _>>()?;
        let change = JournalChange::ChangeRecordSets {
            zone_id: zone_id.clone(),
            after: after_changes(&before, &changes),
            before,
        };
        self.gate
            .write(
                call,
                change,
                || placeholder("change id"),
                async |aws| {
                    let id = change_batch(aws, &zone_id, aws_changes, comment.clone()).await?;
                    Ok((id, None))
                },
            )
            .await
    }
}

/// The name of zone `zone_id`, fully qualified.
pub(crate) async fn zone_name(aws: &Aws, zone_id: &str) -> Result<String, HostError> {
    let zone = aws
        .route53
        .get_hosted_zone()
        .id(zone_id)
        .send()
        .await
        .map_err(|e| HostError::from_sdk("route53", e))?;
    Ok(fqdn(&zone.hosted_zone.map(|z| z.name).unwrap_or_default()))
}

/// Sends one change batch and waits until it is `INSYNC`; returns the change id.
pub(crate) async fn change_batch(
    aws: &Aws,
    zone_id: &str,
    changes: Vec<AwsChange>,
    comment: Option<String>,
) -> Result<String, HostError> {
    let batch = ChangeBatch::builder()
        .set_changes(Some(changes))
        .set_comment(comment)
        .build()
        .map_err(|e| HostError::Internal(e.to_string()))?;
    let out = aws
        .route53
        .change_resource_record_sets()
        .hosted_zone_id(zone_id)
        .change_batch(batch)
        .send()
        .await
        .map_err(|e| HostError::from_sdk("route53", e))?;
    let info = out
        .change_info
        .ok_or_else(|| HostError::Internal("route53 ChangeResourceRecordSets answered without change info".into()))?;
    wait_in_sync(aws, &info.id, info.status).await?;
    Ok(info.id.trim_start_matches("/change/").to_owned())
}

/// The record sets `before` (for the keys `changes` touch) as `changes` leave them.
fn after_changes(before: &[RecordSet], changes: &[Change]) -> Vec<RecordSet> {
    let mut after: Vec<RecordSet> = before.to_vec();
    for change in changes {
        let set = RecordSet {
            name: fqdn(&change.record_set.name),
            ..change.record_set.clone()
        };
        after.retain(|r| record_key(r) != record_key(&set));
        if change.action != ChangeAction::Delete {
            after.push(set);
        }
    }
    after
}

/// The health check with `caller_reference`, if there is one.
pub(crate) async fn find_health_check(aws: &Aws, caller_reference: &str) -> Result<Option<HealthCheck>, HostError> {
    let mut pages = aws.route53.list_health_checks().into_paginator().send();
    while let Some(page) = pages.next().await {
        let page = page.map_err(|e| HostError::from_sdk("route53", e))?;
        if let Some(found) = page
            .health_checks
            .into_iter()
            .find(|h| h.caller_reference == caller_reference)
        {
            return health_check_of(found).map(Some);
        }
    }
    Ok(None)
}

async fn wait_in_sync(aws: &Aws, change_id: &str, mut status: ChangeStatus) -> Result<(), HostError> {
    let started = Instant::now();
    let mut pause = Duration::from_millis(500);
    while status != ChangeStatus::Insync {
        if started.elapsed() > SYNC_BUDGET {
            return Err(HostError::TimedOut(format!(
                "route53 change {change_id} was not INSYNC after {}s",
                SYNC_BUDGET.as_secs()
            )));
        }
        tokio::time::sleep(pause).await;
        pause = (pause * 2).min(Duration::from_secs(10));
        let out = aws
            .route53
            .get_change()
            .id(change_id)
            .send()
            .await
            .map_err(|e| HostError::from_sdk("route53", e))?;
        status = out.change_info.map_or(ChangeStatus::Pending, |i| i.status);
    }
    Ok(())
}

pub(crate) async fn list_record_sets(
    aws: &Aws,
    zone_id: &str,
    name: &str,
    r#type: Option<&str>,
) -> Result<Vec<RecordSet>, HostError> {
    let mut found = Vec::new();
    let mut start: Option<(String, Option<RrType>, Option<String>)> =
        Some((name.to_owned(), r#type.map(RrType::from), None));
    while let Some((start_name, start_type, start_id)) = start.take() {
        let out = aws
            .route53
            .list_resource_record_sets()
            .hosted_zone_id(zone_id)
            .start_record_name(start_name)
            .set_start_record_type(start_type)
            .set_start_record_identifier(start_id)
            .send()
            .await
            .map_err(|e| HostError::from_sdk("route53", e))?;
        let mut past = false;
        for set in out.resource_record_sets {
            if fqdn(&set.name) != name || r#type.is_some_and(|t| set.r#type.as_str() != t) {
                past = true;
                break;
            }
            found.push(record_set_of(set));
        }
        if out.is_truncated && !past {
            start = out
                .next_record_name
                .map(|n| (n, out.next_record_type, out.next_record_identifier));
        }
    }
    Ok(found)
}

fn record_set_of(set: ResourceRecordSet) -> RecordSet {
    let alias = set.alias_target.map(|a| AliasTarget {
        hosted_zone_id: a.hosted_zone_id,
        dns_name: a.dns_name,
        evaluate_target_health: a.evaluate_target_health,
    });
    RecordSet {
        name: fqdn(&set.name),
        type_: set.r#type.as_str().to_owned(),
        // Route 53 has no TTL on an alias (some endpoints report 0).
        ttl: if alias.is_some() {
            None
        } else {
            set.ttl.and_then(|t| u32::try_from(t).ok())
        },
        values: set
            .resource_records
            .unwrap_or_default()
            .into_iter()
            .map(|r| r.value)
            .collect(),
        alias,
        set_identifier: set.set_identifier,
        failover: set.failover.and_then(|f| match f {
            ResourceRecordSetFailover::Primary => Some(FailoverRole::Primary),
            ResourceRecordSetFailover::Secondary => Some(FailoverRole::Secondary),
            _ => None,
        }),
        health_check_id: set.health_check_id,
    }
}

/// Builds one change, rejecting what Route 53 would reject. `index` names the change in errors.
pub(crate) fn to_aws_change(index: usize, change: &Change, zone_name: &str) -> Result<AwsChange, HostError> {
    let set = &change.record_set;
    let field = format!("changes[{index}]");
    let bad = |message: String| HostError::invalid(field.clone(), "bad-record", message);
    let name = fqdn(&set.name);
    if name != zone_name && !name.ends_with(&format!(".{zone_name}")) {
        return Err(bad(format!("`{name}` is not in zone `{zone_name}`")));
    }
    match (&set.alias, set.ttl, set.values.is_empty()) {
        (Some(_), Some(_), _) => return Err(bad(format!("`{name}`: an alias record has no TTL"))),
        (Some(_), _, false) => return Err(bad(format!("`{name}`: an alias record has no values"))),
        (None, None, _) => return Err(bad(format!("`{name}`: a record that is not an alias needs a TTL"))),
        (None, _, true) => {
            return Err(bad(format!(
                "`{name}`: a record that is not an alias needs at least one value"
            )));
        }
        _ => {}
    }
    for value in &set.values {
        let ok = match set.type_.as_str() {
            "A" => value.parse::<Ipv4Addr>().is_ok(),
            "AAAA" => value.parse::<Ipv6Addr>().is_ok(),
            _ => true,
        };
        if !ok {
            return Err(bad(format!("`{name}`: `{value}` is not a valid {} value", set.type_)));
        }
    }
    if set.type_ == "CNAME" && name == zone_name {
        return Err(bad(format!(
            "`{name}`: a CNAME cannot be at the zone apex; use an alias record"
        )));
    }
    if set.failover.is_some() && set.set_identifier.is_none() {
        return Err(bad(format!("`{name}`: a failover record needs a set identifier")));
    }
    if !RrType::values().contains(&set.type_.as_str()) {
        return Err(bad(format!("`{}` is not a Route 53 record type", set.type_)));
    }
    let rr_type = RrType::from(set.type_.as_str());
    let mut builder = ResourceRecordSet::builder()
        .name(&name)
        .r#type(rr_type)
        .set_ttl(set.ttl.map(i64::from))
        .set_set_identifier(set.set_identifier.clone())
        .set_health_check_id(set.health_check_id.clone())
        .set_failover(set.failover.map(|f| match f {
            FailoverRole::Primary => ResourceRecordSetFailover::Primary,
            FailoverRole::Secondary => ResourceRecordSetFailover::Secondary,
        }));
    for value in &set.values {
        builder = builder.resource_records(
            ResourceRecord::builder()
                .value(value)
                .build()
                .map_err(|e| HostError::Internal(e.to_string()))?,
        );
    }
    if let Some(a) = &set.alias {
        let target = AwsAliasTarget::builder()
            .hosted_zone_id(&a.hosted_zone_id)
            .dns_name(&a.dns_name)
            .evaluate_target_health(a.evaluate_target_health)
            .build()
            .map_err(|e| HostError::Internal(e.to_string()))?;
        builder = builder.alias_target(target);
    }
    let action = match change.action {
        ChangeAction::Create => AwsChangeAction::Create,
        ChangeAction::Delete => AwsChangeAction::Delete,
        ChangeAction::Upsert => AwsChangeAction::Upsert,
    };
    let record = builder.build().map_err(|e| HostError::Internal(e.to_string()))?;
    AwsChange::builder()
        .action(action)
        .resource_record_set(record)
        .build()
        .map_err(|e| HostError::Internal(e.to_string()))
}

/// Builds a health check config, rejecting what Route 53 would reject.
fn to_aws_health_check(c: &HealthCheckConfig) -> Result<AwsHealthCheckConfig, HostError> {
    let bad = |field: &str, message: String| HostError::invalid(field.to_owned(), "bad-health-check", message);
    if ![10, 30].contains(&c.request_interval) {
        return Err(bad(
            "request-interval",
            format!(
                "{} is not a Route 53 request interval: use 10 or 30 seconds",
                c.request_interval
            ),
        ));
    }
    if !(1..=10).contains(&c.failure_threshold) {
        return Err(bad(
            "failure-threshold",
            format!(
                "{} is not a Route 53 failure threshold: use 1 to 10",
                c.failure_threshold
            ),
        ));
    }
    if c.port == 0 {
        return Err(bad("port", "the port must be 1–65535".into()));
    }
    if c.fqdn.is_none() && c.ip_address.is_none() {
        return Err(bad("fqdn", "a health check needs an fqdn or an ip-address".into()));
    }
    if let Some(ip) = &c.ip_address
        && ip.parse::<std::net::IpAddr>().is_err()
    {
        return Err(bad("ip-address", format!("`{ip}` is not an IPv4 or IPv6 address")));
    }
    if let Some(path) = &c.resource_path
        && (!path.starts_with('/') || path.len() > 255)
    {
        return Err(bad(
            "resource-path",
            format!("`{path}` must start with `/` and be at most 255 characters"),
        ));
    }
    let r#type = match (c.protocol, c.search_string.is_some()) {
        (HealthCheckProtocol::Https, false) => HealthCheckType::Https,
        (HealthCheckProtocol::Https, true) => HealthCheckType::HttpsStrMatch,
        (HealthCheckProtocol::Http, false) => HealthCheckType::Http,
        (HealthCheckProtocol::Http, true) => HealthCheckType::HttpStrMatch,
        (HealthCheckProtocol::Tcp, true) => {
            return Err(bad("search-string", "a TCP health check cannot match a string".into()));
        }
        (HealthCheckProtocol::Tcp, false) => HealthCheckType::Tcp,
    };
    if c.search_string.as_ref().is_some_and(|s| s.is_empty() || s.len() > 255) {
        return Err(bad("search-string", "a search string has 1–255 characters".into()));
    }
    let https = c.protocol == HealthCheckProtocol::Https;
    AwsHealthCheckConfig::builder()
        .r#type(r#type)
        .set_fully_qualified_domain_name(c.fqdn.clone())
        .set_ip_address(c.ip_address.clone())
        .port(i32::from(c.port))
        .set_resource_path(
            c.resource_path
                .clone()
                .filter(|_| c.protocol != HealthCheckProtocol::Tcp),
        )
        .request_interval(c.request_interval as i32)
        .failure_threshold(c.failure_threshold as i32)
        .set_enable_sni(https.then_some(c.enable_sni))
        .set_search_string(c.search_string.clone())
        .build()
        .map_err(|e| HostError::Internal(e.to_string()))
}

fn health_check_of(h: aws_sdk_route53::types::HealthCheck) -> Result<HealthCheck, HostError> {
    let c = h
        .health_check_config
        .ok_or_else(|| HostError::Internal(format!("route53 answered without the config of health check {}", h.id)))?;
    let protocol = match c.r#type {
        HealthCheckType::Https | HealthCheckType::HttpsStrMatch => HealthCheckProtocol::Https,
        HealthCheckType::Http | HealthCheckType::HttpStrMatch => HealthCheckProtocol::Http,
        HealthCheckType::Tcp => HealthCheckProtocol::Tcp,
        other => {
            return Err(HostError::Internal(format!(
                "health check {} is of type {}, which this host does not manage",
                h.id,
                other.as_str()
            )));
        }
    };
    Ok(HealthCheck {
        id: h.id,
        caller_reference: h.caller_reference,
        config: HealthCheckConfig {
            protocol,
            fqdn: c.fully_qualified_domain_name,
            ip_address: c.ip_address,
            port: c.port.and_then(|p| u16::try_from(p).ok()).unwrap_or(0),
            resource_path: c.resource_path,
            request_interval: c.request_interval.and_then(|i| u32::try_from(i).ok()).unwrap_or(30),
            failure_threshold: c.failure_threshold.and_then(|i| u32::try_from(i).ok()).unwrap_or(3),
            enable_sni: c.enable_sni.unwrap_or(false),
            search_string: c.search_string,
        },
    })
}

/// A DNS name lowercased with its trailing dot, with Route 53's `\052` escape read as `*`.
pub(crate) fn fqdn(name: &str) -> String {
    let name = name.to_ascii_lowercase().replace("\\052", "*");
    if name.ends_with('.') { name } else { format!("{name}.") }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(name: &str, r#type: &str, ttl: Option<u32>, values: &[&str], alias: bool) -> Change {
        Change {
            action: ChangeAction::Upsert,
            record_set: RecordSet {
                name: name.into(),
                type_: r#type.into(),
                ttl,
                values: values.iter().map(|v| (*v).to_owned()).collect(),
                alias: alias.then(|| AliasTarget {
                    hosted_zone_id: "Z2FDTNDATAQYW2".into(),
                    dns_name: "d1.cloudfront.net".into(),
                    evaluate_target_health: false,
                }),
                set_identifier: None,
                failover: None,
                health_check_id: None,
            },
        }
    }

    #[test]
    fn rejects_records_route53_rejects() {
        let zone = "example.com.";
        assert!(
            to_aws_change(
                0,
                &record("www.example.com", "A", Some(60), &["192.0.2.1"], false),
                zone
            )
            .is_ok()
        );
        assert!(to_aws_change(0, &record("www.other.com", "A", Some(60), &["192.0.2.1"], false), zone).is_err());
        assert!(
            to_aws_change(
                0,
                &record("www.example.com", "A", Some(60), &["not-an-ip"], false),
                zone
            )
            .is_err()
        );
        assert!(to_aws_change(0, &record("www.example.com", "A", Some(60), &[], true), zone).is_err());
        assert!(to_aws_change(0, &record("www.example.com", "A", None, &[], true), zone).is_ok());
        assert!(
            to_aws_change(
                0,
                &record("example.com", "CNAME", Some(60), &["x.example.net"], false),
                zone
            )
            .is_err()
        );
        let mut failover = record("www.example.com", "A", None, &[], true);
        failover.record_set.failover = Some(FailoverRole::Secondary);
        assert!(to_aws_change(0, &failover, zone).is_err());
    }

    #[test]
    fn rejects_health_checks_route53_rejects() {
        let mut c = HealthCheckConfig {
            protocol: HealthCheckProtocol::Https,
            fqdn: Some("origin.example.com".into()),
            ip_address: None,
            port: 443,
            resource_path: Some("/health".into()),
            request_interval: 30,
            failure_threshold: 3,
            enable_sni: true,
            search_string: None,
        };
        assert!(to_aws_health_check(&c).is_ok());
        c.request_interval = 20;
        assert!(to_aws_health_check(&c).is_err());
        c.request_interval = 10;
        c.failure_threshold = 11;
        assert!(to_aws_health_check(&c).is_err());
    }
}
