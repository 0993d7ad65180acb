//! ACM certificates, in the workflow's region.

use async_trait::async_trait;
use aws_sdk_acm::primitives::Blob;
use aws_sdk_acm::types::{Filters, KeyAlgorithm, Tag};

use super::{Aws, built, missing};
use crate::certs::Bundle;
use crate::model::AcmCertificate;
use crate::provider::{AcmRead, AcmWrite, MANAGED_TAG, Result};

#[async_trait]
impl AcmRead for Aws {
    async fn describe_certificate(&self, arn: &str) -> Result<AcmCertificate> {
        let out = self
            .read("acm", "DescribeCertificate", || {
                self.acm.describe_certificate().certificate_arn(arn).send()
            })
            .await?;
        let c = out.certificate.ok_or_else(|| missing("the certificate"))?;
        Ok(AcmCertificate {
            arn: c.certificate_arn.unwrap_or_else(|| arn.to_owned()),
            domain_name: c.domain_name.unwrap_or_default(),
            subject_alternative_names: c.subject_alternative_names.unwrap_or_default(),
            status: c.status.map(|s| s.as_str().to_owned()).unwrap_or_default(),
            serial: c.serial.map(|s| s.replace(':', "").to_ascii_lowercase()),
            not_after: c.not_after.map(|t| t.secs()),
            in_use_by: c.in_use_by.unwrap_or_default(),
        })
    }

    async fn list_certificates(&self) -> Result<Vec<AcmCertificate>> {
        let mut all = Vec::new();
        for arn in self.certificate_arns().await? {
            all.push(self.describe_certificate(&arn).await?);
        }
        Ok(all)
    }

    /// Tags first: only switchyard's own are described.
    async fn list_managed_certificates(&self) -> Result<Vec<AcmCertificate>> {
        let mut managed = Vec::new();
        for arn in self.certificate_arns().await? {
            let tags = self
                .read("acm", "ListTagsForCertificate", || {
                    self.acm.list_tags_for_certificate().certificate_arn(&arn).send()
                })
                .await?;
            if tags.tags.unwrap_or_default().iter().any(|t| t.key == MANAGED_TAG) {
                managed.push(self.describe_certificate(&arn).await?);
            }
        }
        Ok(managed)
    }

    async fn certificate_pem(&self, arn: &str) -> Result<(String, Option<String>)> {
        let out = self
            .read("acm", "GetCertificate", || {
                self.acm.get_certificate().certificate_arn(arn).send()
            })
            .await?;
        let body = out.certificate.ok_or_else(|| missing("the certificate's body"))?;
        Ok((body, out.certificate_chain))
    }
}

#[async_trait]
impl AcmWrite for Aws {
    async fn import_certificate(&self, bundle: &Bundle, existing_arn: Option<&str>) -> Result<String> {
        let (body, chain) = (bundle.leaf_pem(), bundle.chain_pem());
        // ACM takes tags on a first import only; a re-import keeps them.
        let tags = match existing_arn {
            None => Some(vec![managed_tag()?]),
            Some(_) => None,
        };
        let out = self
            .write("acm", "ImportCertificate", || {
                self.acm
                    .import_certificate()
                    .certificate(Blob::new(body.as_bytes()))
                    .private_key(Blob::new(bundle.private_key_pem().as_bytes()))
                    .set_certificate_chain(chain.as_ref().map(|c| Blob::new(c.as_bytes())))
                    .set_certificate_arn(existing_arn.map(str::to_owned))
                    .set_tags(tags.clone())
                    .send()
            })
            .await?;
        out.certificate_arn
            .ok_or_else(|| missing("the imported certificate's ARN"))
    }

    async fn delete_certificate(&self, arn: &str) -> Result<()> {
        self.write("acm", "DeleteCertificate", || {
            self.acm.delete_certificate().certificate_arn(arn).send()
        })
        .await?;
        Ok(())
    }
}

impl Aws {
    /// The ARN of every ACM certificate of the region, every page. Every key type: ACM lists
    /// only RSA 2048 and P-256 certificates unless asked for all.
    async fn certificate_arns(&self) -> Result<Vec<String>> {
        let filters = Filters::builder()
            .set_key_types(Some(
                KeyAlgorithm::values().iter().map(|v| KeyAlgorithm::from(*v)).collect(),
            ))
            .build();
        let mut arns = Vec::new();
        let mut next: Option<String> = None;
        loop {
            let out = self
                .read("acm", "ListCertificates", || {
                    self.acm
                        .list_certificates()
                        .includes(filters.clone())
                        .set_next_token(next.clone())
                        .send()
                })
                .await?;
            arns.extend(
                out.certificate_summary_list
                    .unwrap_or_default()
                    .into_iter()
                    .filter_map(|s| s.certificate_arn),
            );
            match out.next_token {
                Some(token) => next = Some(token),
                None => return Ok(arns),
            }
        }
    }
}

/// The tag of a certificate switchyard imports.
fn managed_tag() -> Result<Tag> {
    Tag::builder().key(MANAGED_TAG).value("true").build().map_err(built)
}
