//! S3 buckets: create (private), close to the public, delete; bucket policies.

use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{Action, Change, FieldDiff, Forward, Kind, NotUndone, diff_values, found, irreversible};
use crate::error::HostError;
use crate::provider::{Provider, Reader};
use crate::report::Progress;

/// A private S3 bucket is created: created, then closed to every kind of public access.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct CreateBucket {
    /// Its name.
    pub name: String,
    /// Its region.
    #[serde(default)]
    pub region: String,
}

#[async_trait]
impl Kind for CreateBucket {
    fn action(&self) -> Action {
        Action::Create
    }

    fn resource(&self) -> String {
        format!("S3 bucket {}", self.name)
    }

    async fn find_created(
        &self,
        aws: &dyn Reader,
        _created: Option<&str>,
    ) -> Result<Option<Option<String>>, HostError> {
        found(aws.bucket_exists(&self.name).await?.then(|| self.name.clone()))
    }

    fn undo_text(&self) -> String {
        "delete it".into()
    }

    async fn undo(&self, aws: &dyn Reader, created: Option<&str>) -> Result<Vec<Change>, NotUndone> {
        Ok(match self.find_created(aws, created).await? {
            Some(Some(_)) => vec![
                DeleteBucket {
                    name: self.name.clone(),
                }
                .into(),
            ],
            _ => Vec::new(),
        })
    }
}

#[async_trait]
impl Forward for CreateBucket {
    type Output = ();

    async fn send(&self, aws: &dyn Provider, _progress: &Progress) -> Result<(), HostError> {
        aws.create_bucket(&self.name, &self.region).await?;
        aws.block_public_access(&self.name).await
    }

    fn created(&self, _: &()) -> Option<String> {
        Some(self.name.clone())
    }
}

/// Every kind of public access to a bucket is blocked (a bucket found open, such as one whose
/// creation was cut short between its two calls).
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct BlockPublicAccess {
    /// The bucket.
    pub bucket: String,
}

#[async_trait]
impl Kind for BlockPublicAccess {
    fn action(&self) -> Action {
        Action::Update
    }

    fn resource(&self) -> String {
        format!("S3 bucket {} (public access block)", self.bucket)
    }

    fn undo_text(&self) -> String {
        "none needed: the bucket stays private".into()
    }

    async fn undo(&self, _aws: &dyn Reader, _created: Option<&str>) -> Result<Vec<Change>, NotUndone> {
        Ok(Vec::new())
    }
}

#[async_trait]
impl Forward for BlockPublicAccess {
    type Output = ();

    async fn send(&self, aws: &dyn Provider, _progress: &Progress) -> Result<(), HostError> {
        aws.block_public_access(&self.bucket).await
    }
}

/// A bucket is deleted.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct DeleteBucket {
    /// Its name.
    pub name: String,
}

#[async_trait]
impl Kind for DeleteBucket {
    fn action(&self) -> Action {
        Action::Delete
    }

    fn resource(&self) -> String {
        format!("S3 bucket {}", self.name)
    }

    fn undo_text(&self) -> String {
        "none: it cannot be undone".into()
    }

    async fn undo(&self, _aws: &dyn Reader, _created: Option<&str>) -> Result<Vec<Change>, NotUndone> {
        irreversible("deleted S3 data is not kept")
    }
}

#[async_trait]
impl Forward for DeleteBucket {
    type Output = ();

    async fn send(&self, aws: &dyn Provider, _progress: &Progress) -> Result<(), HostError> {
        match aws.delete_bucket(&self.name).await {
            Err(HostError::NotFound(_)) => Ok(()),
            other => other,
        }
    }
}

/// A bucket's policy is set (or removed: `after` none).
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct PutBucketPolicy {
    /// The bucket.
    pub bucket: String,
    /// The policy it replaces, if any.
    pub before: Option<String>,
    /// The new policy, if any.
    pub after: Option<String>,
}

#[async_trait]
impl Kind for PutBucketPolicy {
    fn action(&self) -> Action {
        match (&self.before, &self.after) {
            (_, None) => Action::Delete,
            (None, Some(_)) => Action::Create,
            (Some(_), Some(_)) => Action::Update,
        }
    }

    fn resource(&self) -> String {
        format!("S3 bucket policy of {}", self.bucket)
    }

    fn diff(&self) -> Vec<FieldDiff> {
        let parse = |s: &Option<String>| {
            s.as_deref().map_or(Value::Null, |s| {
                serde_json::from_str(s).unwrap_or_else(|_| Value::String(s.to_owned()))
            })
        };
        diff_values("policy", &parse(&self.before), &parse(&self.after))
    }

    fn undo_text(&self) -> String {
        match self.before {
            None => "delete the bucket policy".into(),
            Some(_) => "restore the previous bucket policy".into(),
        }
    }

    async fn undo(&self, aws: &dyn Reader, _created: Option<&str>) -> Result<Vec<Change>, NotUndone> {
        let current = match aws.get_bucket_policy(&self.bucket).await {
            Ok(current) => current,
            // The bucket is gone, and its policy with it.
            Err(HostError::NotFound(_)) => return Ok(Vec::new()),
            Err(e) => return Err(e.into()),
        };
        if current == self.before {
            return Ok(Vec::new());
        }
        Ok(vec![
            PutBucketPolicy {
                bucket: self.bucket.clone(),
                before: current,
                after: self.before.clone(),
            }
            .into(),
        ])
    }
}

#[async_trait]
impl Forward for PutBucketPolicy {
    type Output = ();

    async fn send(&self, aws: &dyn Provider, _progress: &Progress) -> Result<(), HostError> {
        aws.put_bucket_policy(&self.bucket, self.after.as_deref()).await
    }
}
