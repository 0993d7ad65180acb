//! Response headers policies: the headers (such as `Retry-After`) a distribution adds to every
//! response. Found by name, which the host derives from the distribution's caller reference.

use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use sha2::Digest;

use super::diff::json;
use super::{Action, Change, FieldDiff, Forward, Kind, NotUndone, diff_values, found, irreversible};
use crate::error::HostError;
use crate::model::Header;
use crate::provider::{HeadersPolicy, Provider, Reader};
use crate::report::Progress;

/// A response headers policy is created.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct CreateResponseHeadersPolicy {
    /// Its name, which finds it again.
    pub name: String,
    /// The headers it adds.
    pub headers: Vec<Header>,
}

#[async_trait]
impl Kind for CreateResponseHeadersPolicy {
    fn action(&self) -> Action {
        Action::Create
    }

    fn resource(&self) -> String {
        format!("CloudFront response headers policy {}", self.name)
    }

    async fn find_created(
        &self,
        aws: &dyn Reader,
        _created: Option<&str>,
    ) -> Result<Option<Option<String>>, HostError> {
        found(aws.find_response_headers_policy(&self.name).await?.map(|p| p.id))
    }

    fn undo_text(&self) -> String {
        "delete it".into()
    }

    async fn undo(&self, aws: &dyn Reader, _created: Option<&str>) -> Result<Vec<Change>, NotUndone> {
        Ok(match aws.find_response_headers_policy(&self.name).await? {
            Some(_) => vec![
                DeleteResponseHeadersPolicy {
                    name: self.name.clone(),
                }
                .into(),
            ],
            None => Vec::new(),
        })
    }
}

#[async_trait]
impl Forward for CreateResponseHeadersPolicy {
    type Output = String;

    async fn send(&self, aws: &dyn Provider, _progress: &Progress) -> Result<String, HostError> {
        aws.create_response_headers_policy(&self.name, &self.headers).await
    }

    fn created(&self, id: &String) -> Option<String> {
        Some(id.clone())
    }
}

/// A response headers policy's headers change.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct UpdateResponseHeadersPolicy {
    /// Its name.
    pub name: String,
    /// The headers it added.
    pub before: Vec<Header>,
    /// The headers it adds now.
    pub after: Vec<Header>,
}

#[async_trait]
impl Kind for UpdateResponseHeadersPolicy {
    fn action(&self) -> Action {
        Action::Update
    }

    fn resource(&self) -> String {
        format!("CloudFront response headers policy {}", self.name)
    }

    fn diff(&self) -> Vec<FieldDiff> {
        diff_values("headers", &json(&self.before), &json(&self.after))
    }

    fn undo_text(&self) -> String {
        "restore the previous headers".into()
    }

    async fn undo(&self, aws: &dyn Reader, _created: Option<&str>) -> Result<Vec<Change>, NotUndone> {
        let Some(current) = aws.find_response_headers_policy(&self.name).await? else {
            return Ok(Vec::new());
        };
        if current.headers == self.before {
            return Ok(Vec::new());
        }
        Ok(vec![
            UpdateResponseHeadersPolicy {
                name: self.name.clone(),
                before: current.headers,
                after: self.before.clone(),
            }
            .into(),
        ])
    }
}

#[async_trait]
impl Forward for UpdateResponseHeadersPolicy {
    type Output = String;

    /// Updates the policy found by name, against its current ETag; returns its id.
    async fn send(&self, aws: &dyn Provider, _progress: &Progress) -> Result<String, HostError> {
        let policy = named(aws, &self.name).await?;
        aws.update_response_headers_policy(&policy, &self.after).await?;
        Ok(policy.id)
    }
}

/// A response headers policy is deleted.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct DeleteResponseHeadersPolicy {
    /// Its name.
    pub name: String,
}

#[async_trait]
impl Kind for DeleteResponseHeadersPolicy {
    fn action(&self) -> Action {
        Action::Delete
    }

    fn resource(&self) -> String {
        format!("CloudFront response headers policy {}", self.name)
    }

    fn undo_text(&self) -> String {
        "none: it cannot be undone".into()
    }

    async fn undo(&self, _aws: &dyn Reader, _created: Option<&str>) -> Result<Vec<Change>, NotUndone> {
        irreversible("a deleted response headers policy cannot be re-created with its id")
    }
}

#[async_trait]
impl Forward for DeleteResponseHeadersPolicy {
    type Output = ();

    async fn send(&self, aws: &dyn Provider, _progress: &Progress) -> Result<(), HostError> {
        match aws.find_response_headers_policy(&self.name).await? {
            Some(policy) => aws.delete_response_headers_policy(&policy).await,
            None => Ok(()),
        }
    }
}

async fn named(aws: &dyn Provider, name: &str) -> Result<HeadersPolicy, HostError> {
    aws.find_response_headers_policy(name)
        .await?
        .ok_or_else(|| HostError::NotFound(format!("response headers policy {name}")))
}

/// The name of the response headers policy of the distribution with caller reference
/// `reference`: letters, digits, `-` and `_`, at most 128. Derived by the host, never taken
/// from a plugin. A reference already of that form is the name; any other ends in a digest of
/// it, so that two references never share a policy (`shop.example.com`, `shop-example-com`).
pub fn policy_name(reference: &str) -> String {
    const MAX: usize = 128;
    let plain = |c: char| c.is_ascii_alphanumeric() || c == '-' || c == '_';
    if reference.len() <= MAX && reference.chars().all(plain) {
        return reference.to_owned();
    }
    let digest = hex::encode(&sha2::Sha256::digest(reference.as_bytes())[..8]);
    let stem: String = reference
        .chars()
        .map(|c| if plain(c) { c } else { '-' })
        .take(MAX - digest.len() - 1)
        .collect();
    format!("{stem}-{digest}")
}
