//! CloudFront in memory: distributions (deployed at once), origin access controls, response
//! headers policies.

use async_trait::async_trait;

use super::{Dist, Found, Ids, Memory, State, conflict, fake_id, look, not_found};
use crate::model::{Distribution, DistributionSpec, Header, ViewerCertificate};
use crate::provider::{CloudfrontRead, CloudfrontWrite, HeadersPolicy, Result};

#[async_trait]
impl CloudfrontRead for Memory {
    async fn get_distribution(&self, id: &str) -> Result<Distribution> {
        Ok(self.dist(id).await?.distribution)
    }

    async fn list_distributions(&self) -> Result<Vec<Distribution>> {
        let mut all = match &self.parent {
            Some(parent) => parent.list_distributions().await?,
            None => Vec::new(),
        };
        let st = self.lock();
        all.retain(|d| !st.distributions.contains_key(&d.id));
        all.extend(st.distributions.values().flatten().map(|d| Distribution {
            etag: String::new(),
            ..d.distribution.clone()
        }));
        Ok(all)
    }

    async fn get_distribution_spec(&self, id: &str) -> Result<(DistributionSpec, String)> {
        let d = self.dist(id).await?;
        Ok((d.spec, d.distribution.etag))
    }

    async fn find_distribution(&self, caller_reference: &str) -> Result<Option<String>> {
        {
            let st = self.lock();
            let here = st
                .distributions
                .iter()
                .find(|(_, d)| d.as_ref().is_some_and(|d| d.spec.caller_reference == caller_reference));
            if let Some((id, _)) = here {
                return Ok(Some(id.clone()));
            }
        }
        let Some(parent) = &self.parent else {
            return Ok(None);
        };
        let found = parent.find_distribution(caller_reference).await?;
        Ok(found.filter(|id| !self.lock().distributions.contains_key(id)))
    }

    async fn find_origin_access_control(&self, name: &str) -> Result<Option<String>> {
        let found = look(self.lock().oacs.get(name));
        match found {
            Found::Here(id) => return Ok(Some(id)),
            Found::Gone => return Ok(None),
            Found::Ask => {}
        }
        let Some(parent) = &self.parent else {
            return Ok(None);
        };
        let found = parent.find_origin_access_control(name).await?;
        Ok(found.filter(|id| !self.lock().deleted_oacs.contains(id)))
    }

    async fn find_response_headers_policy(&self, name: &str) -> Result<Option<HeadersPolicy>> {
        let found = look(self.lock().headers_policies.get(name));
        match found {
            Found::Here(policy) => Ok(Some(policy)),
            Found::Gone => Ok(None),
            Found::Ask => match &self.parent {
                Some(parent) => parent.find_response_headers_policy(name).await,
                None => Ok(None),
            },
        }
    }
}

#[async_trait]
impl CloudfrontWrite for Memory {
    async fn create_distribution(&self, spec: &DistributionSpec, headers_policy: Option<&str>) -> Result<Distribution> {
        if self.find_distribution(&spec.caller_reference).await?.is_some() {
            return Err(conflict(
                "DistributionAlreadyExists",
                format!("caller reference {} is taken", spec.caller_reference),
            ));
        }
        self.check_aliases(&spec.aliases, None).await?;
        let mut st = self.lock();
        let id = self.mint(&mut st, "distribution id", |n| fake_id("EFAKE", n, 14));
        let (arn, domain_name) = match self.ids {
            Ids::Fake => (
                format!("arn:aws:cloudfront::{}:distribution/{id}", self.account),
                format!("{}.cloudfront.net", id.to_ascii_lowercase()),
            ),
            Ids::Placeholders => (
                self.mint(&mut st, "distribution ARN", |_| String::new()),
                self.mint(&mut st, "distribution domain name", |_| String::new()),
            ),
        };
        let distribution = Distribution {
            id: id.clone(),
            arn,
            domain_name,
            status: "InProgress".into(),
            enabled: spec.enabled,
            aliases: spec.aliases.clone(),
            comment: spec.comment.clone(),
            viewer_certificate: spec.viewer_certificate.clone(),
            etag: self.mint(&mut st, "ETag", |n| format!("ETAG{n}")),
        };
        let dist = Dist {
            distribution: distribution.clone(),
            spec: spec.clone(),
            headers_policy: headers_policy.map(str::to_owned),
        };
        store(&mut st, dist);
        Ok(distribution)
    }

    async fn set_viewer_certificate(
        &self,
        id: &str,
        if_match: &str,
        viewer: &ViewerCertificate,
    ) -> Result<Distribution> {
        let mut d = self.dist_at(id, if_match).await?;
        d.spec.viewer_certificate = viewer.clone();
        d.distribution.viewer_certificate = viewer.clone();
        Ok(self.changed(d))
    }

    async fn update_distribution(
        &self,
        id: &str,
        if_match: &str,
        spec: &DistributionSpec,
        headers_policy: Option<&str>,
    ) -> Result<Distribution> {
        let mut d = self.dist_at(id, if_match).await?;
        self.check_aliases(&spec.aliases, Some(id)).await?;
        d.spec = DistributionSpec {
            caller_reference: d.spec.caller_reference.clone(),
            ..spec.clone()
        };
        d.headers_policy = headers_policy.map(str::to_owned);
        d.distribution.aliases = spec.aliases.clone();
        d.distribution.comment = spec.comment.clone();
        d.distribution.enabled = spec.enabled;
        d.distribution.viewer_certificate = spec.viewer_certificate.clone();
        Ok(self.changed(d))
    }

    async fn set_enabled(&self, id: &str, if_match: &str, enabled: bool) -> Result<Distribution> {
        let mut d = self.dist_at(id, if_match).await?;
        d.spec.enabled = enabled;
        d.distribution.enabled = enabled;
        Ok(self.changed(d))
    }

    async fn delete_distribution(&self, id: &str, if_match: &str) -> Result<()> {
        let d = self.dist_at(id, if_match).await?;
        if d.distribution.enabled {
            return Err(conflict(
                "DistributionNotDisabled",
                format!("distribution {id} is enabled"),
            ));
        }
        self.lock().distributions.insert(id.to_owned(), None);
        Ok(())
    }

    async fn create_origin_access_control(&self, name: &str) -> Result<String> {
        if self.find_origin_access_control(name).await?.is_some() {
            return Err(conflict(
                "OriginAccessControlAlreadyExists",
                format!("an origin access control is named {name}"),
            ));
        }
        let mut st = self.lock();
        let id = self.mint(&mut st, "origin access control id", |n| fake_id("EOAC", n, 14));
        st.oacs.insert(name.to_owned(), Some(id.clone()));
        Ok(id)
    }

    async fn delete_origin_access_control(&self, id: &str) -> Result<()> {
        let mut st = self.lock();
        let here = st
            .oacs
            .iter()
            .find(|(_, v)| v.as_deref() == Some(id))
            .map(|(k, _)| k.clone());
        match here {
            Some(name) => {
                st.oacs.insert(name, None);
            }
            None => {
                st.deleted_oacs.insert(id.to_owned());
            }
        }
        Ok(())
    }

    async fn create_response_headers_policy(&self, name: &str, headers: &[Header]) -> Result<String> {
        if self.find_response_headers_policy(name).await?.is_some() {
            return Err(conflict(
                "ResponseHeadersPolicyAlreadyExists",
                format!("a response headers policy is named {name}"),
            ));
        }
        let mut st = self.lock();
        let id = self.mint(&mut st, "response headers policy id", |n| fake_id("rhp-", n, 36));
        let etag = self.mint(&mut st, "ETag", |n| format!("ETAG{n}"));
        let policy = HeadersPolicy {
            id: id.clone(),
            name: name.to_owned(),
            headers: headers.to_vec(),
            etag,
        };
        st.headers_policies.insert(name.to_owned(), Some(policy));
        Ok(id)
    }

    async fn update_response_headers_policy(&self, policy: &HeadersPolicy, headers: &[Header]) -> Result<()> {
        let current = self.policy_at(policy).await?;
        let mut st = self.lock();
        let etag = self.mint(&mut st, "ETag", |n| format!("ETAG{n}"));
        let updated = HeadersPolicy {
            headers: headers.to_vec(),
            etag,
            ..current
        };
        st.headers_policies.insert(policy.name.clone(), Some(updated));
        Ok(())
    }

    async fn delete_response_headers_policy(&self, policy: &HeadersPolicy) -> Result<()> {
        let current = self.policy_at(policy).await?;
        let users: Vec<String> = {
            let st = self.lock();
            st.distributions
                .values()
                .flatten()
                .filter(|d| d.headers_policy.as_deref() == Some(current.id.as_str()))
                .map(|d| d.distribution.id.clone())
                .collect()
        };
        if !users.is_empty() {
            return Err(conflict(
                "ResponseHeadersPolicyInUse",
                format!("{} is used by {}", policy.name, users.join(", ")),
            ));
        }
        self.lock().headers_policies.insert(policy.name.clone(), None);
        Ok(())
    }
}

impl Memory {
    /// A distribution as this layer sees it.
    async fn dist(&self, id: &str) -> Result<Dist> {
        let found = look(self.lock().distributions.get(id));
        match found {
            Found::Here(d) => return Ok(d),
            Found::Gone => return Err(not_found("distribution", id)),
            Found::Ask => {}
        }
        let parent = self.parent_for(id, "distribution")?;
        let distribution = parent.get_distribution(id).await?;
        let (spec, _) = parent.get_distribution_spec(id).await?;
        Ok(Dist {
            distribution,
            spec,
            headers_policy: None,
        })
    }

    /// A distribution, if its ETag is still `if_match`.
    async fn dist_at(&self, id: &str, if_match: &str) -> Result<Dist> {
        let d = self.dist(id).await?;
        if d.distribution.etag != if_match {
            return Err(conflict(
                "PreconditionFailed",
                format!(
                    "distribution {id} changed since it was read (ETag {if_match} is now {})",
                    d.distribution.etag
                ),
            ));
        }
        Ok(d)
    }

    /// Keeps a changed distribution with a new ETag; answers it as in progress, and reads it
    /// back deployed (a change here deploys at once).
    fn changed(&self, mut d: Dist) -> Distribution {
        let mut st = self.lock();
        d.distribution.etag = self.mint(&mut st, "ETag", |n| format!("ETAG{n}"));
        d.distribution.status = "InProgress".into();
        let answer = d.distribution.clone();
        store(&mut st, d);
        answer
    }

    /// A response headers policy, if its ETag is still the one given.
    async fn policy_at(&self, policy: &HeadersPolicy) -> Result<HeadersPolicy> {
        let current = self
            .find_response_headers_policy(&policy.name)
            .await?
            .ok_or_else(|| not_found("response headers policy", &policy.name))?;
        if current.etag != policy.etag {
            return Err(conflict(
                "PreconditionFailed",
                format!("response headers policy {} changed since it was read", policy.name),
            ));
        }
        Ok(current)
    }

    /// Refuses aliases another distribution has, as CloudFront does.
    async fn check_aliases(&self, aliases: &[String], own: Option<&str>) -> Result<()> {
        let normal = |a: &str| a.trim_end_matches('.').to_ascii_lowercase();
        for d in self.list_distributions().await? {
            if Some(d.id.as_str()) == own {
                continue;
            }
            if let Some(taken) = aliases
                .iter()
                .find(|a| d.aliases.iter().any(|b| normal(a) == normal(b)))
            {
                return Err(conflict(
                    "CNAMEAlreadyExists",
                    format!("{taken} is an alias of distribution {}", d.id),
                ));
            }
        }
        Ok(())
    }
}

fn store(st: &mut State, mut d: Dist) {
    d.distribution.status = "Deployed".into();
    st.distributions.insert(d.distribution.id.clone(), Some(d));
}
