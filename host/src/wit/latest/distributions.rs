//! `switchyard:step/distributions`: CloudFront distributions, their viewer certificate, and the
//! origin access controls and response headers policies the host manages for them.

use std::time::Duration;

use super::wit::distributions::{
    CertificateSource, Distribution, DistributionSpec, ErrorResponse, Host, Origin, S3Origin, SslSupportMethod,
    ViewerCertificate,
};
use crate::changes::{
    CreateDistribution, CreateOriginAccessControl, CreateResponseHeadersPolicy, SetViewerCertificate,
    UpdateDistribution, UpdateResponseHeadersPolicy, policy_name,
};
use crate::error::HostError;
use crate::gate::{Call, Capability, ResourceKind};
use crate::model::{self, Header, rules};
use crate::provider::retry::{Polled, poll};
use crate::state::StepState;
use crate::wit::cast::{Cast, enumeration, record, variant};

/// The longest pause between two reads while waiting for a deployment.
const MAX_POLL: Duration = Duration::from_secs(20);

impl Host for StepState {
    async fn get_distribution(&mut self, id: String) -> Result<Distribution, HostError> {
        let call = Call::new(Capability::CloudfrontRead, "get distribution").on(&id);
        Ok(self
            .gate
            .call(call, async |aws| aws.get_distribution(&id).await)
            .await?
            .cast())
    }

    async fn list_distributions(&mut self) -> Result<Vec<Distribution>, HostError> {
        let call = Call::new(Capability::CloudfrontRead, "list distributions");
        Ok(self
            .gate
            .call(call, async |aws| aws.list_distributions().await)
            .await?
            .cast())
    }

    async fn find_by_alias(&mut self, alias: String) -> Result<Option<Distribution>, HostError> {
        let normal = |a: &str| a.trim_end_matches('.').to_ascii_lowercase();
        let wanted = normal(&alias);
        let call = Call::new(Capability::CloudfrontRead, "find distribution by alias");
        let all = self.gate.call(call, async |aws| aws.list_distributions().await).await?;
        Ok(all
            .into_iter()
            .find(|d| d.aliases.iter().any(|a| normal(a) == wanted))
            .cast())
    }

    async fn set_viewer_certificate(
        &mut self,
        id: String,
        certificate: ViewerCertificate,
        if_match: String,
    ) -> Result<Distribution, HostError> {
        let viewer: model::ViewerCertificate = certificate.cast();
        rules::viewer_certificate(&viewer, &|v| self.gate.placeholder_of(v).is_some())?;
        let call = Call::new(Capability::CloudfrontWrite, "set viewer certificate").on(&id);
        let current = self.current_spec(call, &id, &if_match).await?;
        if viewer.source == model::CertificateSource::Cloudfront && !current.aliases.is_empty() {
            return Err(HostError::invalid(
                "certificate",
                "aliases-need-certificate",
                format!(
                    "distribution {id} has {} alias(es): CloudFront's default certificate cannot serve them; give an IAM or ACM certificate",
                    current.aliases.len()
                ),
            ));
        }
        let change = SetViewerCertificate {
            id: id.clone(),
            etag: if_match,
            before: current.viewer_certificate,
            after: viewer,
        };
        Ok(self.gate.write(call, change).await?.cast())
    }

    async fn create_distribution(&mut self, spec: DistributionSpec) -> Result<Distribution, HostError> {
        let spec: model::DistributionSpec = spec.cast();
        rules::distribution_spec(&spec, &|v| self.gate.placeholder_of(v).is_some())?;
        let call = Call::new(Capability::CloudfrontWrite, "create distribution");
        self.ensure_headers(call, &spec.caller_reference, &spec.response_headers)
            .await?;
        let change = CreateDistribution {
            caller_reference: spec.caller_reference.clone(),
            aliases: spec.aliases.clone(),
            spec: Box::new(spec),
        };
        Ok(self.gate.write(call, change).await?.cast())
    }

    async fn get_distribution_spec(&mut self, id: String) -> Result<(DistributionSpec, String), HostError> {
        let call = Call::new(Capability::CloudfrontRead, "get distribution config").on(&id);
        Ok(self
            .gate
            .call(call, async |aws| aws.get_distribution_spec(&id).await)
            .await?
            .cast())
    }

    async fn update_distribution(
        &mut self,
        id: String,
        spec: DistributionSpec,
        if_match: String,
    ) -> Result<Distribution, HostError> {
        let spec: model::DistributionSpec = spec.cast();
        rules::distribution_spec(&spec, &|v| self.gate.placeholder_of(v).is_some())?;
        let call = Call::new(Capability::CloudfrontWrite, "update distribution").on(&id);
        let before = self.current_spec(call, &id, &if_match).await?;
        rules::same_caller_reference(&before, &spec)?;
        self.ensure_headers(call, &spec.caller_reference, &spec.response_headers)
            .await?;
        let change = UpdateDistribution {
            id: id.clone(),
            etag: if_match,
            before: Box::new(before),
            after: Box::new(spec),
        };
        Ok(self.gate.write(call, change).await?.cast())
    }

    async fn ensure_origin_access_control(&mut self, name: String) -> Result<String, HostError> {
        rules::short_name("name", "bad-name", "an origin access control name", &name)?;
        // An origin access control is its own kind of resource: a grant for distribution `E1`
        // does not reach one named `E1`.
        let call = Call::new(Capability::CloudfrontWrite, "ensure origin access control")
            .on_kind(ResourceKind::OriginAccessControl, &name);
        let found = self
            .gate
            .call(call, async |aws| aws.find_origin_access_control(&name).await)
            .await?;
        match found {
            Some(id) => Ok(id),
            None => {
                self.gate
                    .write(call, CreateOriginAccessControl { name: name.clone() })
                    .await
            }
        }
    }

    async fn wait_until_deployed(&mut self, id: String, timeout_seconds: u32) -> Result<Distribution, HostError> {
        let call = Call::new(Capability::CloudfrontRead, "wait for distribution to deploy").on(&id);
        let (reporter, step) = (self.reporter.clone(), self.step_id.clone());
        let budget = Duration::from_secs(u64::from(timeout_seconds));
        let what = format!("distribution {id}");
        let result = self
            .gate
            .call(call, async |aws| {
                poll(budget, MAX_POLL, &what, || async {
                    let d = aws.get_distribution(&id).await?;
                    if d.status == "Deployed" {
                        return Ok(Polled::Done(d));
                    }
                    reporter.progress(&step, &format!("{what} is {}", d.status), 0, 0);
                    Ok(Polled::Pending(d.status))
                })
                .await
            })
            .await;
        self.reporter.finish(&self.step_id);
        Ok(result?.cast())
    }
}

impl StepState {
    /// The managed configuration of distribution `id`, if its ETag is still `if_match`; else a
    /// conflict, as CloudFront would answer the update.
    async fn current_spec(
        &mut self,
        call: Call<'_>,
        id: &str,
        if_match: &str,
    ) -> Result<model::DistributionSpec, HostError> {
        let (spec, etag) = self
            .gate
            .call(call, async |aws| aws.get_distribution_spec(id).await)
            .await?;
        if etag != if_match {
            return Err(HostError::Conflict(format!(
                "distribution {id} changed since it was read (ETag {if_match} is now {etag}): read it again and retry"
            )));
        }
        Ok(spec)
    }

    /// Makes the response headers policy of the distribution with caller reference `reference`
    /// add exactly `headers` (none: no policy is needed).
    async fn ensure_headers(&mut self, call: Call<'_>, reference: &str, headers: &[Header]) -> Result<(), HostError> {
        if headers.is_empty() {
            return Ok(());
        }
        let name = policy_name(reference);
        let found = self
            .gate
            .call(call, async |aws| aws.find_response_headers_policy(&name).await)
            .await?;
        match found {
            None => {
                let change = CreateResponseHeadersPolicy {
                    name,
                    headers: headers.to_vec(),
                };
                self.gate.write(call, change).await.map(drop)
            }
            Some(policy) if policy.headers == headers => Ok(()),
            Some(policy) => {
                let change = UpdateResponseHeadersPolicy {
                    name,
                    before: policy.headers,
                    after: headers.to_vec(),
                };
                self.gate.write(call, change).await.map(drop)
            }
        }
    }
}

enumeration! {
    CertificateSource = model::CertificateSource { Cloudfront, Iam, Acm }
    SslSupportMethod = model::SslSupportMethod { SniOnly, Vip, StaticIp }
}

variant! {
    Origin = model::Origin { S3, Https }
}

record! {
    ViewerCertificate = model::ViewerCertificate { source, certificate, ssl_support_method, minimum_protocol_version }
    Distribution = model::Distribution {
        id, arn, domain_name, status, enabled, aliases, comment, viewer_certificate, etag,
    }
    S3Origin = model::S3Origin { domain_name, oac_id }
    ErrorResponse = model::ErrorResponse { error_code, response_code, response_page_path, caching_min_ttl }
    DistributionSpec = model::DistributionSpec {
        caller_reference, comment, aliases, origin, default_root_object, error_responses,
        viewer_certificate, response_headers, enabled,
    }
}
