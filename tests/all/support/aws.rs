//! Direct AWS SDK calls to the emulator, for arranging and inspecting state.

use aws_sdk_cloudfront::types::{
    Aliases, CustomOriginConfig, DefaultCacheBehavior, DistributionConfig, Origin, OriginProtocolPolicy, Origins,
    ViewerCertificate, ViewerProtocolPolicy,
};

/// A distribution config with one custom origin, `aliases` and `viewer`.
pub fn distribution_config(reference: &str, aliases: &[&str], viewer: ViewerCertificate) -> DistributionConfig {
    let origin = Origin::builder()
        .id("origin")
        .domain_name("origin.example.com")
        .custom_origin_config(
            CustomOriginConfig::builder()
                .http_port(80)
                .https_port(443)
                .origin_protocol_policy(OriginProtocolPolicy::HttpsOnly)
                .build()
                .expect("origin config"),
        )
        .build()
        .expect("origin");
    let behavior = DefaultCacheBehavior::builder()
        .target_origin_id("origin")
        .viewer_protocol_policy(ViewerProtocolPolicy::RedirectToHttps)
        // The managed CachingOptimized policy.
        .cache_policy_id("658327ea-f89d-4fab-a63d-7e88639e58f6")
        .build()
        .expect("behavior");
    DistributionConfig::builder()
        .caller_reference(reference)
        .origins(Origins::builder().quantity(1).items(origin).build().expect("origins"))
        .default_cache_behavior(behavior)
        .aliases(
            Aliases::builder()
                .quantity(aliases.len() as i32)
                .set_items(Some(aliases.iter().map(|a| (*a).to_owned()).collect()))
                .build()
                .expect("aliases"),
        )
        .comment("switchyard test")
        .enabled(true)
        .viewer_certificate(viewer)
        .build()
        .expect("distribution config")
}

/// CloudFront's default certificate.
pub fn default_certificate() -> ViewerCertificate {
    ViewerCertificate::builder()
        .cloud_front_default_certificate(true)
        .build()
}

/// Creates a distribution; returns its id and ETag.
pub async fn create_distribution(
    cf: &aws_sdk_cloudfront::Client,
    reference: &str,
    aliases: &[&str],
    viewer: ViewerCertificate,
) -> (String, String) {
    let out = cf
        .create_distribution()
        .distribution_config(distribution_config(reference, aliases, viewer))
        .send()
        .await
        .expect("create distribution");
    (out.distribution.expect("distribution").id, out.e_tag.expect("etag"))
}
