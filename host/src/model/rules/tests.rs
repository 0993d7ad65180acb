use super::*;
use crate::model::{AliasTarget, ChangeAction, FailoverRole, RecordSet};

fn reason(result: Result<(), HostError>) -> &'static str {
    match result {
        Err(HostError::InvalidInput { reason, .. }) => reason,
        Err(other) => panic!("not invalid-input: {other}"),
        Ok(()) => "ok",
    }
}

fn none(_: &str) -> bool {
    false
}

#[test]
fn iam_paths_and_names_follow_aws_rules() {
    assert_eq!(reason(iam_path("/cloudfront/")), "ok");
    assert_eq!(reason(iam_path("/")), "ok");
    for bad in [
        "cloudfront",
        "/cloudfront",
        "/cloud front/",
        "/cloudfront/../other/",
        "/cloudfront/./",
        "/cloudfront//",
    ] {
        assert_eq!(reason(iam_path(bad)), "bad-path", "{bad}");
    }
    assert_eq!(reason(iam_name("www.example.com-2027-01-01-0a1b")), "ok");
    for bad in ["", "a/b", &"a".repeat(129)] {
        assert_eq!(reason(iam_name(bad)), "bad-name", "{bad}");
    }
}

#[test]
fn bucket_names_follow_s3_rules() {
    assert_eq!(reason(bucket_name("example-com-maintenance")), "ok");
    for bad in [
        "ab",
        "Example",
        "has.dot",
        "-lead",
        "trail-",
        "xn--punycode",
        &"a".repeat(64),
    ] {
        assert_eq!(reason(bucket_name(bad)), "bad-bucket-name", "{bad}");
    }
}

fn viewer(source: CertificateSource, certificate: Option<&str>, protocol: &str) -> ViewerCertificate {
    ViewerCertificate {
        source,
        certificate: certificate.map(str::to_owned),
        ssl_support_method: None,
        minimum_protocol_version: protocol.into(),
    }
}

#[test]
fn viewer_certificates_cloudfront_rejects_are_rejected_with_their_reason() {
    let cases = [
        (
            viewer(CertificateSource::Iam, None, "TLSv1.2_2021"),
            "missing-certificate",
        ),
        (
            viewer(CertificateSource::Iam, Some("not-an-id"), "TLSv1.2_2021"),
            "bad-certificate-id",
        ),
        (
            viewer(
                CertificateSource::Acm,
                Some("arn:aws:acm:eu-west-1:1:certificate/x"),
                "TLSv1.2_2021",
            ),
            "acm-not-us-east-1",
        ),
        (
            viewer(CertificateSource::Cloudfront, Some("ASCA1"), "TLSv1"),
            "unexpected-certificate",
        ),
        (
            viewer(CertificateSource::Iam, Some("ASCAABCDEFGHIJKLMNOPQ"), "TLSv9"),
            "unknown-protocol",
        ),
        (
            viewer(CertificateSource::Iam, Some("ASCAABCDEFGHIJKLMNOPQ"), "TLSv1.2_2021"),
            "ok",
        ),
    ];
    for (v, expected) in cases {
        assert_eq!(reason(viewer_certificate(&v, &none)), expected, "{v:?}");
    }
}

#[test]
fn a_placeholder_passes_where_an_id_or_arn_is_checked() {
    let placeholder = "(known after apply: ACM certificate ARN)";
    let known = |v: &str| v == placeholder;
    let v = viewer(CertificateSource::Acm, Some(placeholder), "TLSv1.2_2021");
    assert_eq!(reason(viewer_certificate(&v, &known)), "ok");
    assert_eq!(reason(viewer_certificate(&v, &none)), "acm-not-us-east-1");
    assert_eq!(reason(acm_arn(placeholder, &known)), "ok");
    assert_eq!(reason(acm_arn(placeholder, &none)), "bad-arn");
}

fn record(name: &str, record_type: &str, ttl: Option<u32>, values: &[&str], alias: bool) -> RecordChange {
    RecordChange {
        action: ChangeAction::Upsert,
        record_set: RecordSet {
            name: name.into(),
            record_type: record_type.into(),
            ttl,
            values: values.iter().map(|v| (*v).to_owned()).collect(),
            alias: alias.then(|| AliasTarget {
                hosted_zone_id: "Z2FDTNDATAQYW2".into(),
                dns_name: "d1.cloudfront.net".into(),
                evaluate_target_health: false,
            }),
            set_identifier: None,
            failover: None,
            health_check_id: None,
        },
    }
}

#[test]
fn records_route53_rejects_are_rejected() {
    let zone = "example.com.";
    let ok = [
        record("www.example.com", "A", Some(60), &["192.0.2.1"], false),
        record("www.example.com", "A", None, &[], true),
    ];
    for change in &ok {
        assert_eq!(reason(record_change(0, change, zone)), "ok", "{change:?}");
    }
    let mut failover = record("www.example.com", "A", None, &[], true);
    failover.record_set.failover = Some(FailoverRole::Secondary);
    let bad = [
        record("www.other.com", "A", Some(60), &["192.0.2.1"], false),
        record("www.example.com", "A", Some(60), &["not-an-ip"], false),
        record("www.example.com", "A", Some(60), &[], true),
        record("example.com", "CNAME", Some(60), &["x.example.net"], false),
        record("www.example.com", "NOPE", Some(60), &["x"], false),
        failover,
    ];
    for change in &bad {
        assert_eq!(reason(record_change(3, change, zone)), "bad-record", "{change:?}");
    }
    let err = record_change(3, &bad[0], zone).expect_err("outside the zone");
    assert_eq!(
        err.to_string(),
        "changes[3]: `www.other.com.` is not in zone `example.com.`"
    );
}

#[test]
fn health_checks_route53_rejects_are_rejected() {
    let mut c = HealthCheckConfig {
        protocol: HealthCheckProtocol::Https,
        fqdn: Some("origin.example.com".into()),
        ip_address: None,
        port: 443,
        resource_path: Some("/health".into()),
        request_interval: 30,
        failure_threshold: 3,
        enable_sni: true,
        search_string: None,
    };
    assert_eq!(reason(health_check(&c)), "ok");
    c.request_interval = 20;
    let err = health_check(&c).expect_err("20 s");
    assert_eq!(
        err.to_string(),
        "request-interval: 20 is not a Route 53 request interval: use 10 or 30 seconds"
    );
    c.request_interval = 10;
    c.failure_threshold = 11;
    assert_eq!(reason(health_check(&c)), "bad-health-check");
}

#[test]
fn an_update_cannot_take_another_distributions_caller_reference() {
    let before = crate::testing::spec("switchyard-maintenance-a", "E1");
    assert_eq!(reason(same_caller_reference(&before, &before.clone())), "ok");
    let other = crate::testing::spec("switchyard-maintenance-b", "E1");
    match same_caller_reference(&before, &other) {
        Err(HostError::InvalidInput { field, reason, message }) => {
            assert_eq!((field.as_str(), reason), ("spec.caller-reference", "immutable"));
            assert!(
                message.starts_with("`switchyard-maintenance-b` is not this distribution's caller reference"),
                "{message}"
            );
        }
        other => panic!("{other:?}"),
    }
}
