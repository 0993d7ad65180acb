//! The managed parts of a distribution's configuration (`distribution-spec`), to and from AWS.

use aws_sdk_cloudfront::types::{
    Aliases, CustomErrorResponse, CustomErrorResponses, CustomOriginConfig, DefaultCacheBehavior, DistributionConfig,
    HttpVersion, Origin as AwsOrigin, OriginProtocolPolicy, OriginSslProtocols, Origins, S3OriginConfig, SslProtocol,
    ViewerProtocolPolicy,
};

use super::{from_aws, to_aws};
use crate::bindings::distributions::{CertificateSource, DistributionSpec, ErrorResponse, Origin, S3Origin};
use crate::error::HostError;

/// The id of the one origin switchyard-made distributions have.
const ORIGIN_ID: &str = "switchyard-origin";
/// AWS's managed `CachingDisabled` cache policy: a maintenance page must not outlive the outage.
const CACHING_DISABLED: &str = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad";

/// Builds a new distribution's configuration from `spec`.
pub(super) fn new_config(spec: &DistributionSpec) -> Result<DistributionConfig, HostError> {
    let behavior = DefaultCacheBehavior::builder()
        .target_origin_id(ORIGIN_ID)
        .viewer_protocol_policy(ViewerProtocolPolicy::RedirectToHttps)
        .cache_policy_id(CACHING_DISABLED)
        .compress(true)
        .build()
        .map_err(internal)?;
    let config = DistributionConfig::builder()
        .caller_reference(&spec.caller_reference)
        .comment("")
        .enabled(spec.enabled)
        .origins(
            Origins::builder()
                .quantity(0)
                .set_items(Some(Vec::new()))
                .build()
                .map_err(internal)?,
        )
        .default_cache_behavior(behavior)
        .http_version(HttpVersion::Http2and3)
        .build()
        .map_err(internal)?;
    apply(config, spec)
}

/// Writes `spec` over the managed parts of `config`, keeping everything else.
pub(crate) fn apply(mut config: DistributionConfig, spec: &DistributionSpec) -> Result<DistributionConfig, HostError> {
    check(spec)?;
    let origin = match &spec.origin {
        Origin::S3(s3) => AwsOrigin::builder()
            .id(ORIGIN_ID)
            .domain_name(&s3.domain_name)
            .s3_origin_config(S3OriginConfig::builder().origin_access_identity("").build())
            .origin_access_control_id(&s3.oac_id),
        Origin::Https(domain) => AwsOrigin::builder()
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
                            .map_err(internal)?,
                    )
                    .build()
                    .map_err(internal)?,
            ),
    }
    .build()
    .map_err(internal)?;
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
                .map_err(internal)
        })
        .collect::<Result<Vec<_>, _>>()?;
    config.comment = spec.comment.clone();
    config.enabled = spec.enabled;
    config.aliases = Some(
        Aliases::builder()
            .quantity(len(&spec.aliases))
            .set_items(Some(spec.aliases.clone()))
            .build()
            .map_err(internal)?,
    );
    config.origins = Some(Origins::builder().quantity(1).items(origin).build().map_err(internal)?);
    if let Some(behavior) = config.default_cache_behavior.as_mut() {
        behavior.target_origin_id = ORIGIN_ID.to_owned();
    }
    config.default_root_object = Some(spec.default_root_object.clone());
    config.custom_error_responses = Some(
        CustomErrorResponses::builder()
            .quantity(len(&errors))
            .set_items(Some(errors))
            .build()
            .map_err(internal)?,
    );
    config.viewer_certificate = Some(to_aws(&spec.viewer_certificate)?);
    Ok(config)
}

/// Reads the managed parts of `config`.
pub(crate) fn spec_of(config: &DistributionConfig) -> DistributionSpec {
    let origin = config.origins.as_ref().and_then(|o| o.items.first());
    let origin = match origin {
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
        viewer_certificate: from_aws(config.viewer_certificate.as_ref()),
        // Read from the response headers policy by the caller.
        response_headers: Vec::new(),
        enabled: config.enabled,
    }
}

/// Rejects what CloudFront would reject.
fn check(spec: &DistributionSpec) -> Result<(), HostError> {
    let bad = |field: &str, message: String| HostError::invalid(field.to_owned(), "bad-distribution", message);
    if !spec.aliases.is_empty() && spec.viewer_certificate.source == CertificateSource::Cloudfront {
        return Err(bad(
            "viewer-certificate",
            "aliases need an IAM or ACM certificate: CloudFront's default certificate covers only *.cloudfront.net"
                .into(),
        ));
    }
    for e in &spec.error_responses {
        if !(400..=599).contains(&e.error_code) || !(200..=599).contains(&e.response_code) {
            return Err(bad(
                "error-responses",
                format!(
                    "{} → {} is not an error code → response code CloudFront accepts",
                    e.error_code, e.response_code
                ),
            ));
        }
        if !e.response_page_path.starts_with('/') {
            return Err(bad(
                "error-responses",
                format!("`{}` must start with `/`", e.response_page_path),
            ));
        }
    }
    if spec.default_root_object.starts_with('/') {
        return Err(bad(
            "default-root-object",
            format!("`{}` must not start with `/`", spec.default_root_object),
        ));
    }
    if let Origin::S3(s3) = &spec.origin
        && s3.oac_id.is_empty()
    {
        return Err(bad(
            "origin",
            "an S3 origin needs an origin access control: use `ensure-origin-access-control`".into(),
        ));
    }
    if spec.comment.len() > 128 {
        return Err(bad("comment", "a comment has at most 128 characters".into()));
    }
    Ok(())
}

fn len<T>(items: &[T]) -> i32 {
    i32::try_from(items.len()).unwrap_or(i32::MAX)
}

fn internal(e: impl std::fmt::Display) -> HostError {
    HostError::Internal(e.to_string())
}
