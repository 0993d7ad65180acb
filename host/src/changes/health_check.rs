//! Route 53 health checks: create and delete.

use async_trait::async_trait;
use serde::{Deserialize, Serialize};

use super::diff::json;
use super::{Action, Change, FieldDiff, Forward, Kind, NotUndone, diff_values, found, irreversible};
use crate::error::HostError;
use crate::model::{HealthCheck, HealthCheckConfig};
use crate::provider::{Provider, Reader};
use crate::report::Progress;

/// A Route 53 health check is created.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct CreateHealthCheck {
    /// Its caller reference, which finds it again.
    pub caller_reference: String,
    /// Its settings.
    pub config: HealthCheckConfig,
}

#[async_trait]
impl Kind for CreateHealthCheck {
    fn action(&self) -> Action {
        Action::Create
    }

    fn resource(&self) -> String {
        format!("Route 53 health check {}", self.caller_reference)
    }

    fn diff(&self) -> Vec<FieldDiff> {
        diff_values("", &serde_json::Value::Null, &json(&self.config))
    }

    async fn find_created(
        &self,
        aws: &dyn Reader,
        _created: Option<&str>,
    ) -> Result<Option<Option<String>>, HostError> {
        found(aws.find_health_check(&self.caller_reference).await?.map(|h| h.id))
    }

    fn undo_text(&self) -> String {
        "delete it".into()
    }

    async fn undo(&self, aws: &dyn Reader, created: Option<&str>) -> Result<Vec<Change>, NotUndone> {
        Ok(match self.find_created(aws, created).await? {
            Some(Some(id)) => vec![DeleteHealthCheck { id }.into()],
            _ => Vec::new(),
        })
    }
}

#[async_trait]
impl Forward for CreateHealthCheck {
    type Output = HealthCheck;

    async fn send(&self, aws: &dyn Provider, _progress: &Progress) -> Result<HealthCheck, HostError> {
        aws.create_health_check(&self.caller_reference, &self.config).await
    }

    fn created(&self, check: &HealthCheck) -> Option<String> {
        Some(check.id.clone())
    }
}

/// A Route 53 health check is deleted.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct DeleteHealthCheck {
    /// Its id.
    pub id: String,
}

#[async_trait]
impl Kind for DeleteHealthCheck {
    fn action(&self) -> Action {
        Action::Delete
    }

    fn resource(&self) -> String {
        format!("Route 53 health check {}", self.id)
    }

    fn undo_text(&self) -> String {
        "none: it cannot be undone".into()
    }

    async fn undo(&self, _aws: &dyn Reader, _created: Option<&str>) -> Result<Vec<Change>, NotUndone> {
        irreversible("a deleted health check cannot be re-created with its id")
    }
}

#[async_trait]
impl Forward for DeleteHealthCheck {
    type Output = ();

    async fn send(&self, aws: &dyn Provider, _progress: &Progress) -> Result<(), HostError> {
        match aws.delete_health_check(&self.id).await {
            Err(HostError::NotFound(_)) => Ok(()),
            other => other,
        }
    }
}
