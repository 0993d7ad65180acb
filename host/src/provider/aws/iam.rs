//! IAM: server certificates here, users' credentials in [`users`].

mod users;

use async_trait::async_trait;
use aws_sdk_iam::types::{ServerCertificateMetadata, SummaryKeyType};

use super::{Aws, missing};
use crate::certs::{Bundle, fingerprint};
use crate::model::{AccountQuota, ServerCertificate, ServerCertificateDetail};
use crate::provider::{IamRead, IamWrite, Result};

#[async_trait]
impl IamRead for Aws {
    async fn get_server_certificate(&self, name: &str) -> Result<ServerCertificateDetail> {
        let out = self
            .read("iam", "GetServerCertificate", || {
                self.iam.get_server_certificate().server_certificate_name(name).send()
            })
            .await?;
        let cert = out
            .server_certificate
            .ok_or_else(|| missing("the server certificate"))?;
        let meta = cert
            .server_certificate_metadata
            .map(server_certificate)
            .ok_or_else(|| missing("the server certificate's metadata"))?;
        let sha256_fingerprint = pem::parse(&cert.certificate_body)
            .map(|p| fingerprint(p.contents()))
            .unwrap_or_default();
        Ok(ServerCertificateDetail {
            meta,
            body: cert.certificate_body,
            chain: cert.certificate_chain,
            sha256_fingerprint,
        })
    }

    async fn list_server_certificates(&self, path_prefix: &str) -> Result<Vec<ServerCertificate>> {
        let mut all = Vec::new();
        let mut marker: Option<String> = None;
        loop {
            let out = self
                .read("iam", "ListServerCertificates", || {
                    self.iam
                        .list_server_certificates()
                        .path_prefix(path_prefix)
                        .set_marker(marker.clone())
                        .send()
                })
                .await?;
            // Keep to the prefix even if IAM answers more.
            all.extend(
                out.server_certificate_metadata_list
                    .into_iter()
                    .filter(|m| m.path.starts_with(path_prefix))
                    .map(server_certificate),
            );
            match out.marker.filter(|_| out.is_truncated) {
                Some(next) => marker = Some(next),
                None => return Ok(all),
            }
        }
    }

    async fn server_certificate_quota(&self) -> Result<AccountQuota> {
        let out = self
            .read("iam", "GetAccountSummary", || self.iam.get_account_summary().send())
            .await?;
        let summary = out.summary_map.unwrap_or_default();
        let count = |key: SummaryKeyType| summary.get(&key).and_then(|n| u32::try_from(*n).ok());
        match (
            count(SummaryKeyType::ServerCertificates),
            count(SummaryKeyType::ServerCertificatesQuota),
        ) {
            (Some(used), Some(limit)) => Ok(AccountQuota { used, limit }),
            _ => Err(missing("the server certificate count and quota")),
        }
    }
}

#[async_trait]
impl IamWrite for Aws {
    async fn upload_server_certificate(&self, name: &str, path: &str, bundle: &Bundle) -> Result<ServerCertificate> {
        let (body, chain) = (bundle.leaf_pem(), bundle.chain_pem());
        let out = self
            .write("iam", "UploadServerCertificate", || {
                self.iam
                    .upload_server_certificate()
                    .server_certificate_name(name)
                    .path(path)
                    .certificate_body(&body)
                    .private_key(bundle.private_key_pem())
                    .set_certificate_chain(chain.clone())
                    .send()
            })
            .await?;
        out.server_certificate_metadata
            .map(server_certificate)
            .ok_or_else(|| missing("the uploaded certificate's metadata"))
    }

    async fn delete_server_certificate(&self, name: &str) -> Result<()> {
        self.write("iam", "DeleteServerCertificate", || {
            self.iam
                .delete_server_certificate()
                .server_certificate_name(name)
                .send()
        })
        .await?;
        Ok(())
    }
}

fn server_certificate(m: ServerCertificateMetadata) -> ServerCertificate {
    ServerCertificate {
        name: m.server_certificate_name,
        id: m.server_certificate_id,
        arn: m.arn,
        path: m.path,
        expiration: m.expiration.map(|t| t.secs()),
    }
}
