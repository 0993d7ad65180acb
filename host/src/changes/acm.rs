//! ACM certificates: import and delete.

use std::path::PathBuf;
use std::sync::Arc;

use async_trait::async_trait;
use serde::{Deserialize, Serialize};

use super::{Action, Change, Forward, Kind, NotUndone, found, irreversible, restore_bundle};
use crate::certs::Bundle;
use crate::error::HostError;
use crate::provider::{Provider, Reader};
use crate::report::Progress;

/// A certificate is imported into ACM: new, or over `replaces`.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ImportCertificate {
    /// The certificate's serial number.
    pub serial: String,
    /// The ARN re-imported over, if any.
    pub replaces: Option<String>,
    /// What is imported, key included: never journaled.
    #[serde(skip)]
    pub bundle: Option<Arc<Bundle>>,
}

#[async_trait]
impl Kind for ImportCertificate {
    fn action(&self) -> Action {
        if self.replaces.is_some() {
            Action::Update
        } else {
            Action::Create
        }
    }

    fn resource(&self) -> String {
        match &self.replaces {
            Some(arn) => format!("ACM certificate {arn} (serial {})", self.serial),
            None => format!("ACM certificate (serial {})", self.serial),
        }
    }

    /// A new import is found by its ARN when journaled, else by its serial.
    async fn find_created(&self, aws: &dyn Reader, created: Option<&str>) -> Result<Option<Option<String>>, HostError> {
        if self.replaces.is_some() {
            return Ok(None);
        }
        if let Some(arn) = created {
            return match aws.describe_certificate(arn).await {
                Ok(_) => found(Some(arn.to_owned())),
                Err(HostError::NotFound(_)) => found(None),
                Err(e) => Err(e),
            };
        }
        let arn = aws
            .list_certificates()
            .await?
            .into_iter()
            .find(|c| c.serial.as_deref() == Some(self.serial.as_str()))
            .map(|c| c.arn);
        found(arn)
    }

    fn undo_text(&self) -> String {
        match self.replaces {
            Some(_) => "none: it cannot be undone".into(),
            None => "delete it once nothing uses it".into(),
        }
    }

    async fn undo(&self, aws: &dyn Reader, created: Option<&str>) -> Result<Vec<Change>, NotUndone> {
        if self.replaces.is_some() {
            return irreversible("a re-import replaces an ACM certificate in place; ACM keeps no earlier version");
        }
        let Some(Some(arn)) = self.find_created(aws, created).await? else {
            return Ok(Vec::new());
        };
        let current = aws.describe_certificate(&arn).await?;
        if !current.in_use_by.is_empty() {
            return Err(NotUndone::Failed(HostError::Conflict(format!(
                "{arn} is still used by {}",
                current.in_use_by.join(", ")
            ))));
        }
        Ok(vec![DeleteAcmCertificate::of(arn).into()])
    }
}

#[async_trait]
impl Forward for ImportCertificate {
    type Output = String;

    async fn send(&self, aws: &dyn Provider, _progress: &Progress) -> Result<String, HostError> {
        let bundle = self.bundle.as_deref().ok_or_else(|| {
            HostError::Internal("the key of an imported certificate is not kept, so it cannot be imported again".into())
        })?;
        aws.import_certificate(bundle, self.replaces.as_deref()).await
    }

    fn created(&self, arn: &String) -> Option<String> {
        self.replaces.is_none().then(|| arn.clone())
    }
}

/// An ACM certificate is deleted. Its public parts are kept in the journal when they could be
/// read, so that a rollback given its private key file can import it again (under a new ARN:
/// ACM never gives an ARN twice).
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct DeleteAcmCertificate {
    /// Its ARN.
    pub arn: String,
    /// Its certificate (PEM, public), when kept.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<String>,
    /// Its chain (PEM, public), when kept.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub chain: Option<String>,
    /// The private key files a rollback was given (`--key`): never journaled.
    #[serde(skip)]
    pub key_files: Vec<PathBuf>,
}

impl DeleteAcmCertificate {
    /// The deletion of `arn`, keeping nothing to restore it from.
    pub fn of(arn: String) -> Self {
        Self {
            arn,
            body: None,
            chain: None,
            key_files: Vec::new(),
        }
    }
}

#[async_trait]
impl Kind for DeleteAcmCertificate {
    fn action(&self) -> Action {
        Action::Delete
    }

    fn resource(&self) -> String {
        format!("ACM certificate {}", self.arn)
    }

    fn undo_text(&self) -> String {
        match self.body {
            Some(_) => "import it again, under a new ARN: its certificate and chain are kept, its private \
                key is not (`switchyard rollback RUN --key FILE`)"
                .into(),
            None => "none: it cannot be undone".into(),
        }
    }

    async fn undo(&self, aws: &dyn Reader, _created: Option<&str>) -> Result<Vec<Change>, NotUndone> {
        let Some(body) = &self.body else {
            return irreversible("a deleted certificate's private key is not kept, so it cannot be restored");
        };
        let facts = crate::certs::parse_facts(body)?;
        // Imported again already (a rollback cut short after the import): one of switchyard's
        // own with its serial, found as a new import is after a crash. No key is asked for.
        let imported = aws
            .list_managed_certificates()
            .await?
            .into_iter()
            .any(|c| c.arn != self.arn && c.serial.as_deref() == Some(facts.serial.as_str()));
        if imported {
            return Ok(Vec::new());
        }
        if facts.not_after < time::OffsetDateTime::now_utc().unix_timestamp() {
            return Err(NotUndone::Irreversible(format!(
                "it expired on {}, and ACM refuses to import an expired certificate",
                time::OffsetDateTime::from_unix_timestamp(facts.not_after)
                    .map_or_else(|_| facts.not_after.to_string(), |t| t.date().to_string())
            )));
        }
        let what = format!("ACM certificate {}", self.arn);
        let bundle = restore_bundle(&what, body, self.chain.as_deref(), &self.key_files)?;
        Ok(vec![
            ImportCertificate {
                serial: facts.serial,
                replaces: None,
                bundle: Some(bundle),
            }
            .into(),
        ])
    }
}

#[async_trait]
impl Forward for DeleteAcmCertificate {
    type Output = ();

    async fn send(&self, aws: &dyn Provider, _progress: &Progress) -> Result<(), HostError> {
        aws.delete_certificate(&self.arn).await
    }
}
