//! `switchyard:step/certificates`: bundles loaded on the host, IAM server certificates, ACM.

use aws_sdk_acm::primitives::Blob;
use aws_sdk_acm::types::{Filters, KeyAlgorithm as AcmKeyAlgorithm};
use aws_sdk_iam::types::SummaryKeyType;
use wasmtime::component::Resource;

use crate::aws::Aws;
use crate::bindings::certificates::{
    AccountQuota, AcmCertificate, BundleFacts, BundleSource, CertificateFacts, Host, HostBundle, ServerCertificate,
    ServerCertificateDetail, Verification,
};
use crate::certs::{Bundle, fingerprint, parse_facts};
use crate::error::HostError;
use crate::gate::{Call, Capability};
use crate::journal::Change;
use crate::plan::placeholder;
use crate::state::StepState;
use crate::workflow::normalise;

impl HostBundle for StepState {
    async fn facts(&mut self, bundle: Resource<Bundle>) -> wasmtime::Result<BundleFacts> {
        Ok(self.table.get(&bundle)?.facts())
    }

    async fn verify(&mut self, bundle: Resource<Bundle>) -> wasmtime::Result<Verification> {
        let now = time::OffsetDateTime::now_utc().unix_timestamp();
        Ok(self.table.get(&bundle)?.verify(now))
    }

    async fn drop(&mut self, bundle: Resource<Bundle>) -> wasmtime::Result<()> {
        self.table.delete(bundle)?;
        Ok(())
    }
}

impl Host for StepState {
    async fn load(&mut self, source: BundleSource) -> Result<Resource<Bundle>, HostError> {
        // Relative paths are relative to the workflow; grants are checked on the resolved path.
        let resolve = |path: &str| normalise(&self.base_dir.join(path)).display().to_string();
        let source = BundleSource {
            certificate: resolve(&source.certificate),
            private_key: resolve(&source.private_key),
            chain: source.chain.as_deref().map(resolve),
        };
        for path in [
            Some(&source.certificate),
            Some(&source.private_key),
            source.chain.as_ref(),
        ]
        .into_iter()
        .flatten()
        {
            self.gate
                .check(Call::new(Capability::CertificatesLoad, "read a certificate file").on(path))?;
        }
        let bundle = Bundle::load(&source)?;
        self.table.push(bundle).map_err(|e| HostError::Trap(e.into()))
    }

    async fn upload_server_certificate(
        &mut self,
        bundle: Resource<Bundle>,
        name: String,
        path: String,
    ) -> Result<ServerCertificate, HostError> {
        check_iam_name(&name)?;
        check_iam_path(&path)?;
        let bundle = self.table.get(&bundle).map_err(|e| HostError::Trap(e.into()))?;
        let (body, chain, key) = (
            bundle.leaf_pem(),
            bundle.chain_pem(),
            bundle.private_key_pem().to_owned(),
        );
        let facts = bundle.facts();
        let change = Change::UploadServerCertificate {
            name: name.clone(),
            path: path.clone(),
            serial: facts.leaf.serial,
        };
        let planned = ServerCertificateDetail {
            meta: ServerCertificate {
                name: name.clone(),
                id: placeholder("IAM server certificate id"),
                arn: placeholder("IAM server certificate ARN"),
                path: path.clone(),
                expiration: Some(facts.leaf.not_after),
            },
            body: body.clone(),
            chain: chain.clone(),
            sha256_fingerprint: facts.leaf.sha256_fingerprint.clone(),
        };
        if let Some(plan) = self.gate.plan() {
            plan.add_server_certificate(planned.clone());
        }
        let call = Call::new(Capability::IamWrite, "upload server certificate").on(&path);
        self.gate
            .write(
                call,
                change,
                || planned.meta.clone(),
                async |aws| {
                    let out = aws
                        .iam
                        .upload_server_certificate()
                        .server_certificate_name(&name)
                        .path(&path)
                        .certificate_body(body)
                        .private_key(key)
                        .set_certificate_chain(chain)
                        .send()
                        .await
                        .map_err(|e| HostError::from_sdk("iam", e))?;
                    let meta = out.server_certificate_metadata.map(server_certificate).ok_or_else(|| {
                        HostError::Internal("iam UploadServerCertificate answered without metadata".into())
                    })?;
                    let id = meta.id.clone();
                    Ok((meta, Some(id)))
                },
            )
            .await
    }

    async fn parse_certificate(&mut self, pem: String) -> Result<CertificateFacts, HostError> {
        parse_facts(&pem)
    }

    async fn server_certificate_quota(&mut self) -> Result<AccountQuota, HostError> {
        let call = Call::new(Capability::IamRead, "read the server certificate quota");
        self.gate
            .call(call, async |aws| {
                let out = aws
                    .iam
                    .get_account_summary()
                    .send()
                    .await
                    .map_err(|e| HostError::from_sdk("iam", e))?;
                let summary = out.summary_map.unwrap_or_default();
                let count = |key: SummaryKeyType| summary.get(&key).and_then(|n| u32::try_from(*n).ok());
                match (
                    count(SummaryKeyType::ServerCertificates),
                    count(SummaryKeyType::ServerCertificatesQuota),
                ) {
                    (Some(used), Some(limit)) => Ok(AccountQuota { used, limit }),
                    _ => Err(HostError::Internal(
                        "iam GetAccountSummary answered without the server certificate count and quota".into(),
                    )),
                }
            })
            .await
    }

    async fn get_server_certificate(&mut self, name: String) -> Result<ServerCertificateDetail, HostError> {
        check_iam_name(&name)?;
        let call = Call::new(Capability::IamRead, "get server certificate").on(&name);
        if let Some(planned) = self.gate.plan().and_then(|p| p.server_certificate(&name)) {
            self.gate.check_grant(call)?;
            return Ok(planned);
        }
        self.gate
            .call(call, async |aws| get_server_certificate(aws, &name).await)
            .await
    }

    async fn list_server_certificates(&mut self, path_prefix: String) -> Result<Vec<ServerCertificate>, HostError> {
        if !path_prefix.starts_with('/') {
            return Err(HostError::invalid(
                "path-prefix",
                "bad-path",
                "an IAM path prefix starts with `/`, e.g. `/cloudfront/`",
            ));
        }
        let call = Call::new(Capability::IamRead, "list server certificates").on(&path_prefix);
        self.gate
            .call(call, async |aws| {
                let mut pages = aws
                    .iam
                    .list_server_certificates()
                    .path_prefix(&path_prefix)
                    .into_paginator()
                    .send();
                let mut all = Vec::new();
                while let Some(page) = pages.next().await {
                    let page = page.map_err(|e| HostError::from_sdk("iam", e))?;
                    // Keep to the prefix even if IAM answers more.
                    all.extend(
                        page.server_certificate_metadata_list
                            .into_iter()
                            .filter(|m| m.path.starts_with(&path_prefix))
                            .map(server_certificate),
                    );
                }
                Ok(all)
            })
            .await
    }

    async fn delete_server_certificate(&mut self, name: String) -> Result<(), HostError> {
        check_iam_name(&name)?;
        // Grants for `iam:write` may be narrowed to a path: learn the certificate's path first.
        let detail = self
            .gate
            .resolve(Capability::IamWrite, async |aws| {
                get_server_certificate(aws, &name).await
            })
            .await?;
        let call = Call::new(Capability::IamWrite, "delete server certificate").on(&detail.meta.path);
        let change = Change::DeleteServerCertificate { name: name.clone() };
        self.gate
            .write(
                call,
                change,
                || (),
                async |aws| {
                    aws.iam
                        .delete_server_certificate()
                        .server_certificate_name(&name)
                        .send()
                        .await
                        .map_err(|e| HostError::from_sdk("iam", e))?;
                    Ok(((), None))
                },
            )
            .await
    }

    async fn import_certificate(
        &mut self,
        bundle: Resource<Bundle>,
        existing_arn: Option<String>,
    ) -> Result<String, HostError> {
        if let Some(arn) = &existing_arn {
            check_acm_arn(arn)?;
        }
        let bundle = self.table.get(&bundle).map_err(|e| HostError::Trap(e.into()))?;
        let (body, chain, key) = (
            bundle.leaf_pem(),
            bundle.chain_pem(),
            bundle.private_key_pem().to_owned(),
        );
        let change = Change::ImportCertificate {
            serial: bundle.facts().leaf.serial,
            replaces: existing_arn.clone(),
        };
        let mut call = Call::new(Capability::AcmWrite, "import certificate into ACM");
        if let Some(arn) = &existing_arn {
            call = call.on(arn);
        }
        let planned = || {
            existing_arn
                .clone()
                .unwrap_or_else(|| placeholder("ACM certificate ARN"))
        };
        self.gate
            .write(call, change, planned, async |aws| {
                let out = aws
                    .acm
                    .import_certificate()
                    .certificate(Blob::new(body))
                    .private_key(Blob::new(key))
                    .set_certificate_chain(chain.map(Blob::new))
                    .set_certificate_arn(existing_arn.clone())
                    .send()
                    .await
                    .map_err(|e| HostError::from_sdk("acm", e))?;
                let arn = out
                    .certificate_arn
                    .ok_or_else(|| HostError::Internal("acm ImportCertificate answered without an ARN".into()))?;
                let created = existing_arn.is_none().then(|| arn.clone());
                Ok((arn, created))
            })
            .await
    }

    async fn describe_certificate(&mut self, arn: String) -> Result<AcmCertificate, HostError> {
        check_acm_arn(&arn)?;
        let call = Call::new(Capability::AcmRead, "describe ACM certificate").on(&arn);
        self.gate
            .call(call, async |aws| describe_certificate(aws, &arn).await)
            .await
    }

    async fn list_certificates(&mut self) -> Result<Vec<AcmCertificate>, HostError> {
        let call = Call::new(Capability::AcmRead, "list ACM certificates");
        self.gate
            .call(call, async |aws| {
                let mut all = Vec::new();
                for arn in list_acm_arns(aws).await? {
                    all.push(describe_certificate(aws, &arn).await?);
                }
                Ok(all)
            })
            .await
    }

    async fn delete_certificate(&mut self, arn: String) -> Result<(), HostError> {
        check_acm_arn(&arn)?;
        let call = Call::new(Capability::AcmRead, "describe ACM certificate").on(&arn);
        let current = self
            .gate
            .call(call, async |aws| describe_certificate(aws, &arn).await)
            .await?;
        // AWS refuses to delete a certificate in use; say so before trying.
        if !current.in_use_by.is_empty() {
            return Err(HostError::Conflict(format!(
                "{arn} is in use by {}",
                current.in_use_by.join(", ")
            )));
        }
        let call = Call::new(Capability::AcmWrite, "delete ACM certificate").on(&arn);
        let change = Change::DeleteAcmCertificate { arn: arn.clone() };
        self.gate
            .write(
                call,
                change,
                || (),
                async |aws| {
                    aws.acm
                        .delete_certificate()
                        .certificate_arn(&arn)
                        .send()
                        .await
                        .map_err(|e| HostError::from_sdk("acm", e))?;
                    Ok(((), None))
                },
            )
            .await
    }
}

/// The ARNs of every ACM certificate in the region, of every key type (ACM lists only RSA 2048
/// and P-256 ones unless asked for all).
pub(crate) async fn list_acm_arns(aws: &Aws) -> Result<Vec<String>, HostError> {
    let filters = Filters::builder()
        .set_key_types(Some(
            AcmKeyAlgorithm::values()
                .iter()
                .map(|v| AcmKeyAlgorithm::from(*v))
                .collect(),
        ))
        .build();
    let mut pages = aws.acm.list_certificates().includes(filters).into_paginator().send();
    let mut arns = Vec::new();
    while let Some(page) = pages.next().await {
        let page = page.map_err(|e| HostError::from_sdk("acm", e))?;
        arns.extend(
            page.certificate_summary_list
                .unwrap_or_default()
                .into_iter()
                .filter_map(|s| s.certificate_arn),
        );
    }
    Ok(arns)
}

pub(crate) async fn get_server_certificate(aws: &Aws, name: &str) -> Result<ServerCertificateDetail, HostError> {
    let out = aws
        .iam
        .get_server_certificate()
        .server_certificate_name(name)
        .send()
        .await
        .map_err(|e| HostError::from_sdk("iam", e))?;
    let cert = out
        .server_certificate
        .ok_or_else(|| HostError::Internal("iam GetServerCertificate answered without a certificate".into()))?;
    let meta = cert
        .server_certificate_metadata
        .map(server_certificate)
        .ok_or_else(|| HostError::Internal("iam GetServerCertificate answered without metadata".into()))?;
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

pub(crate) async fn describe_certificate(aws: &Aws, arn: &str) -> Result<AcmCertificate, HostError> {
    let out = aws
        .acm
        .describe_certificate()
        .certificate_arn(arn)
        .send()
        .await
        .map_err(|e| HostError::from_sdk("acm", e))?;
    let c = out
        .certificate
        .ok_or_else(|| HostError::Internal("acm DescribeCertificate answered without a certificate".into()))?;
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

fn server_certificate(m: aws_sdk_iam::types::ServerCertificateMetadata) -> ServerCertificate {
    ServerCertificate {
        name: m.server_certificate_name,
        id: m.server_certificate_id,
        arn: m.arn,
        path: m.path,
        expiration: m.expiration.map(|t| t.secs()),
    }
}

/// IAM's rule for names: 1–128 of letters, digits and `+=,.@_-`.
fn check_iam_name(name: &str) -> Result<(), HostError> {
    let ok =
        (1..=128).contains(&name.len()) && name.chars().all(|c| c.is_ascii_alphanumeric() || "+=,.@_-".contains(c));
    if ok {
        return Ok(());
    }
    Err(HostError::invalid(
        "name",
        "bad-name",
        format!("`{name}` is not a valid IAM server certificate name: use 1–128 letters, digits and `+=,.@_-`"),
    ))
}

/// IAM's rule for paths: `/`, or `/` + printable ASCII + `/`, at most 512 characters.
fn check_iam_path(path: &str) -> Result<(), HostError> {
    let ok = path.len() <= 512
        && path.starts_with('/')
        && path.ends_with('/')
        && path.chars().all(|c| ('\u{21}'..='\u{7e}').contains(&c));
    if ok {
        return Ok(());
    }
    Err(HostError::invalid(
        "path",
        "bad-path",
        format!("`{path}` is not a valid IAM path: it must start and end with `/`, e.g. `/cloudfront/`"),
    ))
}

fn check_acm_arn(arn: &str) -> Result<(), HostError> {
    if arn.starts_with("arn:") && arn.contains(":acm:") && arn.contains(":certificate/") {
        return Ok(());
    }
    Err(HostError::invalid(
        "arn",
        "bad-arn",
        format!("`{arn}` is not an ACM certificate ARN (arn:aws:acm:REGION:ACCOUNT:certificate/ID)"),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iam_paths_follow_aws_rules() {
        assert!(check_iam_path("/cloudfront/").is_ok());
        assert!(check_iam_path("/").is_ok());
        assert!(check_iam_path("cloudfront").is_err());
        assert!(check_iam_path("/cloudfront").is_err());
        assert!(check_iam_path("/cloud front/").is_err());
    }

    #[test]
    fn iam_names_follow_aws_rules() {
        assert!(check_iam_name("www.example.com-2027-01-01-0a1b").is_ok());
        assert!(check_iam_name("").is_err());
        assert!(check_iam_name("a/b").is_err());
        assert!(check_iam_name(&"a".repeat(129)).is_err());
    }
}
