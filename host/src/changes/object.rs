//! S3 objects: write and delete.

use std::sync::Arc;

use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{Action, Change, FieldDiff, Forward, Kind, NotUndone, irreversible};
use crate::error::HostError;
use crate::provider::{Provider, Reader};
use crate::report::Progress;

/// An object is written.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct PutObject {
    /// The bucket.
    pub bucket: String,
    /// The key.
    pub key: String,
    /// The MD5 of the object written.
    pub md5: String,
    /// The MD5 of the object it replaces, if any.
    pub replaces: Option<String>,
    /// Its content type.
    #[serde(default)]
    pub content_type: String,
    /// Its content: never journaled.
    #[serde(skip)]
    pub body: Option<Arc<Vec<u8>>>,
}

#[async_trait]
impl Kind for PutObject {
    fn action(&self) -> Action {
        if self.replaces.is_some() {
            Action::Update
        } else {
            Action::Create
        }
    }

    fn resource(&self) -> String {
        format!("S3 object s3://{}/{}", self.bucket, self.key)
    }

    fn diff(&self) -> Vec<FieldDiff> {
        vec![FieldDiff {
            field: "md5".into(),
            before: self.replaces.clone().map_or(Value::Null, Value::String),
            after: Value::String(self.md5.clone()),
        }]
    }

    fn undo_text(&self) -> String {
        match self.replaces {
            None => "delete the object".into(),
            Some(_) => "none: it cannot be undone".into(),
        }
    }

    async fn undo(&self, aws: &dyn Reader, _created: Option<&str>) -> Result<Vec<Change>, NotUndone> {
        if self.replaces.is_some() {
            return irreversible("the object's previous content is not kept");
        }
        let exists = match aws.head_object(&self.bucket, &self.key).await {
            Ok(o) => o.is_some(),
            Err(HostError::NotFound(_)) => false,
            Err(e) => return Err(e.into()),
        };
        Ok(if exists {
            vec![
                DeleteObject {
                    bucket: self.bucket.clone(),
                    key: self.key.clone(),
                }
                .into(),
            ]
        } else {
            Vec::new()
        })
    }
}

#[async_trait]
impl Forward for PutObject {
    type Output = ();

    async fn send(&self, aws: &dyn Provider, _progress: &Progress) -> Result<(), HostError> {
        let body = self.body.as_deref().ok_or_else(|| {
            HostError::Internal(format!("the content of s3://{}/{} is not kept", self.bucket, self.key))
        })?;
        aws.put_object(&self.bucket, &self.key, body, &self.content_type).await
    }
}

/// An object is deleted.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct DeleteObject {
    /// The bucket.
    pub bucket: String,
    /// The key.
    pub key: String,
}

#[async_trait]
impl Kind for DeleteObject {
    fn action(&self) -> Action {
        Action::Delete
    }

    fn resource(&self) -> String {
        format!("S3 object s3://{}/{}", self.bucket, self.key)
    }

    fn undo_text(&self) -> String {
        "none: it cannot be undone".into()
    }

    async fn undo(&self, _aws: &dyn Reader, _created: Option<&str>) -> Result<Vec<Change>, NotUndone> {
        irreversible("deleted S3 data is not kept")
    }
}

#[async_trait]
impl Forward for DeleteObject {
    type Output = ();

    async fn send(&self, aws: &dyn Provider, _progress: &Progress) -> Result<(), HostError> {
        aws.delete_object(&self.bucket, &self.key).await
    }
}
