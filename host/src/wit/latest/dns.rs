//! `switchyard:step/dns`: Route 53 hosted zones, health checks and record sets.

use super::wit::dns::{
    AliasTarget, Change, ChangeAction, FailoverRole, HealthCheck, HealthCheckConfig, HealthCheckProtocol, HealthStatus,
    Host, HostedZone, RecordSet,
};
use crate::changes::{ChangeRecordSets, CreateHealthCheck, DeleteHealthCheck, UpdateHealthCheck};
use crate::error::HostError;
use crate::gate::{Call, Capability, ResourceKind};
use crate::model::{self, fqdn, rules};
use crate::state::StepState;
use crate::wit::cast::{Cast, enumeration, record};

/// The most changes in one batch: Route 53's limit of 1,000 records per request.
const MAX_BATCH: usize = 1000;

impl Host for StepState {
    async fn find_hosted_zone(&mut self, name: String) -> Result<Option<HostedZone>, HostError> {
        let wanted = fqdn(&name);
        let call = Call::new(Capability::Route53Read, "find hosted zone");
        let zones = self.gate.call(call, async |aws| aws.list_hosted_zones().await).await?;
        // The public zone with the longest name that is `name` or a parent of it.
        let best = zones
            .into_iter()
            .filter(|z| !z.private_zone && (wanted == z.name || wanted.ends_with(&format!(".{}", z.name))))
            .max_by_key(|z| z.name.len());
        Ok(best.cast())
    }

    async fn ensure_health_check(
        &mut self,
        caller_reference: String,
        config: HealthCheckConfig,
    ) -> Result<HealthCheck, HostError> {
        let config: model::HealthCheckConfig = config.cast();
        rules::health_check(&config)?;
        rules::short_name(
            "caller-reference",
            "bad-caller-reference",
            "a caller reference",
            &caller_reference,
        )?;
        let call = Call::new(Capability::Route53Write, "ensure health check")
            .on_kind(ResourceKind::HealthCheck, &caller_reference);
        let existing = self
            .gate
            .call(call, async |aws| aws.find_health_check(&caller_reference).await)
            .await?;
        // A known caller reference finds its health check. Settings changed since outside
        // switchyard (a drift) are set back where Route 53 can update them in place.
        match existing {
            Some(existing) if existing.config == config => Ok(existing.cast()),
            Some(existing) => match existing.config.updatable_to(&config) {
                None => {
                    let change = UpdateHealthCheck {
                        id: existing.id,
                        caller_reference: caller_reference.clone(),
                        before: existing.config,
                        after: config,
                    };
                    Ok(self.gate.write(call, change).await?.cast())
                }
                Some(why) => Err(HostError::Conflict(format!(
                    "health check {} has caller reference `{caller_reference}` with other settings, which Route 53 cannot update in place ({why}): delete it, or use another caller reference",
                    existing.id
                ))),
            },
            None => {
                let change = CreateHealthCheck {
                    caller_reference: caller_reference.clone(),
                    config,
                };
                Ok(self.gate.write(call, change).await?.cast())
            }
        }
    }

    async fn get_health_check(&mut self, id: String) -> Result<HealthCheck, HostError> {
        let check = self.health_check(Capability::Route53Read, &id).await?;
        let call = Call::new(Capability::Route53Read, "get health check")
            .on_kind(ResourceKind::HealthCheck, &check.caller_reference);
        self.gate.check(call)?;
        Ok(check.cast())
    }

    async fn delete_health_check(&mut self, id: String) -> Result<(), HostError> {
        let check = self.health_check(Capability::Route53Write, &id).await?;
        let call = Call::new(Capability::Route53Write, "delete health check")
            .on_kind(ResourceKind::HealthCheck, &check.caller_reference);
        self.gate.write(call, DeleteHealthCheck { id: id.clone() }).await
    }

    async fn health_check_status(&mut self, id: String) -> Result<HealthStatus, HostError> {
        let check = self.health_check(Capability::Route53Read, &id).await?;
        let call = Call::new(Capability::Route53Read, "get health check status")
            .on_kind(ResourceKind::HealthCheck, &check.caller_reference);
        Ok(self
            .gate
            .call(call, async |aws| aws.health_check_status(&id).await)
            .await?
            .cast())
    }

    async fn list_record_sets(
        &mut self,
        zone_id: String,
        name: String,
        r#type: Option<String>,
    ) -> Result<Vec<RecordSet>, HostError> {
        let zone_id = zone_id.trim_start_matches("/hostedzone/").to_owned();
        let call = Call::new(Capability::Route53Read, "list record sets").on(&zone_id);
        let sets = self
            .gate
            .call(call, async |aws| {
                aws.list_record_sets(&zone_id, &fqdn(&name), r#type.as_deref()).await
            })
            .await?;
        Ok(sets.cast())
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
        // Route 53 takes at most 1,000 records in a batch; the host reads each set a change
        // touches first, so a longer batch is refused before anything is read.
        if changes.len() > MAX_BATCH {
            return Err(HostError::invalid(
                "changes",
                "too-many",
                format!(
                    "{} changes in one batch: Route 53 takes at most {MAX_BATCH} records; split the batch",
                    changes.len()
                ),
            ));
        }
        let changes: Vec<model::RecordChange> = changes.cast();
        // `/hostedzone/Z1` is `Z1`: the grant is checked on the id Route 53 knows it by.
        let zone_id = zone_id.trim_start_matches("/hostedzone/").to_owned();
        let call = Call::new(Capability::Route53Write, "change record sets").on(&zone_id);
        let (zone, current) = self
            .gate
            .call(call, async |aws| {
                let zone = aws.get_hosted_zone(&zone_id).await?;
                let mut current = Vec::new();
                let mut read = std::collections::HashSet::new();
                for change in &changes {
                    let set = &change.record_set;
                    let key = (fqdn(&set.name), set.record_type.clone());
                    if read.insert(key.clone()) {
                        current.extend(aws.list_record_sets(&zone_id, &key.0, Some(&key.1)).await?);
                    }
                }
                Ok((zone, current))
            })
            .await?;
        for (i, change) in changes.iter().enumerate() {
            rules::record_change(i, change, &zone.name)?;
        }
        let (before, after) = ChangeRecordSets::touched(&current, &changes);
        let change = ChangeRecordSets {
            zone_id: zone_id.clone(),
            before,
            after,
            changes,
            comment,
        };
        self.gate.write(call, change).await
    }
}

impl StepState {
    /// Health check `id`, read to learn its caller reference (what grants name it by), when the
    /// step holds `capability` for some health check.
    async fn health_check(&mut self, capability: Capability, id: &str) -> Result<model::HealthCheck, HostError> {
        self.gate
            .resolve(capability, async |aws| aws.get_health_check(id).await)
            .await
    }
}

enumeration! {
    HealthCheckProtocol = model::HealthCheckProtocol { Https, Http, Tcp }
    FailoverRole = model::FailoverRole { Primary, Secondary }
    ChangeAction = model::ChangeAction { Create, Delete, Upsert }
}

record! {
    HostedZone = model::HostedZone { id, name, private_zone }
    HealthCheckConfig = model::HealthCheckConfig {
        protocol, fqdn, ip_address, port, resource_path, request_interval, failure_threshold,
        enable_sni, search_string,
    }
    HealthCheck = model::HealthCheck { id, caller_reference, config }
    HealthStatus = model::HealthStatus { healthy, checkers, healthy_checkers }
    AliasTarget = model::AliasTarget { hosted_zone_id, dns_name, evaluate_target_health }
    Change = model::RecordChange { action, record_set }
}

// The one record whose field the WIT spells differently (`type`, a Rust keyword).
impl Cast<model::RecordSet> for RecordSet {
    fn cast(self) -> model::RecordSet {
        model::RecordSet {
            name: self.name,
            record_type: self.type_,
            ttl: self.ttl,
            values: self.values,
            alias: self.alias.cast(),
            set_identifier: self.set_identifier,
            failover: self.failover.cast(),
            health_check_id: self.health_check_id,
        }
    }
}

impl Cast<RecordSet> for model::RecordSet {
    fn cast(self) -> RecordSet {
        RecordSet {
            name: self.name,
            type_: self.record_type,
            ttl: self.ttl,
            values: self.values,
            alias: self.alias.cast(),
            set_identifier: self.set_identifier,
            failover: self.failover.cast(),
            health_check_id: self.health_check_id,
        }
    }
}
