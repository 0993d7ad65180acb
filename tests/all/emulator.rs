//! The emulator's fidelity layer, tested against the emulator itself: each rule holds as it does
//! on AWS (see emulator/README.md), so no Switchyard test can pass because moto is lenient.

use aws_sdk_cloudfront::types::{SslSupportMethod, ViewerCertificate};
use aws_sdk_route53::types::{HealthCheckConfig, HealthCheckType};
use aws_smithy_types::error::metadata::ProvideErrorMetadata;

use crate::support::Emulator;
use crate::support::aws::{create_distribution, default_certificate};
use crate::support::certs::{LeafSpec, Pki};

/// The AWS error code of a failed call.
fn code<T: std::fmt::Debug, E: ProvideErrorMetadata + std::fmt::Debug>(
    result: Result<T, aws_smithy_runtime_api::client::result::SdkError<E, aws_smithy_runtime_api::http::Response>>,
) -> String {
    let err = result.expect_err("the call must fail");
    err.as_service_error()
        .and_then(|e| e.code())
        .unwrap_or_else(|| panic!("no AWS error code in {err:?}"))
        .to_owned()
}

async fn upload(
    iam: &aws_sdk_iam::Client,
    name: &str,
    path: &str,
) -> Result<aws_sdk_iam::types::ServerCertificateMetadata, String> {
    let pki = Pki::new();
    let leaf = pki.leaf(LeafSpec::default());
    iam.upload_server_certificate()
        .server_certificate_name(name)
        .path(path)
        .certificate_body(leaf.pem())
        .private_key(leaf.key_pem())
        .certificate_chain(pki.intermediate.pem())
        .send()
        .await
        .map(|o| o.server_certificate_metadata.expect("metadata"))
        .map_err(|e| {
            e.as_service_error()
                .and_then(|e| e.code())
                .unwrap_or("no code")
                .to_owned()
        })
}

fn iam_viewer(id: &str) -> ViewerCertificate {
    ViewerCertificate::builder()
        .iam_certificate_id(id)
        .ssl_support_method(SslSupportMethod::SniOnly)
        .minimum_protocol_version("TLSv1.2_2021".into())
        .build()
}

/// IAM refuses a second upload under a taken name (`EntityAlreadyExists`) and gives each
/// certificate its own 21-character `ASCA…` id, the one a get by name returns.
#[tokio::test]
async fn iam_rejects_a_duplicate_name_and_gives_each_certificate_its_own_id() {
    let emulator = Emulator::start();
    let iam = aws_sdk_iam::Client::new(&emulator.sdk().await);
    let a = upload(&iam, "site-a", "/cloudfront/").await.expect("upload a");
    let b = upload(&iam, "site-b", "/cloudfront/").await.expect("upload b");
    assert_eq!(
        upload(&iam, "site-a", "/cloudfront/").await.expect_err("duplicate"),
        "EntityAlreadyExists"
    );
    assert_ne!(a.server_certificate_id, b.server_certificate_id);
    assert!(
        a.server_certificate_id.starts_with("ASCA") && a.server_certificate_id.len() == 21,
        "{}",
        a.server_certificate_id
    );
    let got = iam
        .get_server_certificate()
        .server_certificate_name("site-b")
        .send()
        .await
        .expect("get");
    assert_eq!(
        got.server_certificate
            .expect("cert")
            .server_certificate_metadata
            .expect("meta")
            .server_certificate_id,
        b.server_certificate_id
    );
}

/// IAM lists server certificates by path prefix: `/cloudfront/` gives only its own, `/` gives
/// both, and a prefix nothing is under gives none.
#[tokio::test]
async fn iam_lists_by_path_prefix() {
    let emulator = Emulator::start();
    let iam = aws_sdk_iam::Client::new(&emulator.sdk().await);
    upload(&iam, "cf", "/cloudfront/site/").await.expect("upload");
    upload(&iam, "elb", "/elb/").await.expect("upload");
    let names = |prefix: &'static str| {
        let iam = iam.clone();
        async move {
            let out = iam
                .list_server_certificates()
                .path_prefix(prefix)
                .send()
                .await
                .expect("list");
            let mut names: Vec<String> = out
                .server_certificate_metadata_list
                .into_iter()
                .map(|m| m.server_certificate_name)
                .collect();
            names.sort();
            names
        }
    };
    assert_eq!(names("/cloudfront/").await, ["cf"]);
    assert_eq!(names("/").await, ["cf", "elb"]);
    assert_eq!(names("/other/").await, Vec::<String>::new());
}

/// IAM refuses to delete a certificate a distribution uses (`DeleteConflict`), and deletes an
/// unused one.
#[tokio::test]
async fn iam_refuses_to_delete_a_certificate_a_distribution_uses() {
    let emulator = Emulator::start();
    let sdk = emulator.sdk().await;
    let (iam, cf) = (aws_sdk_iam::Client::new(&sdk), aws_sdk_cloudfront::Client::new(&sdk));
    let used = upload(&iam, "used", "/cloudfront/").await.expect("upload");
    upload(&iam, "unused", "/cloudfront/").await.expect("upload");
    create_distribution(
        &cf,
        "ref-1",
        &["www.example.com"],
        iam_viewer(&used.server_certificate_id),
    )
    .await;
    assert_eq!(
        code(
            iam.delete_server_certificate()
                .server_certificate_name("used")
                .send()
                .await
        ),
        "DeleteConflict"
    );
    iam.delete_server_certificate()
        .server_certificate_name("unused")
        .send()
        .await
        .expect("an unused certificate can be deleted");
}

/// A config read gives the ETag create gave; an update gives a new one, and a later update with
/// the old ETag gets `PreconditionFailed` while one with the new ETag goes through.
#[tokio::test]
async fn cloudfront_changes_the_etag_on_update_and_refuses_a_stale_if_match() {
    let emulator = Emulator::start();
    let cf = aws_sdk_cloudfront::Client::new(&emulator.sdk().await);
    let (id, etag) = create_distribution(&cf, "ref-1", &[], default_certificate()).await;
    let current = cf.get_distribution_config().id(&id).send().await.expect("get config");
    assert_eq!(current.e_tag.as_deref(), Some(etag.as_str()));
    let mut config = current.distribution_config.expect("config");
    config.comment = "changed".into();
    let updated = cf
        .update_distribution()
        .id(&id)
        .if_match(&etag)
        .distribution_config(config.clone())
        .send()
        .await
        .expect("update");
    let new_etag = updated.e_tag.expect("etag");
    assert_ne!(new_etag, etag, "a new ETag after every update");
    assert_eq!(
        code(
            cf.update_distribution()
                .id(&id)
                .if_match(&etag)
                .distribution_config(config.clone())
                .send()
                .await
        ),
        "PreconditionFailed"
    );
    cf.update_distribution()
        .id(&id)
        .if_match(&new_etag)
        .distribution_config(config)
        .send()
        .await
        .expect("the current ETag works");
}

/// CloudFront refuses to delete an enabled distribution (`DistributionNotDisabled`), and deletes
/// it once an update has disabled it.
#[tokio::test]
async fn cloudfront_deletes_only_a_disabled_distribution() {
    let emulator = Emulator::start();
    let cf = aws_sdk_cloudfront::Client::new(&emulator.sdk().await);
    let (id, etag) = create_distribution(&cf, "ref-1", &[], default_certificate()).await;
    assert_eq!(
        code(cf.delete_distribution().id(&id).if_match(&etag).send().await),
        "DistributionNotDisabled"
    );
    let current = cf.get_distribution_config().id(&id).send().await.expect("get config");
    let mut config = current.distribution_config.expect("config");
    config.enabled = false;
    let disabled = cf
        .update_distribution()
        .id(&id)
        .if_match(current.e_tag.expect("etag"))
        .distribution_config(config)
        .send()
        .await
        .expect("disable");
    cf.delete_distribution()
        .id(&id)
        .if_match(disabled.e_tag.expect("etag"))
        .send()
        .await
        .expect("a disabled distribution is deleted");
}

/// CloudFront refuses to create a distribution with an IAM certificate id that does not exist
/// (`InvalidViewerCertificate`).
#[tokio::test]
async fn cloudfront_rejects_an_unknown_iam_certificate() {
    let emulator = Emulator::start();
    let cf = aws_sdk_cloudfront::Client::new(&emulator.sdk().await);
    let config =
        crate::support::aws::distribution_config("ref-1", &["www.example.com"], iam_viewer("ASCANOSUCHCERTIFICATE"));
    assert_eq!(
        code(cf.create_distribution().distribution_config(config).send().await),
        "InvalidViewerCertificate"
    );
}

fn https_check(interval: i32) -> HealthCheckConfig {
    HealthCheckConfig::builder()
        .r#type(HealthCheckType::Https)
        .fully_qualified_domain_name("origin.example.com")
        .port(443)
        .resource_path("/health")
        .request_interval(interval)
        .failure_threshold(3)
        .build()
        .expect("health check config")
}

/// A health check created again with the same caller reference and config is the same check;
/// with another config it is refused (`HealthCheckAlreadyExists`); only one check exists.
#[tokio::test]
async fn route53_health_checks_are_idempotent_by_caller_reference() {
    let emulator = Emulator::start();
    let r53 = aws_sdk_route53::Client::new(&emulator.sdk().await);
    let first = r53
        .create_health_check()
        .caller_reference("ref-1")
        .health_check_config(https_check(30))
        .send()
        .await
        .expect("create");
    let again = r53
        .create_health_check()
        .caller_reference("ref-1")
        .health_check_config(https_check(30))
        .send()
        .await
        .expect("same again");
    assert_eq!(
        first.health_check.expect("check").id,
        again.health_check.expect("check").id
    );
    assert_eq!(
        code(
            r53.create_health_check()
                .caller_reference("ref-1")
                .health_check_config(https_check(10))
                .send()
                .await
        ),
        "HealthCheckAlreadyExists"
    );
    let listed = r53.list_health_checks().send().await.expect("list").health_checks;
    assert_eq!(listed.len(), 1, "no duplicate was made");
}

/// Route 53 creates health checks with a request interval of 10 or 30 seconds, and refuses 5, 20
/// and 60 (`InvalidInput`).
#[tokio::test]
async fn route53_accepts_only_intervals_of_10_and_30() {
    let emulator = Emulator::start();
    let r53 = aws_sdk_route53::Client::new(&emulator.sdk().await);
    for interval in [10, 30] {
        r53.create_health_check()
            .caller_reference(format!("ok-{interval}"))
            .health_check_config(https_check(interval))
            .send()
            .await
            .expect("valid interval");
    }
    for interval in [5, 20, 60] {
        assert_eq!(
            code(
                r53.create_health_check()
                    .caller_reference(format!("bad-{interval}"))
                    .health_check_config(https_check(interval))
                    .send()
                    .await
            ),
            "InvalidInput"
        );
    }
}

/// `switchyard whoami` exits 0 and its STS `GetCallerIdentity` is logged as a read, with no
/// write; an S3 `CreateBucket` then is logged as the one write.
#[tokio::test]
async fn the_request_log_tells_reads_from_writes() {
    let emulator = Emulator::start();
    let run = emulator.switchyard().run(["whoami"]);
    assert_eq!(run.code, 0, "{run:?}");
    let requests = emulator.requests();
    assert!(
        requests
            .iter()
            .any(|r| r["service"] == "sts" && r["action"] == "GetCallerIdentity" && r["write"] == false),
        "{requests:?}"
    );
    assert!(emulator.writes().is_empty());
    // A write is logged as one.
    let sdk = emulator.sdk().await;
    aws_sdk_s3::Client::from_conf(aws_sdk_s3::config::Builder::from(&sdk).force_path_style(true).build())
        .create_bucket()
        .bucket("logged")
        .send()
        .await
        .expect("bucket");
    let writes = emulator.writes();
    assert_eq!(writes.len(), 1, "{writes:?}");
    assert_eq!(
        (&writes[0]["service"], &writes[0]["action"]),
        (&serde_json::json!("s3"), &serde_json::json!("CreateBucket"))
    );
}
