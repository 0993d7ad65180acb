//! Route 53 in memory: changes are `INSYNC` at once; health checks are healthy.

use async_trait::async_trait;

use super::{Found, Memory, conflict, fake_id, look, not_found};
use crate::error::HostError;
use crate::model::{ChangeAction, HealthCheck, HealthCheckConfig, HealthStatus, HostedZone, RecordChange, RecordSet};
use crate::provider::{Result, Route53Read, Route53Write, fqdn};

#[async_trait]
impl Route53Read for Memory {
    async fn list_hosted_zones(&self) -> Result<Vec<HostedZone>> {
        let mut zones = match &self.parent {
            Some(parent) => parent.list_hosted_zones().await?,
            None => Vec::new(),
        };
        zones.extend(self.lock().zones.values().cloned());
        Ok(zones)
    }

    async fn get_hosted_zone(&self, id: &str) -> Result<HostedZone> {
        if let Some(zone) = self.lock().zones.get(id).cloned() {
            return Ok(zone);
        }
        self.parent_for(id, "hosted zone")?.get_hosted_zone(id).await
    }

    async fn get_health_check(&self, id: &str) -> Result<HealthCheck> {
        let found = look(self.lock().health_checks.get(id));
        match found {
            Found::Here(h) => Ok(h),
            Found::Gone => Err(not_found("health check", id)),
            Found::Ask => self.parent_for(id, "health check")?.get_health_check(id).await,
        }
    }

    async fn find_health_check(&self, caller_reference: &str) -> Result<Option<HealthCheck>> {
        let here = self
            .lock()
            .health_checks
            .values()
            .flatten()
            .find(|h| h.caller_reference == caller_reference)
            .cloned();
        if here.is_some() {
            return Ok(here);
        }
        let Some(parent) = &self.parent else {
            return Ok(None);
        };
        let found = parent.find_health_check(caller_reference).await?;
        Ok(found.filter(|h| !self.lock().health_checks.contains_key(&h.id)))
    }

    async fn health_check_status(&self, id: &str) -> Result<HealthStatus> {
        let found = look(self.lock().health_checks.get(id));
        match found {
            Found::Here(_) => Ok(HealthStatus {
                healthy: true,
                checkers: 8,
                healthy_checkers: 8,
            }),
            Found::Gone => Err(not_found("health check", id)),
            Found::Ask => self.parent_for(id, "health check")?.health_check_status(id).await,
        }
    }

    async fn list_record_sets(&self, zone_id: &str, name: &str, record_type: Option<&str>) -> Result<Vec<RecordSet>> {
        let name = fqdn(name);
        let mut all = if self.lock().zones.contains_key(zone_id) {
            Vec::new()
        } else {
            self.parent_for(zone_id, "hosted zone")?
                .list_record_sets(zone_id, &name, record_type)
                .await?
        };
        let st = self.lock();
        let here = st.records.iter().filter(|((zone, key), _)| {
            zone == zone_id && key.0 == name.trim_end_matches('.') && record_type.is_none_or(|t| key.1 == t)
        });
        for ((_, key), slot) in here {
            all.retain(|r| r.key() != *key);
            all.extend(slot.clone());
        }
        Ok(all)
    }
}

#[async_trait]
impl Route53Write for Memory {
    async fn create_health_check(&self, caller_reference: &str, config: &HealthCheckConfig) -> Result<HealthCheck> {
        if let Some(existing) = self.find_health_check(caller_reference).await? {
            if existing.config == *config {
                return Ok(existing);
            }
            return Err(conflict(
                "HealthCheckAlreadyExists",
                format!("caller reference {caller_reference} has other settings"),
            ));
        }
        let mut st = self.lock();
        let id = self.mint(&mut st, "health check id", |n| {
            fake_id("00000000-0000-4000-8000-", n, 36)
        });
        let check = HealthCheck {
            id: id.clone(),
            caller_reference: caller_reference.to_owned(),
            config: config.clone(),
        };
        st.health_checks.insert(id, Some(check.clone()));
        Ok(check)
    }

    async fn update_health_check(&self, id: &str, config: &HealthCheckConfig) -> Result<HealthCheck> {
        let current = self.get_health_check(id).await?;
        if let Some(why) = current.config.updatable_to(config) {
            return Err(conflict("InvalidInput", why));
        }
        let check = HealthCheck {
            config: config.clone(),
            ..current
        };
        self.lock().health_checks.insert(id.to_owned(), Some(check.clone()));
        Ok(check)
    }

    async fn delete_health_check(&self, id: &str) -> Result<()> {
        self.get_health_check(id).await?;
        self.lock().health_checks.insert(id.to_owned(), None);
        Ok(())
    }

    async fn change_record_sets(
        &self,
        zone_id: &str,
        changes: &[RecordChange],
        _comment: Option<&str>,
    ) -> Result<String> {
        // Check the whole batch first: Route 53 applies all of it or nothing.
        for change in changes {
            let set = &change.record_set;
            let found = self
                .list_record_sets(zone_id, &set.name, Some(&set.record_type))
                .await?
                .into_iter()
                .find(|r| r.key() == set.key());
            let invalid = |why: &str| HostError::Aws {
                service: "route53",
                code: "InvalidChangeBatch".into(),
                message: format!("{}: {why}", set.label()),
                request_id: None,
            };
            match (change.action, &found) {
                (ChangeAction::Create, Some(_)) => return Err(invalid("it already exists")),
                (ChangeAction::Delete, None) => return Err(invalid("it does not exist")),
                (ChangeAction::Delete, Some(r)) if r != set => return Err(invalid("it does not match")),
                _ => {}
            }
        }
        let mut st = self.lock();
        for change in changes {
            let set = &change.record_set;
            let slot = (change.action != ChangeAction::Delete).then(|| RecordSet {
                name: fqdn(&set.name),
                ..set.clone()
            });
            st.records.insert((zone_id.to_owned(), set.key()), slot);
        }
        Ok(self.mint(&mut st, "change id", |n| fake_id("CFAKE", n, 14)))
    }
}
