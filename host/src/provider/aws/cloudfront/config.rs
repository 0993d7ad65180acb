//! The managed parts of a distribution's configuration (the model's `DistributionSpec` and
//! `ViewerCertificate`), to and from CloudFront's `DistributionConfig`.

use aws_sdk_cloudfront::types::{
    Aliases, CustomErrorResponse, CustomErrorResponses, CustomOriginConfig, DefaultCacheBehavior, DistributionConfig,
    HttpVersion, MinimumProtocolVersion, Origin as SdkOrigin, OriginProtocolPolicy, OriginSslProtocols, Origins,
    S3OriginConfig, SslProtocol, SslSupportMethod as SdkSslSupportMethod, ViewerCertificate as SdkViewerCertificate,
    ViewerProtocolPolicy,
};

use super::super::{built, quantity};
use crate::model::{
    CertificateSource, Distribution, DistributionSpec, ErrorResponse, Origin, S3Origin, SslSupportMethod,
    ViewerCertificate,
};
use crate::provider::Result;

/// The id of the one origin switchyard-made distributions have.
const ORIGIN_ID: &str = "switchyard-origin";
/// AWS's managed `CachingDisabled` cache policy: a maintenance page must not outlive the outage.
const CACHING_DISABLED: &str = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad";

/// A new distribution's configuration (viewers redirected to HTTPS, caching disabled, HTTP/2
/// and 3) from `spec`.
pub(super) fn new_config(spec: &DistributionSpec, headers_policy: Option<&str>) -> Result<DistributionConfig> {
    let behavior = DefaultCacheBehavior::builder()
        .target_origin_id(ORIGIN_ID)
        .viewer_protocol_policy(ViewerProtocolPolicy::RedirectToHttps)
        .cache_policy_id(CACHING_DISABLED)
        .compress(true)
        .build()
        .map_err(built)?;
    let config = DistributionConfig::builder()
        .caller_reference(&spec.caller_reference)
        .comment("")
        .enabled(spec.enabled)
        .origins(
            Origins::builder()
                .quantity(0)
                .set_items(Some(Vec::new()))
                .build()
                .map_err(built)?,
        )
        .default_cache_behavior(behavior)
        .http_version(HttpVersion::Http2and3)
        .build()
        .map_err(built)?;
    apply(config, spec, headers_policy)
}

/// Writes `spec` over the managed parts of `config`, keeping everything else.
pub(super) fn apply(
    mut config: DistributionConfig,
    spec: &DistributionSpec,
    headers_policy: Option<&str>,
) -> Result<DistributionConfig> {
    let errors = spec
        .error_responses
        .iter()
        .map(|e| {
            CustomErrorResponse::builder()
                .error_code(i32::from(e.error_code))
                .response_code(e.response_code.to_string())
                .response_page_path(&e.response_page_path)
                .error_caching_min_ttl(i64::from(e.caching_min_ttl))
                .build()
                .map_err(built)
        })
        .collect::<Result<Vec<_>>>()?;
    config.comment = spec.comment.clone();
    config.enabled = spec.enabled;
    config.aliases = Some(
        Aliases::builder()
            .quantity(quantity(&spec.aliases))
            .set_items(Some(spec.aliases.clone()))
            .build()
            .map_err(built)?,
    );
    config.origins = Some(
        Origins::builder()
            .quantity(1)
            .items(origin(&spec.origin)?)
            .build()
            .map_err(built)?,
    );
    if let Some(behavior) = config.default_cache_behavior.as_mut() {
        behavior.target_origin_id = ORIGIN_ID.to_owned();
        behavior.response_headers_policy_id = headers_policy.map(str::to_owned);
    }
    config.default_root_object = Some(spec.default_root_object.clone());
    config.custom_error_responses = Some(
        CustomErrorResponses::builder()
            .quantity(quantity(&errors))
            .set_items(Some(errors))
            .build()
            .map_err(built)?,
    );
    config.viewer_certificate = Some(to_sdk(&spec.viewer_certificate)?);
    Ok(config)
}

fn origin(origin: &Origin) -> Result<SdkOrigin> {
    match origin {
        Origin::S3(s3) => SdkOrigin::builder()
            .id(ORIGIN_ID)
            .domain_name(&s3.domain_name)
            .s3_origin_config(S3OriginConfig::builder().origin_access_identity("").build())
            .origin_access_control_id(&s3.oac_id),
        Origin::Https(domain) => SdkOrigin::builder()
            .id(ORIGIN_ID)
            .domain_name(domain)
            .custom_origin_config(
                CustomOriginConfig::builder()
                    .http_port(80)
                    .https_port(443)
                    .origin_protocol_policy(OriginProtocolPolicy::HttpsOnly)
                    .origin_ssl_protocols(
                        OriginSslProtocols::builder()
                            .quantity(1)
                            .items(SslProtocol::TlSv12)
                            .build()
                            .map_err(built)?,
                    )
                    .build()
                    .map_err(built)?,
            ),
    }
    .build()
    .map_err(built)
}

/// The managed parts of `config` (the response headers are read from its policy by the caller).
pub(super) fn spec_of(config: &DistributionConfig) -> DistributionSpec {
    let origin = match config.origins.as_ref().and_then(|o| o.items.first()) {
        Some(o)
            if o.s3_origin_config.is_some()
                || o.origin_access_control_id.as_deref().is_some_and(|id| !id.is_empty()) =>
        {
            Origin::S3(S3Origin {
                domain_name: o.domain_name.clone(),
                oac_id: o.origin_access_control_id.clone().unwrap_or_default(),
            })
        }
        Some(o) => Origin::Https(o.domain_name.clone()),
        None => Origin::Https(String::new()),
    };
    let error_responses = config
        .custom_error_responses
        .as_ref()
        .and_then(|c| c.items.as_ref())
        .map(|items| {
            items
                .iter()
                .map(|e| ErrorResponse {
                    error_code: u16::try_from(e.error_code).unwrap_or(0),
                    response_code: e.response_code.as_deref().and_then(|c| c.parse().ok()).unwrap_or(0),
                    response_page_path: e.response_page_path.clone().unwrap_or_default(),
                    caching_min_ttl: e.error_caching_min_ttl.and_then(|t| u32::try_from(t).ok()).unwrap_or(0),
                })
                .collect()
        })
        .unwrap_or_default();
    DistributionSpec {
        caller_reference: config.caller_reference.clone(),
        comment: config.comment.clone(),
        aliases: config
            .aliases
            .as_ref()
            .and_then(|a| a.items.clone())
            .unwrap_or_default(),
        origin,
        default_root_object: config.default_root_object.clone().unwrap_or_default(),
        error_responses,
        viewer_certificate: from_sdk(config.viewer_certificate.as_ref()),
        response_headers: Vec::new(),
        enabled: config.enabled,
    }
}

/// The response headers policy a configuration's default behaviour names, if any.
pub(super) fn headers_policy_of(config: &DistributionConfig) -> Option<&str> {
    config
        .default_cache_behavior
        .as_ref()
        .and_then(|b| b.response_headers_policy_id.as_deref())
        .filter(|id| !id.is_empty())
}

/// A distribution as CloudFront describes it.
pub(super) fn distribution_of(d: aws_sdk_cloudfront::types::Distribution, etag: String) -> Option<Distribution> {
    let config = d.distribution_config?;
    Some(Distribution {
        aliases: config.aliases.and_then(|a| a.items).unwrap_or_default(),
        viewer_certificate: from_sdk(config.viewer_certificate.as_ref()),
        comment: config.comment,
        enabled: config.enabled,
        id: d.id,
        arn: d.arn,
        domain_name: d.domain_name,
        status: d.status,
        etag,
    })
}

/// A viewer certificate as CloudFront returns it. An IAM id or ACM ARN wins over the
/// default-certificate flag (some endpoints report both).
pub(super) fn from_sdk(v: Option<&SdkViewerCertificate>) -> ViewerCertificate {
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
        Some(SdkSslSupportMethod::SniOnly) => Some(SslSupportMethod::SniOnly),
        Some(SdkSslSupportMethod::Vip) => Some(SslSupportMethod::Vip),
        Some(SdkSslSupportMethod::StaticIp) => Some(SslSupportMethod::StaticIp),
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

/// CloudFront's form of a viewer certificate that `ViewerCertificate::check` accepted.
pub(super) fn to_sdk(v: &ViewerCertificate) -> Result<SdkViewerCertificate> {
    let builder = SdkViewerCertificate::builder()
        .minimum_protocol_version(MinimumProtocolVersion::from(v.minimum_protocol_version.as_str()));
    let method = Some(match v.ssl_support_method.unwrap_or(SslSupportMethod::SniOnly) {
        SslSupportMethod::SniOnly => SdkSslSupportMethod::SniOnly,
        SslSupportMethod::Vip => SdkSslSupportMethod::Vip,
        SslSupportMethod::StaticIp => SdkSslSupportMethod::StaticIp,
    });
    Ok(match (v.source, v.certificate.as_deref()) {
        (CertificateSource::Iam, Some(id)) => builder.iam_certificate_id(id).set_ssl_support_method(method).build(),
        (CertificateSource::Acm, Some(arn)) => builder.acm_certificate_arn(arn).set_ssl_support_method(method).build(),
        _ => builder.cloud_front_default_certificate(true).build(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_iam_certificate_defaults_to_sni_only_and_round_trips() {
        let viewer = ViewerCertificate {
            source: CertificateSource::Iam,
            certificate: Some("ASCAABCDEFGHIJKLMNOPQ".into()),
            ssl_support_method: None,
            minimum_protocol_version: "TLSv1.2_2021".into(),
        };
        let sdk = to_sdk(&viewer).expect("builds");
        assert_eq!(sdk.ssl_support_method, Some(SdkSslSupportMethod::SniOnly));
        assert_eq!(
            from_sdk(Some(&sdk)),
            ViewerCertificate {
                ssl_support_method: Some(SslSupportMethod::SniOnly),
                ..viewer
            }
        );
    }
}
