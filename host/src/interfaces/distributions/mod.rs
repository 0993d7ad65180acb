//! `switchyard:step/distributions`: CloudFront distributions and their viewer certificate.

pub(crate) mod headers;
pub(crate) mod spec;

use std::time::{Duration, Instant};

use aws_sdk_cloudfront::types::{
    DistributionConfig, MinimumProtocolVersion, OriginAccessControlConfig, OriginAccessControlOriginTypes,
    OriginAccessControlSigningBehaviors, OriginAccessControlSigningProtocols, SslSupportMethod as AwsSslSupportMethod,
    ViewerCertificate as AwsViewerCertificate,
};

use crate::aws::Aws;
use crate::bindings::distributions::{
    CertificateSource, Distribution, DistributionSpec, Host, SslSupportMethod, ViewerCertificate,
};
use crate::error::HostError;
use crate::gate::{Call, Capability};
use crate::journal::Change;
use crate::plan::{is_placeholder, placeholder};
use crate::state::StepState;

/// The longest pause between two reads while waiting for a deployment.
const MAX_POLL: Duration = Duration::from_secs(20);

impl Host for StepState {
    async fn get_distribution(&mut self, id: String) -> Result<Distribution, HostError> {
        let call = Call::new(Capability::CloudfrontRead, "get distribution").on(&id);
        if let Some(planned) = self.gate.plan().and_then(|p| p.distribution(&id)) {
            self.gate.check_grant(call)?;
            return Ok(planned);
        }
        self.gate.call(call, async |aws| get(aws, &id).await).await
    }

    async fn list_distributions(&mut self) -> Result<Vec<Distribution>, HostError> {
        let call = Call::new(Capability::CloudfrontRead, "list distributions");
        self.gate.call(call, async |aws| list(aws).await).await
    }

    async fn find_by_alias(&mut self, alias: String) -> Result<Option<Distribution>, HostError> {
        let wanted = normalise(&alias);
        let call = Call::new(Capability::CloudfrontRead, "find distribution by alias");
        self.gate
            .call(call, async |aws| {
                Ok(list(aws)
                    .await?
                    .into_iter()
                    .find(|d| d.aliases.iter().any(|a| normalise(a) == wanted)))
            })
            .await
    }

    async fn set_viewer_certificate(
        &mut self,
        id: String,
        certificate: ViewerCertificate,
        if_match: String,
    ) -> Result<Distribution, HostError> {
        let viewer = to_aws(&certificate)?;
        let call = Call::new(Capability::CloudfrontWrite, "set viewer certificate").on(&id);
        let (current, mut config) = self
            .gate
            .call(call, async |aws| {
                Ok((get(aws, &id).await?, current_config(aws, &id, &if_match).await?))
            })
            .await?;
        let aliases = config
            .aliases
            .as_ref()
            .and_then(|a| a.items.as_ref())
            .map_or(0, Vec::len);
        if certificate.source == CertificateSource::Cloudfront && aliases > 0 {
            return Err(HostError::invalid(
                "certificate",
                "aliases-need-certificate",
                format!(
                    "distribution {id} has {aliases} alias(es): CloudFront's default certificate cannot serve them; give an IAM or ACM certificate"
                ),
            ));
        }
        let change = Change::SetViewerCertificate {
            id: id.clone(),
            etag: self
                .gate
                .plan()
                .map_or_else(|| if_match.clone(), |p| p.distribution_etag(&id, &if_match)),
            before: from_aws(config.viewer_certificate.as_ref()),
            after: certificate.clone(),
        };
        config.viewer_certificate = Some(viewer);
        let planned = || Distribution {
            viewer_certificate: certificate.clone(),
            status: "InProgress".into(),
            etag: placeholder("ETag"),
            ..current.clone()
        };
        self.gate
            .write(call, change, planned, async |aws| {
                Ok((update(aws, &id, &if_match, config).await?, None))
            })
            .await
    }

    async fn create_distribution(&mut self, spec: DistributionSpec) -> Result<Distribution, HostError> {
        let mut config = spec::new_config(&spec)?;
        let call = Call::new(Capability::CloudfrontWrite, "create distribution");
        let policy = headers::ensure(&mut self.gate, call, &spec.caller_reference, &spec.response_headers).await?;
        if let Some(behavior) = config.default_cache_behavior.as_mut() {
            behavior.response_headers_policy_id = policy;
        }
        let change = Change::CreateDistribution {
            caller_reference: spec.caller_reference.clone(),
            aliases: spec.aliases.clone(),
            spec: Box::new(spec.clone()),
        };
        let planned = Distribution {
            id: placeholder("distribution id"),
            arn: placeholder("distribution ARN"),
            domain_name: placeholder("distribution domain name"),
            status: "InProgress".into(),
            enabled: spec.enabled,
            aliases: spec.aliases.clone(),
            comment: spec.comment.clone(),
            viewer_certificate: spec.viewer_certificate.clone(),
            etag: placeholder("ETag"),
        };
        if let Some(plan) = self.gate.plan() {
            plan.add_distribution(planned.clone());
        }
        self.gate
            .write(
                call,
                change,
                || planned,
                async |aws| {
                    let out = aws
                        .cloudfront
                        .create_distribution()
                        .distribution_config(config)
                        .send()
                        .await
                        .map_err(|e| HostError::from_sdk("cloudfront", e))?;
                    let d = out.distribution.ok_or_else(|| {
                        HostError::Internal("cloudfront CreateDistribution answered without a distribution".into())
                    })?;
                    let d = distribution_of(d, out.e_tag.unwrap_or_default())?;
                    let id = d.id.clone();
                    Ok((d, Some(id)))
                },
            )
            .await
    }

    async fn get_distribution_spec(&mut self, id: String) -> Result<(DistributionSpec, String), HostError> {
        let call = Call::new(Capability::CloudfrontRead, "get distribution config").on(&id);
        self.gate.call(call, async |aws| get_spec(aws, &id).await).await
    }

    async fn update_distribution(
        &mut self,
        id: String,
        spec: DistributionSpec,
        if_match: String,
    ) -> Result<Distribution, HostError> {
        let call = Call::new(Capability::CloudfrontWrite, "update distribution").on(&id);
        let (current, before, config) = self
            .gate
            .call(call, async |aws| {
                let config = current_config(aws, &id, &if_match).await?;
                let (before, _) = get_spec(aws, &id).await?;
                Ok((get(aws, &id).await?, before, config))
            })
            .await?;
        let mut config = spec::apply(config, &spec)?;
        let policy = headers::ensure(&mut self.gate, call, &spec.caller_reference, &spec.response_headers).await?;
        if let Some(behavior) = config.default_cache_behavior.as_mut() {
            behavior.response_headers_policy_id = policy;
        }
        let change = Change::UpdateDistribution {
            id: id.clone(),
            etag: self
                .gate
                .plan()
                .map_or_else(|| if_match.clone(), |p| p.distribution_etag(&id, &if_match)),
            before: Box::new(before),
            after: Box::new(spec.clone()),
        };
        let planned = || Distribution {
            aliases: spec.aliases.clone(),
            comment: spec.comment.clone(),
            enabled: spec.enabled,
            viewer_certificate: spec.viewer_certificate.clone(),
            status: "InProgress".into(),
            etag: placeholder("ETag"),
            ..current.clone()
        };
        self.gate
            .write(call, change, planned, async |aws| {
                Ok((update(aws, &id, &if_match, config).await?, None))
            })
            .await
    }

    async fn ensure_origin_access_control(&mut self, name: String) -> Result<String, HostError> {
        if name.is_empty() || name.len() > 64 {
            return Err(HostError::invalid(
                "name",
                "bad-name",
                "an origin access control name has 1–64 characters",
            ));
        }
        let call = Call::new(Capability::CloudfrontWrite, "ensure origin access control").on(&name);
        if let Some(id) = self
            .gate
            .call(call, async |aws| find_origin_access_control(aws, &name).await)
            .await?
        {
            return Ok(id);
        }
        let change = Change::CreateOriginAccessControl { name: name.clone() };
        let planned = || placeholder("origin access control id");
        self.gate
            .write(call, change, planned, async |aws| {
                let config = OriginAccessControlConfig::builder()
                    .name(&name)
                    .description("switchyard: CloudFront reads the bucket, nobody else")
                    .signing_protocol(OriginAccessControlSigningProtocols::Sigv4)
                    .signing_behavior(OriginAccessControlSigningBehaviors::Always)
                    .origin_access_control_origin_type(OriginAccessControlOriginTypes::S3)
                    .build()
                    .map_err(|e| HostError::Internal(e.to_string()))?;
                let out = aws
                    .cloudfront
                    .create_origin_access_control()
                    .origin_access_control_config(config)
                    .send()
                    .await
                    .map_err(|e| HostError::from_sdk("cloudfront", e))?;
                let id = out.origin_access_control.map(|o| o.id).ok_or_else(|| {
                    HostError::Internal("cloudfront CreateOriginAccessControl answered without an id".into())
                })?;
                Ok((id.clone(), Some(id)))
            })
            .await
    }

    async fn wait_until_deployed(&mut self, id: String, timeout_seconds: u32) -> Result<Distribution, HostError> {
        let call = Call::new(Capability::CloudfrontRead, "wait for distribution to deploy").on(&id);
        // A distribution the plan would create is deployed once apply has waited for it.
        if let Some(planned) = self.gate.plan().and_then(|p| p.distribution(&id)) {
            self.gate.check_grant(call)?;
            return Ok(Distribution {
                status: "Deployed".into(),
                ..planned
            });
        }
        let (reporter, step) = (self.reporter.clone(), self.step_id.clone());
        let result = self
            .gate
            .call(call, async |aws| {
                let started = Instant::now();
                let budget = Duration::from_secs(u64::from(timeout_seconds));
                let mut pause = Duration::from_secs(1);
                loop {
                    let d = get(aws, &id).await?;
                    if d.status == "Deployed" {
                        return Ok(d);
                    }
                    let waited = started.elapsed();
                    if waited >= budget {
                        return Err(HostError::TimedOut(format!(
                            "distribution {id} was still {} after {}s",
                            d.status,
                            waited.as_secs()
                        )));
                    }
                    reporter.progress(&step, &format!("distribution {id} is {}", d.status), 0, 0);
                    tokio::time::sleep(pause.min(budget - waited)).await;
                    pause = (pause * 2).min(MAX_POLL);
                }
            })
            .await;
        self.reporter.finish(&self.step_id);
        result
    }
}

/// The id of the origin access control named `name`, if there is one.
pub(crate) async fn find_origin_access_control(aws: &Aws, name: &str) -> Result<Option<String>, HostError> {
    let listed = aws
        .cloudfront
        .list_origin_access_controls()
        .send()
        .await
        .map_err(|e| HostError::from_sdk("cloudfront", e))?;
    Ok(listed
        .origin_access_control_list
        .and_then(|l| l.items)
        .unwrap_or_default()
        .into_iter()
        .find(|o| o.name == name)
        .map(|o| o.id))
}

/// The managed parts of distribution `id`'s configuration, and its ETag.
pub(crate) async fn get_spec(aws: &Aws, id: &str) -> Result<(DistributionSpec, String), HostError> {
    let out = aws
        .cloudfront
        .get_distribution_config()
        .id(id)
        .send()
        .await
        .map_err(|e| HostError::from_sdk("cloudfront", e))?;
    let config = out
        .distribution_config
        .ok_or_else(|| HostError::Internal("cloudfront GetDistributionConfig answered without a config".into()))?;
    let mut spec = spec::spec_of(&config);
    let policy = config
        .default_cache_behavior
        .as_ref()
        .and_then(|b| b.response_headers_policy_id.as_deref());
    if let Some(policy) = policy.filter(|id| !id.is_empty()) {
        spec.response_headers = headers::of(aws, policy).await?;
    }
    Ok((spec, out.e_tag.unwrap_or_default()))
}

/// The current config of distribution `id`, if its ETag is still `if_match`; else a conflict,
/// as AWS would answer the update.
pub(crate) async fn current_config(aws: &Aws, id: &str, if_match: &str) -> Result<DistributionConfig, HostError> {
    let current = aws
        .cloudfront
        .get_distribution_config()
        .id(id)
        .send()
        .await
        .map_err(|e| HostError::from_sdk("cloudfront", e))?;
    let etag = current.e_tag.unwrap_or_default();
    if etag != if_match {
        return Err(HostError::Conflict(format!(
            "distribution {id} changed since it was read (ETag {if_match} is now {etag}): read it again and retry"
        )));
    }
    current
        .distribution_config
        .ok_or_else(|| HostError::Internal("cloudfront GetDistributionConfig answered without a config".into()))
}

pub(crate) async fn update(
    aws: &Aws,
    id: &str,
    if_match: &str,
    config: DistributionConfig,
) -> Result<Distribution, HostError> {
    let out = aws
        .cloudfront
        .update_distribution()
        .id(id)
        .if_match(if_match)
        .distribution_config(config)
        .send()
        .await
        .map_err(|e| HostError::from_sdk("cloudfront", e))?;
    let distribution = out
        .distribution
        .ok_or_else(|| HostError::Internal("cloudfront UpdateDistribution answered without a distribution".into()))?;
    distribution_of(distribution, out.e_tag.unwrap_or_default())
}

pub(crate) async fn get(aws: &Aws, id: &str) -> Result<Distribution, HostError> {
    let out = aws
        .cloudfront
        .get_distribution()
        .id(id)
        .send()
        .await
        .map_err(|e| HostError::from_sdk("cloudfront", e))?;
    let d = out
        .distribution
        .ok_or_else(|| HostError::Internal("cloudfront GetDistribution answered without a distribution".into()))?;
    distribution_of(d, out.e_tag.unwrap_or_default())
}

pub(crate) async fn list(aws: &Aws) -> Result<Vec<Distribution>, HostError> {
    let mut pages = aws.cloudfront.list_distributions().into_paginator().send();
    let mut all = Vec::new();
    while let Some(page) = pages.next().await {
        let page = page.map_err(|e| HostError::from_sdk("cloudfront", e))?;
        for s in page.distribution_list.and_then(|l| l.items).unwrap_or_default() {
            all.push(Distribution {
                aliases: s.aliases.and_then(|a| a.items).unwrap_or_default(),
                viewer_certificate: from_aws(s.viewer_certificate.as_ref()),
                id: s.id,
                arn: s.arn,
                domain_name: s.domain_name,
                status: s.status,
                enabled: s.enabled,
                comment: s.comment,
                etag: String::new(),
            });
        }
    }
    Ok(all)
}

fn distribution_of(d: aws_sdk_cloudfront::types::Distribution, etag: String) -> Result<Distribution, HostError> {
    let config = d
        .distribution_config
        .ok_or_else(|| HostError::Internal(format!("cloudfront answered without the config of {}", d.id)))?;
    Ok(Distribution {
        aliases: config.aliases.and_then(|a| a.items).unwrap_or_default(),
        viewer_certificate: from_aws(config.viewer_certificate.as_ref()),
        comment: config.comment,
        enabled: config.enabled,
        id: d.id,
        arn: d.arn,
        domain_name: d.domain_name,
        status: d.status,
        etag,
    })
}

/// A viewer certificate as AWS returns it. An IAM id or ACM ARN wins over the default-certificate
/// flag (some endpoints report both).
pub(crate) fn from_aws(v: Option<&AwsViewerCertificate>) -> ViewerCertificate {
    let non_empty = |s: Option<&String>| s.filter(|s| !s.is_empty()).cloned();
    let iam = non_empty(v.and_then(|v| v.iam_certificate_id.as_ref()));
    let acm = non_empty(v.and_then(|v| v.acm_certificate_arn.as_ref()));
    let (source, certificate) = match (iam, acm) {
        (Some(id), _) => (CertificateSource::Iam, Some(id)),
        (None, Some(arn)) => (CertificateSource::Acm, Some(arn)),
        (None, None) => (CertificateSource::Cloudfront, None),
    };
    let ssl_support_method = match v.and_then(|v| v.ssl_support_method.as_ref()) {
        _ if source == CertificateSource::Cloudfront => None,
        Some(AwsSslSupportMethod::SniOnly) => Some(SslSupportMethod::SniOnly),
        Some(AwsSslSupportMethod::Vip) => Some(SslSupportMethod::Vip),
        Some(AwsSslSupportMethod::StaticIp) => Some(SslSupportMethod::StaticIp),
        _ => None,
    };
    let minimum_protocol_version = v
        .and_then(|v| v.minimum_protocol_version.as_ref())
        .map(|m| m.as_str().to_owned())
        .filter(|m| !m.is_empty())
        .unwrap_or_else(|| "TLSv1".to_owned());
    ViewerCertificate {
        source,
        certificate,
        ssl_support_method,
        minimum_protocol_version,
    }
}

/// Builds AWS's viewer certificate, rejecting what CloudFront would reject.
pub(crate) fn to_aws(v: &ViewerCertificate) -> Result<AwsViewerCertificate, HostError> {
    let known = MinimumProtocolVersion::values();
    if !known.contains(&v.minimum_protocol_version.as_str()) {
        return Err(HostError::invalid(
            "minimum-protocol-version",
            "unknown-protocol",
            format!(
                "`{}` is not a CloudFront security policy; use one of {}",
                v.minimum_protocol_version,
                known.join(", ")
            ),
        ));
    }
    let protocol = MinimumProtocolVersion::from(v.minimum_protocol_version.as_str());
    let method = v.ssl_support_method.map(|m| match m {
        SslSupportMethod::SniOnly => AwsSslSupportMethod::SniOnly,
        SslSupportMethod::Vip => AwsSslSupportMethod::Vip,
        SslSupportMethod::StaticIp => AwsSslSupportMethod::StaticIp,
    });
    let builder = AwsViewerCertificate::builder().minimum_protocol_version(protocol);
    let missing = |what: &str| {
        HostError::invalid(
            "certificate",
            "missing-certificate",
            format!(
                "an {what} viewer certificate needs the certificate's {}",
                if what == "IAM" {
                    "server certificate id (ASCA…)"
                } else {
                    "ARN"
                }
            ),
        )
    };
    Ok(match v.source {
        CertificateSource::Cloudfront => {
            if v.certificate.is_some() {
                return Err(HostError::invalid(
                    "certificate",
                    "unexpected-certificate",
                    "CloudFront's default certificate takes no certificate id; choose source `iam` or `acm`",
                ));
            }
            builder.cloud_front_default_certificate(true).build()
        }
        CertificateSource::Iam => {
            let id = v.certificate.as_deref().ok_or_else(|| missing("IAM"))?;
            if !id.starts_with("ASCA") && !is_placeholder(id) {
                return Err(HostError::invalid(
                    "certificate",
                    "bad-certificate-id",
                    format!(
                        "`{id}` is not an IAM server certificate id (they start with ASCA); use `get-server-certificate` to find it"
                    ),
                ));
            }
            builder
                .iam_certificate_id(id)
                .set_ssl_support_method(Some(method.unwrap_or(AwsSslSupportMethod::SniOnly)))
                .build()
        }
        CertificateSource::Acm => {
            let arn = v.certificate.as_deref().ok_or_else(|| missing("ACM"))?;
            if !arn.starts_with("arn:aws:acm:us-east-1:") && !is_placeholder(arn) {
                return Err(HostError::invalid(
                    "certificate",
                    "acm-not-us-east-1",
                    format!(
                        "`{arn}` is not an ACM certificate in us-east-1: CloudFront uses ACM certificates from us-east-1 only"
                    ),
                ));
            }
            builder
                .acm_certificate_arn(arn)
                .set_ssl_support_method(Some(method.unwrap_or(AwsSslSupportMethod::SniOnly)))
                .build()
        }
    })
}

fn normalise(name: &str) -> String {
    name.trim_end_matches('.').to_ascii_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn viewer(source: CertificateSource, certificate: Option<&str>, protocol: &str) -> ViewerCertificate {
        ViewerCertificate {
            source,
            certificate: certificate.map(str::to_owned),
            ssl_support_method: None,
            minimum_protocol_version: protocol.into(),
        }
    }

    #[test]
    fn rejects_what_cloudfront_rejects() {
        assert!(to_aws(&viewer(CertificateSource::Iam, None, "TLSv1.2_2021")).is_err());
        assert!(to_aws(&viewer(CertificateSource::Iam, Some("not-an-id"), "TLSv1.2_2021")).is_err());
        assert!(
            to_aws(&viewer(
                CertificateSource::Acm,
                Some("arn:aws:acm:eu-west-1:1:certificate/x"),
                "TLSv1.2_2021"
            ))
            .is_err()
        );
        assert!(to_aws(&viewer(CertificateSource::Cloudfront, Some("ASCA1"), "TLSv1")).is_err());
        assert!(to_aws(&viewer(CertificateSource::Iam, Some("ASCAABCDEFGHIJKLMNOPQ"), "TLSv9")).is_err());
    }

    #[test]
    fn iam_certificate_defaults_to_sni_only_and_round_trips() {
        let aws = to_aws(&viewer(
            CertificateSource::Iam,
            Some("ASCAABCDEFGHIJKLMNOPQ"),
            "TLSv1.2_2021",
        ))
        .expect("valid");
        assert_eq!(aws.ssl_support_method, Some(AwsSslSupportMethod::SniOnly));
        let back = from_aws(Some(&aws));
        assert_eq!(back.source, CertificateSource::Iam);
        assert_eq!(back.certificate.as_deref(), Some("ASCAABCDEFGHIJKLMNOPQ"));
        assert_eq!(back.ssl_support_method, Some(SslSupportMethod::SniOnly));
        assert_eq!(back.minimum_protocol_version, "TLSv1.2_2021");
    }
}
