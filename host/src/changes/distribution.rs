//! CloudFront distributions: create, change the managed configuration, disable, delete.

use std::time::Duration;

use async_trait::async_trait;
use serde::{Deserialize, Serialize};

use super::diff::json;
use super::headers::{CreateResponseHeadersPolicy, UpdateResponseHeadersPolicy, policy_name};
use super::{Action, Change, FieldDiff, Forward, Kind, NotUndone, diff_values, found, irreversible};
use crate::error::HostError;
use crate::model::{Distribution, DistributionSpec};
use crate::provider::retry::{Polled, poll};
use crate::provider::{Provider, Reader};
use crate::report::Progress;

/// How long deleting a distribution waits for its disabling to deploy.
const DEPLOY_BUDGET: Duration = Duration::from_secs(40 * 60);

/// A distribution is created.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct CreateDistribution {
    /// Its caller reference, which finds it again.
    pub caller_reference: String,
    /// Its alternate domain names.
    pub aliases: Vec<String>,
    /// Its managed settings.
    pub spec: Box<DistributionSpec>,
}

#[async_trait]
impl Kind for CreateDistribution {
    fn action(&self) -> Action {
        Action::Create
    }

    fn resource(&self) -> String {
        format!("CloudFront distribution for {}", self.aliases.join(", "))
    }

    fn diff(&self) -> Vec<FieldDiff> {
        diff_values("", &serde_json::Value::Null, &json(&self.spec))
    }

    async fn find_created(
        &self,
        aws: &dyn Reader,
        _created: Option<&str>,
    ) -> Result<Option<Option<String>>, HostError> {
        found(aws.find_distribution(&self.caller_reference).await?)
    }

    fn undo_text(&self) -> String {
        "disable it, wait until deployed, delete it".into()
    }

    async fn undo(&self, aws: &dyn Reader, created: Option<&str>) -> Result<Vec<Change>, NotUndone> {
        let id = match created {
            Some(id) => Some(id.to_owned()),
            None => aws.find_distribution(&self.caller_reference).await?,
        };
        let Some(id) = id else {
            return Ok(Vec::new());
        };
        let current = match aws.get_distribution(&id).await {
            Ok(d) => d,
            Err(HostError::NotFound(_)) => return Ok(Vec::new()),
            Err(e) => return Err(e.into()),
        };
        let mut undo = Vec::new();
        if current.enabled {
            undo.push(
                DisableDistribution {
                    id: id.clone(),
                    etag: current.etag,
                }
                .into(),
            );
        }
        undo.push(DeleteDistribution { id }.into());
        Ok(undo)
    }
}

#[async_trait]
impl Forward for CreateDistribution {
    type Output = Distribution;

    async fn send(&self, aws: &dyn Provider, _progress: &Progress) -> Result<Distribution, HostError> {
        let policy = headers_policy(aws, &self.spec).await?;
        aws.create_distribution(&self.spec, policy.as_deref()).await
    }

    fn created(&self, d: &Distribution) -> Option<String> {
        Some(d.id.clone())
    }
}

/// A distribution's managed configuration is changed, the rest kept.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct UpdateDistribution {
    /// The distribution.
    pub id: String,
    /// The ETag the change is made against.
    pub etag: String,
    /// The configuration it replaces.
    pub before: Box<DistributionSpec>,
    /// The new one.
    pub after: Box<DistributionSpec>,
}

#[async_trait]
impl Kind for UpdateDistribution {
    fn action(&self) -> Action {
        Action::Update
    }

    fn resource(&self) -> String {
        format!("CloudFront distribution {}", self.id)
    }

    fn diff(&self) -> Vec<FieldDiff> {
        let (mut before, mut after) = (json(&self.before), json(&self.after));
        // The caller reference is ignored on update.
        for v in [&mut before, &mut after] {
            if let Some(o) = v.as_object_mut() {
                o.remove("caller_reference");
            }
        }
        diff_values("", &before, &after)
    }

    fn undo_text(&self) -> String {
        "restore the previous configuration".into()
    }

    async fn undo(&self, aws: &dyn Reader, _created: Option<&str>) -> Result<Vec<Change>, NotUndone> {
        let (current, etag) = match aws.get_distribution_spec(&self.id).await {
            Ok(found) => found,
            Err(HostError::NotFound(_)) => return Ok(Vec::new()),
            Err(e) => return Err(e.into()),
        };
        if current == *self.before {
            return Ok(Vec::new());
        }
        let mut undo = Vec::new();
        if !self.before.response_headers.is_empty() {
            let name = policy_name(&self.before.caller_reference);
            match aws.find_response_headers_policy(&name).await? {
                None => undo.push(
                    CreateResponseHeadersPolicy {
                        name,
                        headers: self.before.response_headers.clone(),
                    }
                    .into(),
                ),
                Some(p) if p.headers != self.before.response_headers => undo.push(
                    UpdateResponseHeadersPolicy {
                        name,
                        before: p.headers,
                        after: self.before.response_headers.clone(),
                    }
                    .into(),
                ),
                Some(_) => {}
            }
        }
        undo.push(
            UpdateDistribution {
                id: self.id.clone(),
                etag,
                before: Box::new(current),
                after: self.before.clone(),
            }
            .into(),
        );
        Ok(undo)
    }
}

#[async_trait]
impl Forward for UpdateDistribution {
    type Output = Distribution;

    async fn send(&self, aws: &dyn Provider, _progress: &Progress) -> Result<Distribution, HostError> {
        let policy = headers_policy(aws, &self.after).await?;
        aws.update_distribution(&self.id, &self.etag, &self.after, policy.as_deref())
            .await
    }
}

/// The response headers policy a spec's responses pass: the one named after its caller
/// reference, which an earlier change made hold the spec's headers; none without headers.
async fn headers_policy(aws: &dyn Provider, spec: &DistributionSpec) -> Result<Option<String>, HostError> {
    if spec.response_headers.is_empty() {
        return Ok(None);
    }
    let name = policy_name(&spec.caller_reference);
    match aws.find_response_headers_policy(&name).await? {
        Some(policy) => Ok(Some(policy.id)),
        None => Err(HostError::Internal(format!(
            "response headers policy {name} is not there to add the distribution's headers"
        ))),
    }
}

/// A distribution is disabled (before it is deleted).
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct DisableDistribution {
    /// The distribution.
    pub id: String,
    /// The ETag the change is made against.
    pub etag: String,
}

#[async_trait]
impl Kind for DisableDistribution {
    fn action(&self) -> Action {
        Action::Update
    }

    fn resource(&self) -> String {
        format!("CloudFront distribution {} (disable)", self.id)
    }

    fn diff(&self) -> Vec<FieldDiff> {
        vec![FieldDiff {
            field: "enabled".into(),
            before: true.into(),
            after: false.into(),
        }]
    }

    fn undo_text(&self) -> String {
        "none: enable it again by hand".into()
    }

    async fn undo(&self, _aws: &dyn Reader, _created: Option<&str>) -> Result<Vec<Change>, NotUndone> {
        irreversible("switchyard disables a distribution only to delete it")
    }
}

#[async_trait]
impl Forward for DisableDistribution {
    type Output = Distribution;

    async fn send(&self, aws: &dyn Provider, _progress: &Progress) -> Result<Distribution, HostError> {
        aws.set_enabled(&self.id, &self.etag, false).await
    }
}

/// A distribution is deleted, once it is disabled and deployed, as CloudFront requires.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct DeleteDistribution {
    /// The distribution.
    pub id: String,
}

#[async_trait]
impl Kind for DeleteDistribution {
    fn action(&self) -> Action {
        Action::Delete
    }

    fn resource(&self) -> String {
        format!("CloudFront distribution {}", self.id)
    }

    fn undo_text(&self) -> String {
        "none: it cannot be undone".into()
    }

    async fn undo(&self, _aws: &dyn Reader, _created: Option<&str>) -> Result<Vec<Change>, NotUndone> {
        irreversible("a deleted distribution cannot be re-created with its id and domain name")
    }
}

#[async_trait]
impl Forward for DeleteDistribution {
    type Output = ();

    /// Waits until the distribution is deployed (its disabling, typically), then deletes it
    /// with its current ETag.
    async fn send(&self, aws: &dyn Provider, progress: &Progress) -> Result<(), HostError> {
        let what = format!("distribution {}", self.id);
        let deployed = poll(DEPLOY_BUDGET, Duration::from_secs(20), &what, || async {
            let d = aws.get_distribution(&self.id).await?;
            if d.status == "Deployed" {
                return Ok(Polled::Done(d));
            }
            progress.update(&format!("{what} is {}", d.status));
            Ok(Polled::Pending(d.status))
        })
        .await;
        progress.finish();
        match deployed {
            Ok(d) => aws.delete_distribution(&self.id, &d.etag).await,
            Err(HostError::NotFound(_)) => Ok(()),
            Err(e) => Err(e),
        }
    }
}
