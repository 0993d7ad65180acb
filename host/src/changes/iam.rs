//! IAM server certificates: upload and delete.

use std::path::PathBuf;
use std::sync::Arc;

use async_trait::async_trait;
use serde::{Deserialize, Serialize};

use super::{Action, Change, Forward, Kind, NotUndone, found, irreversible, restore_bundle};
use crate::certs::Bundle;
use crate::error::HostError;
use crate::model::{ServerCertificate, ServerCertificateDetail};
use crate::provider::{Provider, Reader};
use crate::report::Progress;

/// An IAM server certificate is uploaded.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct UploadServerCertificate {
    /// Its name.
    pub name: String,
    /// Its path.
    pub path: String,
    /// The certificate's serial number.
    pub serial: String,
    /// What is uploaded, key included: never journaled.
    #[serde(skip)]
    pub bundle: Option<Arc<Bundle>>,
}

#[async_trait]
impl Kind for UploadServerCertificate {
    fn action(&self) -> Action {
        Action::Create
    }

    fn resource(&self) -> String {
        format!("IAM server certificate {}{}", self.path, self.name)
    }

    async fn find_created(
        &self,
        aws: &dyn Reader,
        _created: Option<&str>,
    ) -> Result<Option<Option<String>>, HostError> {
        match aws.get_server_certificate(&self.name).await {
            Ok(c) => found(Some(c.meta.id)),
            Err(HostError::NotFound(_)) => found(None),
            Err(e) => Err(e),
        }
    }

    fn undo_text(&self) -> String {
        "delete it once no distribution uses it".into()
    }

    async fn undo(&self, aws: &dyn Reader, created: Option<&str>) -> Result<Vec<Change>, NotUndone> {
        let Some(Some(id)) = self.find_created(aws, created).await? else {
            return Ok(Vec::new());
        };
        let users: Vec<String> = aws
            .list_distributions()
            .await?
            .into_iter()
            .filter(|d| d.viewer_certificate.certificate.as_deref() == Some(id.as_str()))
            .map(|d| d.id)
            .collect();
        if !users.is_empty() {
            return Err(NotUndone::Failed(HostError::Conflict(format!(
                "IAM server certificate {} is still used by distribution(s) {}",
                self.name,
                users.join(", ")
            ))));
        }
        Ok(vec![
            DeleteServerCertificate::of(self.name.clone(), Some(self.path.clone())).into(),
        ])
    }
}

#[async_trait]
impl Forward for UploadServerCertificate {
    type Output = ServerCertificate;

    async fn send(&self, aws: &dyn Provider, _progress: &Progress) -> Result<ServerCertificate, HostError> {
        let bundle = self.bundle.as_deref().ok_or_else(|| {
            HostError::Internal(format!(
                "the key of {} is not kept after its upload, so it cannot be uploaded again",
                self.name
            ))
        })?;
        aws.upload_server_certificate(&self.name, &self.path, bundle).await
    }

    fn created(&self, output: &ServerCertificate) -> Option<String> {
        Some(output.id.clone())
    }
}

/// An IAM server certificate is deleted. Its public parts are kept in the journal, so that a
/// rollback can upload it again given its private key file, which is never kept.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct DeleteServerCertificate {
    /// Its name.
    pub name: String,
    /// Its path, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// Its certificate body (PEM, public), when kept.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<String>,
    /// Its chain (PEM, public), when kept.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub chain: Option<String>,
    /// The private key files a rollback was given (`--key`), to upload it again: never
    /// journaled.
    #[serde(skip)]
    pub key_files: Vec<PathBuf>,
}

impl DeleteServerCertificate {
    /// The deletion of certificate `name` under `path`, keeping nothing to restore it from.
    pub fn of(name: String, path: Option<String>) -> Self {
        Self {
            name,
            path,
            body: None,
            chain: None,
            key_files: Vec::new(),
        }
    }

    /// The deletion of the certificate `detail`, keeping its public parts.
    pub fn keeping(detail: ServerCertificateDetail) -> Self {
        Self {
            name: detail.meta.name,
            path: Some(detail.meta.path),
            body: Some(detail.body),
            chain: detail.chain,
            key_files: Vec::new(),
        }
    }
}

#[async_trait]
impl Kind for DeleteServerCertificate {
    fn action(&self) -> Action {
        Action::Delete
    }

    fn resource(&self) -> String {
        format!(
            "IAM server certificate {}{}",
            self.path.as_deref().unwrap_or(""),
            self.name
        )
    }

    fn undo_text(&self) -> String {
        match self.body {
            Some(_) => "upload it again: its certificate and chain are kept, its private key is not \
                (`switchyard rollback RUN --key FILE`)"
                .into(),
            None => "none: it cannot be undone".into(),
        }
    }

    async fn undo(&self, aws: &dyn Reader, _created: Option<&str>) -> Result<Vec<Change>, NotUndone> {
        let Some(body) = &self.body else {
            return irreversible("a deleted certificate's private key is not kept, so it cannot be restored");
        };
        match aws.get_server_certificate(&self.name).await {
            Ok(_) => return Ok(Vec::new()),
            Err(HostError::NotFound(_)) => {}
            Err(e) => return Err(e.into()),
        }
        let what = format!("IAM server certificate {}", self.name);
        let bundle = restore_bundle(&what, body, self.chain.as_deref(), &self.key_files)?;
        Ok(vec![
            UploadServerCertificate {
                name: self.name.clone(),
                path: self.path.clone().unwrap_or_else(|| "/".into()),
                serial: bundle.facts().leaf.serial,
                bundle: Some(bundle),
            }
            .into(),
        ])
    }
}

#[async_trait]
impl Forward for DeleteServerCertificate {
    type Output = ();

    async fn send(&self, aws: &dyn Provider, _progress: &Progress) -> Result<(), HostError> {
        aws.delete_server_certificate(&self.name).await
    }
}
