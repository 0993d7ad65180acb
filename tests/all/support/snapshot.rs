//! A snapshot of every resource the workflows touch, read from the emulator through the SDK, to
//! compare before and after (a rollback must leave AWS exactly as it found it).

use serde_json::{Value, json};

/// Everything in IAM server certificates, ACM, CloudFront, Route 53 and S3, in a stable order.
pub async fn snapshot(sdk: &aws_config::SdkConfig) -> Value {
    json!({
        "iam": iam(sdk).await,
        "acm": acm(sdk).await,
        "cloudfront": cloudfront(sdk).await,
        "route53": route53(sdk).await,
        "s3": s3(sdk).await,
    })
}

fn sorted(mut items: Vec<String>) -> Value {
    items.sort();
    json!(items)
}

async fn iam(sdk: &aws_config::SdkConfig) -> Value {
    let iam = aws_sdk_iam::Client::new(sdk);
    let out = iam
        .list_server_certificates()
        .send()
        .await
        .expect("list server certificates");
    sorted(
        out.server_certificate_metadata_list
            .into_iter()
            .map(|m| format!("{}{} {}", m.path, m.server_certificate_name, m.server_certificate_id))
            .collect(),
    )
}

async fn acm(sdk: &aws_config::SdkConfig) -> Value {
    let acm = aws_sdk_acm::Client::new(sdk);
    let out = acm.list_certificates().send().await.expect("list certificates");
    sorted(
        out.certificate_summary_list
            .unwrap_or_default()
            .into_iter()
            .filter_map(|c| c.certificate_arn)
            .collect(),
    )
}

async fn cloudfront(sdk: &aws_config::SdkConfig) -> Value {
    let cf = aws_sdk_cloudfront::Client::new(sdk);
    let listed = cf.list_distributions().send().await.expect("list distributions");
    let mut distributions = Vec::new();
    for d in listed.distribution_list.and_then(|l| l.items).unwrap_or_default() {
        let config = cf
            .get_distribution_config()
            .id(&d.id)
            .send()
            .await
            .expect("distribution config");
        distributions.push(format!("{} {:?}", d.id, config.distribution_config));
    }
    let oacs = cf.list_origin_access_controls().send().await.expect("list OACs");
    let oacs = oacs
        .origin_access_control_list
        .and_then(|l| l.items)
        .unwrap_or_default()
        .into_iter()
        .map(|o| format!("{} {}", o.id, o.name))
        .collect();
    let policies = cf
        .list_response_headers_policies()
        .r#type(aws_sdk_cloudfront::types::ResponseHeadersPolicyType::Custom)
        .send()
        .await
        .expect("list response headers policies");
    let policies = policies
        .response_headers_policy_list
        .and_then(|l| l.items)
        .unwrap_or_default()
        .into_iter()
        .filter_map(|s| s.response_headers_policy)
        .map(|p| format!("{} {:?}", p.id, p.response_headers_policy_config))
        .collect();
    json!({ "distributions": sorted(distributions), "origin_access_controls": sorted(oacs), "response_headers_policies": sorted(policies) })
}

async fn route53(sdk: &aws_config::SdkConfig) -> Value {
    let r53 = aws_sdk_route53::Client::new(sdk);
    let zones = r53.list_hosted_zones().send().await.expect("list zones");
    let mut records = Vec::new();
    for zone in zones.hosted_zones {
        let sets = r53
            .list_resource_record_sets()
            .hosted_zone_id(&zone.id)
            .send()
            .await
            .expect("list records");
        records.extend(
            sets.resource_record_sets
                .into_iter()
                .map(|r| format!("{} {r:?}", zone.name)),
        );
    }
    let checks = r53.list_health_checks().send().await.expect("list health checks");
    let checks = checks
        .health_checks
        .into_iter()
        .map(|h| format!("{} {} {:?}", h.id, h.caller_reference, h.health_check_config))
        .collect();
    json!({ "records": sorted(records), "health_checks": sorted(checks) })
}

async fn s3(sdk: &aws_config::SdkConfig) -> Value {
    let s3 = aws_sdk_s3::Client::new(sdk);
    let buckets = s3.list_buckets().send().await.expect("list buckets");
    let mut all = Vec::new();
    for bucket in buckets.buckets.unwrap_or_default() {
        let name = bucket.name.unwrap_or_default();
        let objects = s3.list_objects_v2().bucket(&name).send().await.expect("list objects");
        let objects: Vec<String> = objects
            .contents
            .unwrap_or_default()
            .into_iter()
            .map(|o| format!("{} {}", o.key.unwrap_or_default(), o.e_tag.unwrap_or_default()))
            .collect();
        let policy = s3
            .get_bucket_policy()
            .bucket(&name)
            .send()
            .await
            .ok()
            .and_then(|p| p.policy);
        all.push(format!("{name} {objects:?} {policy:?}"));
    }
    sorted(all)
}
