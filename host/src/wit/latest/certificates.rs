//! `switchyard:step/certificates`: bundles loaded on the host, IAM server certificates, ACM.

use std::sync::Arc;

use wasmtime::component::Resource;

use super::wit::certificates::{
    AccountQuota, AcmCertificate, BundleFacts, BundleSource, CertificateFacts, Host, HostBundle, KeyAlgorithm, Link,
    PathCheck, PathProblem, PublicKey, SanState, ServerCertificate, ServerCertificateDetail, Verification,
};
use crate::certs::{Bundle, SharedBundle, TrustStore, parse_facts};
use crate::changes::{DeleteAcmCertificate, DeleteServerCertificate, ImportCertificate, UploadServerCertificate};
use crate::error::HostError;
use crate::files;
use crate::gate::{Call, Capability};
use crate::model::{self, rules};
use crate::state::StepState;
use crate::wit::cast::{Cast, enumeration, record};

impl HostBundle for StepState {
    async fn facts(&mut self, bundle: Resource<SharedBundle>) -> wasmtime::Result<BundleFacts> {
        Ok(self.table.get(&bundle)?.facts().cast())
    }

    async fn verify(&mut self, bundle: Resource<SharedBundle>) -> wasmtime::Result<Verification> {
        let now = time::OffsetDateTime::now_utc().unix_timestamp();
        Ok(self.table.get(&bundle)?.verify(now).cast())
    }

    async fn check_path(
        &mut self,
        bundle: Resource<SharedBundle>,
        trust_store: Option<String>,
    ) -> Result<PathCheck, HostError> {
        let store = match trust_store {
            Some(path) => {
                let call = Call::new(Capability::CertificatesLoad, "read a trust store");
                TrustStore::load(&files::resolve(&self.gate, call, &self.base_dir, &path)?)?
            }
            None => TrustStore::Mozilla,
        };
        let now = time::OffsetDateTime::now_utc().unix_timestamp();
        Ok(self.bundle(&bundle)?.check_path(&store, now).cast())
    }

    async fn drop(&mut self, bundle: Resource<SharedBundle>) -> wasmtime::Result<()> {
        let bundle = self.table.delete(bundle)?;
        self.memory.release(bundle.held_bytes());
        Ok(())
    }
}

impl Host for StepState {
    async fn load(&mut self, source: BundleSource) -> Result<Resource<SharedBundle>, HostError> {
        // Relative paths are relative to the workflow; grants are checked on the file each
        // path leads to (`files::resolve`).
        let resolve = |path: &str| -> Result<String, HostError> {
            let call = Call::new(Capability::CertificatesLoad, "read a certificate file");
            Ok(files::resolve(&self.gate, call, &self.base_dir, path)?
                .display()
                .to_string())
        };
        let source = model::BundleSource {
            certificate: resolve(&source.certificate)?,
            private_key: resolve(&source.private_key)?,
            chain: source.chain.as_deref().map(resolve).transpose()?,
        };
        let bundle = Bundle::load(&source)?;
        // What the host keeps for the guest counts against the step's memory.
        self.memory
            .hold(bundle.held_bytes())
            .map_err(|limit| HostError::Trap(wasmtime::Error::new(limit)))?;
        self.table.push(Arc::new(bundle)).map_err(|e| HostError::Trap(e.into()))
    }

    async fn upload_server_certificate(
        &mut self,
        bundle: Resource<SharedBundle>,
        name: String,
        path: String,
    ) -> Result<ServerCertificate, HostError> {
        rules::iam_name(&name)?;
        rules::iam_path(&path)?;
        let bundle = self.bundle(&bundle)?;
        bundle.check_key_matches()?;
        bundle.check_chain_order()?;
        let call = Call::new(Capability::IamWrite, "upload server certificate").on(&path);
        let change = UploadServerCertificate {
            serial: bundle.facts().leaf.serial,
            name,
            path: path.clone(),
            bundle: Some(bundle),
        };
        Ok(self.gate.write(call, change).await?.cast())
    }

    async fn parse_certificate(&mut self, pem: String) -> Result<CertificateFacts, HostError> {
        Ok(parse_facts(&pem)?.cast())
    }

    async fn server_certificate_quota(&mut self) -> Result<AccountQuota, HostError> {
        let call = Call::new(Capability::IamRead, "read the server certificate quota");
        let quota = self
            .gate
            .call(call, async |aws| aws.server_certificate_quota().await)
            .await?;
        Ok(quota.cast())
    }

    async fn get_server_certificate(&mut self, name: String) -> Result<ServerCertificateDetail, HostError> {
        rules::iam_name(&name)?;
        // `iam:read` grants are narrowed by path, not name: learn the certificate's path first.
        let detail = self
            .gate
            .resolve(Capability::IamRead, async |aws| aws.get_server_certificate(&name).await)
            .await?;
        let call = Call::new(Capability::IamRead, "get server certificate").on(&detail.meta.path);
        self.gate.check(call)?;
        Ok(detail.cast())
    }

    async fn list_server_certificates(&mut self, path_prefix: String) -> Result<Vec<ServerCertificate>, HostError> {
        if !path_prefix.starts_with('/') {
            return Err(HostError::invalid(
                "path-prefix",
                "bad-path",
                "an IAM path prefix starts with `/`, e.g. `/cloudfront/`",
            ));
        }
        rules::plain_iam_path("path-prefix", &path_prefix)?;
        let call = Call::new(Capability::IamRead, "list server certificates").on(&path_prefix);
        let all = self
            .gate
            .call(call, async |aws| aws.list_server_certificates(&path_prefix).await)
            .await?;
        Ok(all.cast())
    }

    async fn delete_server_certificate(&mut self, name: String) -> Result<(), HostError> {
        rules::iam_name(&name)?;
        // Grants for `iam:write` may be narrowed to a path: learn the certificate's path first.
        let detail = self
            .gate
            .resolve(Capability::IamWrite, async |aws| {
                aws.get_server_certificate(&name).await
            })
            .await?;
        let path = detail.meta.path.clone();
        let call = Call::new(Capability::IamWrite, "delete server certificate").on(&path);
        // Its public parts are journaled, so that a rollback given its key can upload it again.
        self.gate.write(call, DeleteServerCertificate::keeping(detail)).await
    }

    async fn import_certificate(
        &mut self,
        bundle: Resource<SharedBundle>,
        existing_arn: Option<String>,
    ) -> Result<String, HostError> {
        if let Some(arn) = &existing_arn {
            rules::acm_arn(arn, &|v| self.gate.placeholder_of(v).is_some())?;
        }
        let bundle = self.bundle(&bundle)?;
        bundle.check_key_matches()?;
        bundle.check_chain_order()?;
        let mut call = Call::new(Capability::AcmWrite, "import certificate into ACM");
        if let Some(arn) = &existing_arn {
            call = call.on(arn);
        }
        let change = ImportCertificate {
            serial: bundle.facts().leaf.serial,
            replaces: existing_arn.clone(),
            bundle: Some(bundle),
        };
        self.gate.write(call, change).await
    }

    async fn describe_certificate(&mut self, arn: String) -> Result<AcmCertificate, HostError> {
        rules::acm_arn(&arn, &|v| self.gate.placeholder_of(v).is_some())?;
        let call = Call::new(Capability::AcmRead, "describe ACM certificate").on(&arn);
        let certificate = self
            .gate
            .call(call, async |aws| aws.describe_certificate(&arn).await)
            .await?;
        Ok(certificate.cast())
    }

    async fn list_certificates(&mut self) -> Result<Vec<AcmCertificate>, HostError> {
        let call = Call::new(Capability::AcmRead, "list ACM certificates");
        let all = self.gate.call(call, async |aws| aws.list_certificates().await).await?;
        Ok(all.cast())
    }

    async fn list_managed_certificates(&mut self) -> Result<Vec<AcmCertificate>, HostError> {
        let call = Call::new(Capability::AcmRead, "list the ACM certificates switchyard imported");
        let all = self
            .gate
            .call(call, async |aws| aws.list_managed_certificates().await)
            .await?;
        Ok(all.cast())
    }

    async fn delete_certificate(&mut self, arn: String) -> Result<(), HostError> {
        rules::acm_arn(&arn, &|v| self.gate.placeholder_of(v).is_some())?;
        // Checked under the grant that deletes it: `acm:write:ARN` is all a delete needs.
        let call = Call::new(Capability::AcmWrite, "delete ACM certificate").on(&arn);
        // Its public parts too, journaled so that a rollback given its key can import it again
        // (none only for what has no body: what a plan imported itself).
        let (current, pem) = self
            .gate
            .call(call, async |aws| {
                let current = aws.describe_certificate(&arn).await?;
                let pem = match aws.certificate_pem(&arn).await {
                    Ok(pem) => Some(pem),
                    Err(HostError::NotFound(_)) => None,
                    Err(e) => return Err(e),
                };
                Ok((current, pem))
            })
            .await?;
        // AWS refuses to delete a certificate in use; say so before trying.
        if !current.in_use_by.is_empty() {
            return Err(HostError::Conflict(format!(
                "{arn} is in use by {}",
                current.in_use_by.join(", ")
            )));
        }
        let (body, chain) = pem.map_or((None, None), |(body, chain)| (Some(body), chain));
        let change = DeleteAcmCertificate {
            body,
            chain,
            ..DeleteAcmCertificate::of(arn.clone())
        };
        self.gate.write(call, change).await
    }
}

impl StepState {
    /// The bundle behind a guest's handle.
    fn bundle(&self, handle: &Resource<SharedBundle>) -> Result<SharedBundle, HostError> {
        Ok(self.table.get(handle).map_err(|e| HostError::Trap(e.into()))?.clone())
    }
}

enumeration! {
    KeyAlgorithm = model::KeyAlgorithm { Rsa, EcP256, EcP384, EcP521, Ed25519, EcP192, EcP224, Dsa, Other }
}

impl Cast<model::SanState> for SanState {
    fn cast(self) -> model::SanState {
        match self {
            Self::Absent => model::SanState::Absent,
            Self::Malformed(why) => model::SanState::Malformed(why),
            Self::Present => model::SanState::Present,
        }
    }
}

impl Cast<SanState> for model::SanState {
    fn cast(self) -> SanState {
        match self {
            Self::Absent => SanState::Absent,
            Self::Malformed(why) => SanState::Malformed(why),
            Self::Present => SanState::Present,
        }
    }
}

record! {
    BundleSource = model::BundleSource { certificate, private_key, chain }
    PublicKey = model::PublicKey { algorithm, bits }
    CertificateFacts = model::CertificateFacts {
        subject, common_name, issuer, serial, not_before, not_after, x509_version, san, dns_names,
        ip_addresses, public_suffix_wildcards, extended_key_usage, key_usage, problems, key,
        signature_algorithm, sha256_fingerprint, is_ca,
    }
    PathCheck = model::PathCheck { trusted, problem, trust_store }
    PathProblem = model::PathProblem { code, message }
    BundleFacts = model::BundleFacts { leaf, chain, certificates_in_certificate_file }
    Link = model::Link { signed_by, self_signed }
    Verification = model::Verification { key_matches_leaf, leaf, chain, checked_at }
    AccountQuota = model::AccountQuota { used, limit }
    ServerCertificate = model::ServerCertificate { name, id, arn, path, expiration }
    ServerCertificateDetail = model::ServerCertificateDetail { meta, body, chain, sha256_fingerprint }
    AcmCertificate = model::AcmCertificate {
        arn, domain_name, subject_alternative_names, status, serial, not_after, in_use_by,
    }
}
