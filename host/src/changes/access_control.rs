//! Origin access controls: how CloudFront signs its reads of a private bucket.

use async_trait::async_trait;
use serde::{Deserialize, Serialize};

use super::{Action, Change, Forward, Kind, NotUndone, found, irreversible};
use crate::error::HostError;
use crate::provider::{Provider, Reader};
use crate::report::Progress;

/// An origin access control is created.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct CreateOriginAccessControl {
    /// Its name, which finds it again.
    pub name: String,
}

#[async_trait]
impl Kind for CreateOriginAccessControl {
    fn action(&self) -> Action {
        Action::Create
    }

    fn resource(&self) -> String {
        format!("CloudFront origin access control {}", self.name)
    }

    async fn find_created(
        &self,
        aws: &dyn Reader,
        _created: Option<&str>,
    ) -> Result<Option<Option<String>>, HostError> {
        found(aws.find_origin_access_control(&self.name).await?)
    }

    fn undo_text(&self) -> String {
        "delete it".into()
    }

    async fn undo(&self, aws: &dyn Reader, created: Option<&str>) -> Result<Vec<Change>, NotUndone> {
        Ok(match self.find_created(aws, created).await? {
            Some(Some(id)) => vec![
                DeleteOriginAccessControl {
                    id,
                    name: self.name.clone(),
                }
                .into(),
            ],
            _ => Vec::new(),
        })
    }
}

#[async_trait]
impl Forward for CreateOriginAccessControl {
    type Output = String;

    async fn send(&self, aws: &dyn Provider, _progress: &Progress) -> Result<String, HostError> {
        aws.create_origin_access_control(&self.name).await
    }

    fn created(&self, id: &String) -> Option<String> {
        Some(id.clone())
    }
}

/// An origin access control is deleted.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct DeleteOriginAccessControl {
    /// Its id.
    pub id: String,
    /// Its name.
    pub name: String,
}

#[async_trait]
impl Kind for DeleteOriginAccessControl {
    fn action(&self) -> Action {
        Action::Delete
    }

    fn resource(&self) -> String {
        format!("CloudFront origin access control {} ({})", self.name, self.id)
    }

    fn undo_text(&self) -> String {
        "none: it cannot be undone".into()
    }

    async fn undo(&self, _aws: &dyn Reader, _created: Option<&str>) -> Result<Vec<Change>, NotUndone> {
        irreversible("a deleted origin access control cannot be re-created with its id")
    }
}

#[async_trait]
impl Forward for DeleteOriginAccessControl {
    type Output = ();

    async fn send(&self, aws: &dyn Provider, _progress: &Progress) -> Result<(), HostError> {
        match aws.delete_origin_access_control(&self.id).await {
            Err(HostError::NotFound(_)) => Ok(()),
            other => other,
        }
    }
}
