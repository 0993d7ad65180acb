//! IAM server certificates in memory.

use async_trait::async_trait;

use super::{Found, Memory, conflict, fake_id, look, not_found};
use crate::certs::Bundle;
use crate::model::{
    AccessKey, AccountQuota, AccountSummary, IamUser, ServerCertificate, ServerCertificateDetail, SigningCertificate,
};
use crate::provider::{CloudfrontRead, CredentialsRead, IamRead, IamWrite, Result};

#[async_trait]
impl IamRead for Memory {
    async fn get_server_certificate(&self, name: &str) -> Result<ServerCertificateDetail> {
        let found = look(self.lock().server_certificates.get(name));
        match found {
            Found::Here(c) => Ok(c),
            Found::Gone => Err(not_found("IAM server certificate", name)),
            Found::Ask => {
                self.parent_for(name, "IAM server certificate")?
                    .get_server_certificate(name)
                    .await
            }
        }
    }

    async fn list_server_certificates(&self, path_prefix: &str) -> Result<Vec<ServerCertificate>> {
        let mut all = match &self.parent {
            Some(parent) => parent.list_server_certificates(path_prefix).await?,
            None => Vec::new(),
        };
        let st = self.lock();
        all.retain(|c| !st.server_certificates.contains_key(&c.name));
        all.extend(
            st.server_certificates
                .values()
                .flatten()
                .filter(|c| c.meta.path.starts_with(path_prefix))
                .map(|c| c.meta.clone()),
        );
        Ok(all)
    }

    async fn server_certificate_quota(&self) -> Result<AccountQuota> {
        let base = match &self.parent {
            Some(parent) => parent.server_certificate_quota().await?,
            None => AccountQuota {
                used: 0,
                limit: self.lock().quota,
            },
        };
        let added = self.lock().server_certificates_added;
        let used = u32::try_from((i64::from(base.used) + added).max(0)).unwrap_or(u32::MAX);
        Ok(AccountQuota { used, ..base })
    }
}

#[async_trait]
impl IamWrite for Memory {
    async fn upload_server_certificate(&self, name: &str, path: &str, bundle: &Bundle) -> Result<ServerCertificate> {
        if self.get_server_certificate(name).await.is_ok() {
            return Err(conflict(
                "EntityAlreadyExists",
                format!("the server certificate {name} already exists"),
            ));
        }
        let facts = bundle.facts();
        let mut st = self.lock();
        let id = self.mint(&mut st, "IAM server certificate id", |n| fake_id("ASCAFAKE", n, 21));
        let arn = match self.ids {
            super::Ids::Fake => format!("arn:aws:iam::{}:server-certificate{path}{name}", self.account),
            super::Ids::Placeholders => self.mint(&mut st, "IAM server certificate ARN", |_| String::new()),
        };
        let meta = ServerCertificate {
            name: name.to_owned(),
            id,
            arn,
            path: path.to_owned(),
            expiration: Some(facts.leaf.not_after),
        };
        let detail = ServerCertificateDetail {
            meta: meta.clone(),
            body: bundle.leaf_pem(),
            chain: bundle.chain_pem(),
            sha256_fingerprint: facts.leaf.sha256_fingerprint,
        };
        st.server_certificates.insert(name.to_owned(), Some(detail));
        st.server_certificates_added += 1;
        Ok(meta)
    }

    async fn delete_server_certificate(&self, name: &str) -> Result<()> {
        let detail = self.get_server_certificate(name).await?;
        let users: Vec<String> = self
            .list_distributions()
            .await?
            .into_iter()
            .filter(|d| d.viewer_certificate.certificate.as_deref() == Some(detail.meta.id.as_str()))
            .map(|d| d.id)
            .collect();
        if !users.is_empty() {
            return Err(conflict(
                "DeleteConflict",
                format!("{name} is used by distribution(s) {}", users.join(", ")),
            ));
        }
        let mut st = self.lock();
        st.server_certificates.insert(name.to_owned(), None);
        st.server_certificates_added -= 1;
        Ok(())
    }
}

/// Credentials are read, never written, by the host: a plan reads them from AWS; the fake has
/// no users and an account with nothing in it.
#[async_trait]
impl CredentialsRead for Memory {
    async fn account_alias(&self) -> Result<Option<String>> {
        match &self.parent {
            Some(parent) => parent.account_alias().await,
            None => Ok(None),
        }
    }

    async fn list_users(&self) -> Result<Vec<IamUser>> {
        match &self.parent {
            Some(parent) => parent.list_users().await,
            None => Ok(Vec::new()),
        }
    }

    async fn list_access_keys(&self, user: &str) -> Result<Vec<AccessKey>> {
        match &self.parent {
            Some(parent) => parent.list_access_keys(user).await,
            None => Err(not_found("IAM user", user)),
        }
    }

    async fn list_signing_certificates(&self, user: &str) -> Result<Vec<SigningCertificate>> {
        match &self.parent {
            Some(parent) => parent.list_signing_certificates(user).await,
            None => Err(not_found("IAM user", user)),
        }
    }

    async fn mfa_devices(&self, user: &str) -> Result<u32> {
        match &self.parent {
            Some(parent) => parent.mfa_devices(user).await,
            None => Err(not_found("IAM user", user)),
        }
    }

    async fn account_summary(&self) -> Result<AccountSummary> {
        let quota = self.server_certificate_quota().await?;
        match &self.parent {
            Some(parent) => Ok(AccountSummary {
                server_certificates: quota.used,
                ..parent.account_summary().await?
            }),
            None => Ok(AccountSummary {
                server_certificates: quota.used,
                server_certificates_quota: quota.limit,
                ..AccountSummary::default()
            }),
        }
    }
}
