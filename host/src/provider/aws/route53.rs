//! Route 53: hosted zones, health checks and record sets.

use std::time::Duration;

use async_trait::async_trait;
use aws_sdk_route53::types::{
    AliasTarget as SdkAliasTarget, Change, ChangeAction as SdkChangeAction, ChangeBatch, ChangeStatus,
    HealthCheckConfig as SdkHealthCheckConfig, HealthCheckType, ResettableElementName, ResourceRecord,
    ResourceRecordSet, ResourceRecordSetFailover, RrType,
};

use super::{Aws, built, missing};
use crate::error::HostError;
use crate::model::{
    AliasTarget, ChangeAction, FailoverRole, HealthCheck, HealthCheckConfig, HealthCheckProtocol, HealthStatus,
    HostedZone, RecordChange, RecordSet,
};
use crate::provider::retry::{Polled, poll};
use crate::provider::{Result, Route53Read, Route53Write, fqdn};

/// How long a change may take to become `INSYNC`.
const SYNC_BUDGET: Duration = Duration::from_secs(300);

#[async_trait]
impl Route53Read for Aws {
    async fn list_hosted_zones(&self) -> Result<Vec<HostedZone>> {
        let mut zones = Vec::new();
        let mut marker: Option<String> = None;
        loop {
            let out = self
                .read("route53", "ListHostedZones", || {
                    self.route53.list_hosted_zones().set_marker(marker.clone()).send()
                })
                .await?;
            zones.extend(out.hosted_zones.into_iter().map(|z| HostedZone {
                id: z.id.trim_start_matches("/hostedzone/").to_owned(),
                name: fqdn(&z.name),
                private_zone: z.config.as_ref().is_some_and(|c| c.private_zone),
            }));
            match out.next_marker.filter(|_| out.is_truncated) {
                Some(next) => marker = Some(next),
                None => return Ok(zones),
            }
        }
    }

    async fn get_hosted_zone(&self, id: &str) -> Result<HostedZone> {
        let out = self
            .read("route53", "GetHostedZone", || {
                self.route53.get_hosted_zone().id(id).send()
            })
            .await?;
        let zone = out.hosted_zone.ok_or_else(|| missing("the hosted zone"))?;
        Ok(HostedZone {
            id: zone.id.trim_start_matches("/hostedzone/").to_owned(),
            name: fqdn(&zone.name),
            private_zone: zone.config.as_ref().is_some_and(|c| c.private_zone),
        })
    }

    async fn get_health_check(&self, id: &str) -> Result<HealthCheck> {
        let out = self
            .read("route53", "GetHealthCheck", || {
                self.route53.get_health_check().health_check_id(id).send()
            })
            .await?;
        health_check(
            out.health_check
                .ok_or_else(|| HostError::NotFound(format!("health check {id}")))?,
        )
    }

    async fn find_health_check(&self, caller_reference: &str) -> Result<Option<HealthCheck>> {
        let mut marker: Option<String> = None;
        loop {
            let out = self
                .read("route53", "ListHealthChecks", || {
                    self.route53.list_health_checks().set_marker(marker.clone()).send()
                })
                .await?;
            if let Some(found) = out
                .health_checks
                .into_iter()
                .find(|h| h.caller_reference == caller_reference)
            {
                return health_check(found).map(Some);
            }
            match out.next_marker.filter(|_| out.is_truncated) {
                Some(next) => marker = Some(next),
                None => return Ok(None),
            }
        }
    }

    async fn health_check_status(&self, id: &str) -> Result<HealthStatus> {
        let out = self
            .read("route53", "GetHealthCheckStatus", || {
                self.route53.get_health_check_status().health_check_id(id).send()
            })
            .await?;
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
        let checkers = u32::try_from(observations.len()).unwrap_or(u32::MAX);
        let healthy_checkers = u32::try_from(healthy).unwrap_or(u32::MAX);
        // Route 53 considers an endpoint healthy when more than 18% of its checkers do.
        Ok(HealthStatus {
            healthy: checkers > 0 && healthy_checkers * 100 > checkers * 18,
            checkers,
            healthy_checkers,
        })
    }

    async fn list_record_sets(&self, zone_id: &str, name: &str, record_type: Option<&str>) -> Result<Vec<RecordSet>> {
        let mut found = Vec::new();
        let mut start = Some((name.to_owned(), record_type.map(RrType::from), None::<String>));
        while let Some((start_name, start_type, start_id)) = start.take() {
            let out = self
                .read("route53", "ListResourceRecordSets", || {
                    self.route53
                        .list_resource_record_sets()
                        .hosted_zone_id(zone_id)
                        .start_record_name(&start_name)
                        .set_start_record_type(start_type.clone())
                        .set_start_record_identifier(start_id.clone())
                        .send()
                })
                .await?;
            let mut past = false;
            for set in out.resource_record_sets {
                if fqdn(&set.name) != name || record_type.is_some_and(|t| set.r#type.as_str() != t) {
                    past = true;
                    break;
                }
                found.push(record_set(set));
            }
            if out.is_truncated && !past {
                start = out
                    .next_record_name
                    .map(|n| (n, out.next_record_type, out.next_record_identifier));
            }
        }
        Ok(found)
    }
}

#[async_trait]
impl Route53Write for Aws {
    async fn create_health_check(&self, caller_reference: &str, config: &HealthCheckConfig) -> Result<HealthCheck> {
        let sdk_config = sdk_health_check(config)?;
        let out = self
            .write("route53", "CreateHealthCheck", || {
                self.route53
                    .create_health_check()
                    .caller_reference(caller_reference)
                    .health_check_config(sdk_config.clone())
                    .send()
            })
            .await?;
        health_check(out.health_check.ok_or_else(|| missing("the health check"))?)
    }

    async fn update_health_check(&self, id: &str, config: &HealthCheckConfig) -> Result<HealthCheck> {
        // What the settings leave out is reset to Route 53's default.
        let mut reset = Vec::new();
        if config.resource_path.is_none() {
            reset.push(ResettableElementName::ResourcePath);
        }
        if config.fqdn.is_none() {
            reset.push(ResettableElementName::FullyQualifiedDomainName);
        }
        let https = config.protocol == HealthCheckProtocol::Https;
        let out = self
            .write("route53", "UpdateHealthCheck", || {
                self.route53
                    .update_health_check()
                    .health_check_id(id)
                    .set_ip_address(config.ip_address.clone())
                    .port(i32::from(config.port))
                    .set_resource_path(config.resource_path.clone())
                    .set_fully_qualified_domain_name(config.fqdn.clone())
                    .set_search_string(config.search_string.clone())
                    .failure_threshold(i32::try_from(config.failure_threshold).unwrap_or(3))
                    .set_enable_sni(https.then_some(config.enable_sni))
                    .set_reset_elements((!reset.is_empty()).then(|| reset.clone()))
                    .send()
            })
            .await?;
        health_check(out.health_check.ok_or_else(|| missing("the health check"))?)
    }

    async fn delete_health_check(&self, id: &str) -> Result<()> {
        self.write("route53", "DeleteHealthCheck", || {
            self.route53.delete_health_check().health_check_id(id).send()
        })
        .await?;
        Ok(())
    }

    async fn change_record_sets(
        &self,
        zone_id: &str,
        changes: &[RecordChange],
        comment: Option<&str>,
    ) -> Result<String> {
        let changes = changes.iter().map(sdk_change).collect::<Result<Vec<_>>>()?;
        let batch = ChangeBatch::builder()
            .set_changes(Some(changes))
            .set_comment(comment.map(str::to_owned))
            .build()
            .map_err(built)?;
        let out = self
            .write("route53", "ChangeResourceRecordSets", || {
                self.route53
                    .change_resource_record_sets()
                    .hosted_zone_id(zone_id)
                    .change_batch(batch.clone())
                    .send()
            })
            .await?;
        let info = out.change_info.ok_or_else(|| missing("the change's status"))?;
        let id = info.id.trim_start_matches("/change/").to_owned();
        if info.status != ChangeStatus::Insync {
            poll(
                SYNC_BUDGET,
                Duration::from_secs(10),
                &format!("route53 change {id}"),
                || async {
                    let out = self
                        .read("route53", "GetChange", || self.route53.get_change().id(&id).send())
                        .await?;
                    Ok(match out.change_info.map(|i| i.status) {
                        Some(ChangeStatus::Insync) => Polled::Done(()),
                        other => Polled::Pending(other.map_or_else(|| "unknown".into(), |s| s.as_str().to_owned())),
                    })
                },
            )
            .await?;
        }
        Ok(id)
    }
}

fn record_set(set: ResourceRecordSet) -> RecordSet {
    let alias = set.alias_target.map(|a| AliasTarget {
        hosted_zone_id: a.hosted_zone_id,
        dns_name: a.dns_name,
        evaluate_target_health: a.evaluate_target_health,
    });
    RecordSet {
        name: fqdn(&set.name),
        record_type: set.r#type.as_str().to_owned(),
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

/// The SDK's form of a change that `RecordChange::check` accepted.
fn sdk_change(change: &RecordChange) -> Result<Change> {
    let set = &change.record_set;
    let mut builder = ResourceRecordSet::builder()
        .name(fqdn(&set.name))
        .r#type(RrType::from(set.record_type.as_str()))
        .set_ttl(set.ttl.map(i64::from))
        .set_set_identifier(set.set_identifier.clone())
        .set_health_check_id(set.health_check_id.clone())
        .set_failover(set.failover.map(|f| match f {
            FailoverRole::Primary => ResourceRecordSetFailover::Primary,
            FailoverRole::Secondary => ResourceRecordSetFailover::Secondary,
        }));
    for value in &set.values {
        builder = builder.resource_records(ResourceRecord::builder().value(value).build().map_err(built)?);
    }
    if let Some(a) = &set.alias {
        let target = SdkAliasTarget::builder()
            .hosted_zone_id(&a.hosted_zone_id)
            .dns_name(&a.dns_name)
            .evaluate_target_health(a.evaluate_target_health)
            .build()
            .map_err(built)?;
        builder = builder.alias_target(target);
    }
    let action = match change.action {
        ChangeAction::Create => SdkChangeAction::Create,
        ChangeAction::Delete => SdkChangeAction::Delete,
        ChangeAction::Upsert => SdkChangeAction::Upsert,
    };
    Change::builder()
        .action(action)
        .resource_record_set(builder.build().map_err(built)?)
        .build()
        .map_err(built)
}

/// The SDK's form of a config that `HealthCheckConfig::check` accepted.
fn sdk_health_check(c: &HealthCheckConfig) -> Result<SdkHealthCheckConfig> {
    let r#type = match (c.protocol, c.search_string.is_some()) {
        (HealthCheckProtocol::Https, false) => HealthCheckType::Https,
        (HealthCheckProtocol::Https, true) => HealthCheckType::HttpsStrMatch,
        (HealthCheckProtocol::Http, false) => HealthCheckType::Http,
        (HealthCheckProtocol::Http, true) => HealthCheckType::HttpStrMatch,
        (HealthCheckProtocol::Tcp, _) => HealthCheckType::Tcp,
    };
    let https = c.protocol == HealthCheckProtocol::Https;
    SdkHealthCheckConfig::builder()
        .r#type(r#type)
        .set_fully_qualified_domain_name(c.fqdn.clone())
        .set_ip_address(c.ip_address.clone())
        .port(i32::from(c.port))
        .set_resource_path(
            c.resource_path
                .clone()
                .filter(|_| c.protocol != HealthCheckProtocol::Tcp),
        )
        .request_interval(i32::try_from(c.request_interval).unwrap_or(30))
        .failure_threshold(i32::try_from(c.failure_threshold).unwrap_or(3))
        .set_enable_sni(https.then_some(c.enable_sni))
        .set_search_string(c.search_string.clone())
        .build()
        .map_err(built)
}

fn health_check(h: aws_sdk_route53::types::HealthCheck) -> Result<HealthCheck> {
    let c = h
        .health_check_config
        .ok_or_else(|| missing(&format!("the config of health check {}", h.id)))?;
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
