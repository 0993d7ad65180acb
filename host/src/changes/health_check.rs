//! Route 53 health checks: create, update (back from a drift) and delete.

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

/// A Route 53 health check's settings change: one that was changed outside switchyard is set
/// back to what its caller reference stands for. Undone by setting `before` again.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct UpdateHealthCheck {
    /// Its id.
    pub id: String,
    /// Its caller reference.
    pub caller_reference: String,
    /// Its settings before.
    pub before: HealthCheckConfig,
    /// Its settings after.
    pub after: HealthCheckConfig,
}

#[async_trait]
impl Kind for UpdateHealthCheck {
    fn action(&self) -> Action {
        Action::Update
    }

    fn resource(&self) -> String {
        format!("Route 53 health check {} ({})", self.caller_reference, self.id)
    }

    fn diff(&self) -> Vec<FieldDiff> {
        diff_values("", &json(&self.before), &json(&self.after))
    }

    fn undo_text(&self) -> String {
        "set its settings back".into()
    }

    async fn undo(&self, aws: &dyn Reader, _created: Option<&str>) -> Result<Vec<Change>, NotUndone> {
        let current = match aws.get_health_check(&self.id).await {
            Ok(current) => current,
            // Gone meanwhile: nothing to set back.
            Err(HostError::NotFound(_)) => return Ok(Vec::new()),
            Err(e) => return Err(e.into()),
        };
        if current.config == self.before {
            return Ok(Vec::new());
        }
        Ok(vec![
            UpdateHealthCheck {
                id: self.id.clone(),
                caller_reference: self.caller_reference.clone(),
                before: current.config,
                after: self.before.clone(),
            }
            .into(),
        ])
    }
}

#[async_trait]
impl Forward for UpdateHealthCheck {
    type Output = HealthCheck;

    async fn send(&self, aws: &dyn Provider, _progress: &Progress) -> Result<HealthCheck, HostError> {
        aws.update_health_check(&self.id, &self.after).await
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
