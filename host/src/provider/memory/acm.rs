//! ACM in memory.

use async_trait::async_trait;

use super::{Found, Memory, conflict, fake_id, look, not_found};
use crate::certs::Bundle;
use crate::model::AcmCertificate;
use crate::provider::{AcmRead, AcmWrite, Result};

#[async_trait]
impl AcmRead for Memory {
    async fn describe_certificate(&self, arn: &str) -> Result<AcmCertificate> {
        let found = look(self.lock().acm.get(arn));
        match found {
            Found::Here(c) => Ok(c),
            Found::Gone => Err(not_found("ACM certificate", arn)),
            Found::Ask => self.parent_for(arn, "ACM certificate")?.describe_certificate(arn).await,
        }
    }

    async fn list_certificates(&self) -> Result<Vec<AcmCertificate>> {
        let mut all = match &self.parent {
            Some(parent) => parent.list_certificates().await?,
            None => Vec::new(),
        };
        let st = self.lock();
        all.retain(|c| !st.acm.contains_key(&c.arn));
        all.extend(st.acm.values().flatten().cloned());
        Ok(all)
    }

    /// The parent's, as this view leaves them, and what this view imported (every import
    /// switchyard makes is tagged).
    async fn list_managed_certificates(&self) -> Result<Vec<AcmCertificate>> {
        let managed = match &self.parent {
            Some(parent) => parent.list_managed_certificates().await?,
            None => Vec::new(),
        };
        // Whether the parent knows what this view holds that it does not list as switchyard's
        // (a re-import of another's certificate): asked only when there is such a one.
        let unlisted = {
            let st = self.lock();
            st.acm.keys().any(|arn| !managed.iter().any(|c| c.arn == *arn))
        };
        let known = match (&self.parent, unlisted) {
            (Some(parent), true) => parent.list_certificates().await?,
            _ => Vec::new(),
        };
        let st = self.lock();
        let ours = |arn: &str| managed.iter().any(|c| c.arn == arn) || !known.iter().any(|c| c.arn == arn);
        let mut all: Vec<AcmCertificate> = managed
            .iter()
            .filter(|c| !st.acm.contains_key(&c.arn))
            .cloned()
            .collect();
        all.extend(
            st.acm
                .iter()
                .filter(|(arn, _)| ours(arn))
                .filter_map(|(_, c)| c.clone()),
        );
        Ok(all)
    }

    async fn certificate_pem(&self, arn: &str) -> Result<(String, Option<String>)> {
        let found = look(self.lock().acm.get(arn));
        match found {
            Found::Gone => Err(not_found("ACM certificate", arn)),
            // What this view imported has no body to give: nothing restores a plan's import.
            Found::Here(_) => Err(not_found("ACM certificate body", arn)),
            Found::Ask => self.parent_for(arn, "ACM certificate")?.certificate_pem(arn).await,
        }
    }
}

#[async_trait]
impl AcmWrite for Memory {
    async fn import_certificate(&self, bundle: &Bundle, existing_arn: Option<&str>) -> Result<String> {
        let in_use_by = match existing_arn {
            Some(arn) => self.describe_certificate(arn).await?.in_use_by,
            None => Vec::new(),
        };
        let facts = bundle.facts().leaf;
        let mut st = self.lock();
        let arn = match existing_arn {
            Some(arn) => arn.to_owned(),
            None => {
                let (region, account) = (self.region.clone(), self.account.clone());
                self.mint(&mut st, "ACM certificate ARN", |n| {
                    format!(
                        "arn:aws:acm:{region}:{account}:certificate/{}",
                        fake_id("00000000-0000-4000-8000-", n, 36)
                    )
                })
            }
        };
        let certificate = AcmCertificate {
            arn: arn.clone(),
            domain_name: facts
                .common_name
                .clone()
                .or_else(|| facts.dns_names.first().cloned())
                .unwrap_or_default(),
            subject_alternative_names: facts.dns_names,
            status: "ISSUED".into(),
            serial: Some(facts.serial),
            not_after: Some(facts.not_after),
            in_use_by,
        };
        st.acm.insert(arn.clone(), Some(certificate));
        Ok(arn)
    }

    async fn delete_certificate(&self, arn: &str) -> Result<()> {
        let current = self.describe_certificate(arn).await?;
        if !current.in_use_by.is_empty() {
            return Err(conflict(
                "ResourceInUseException",
                format!("{arn} is in use by {}", current.in_use_by.join(", ")),
            ));
        }
        self.lock().acm.insert(arn.to_owned(), None);
        Ok(())
    }
}
