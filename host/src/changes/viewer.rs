//! A distribution's viewer certificate.

use async_trait::async_trait;
use serde::{Deserialize, Serialize};

use super::diff::json;
use super::{Action, Change, FieldDiff, Forward, Kind, NotUndone, diff_values};
use crate::error::HostError;
use crate::model::{Distribution, ViewerCertificate};
use crate::provider::{Provider, Reader};
use crate::report::Progress;

/// A distribution's viewer certificate is set, the rest of its configuration kept.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct SetViewerCertificate {
    /// The distribution.
    pub id: String,
    /// The ETag the change is made against.
    pub etag: String,
    /// The viewer certificate it replaces.
    pub before: ViewerCertificate,
    /// The new one.
    pub after: ViewerCertificate,
}

#[async_trait]
impl Kind for SetViewerCertificate {
    fn action(&self) -> Action {
        Action::Update
    }

    fn resource(&self) -> String {
        format!("CloudFront distribution {} (viewer certificate)", self.id)
    }

    fn diff(&self) -> Vec<FieldDiff> {
        diff_values("", &json(&self.before), &json(&self.after))
    }

    fn undo_text(&self) -> String {
        format!(
            "restore the viewer certificate {}",
            self.before.certificate.as_deref().unwrap_or("(CloudFront default)")
        )
    }

    async fn undo(&self, aws: &dyn Reader, _created: Option<&str>) -> Result<Vec<Change>, NotUndone> {
        let current = match aws.get_distribution(&self.id).await {
            Ok(d) => d,
            Err(HostError::NotFound(_)) => return Ok(Vec::new()),
            Err(e) => return Err(e.into()),
        };
        if current.viewer_certificate == self.before {
            return Ok(Vec::new());
        }
        Ok(vec![
            SetViewerCertificate {
                id: self.id.clone(),
                etag: current.etag,
                before: current.viewer_certificate,
                after: self.before.clone(),
            }
            .into(),
        ])
    }
}

#[async_trait]
impl Forward for SetViewerCertificate {
    type Output = Distribution;

    async fn send(&self, aws: &dyn Provider, _progress: &Progress) -> Result<Distribution, HostError> {
        aws.set_viewer_certificate(&self.id, &self.etag, &self.after).await
    }
}
