//! The maintenance-failover workflow (examples/maintenance-failover.toml) end to end: the real
//! binary and plugins against the emulator, read back from the emulator afterwards.

use aws_sdk_route53::types::{ResourceRecordSet, RrType};
use serde_json::{Value, json};

use crate::support::certs::{LeafSpec, Pki};
use crate::support::site::{ORIGIN, Site, outputs};

fn pem_eq(a: &str, b: &str) -> bool {
    let norm = |s: &str| s.split_whitespace().collect::<String>();
    norm(a) == norm(b)
}

/// An apply succeeds and AWS holds what was meant: certificate and chain under `/cloudfront/`, the
/// 503 distribution and its page, one HTTPS health check, a failover pair per name, TXT untouched.
#[tokio::test]
async fn the_workflow_applies_and_aws_holds_exactly_what_was_intended() {
    let site = Site::new().await;
    let report = site.apply();
    assert_eq!(report["ok"], true, "{report}");

    // The certificate, under /cloudfront/, with its chain.
    let iam = aws_sdk_iam::Client::new(&site.sdk);
    let upload = outputs(&report, "upload");
    let name = upload["name"].as_str().expect("name");
    assert!(name.starts_with("www-example-com-"), "{name}");
    let cert = iam
        .get_server_certificate()
        .server_certificate_name(name)
        .send()
        .await
        .expect("get")
        .server_certificate
        .expect("cert");
    let leaf = std::fs::read_to_string(site.path().join("certs/site.pem")).expect("read");
    let chain = std::fs::read_to_string(site.path().join("certs/chain.pem")).expect("read");
    assert!(pem_eq(&cert.certificate_body, &leaf), "the body is the leaf");
    assert!(
        pem_eq(cert.certificate_chain.as_deref().unwrap_or_default(), &chain),
        "the chain is the intermediate"
    );
    let meta = cert.server_certificate_metadata.expect("meta");
    assert_eq!(meta.path, "/cloudfront/");
    assert_eq!(upload["id"], meta.server_certificate_id.as_str());

    // The maintenance distribution: aliases, certificate, every path to the page with 503.
    let cf = aws_sdk_cloudfront::Client::new(&site.sdk);
    let maintenance = outputs(&report, "maintenance");
    let id = maintenance["distribution_id"].as_str().expect("id");
    let config = cf
        .get_distribution_config()
        .id(id)
        .send()
        .await
        .expect("config")
        .distribution_config
        .expect("config");
    let mut aliases = config.aliases.and_then(|a| a.items).unwrap_or_default();
    aliases.sort();
    assert_eq!(aliases, ["example.com", "www.example.com"]);
    let viewer = config.viewer_certificate.expect("viewer certificate");
    assert_eq!(
        viewer.iam_certificate_id.as_deref(),
        Some(meta.server_certificate_id.as_str())
    );
    assert_eq!(
        viewer.ssl_support_method.map(|m| m.as_str().to_owned()).as_deref(),
        Some("sni-only")
    );
    assert_eq!(
        viewer
            .minimum_protocol_version
            .map(|m| m.as_str().to_owned())
            .as_deref(),
        Some("TLSv1.2_2021")
    );
    assert_eq!(
        config.default_root_object.as_deref().unwrap_or_default(),
        "",
        "no root object: `/` gets the page too"
    );
    let errors: Vec<(i32, String, String)> = config
        .custom_error_responses
        .and_then(|c| c.items)
        .unwrap_or_default()
        .into_iter()
        .map(|e| {
            (
                e.error_code,
                e.response_code.unwrap_or_default(),
                e.response_page_path.unwrap_or_default(),
            )
        })
        .collect();
    let page_path = format!("/{}", maintenance["page_key"].as_str().expect("key"));
    assert_eq!(
        errors,
        [
            (403, "503".to_owned(), page_path.clone()),
            (404, "503".to_owned(), page_path)
        ]
    );
    let policy = config
        .default_cache_behavior
        .as_ref()
        .and_then(|b| b.response_headers_policy_id.clone())
        .expect("a response headers policy");
    let policy = cf
        .get_response_headers_policy()
        .id(&policy)
        .send()
        .await
        .expect("policy")
        .response_headers_policy
        .expect("policy");
    let headers: Vec<(String, String)> = policy
        .response_headers_policy_config
        .and_then(|c| c.custom_headers_config)
        .and_then(|c| c.items)
        .unwrap_or_default()
        .into_iter()
        .map(|h| (h.header, h.value))
        .collect();
    assert_eq!(
        headers,
        [("Retry-After".to_owned(), "300".to_owned())],
        "every response says when to retry"
    );
    let origin = &config.origins.map(|o| o.items).unwrap_or_default()[0];
    let bucket = maintenance["bucket"].as_str().expect("bucket");
    assert!(
        origin.domain_name.starts_with(&format!("{bucket}.s3.")),
        "{}",
        origin.domain_name
    );
    assert!(
        origin
            .origin_access_control_id
            .as_deref()
            .is_some_and(|id| !id.is_empty()),
        "read through origin access control"
    );

    // The page's bytes.
    let s3 = aws_sdk_s3::Client::from_conf(
        aws_sdk_s3::config::Builder::from(&site.sdk)
            .force_path_style(true)
            .build(),
    );
    let object = s3
        .get_object()
        .bucket(bucket)
        .key(maintenance["page_key"].as_str().expect("key"))
        .send()
        .await
        .expect("page");
    assert_eq!(object.content_type.as_deref(), Some("text/html; charset=utf-8"));
    let body = object.body.collect().await.expect("body").into_bytes();
    assert_eq!(
        body.as_ref(),
        std::fs::read(site.path().join("maintenance.html"))
            .expect("read")
            .as_slice()
    );

    // The health check.
    let r53 = aws_sdk_route53::Client::new(&site.sdk);
    let checks = r53.list_health_checks().send().await.expect("checks").health_checks;
    assert_eq!(checks.len(), 1);
    let check = checks[0].health_check_config.as_ref().expect("config");
    assert_eq!(check.r#type.as_str(), "HTTPS");
    assert_eq!(check.ip_address.as_deref(), Some(ORIGIN));
    assert_eq!(check.fully_qualified_domain_name.as_deref(), Some("www.example.com"));
    assert_eq!(
        (check.port, check.resource_path.as_deref()),
        (Some(443), Some("/health"))
    );
    assert_eq!(
        (check.request_interval, check.failure_threshold, check.enable_sni),
        (Some(30), Some(3), Some(true))
    );
    assert_eq!(outputs(&report, "failover")["health_check_id"], checks[0].id.as_str());

    // The records: a failover pair per name, TTL kept, nothing else touched.
    let sets = r53
        .list_resource_record_sets()
        .hosted_zone_id(&site.zone_id)
        .send()
        .await
        .expect("records")
        .resource_record_sets;
    let domain = maintenance["domain_name"].as_str().expect("domain");
    for name in ["www.example.com.", "example.com."] {
        let a: Vec<&ResourceRecordSet> = sets
            .iter()
            .filter(|s| s.name == name && s.r#type == RrType::A)
            .collect();
        assert_eq!(a.len(), 2, "{name}: exactly the pair, the plain record replaced: {a:?}");
        let primary = a
            .iter()
            .find(|s| s.failover.as_ref().is_some_and(|f| f.as_str() == "PRIMARY"))
            .expect("primary");
        assert_eq!(primary.ttl, Some(300), "{name}: TTL kept");
        assert_eq!(primary.resource_records.as_ref().expect("values")[0].value, ORIGIN);
        assert_eq!(primary.health_check_id.as_deref(), Some(checks[0].id.as_str()));
        let secondary = a
            .iter()
            .find(|s| s.failover.as_ref().is_some_and(|f| f.as_str() == "SECONDARY"))
            .expect("secondary");
        let alias = secondary.alias_target.as_ref().expect("alias");
        assert_eq!(alias.hosted_zone_id, "Z2FDTNDATAQYW2");
        assert_eq!(alias.dns_name.trim_end_matches('.'), domain);
        assert!(!alias.evaluate_target_health);
    }
    assert!(
        sets.iter().any(|s| s.r#type == RrType::Txt && s.name == "example.com."),
        "other records untouched"
    );
}

/// A second apply sends no write: the upload is reused, and maintenance, attach and failover
/// report no change.
#[tokio::test]
async fn a_second_apply_writes_nothing() {
    let site = Site::new().await;
    site.apply();
    site.clear_log();
    let report = site.apply();
    assert_eq!(site.emulator.writes(), Vec::<Value>::new(), "{report}");
    assert_eq!(outputs(&report, "upload")["reused"], true);
    for step in ["maintenance", "attach", "failover"] {
        assert_eq!(outputs(&report, step)["changed"], false, "{step}: {report}");
    }
}

/// After a new certificate, apply uploads it under a new name and attach swaps it in for the old
/// one, which stays in IAM under `/cloudfront/`.
#[tokio::test]
async fn renewal_uploads_under_a_new_name_attaches_it_and_keeps_the_old_one() {
    let site = Site::new().await;
    let first = site.apply();
    site.new_certificate(200);
    let second = site.apply();
    let (old, new) = (outputs(&first, "upload"), outputs(&second, "upload"));
    assert_ne!(old["name"], new["name"]);
    assert_eq!(new["reused"], false);
    let attach = outputs(&second, "attach");
    assert_eq!(attach["changed"], true);
    assert_eq!(attach["previous_viewer_certificate"]["certificate"], old["id"]);
    assert_eq!(attach["viewer_certificate"]["certificate"], new["id"]);
    let iam = aws_sdk_iam::Client::new(&site.sdk);
    let names: Vec<String> = iam
        .list_server_certificates()
        .path_prefix("/cloudfront/")
        .send()
        .await
        .expect("list")
        .server_certificate_metadata_list
        .into_iter()
        .map(|m| m.server_certificate_name)
        .collect();
    assert!(
        names.contains(&old["name"].as_str().expect("name").to_owned()),
        "the old certificate stays: {names:?}"
    );
}

/// When another writer changes the distribution between attach's read and write, attach retries,
/// and the distribution ends with both that writer's comment and the new certificate.
#[tokio::test]
async fn a_stale_etag_is_retried_and_keeps_the_other_writers_change() {
    let site = Site::new().await;
    let first = site.apply();
    let id = outputs(&first, "maintenance")["distribution_id"]
        .as_str()
        .expect("id")
        .to_owned();
    site.new_certificate(200);
    site.emulator.post(
        "/_switchyard/hooks/cloudfront-race",
        &json!({ "distribution_id": id, "comment": "changed by another writer" }).to_string(),
    );
    let second = site.apply();
    let attach = outputs(&second, "attach");
    assert!(attach["retries"].as_u64().is_some_and(|r| r >= 1), "{attach}");
    let cf = aws_sdk_cloudfront::Client::new(&site.sdk);
    let config = cf
        .get_distribution_config()
        .id(&id)
        .send()
        .await
        .expect("config")
        .distribution_config
        .expect("config");
    assert_eq!(
        config.comment, "changed by another writer",
        "the other writer's change is kept"
    );
    assert_eq!(
        config.viewer_certificate.and_then(|v| v.iam_certificate_id).as_deref(),
        outputs(&second, "upload")["id"].as_str()
    );
}

/// Applies after `edit`, expects step `step` to fail with `said` in its message, and no write.
fn assert_refused(site: &Site, step: &str, said: &str) {
    site.clear_log();
    let run = site.switchyard("apply");
    assert_eq!(run.code, 1, "{run:?}");
    let report = run.json();
    let failed = report["steps"]
        .as_array()
        .and_then(|s| s.iter().find(|s| s["id"] == step))
        .expect("step");
    assert_eq!(failed["status"], "failed", "{report}");
    let message = failed["failure"]["message"].as_str().unwrap_or_default();
    assert!(message.contains(said), "{step} says {said:?}: {message}");
    assert_eq!(site.emulator.writes(), Vec::<Value>::new(), "nothing was written");
}

/// An upload to the IAM path `/elb/` is refused before anything runs, against the plugin's
/// schema: exit 2, the message names the file, the step, the field and `/cloudfront/`, and not
/// one request is sent.
#[tokio::test]
async fn an_iam_path_outside_cloudfront_is_refused() {
    let site = Site::new().await;
    site.edit("path = \"/cloudfront/\"", "path = \"/elb/\"");
    site.edit("\"iam:write:/cloudfront/\"", "\"iam:write\"");
    site.clear_log();
    let run = site.switchyard("apply");
    assert_eq!(run.code, 2, "{run:?}");
    let error = run.json()["error"].as_str().unwrap_or_default().to_owned();
    assert!(
        error.starts_with(&format!(
            "{}: step `upload` (plugin upload-cert): with.path: \"/elb/\" does not match \"^/cloudfront/",
            site.file().display()
        )),
        "{error}"
    );
    assert_eq!(site.emulator.requests(), Vec::<Value>::new(), "nothing was sent");
}

/// An ACM upload in a workflow for eu-west-1 fails the upload step with a message naming
/// us-east-1; apply exits 1 and nothing is written.
#[tokio::test]
async fn acm_outside_us_east_1_is_refused() {
    let site = Site::new().await;
    site.edit("region = \"us-east-1\"", "region = \"eu-west-1\"");
    site.edit("store = \"iam\", path = \"/cloudfront/\"", "store = \"acm\"");
    site.edit(
        "\"iam:read\", \"iam:write:/cloudfront/\"",
        "\"acm:read\", \"acm:write\"",
    );
    assert_refused(&site, "upload", "us-east-1");
}

/// When IAM reports a server-certificate quota of 0, the upload step fails with a message naming
/// the quota; apply exits 1 and nothing is written.
#[tokio::test]
async fn the_quota_reached_is_refused() {
    let site = Site::new().await;
    site.emulator
        .post("/_switchyard/hooks/iam-quota", r#"{"server_certificates": 0}"#);
    assert_refused(&site, "upload", "quota");
}

/// Without a validate step, a chain file holding the root before the intermediate (the leaf's
/// issuer second) is refused by the host at the upload, as IAM would refuse it: the upload step
/// fails naming the order and the fix; apply exits 1 and nothing is written.
#[tokio::test]
async fn a_chain_out_of_order_is_refused_at_the_upload_without_a_validate_step() {
    let site = Site::new().await;
    let text = std::fs::read_to_string(site.file()).expect("read");
    let from = text.find("[[step]]\nid = \"validate\"").expect("validate step");
    let to = text.find("[[step]]\nid = \"upload\"").expect("upload step");
    std::fs::write(site.file(), format!("{}{}", &text[..from], &text[to..])).expect("write");
    let certs = site.path().join("certs");
    let root = std::fs::read_to_string(certs.join("root.pem")).expect("root");
    let intermediate = std::fs::read_to_string(certs.join("chain.pem")).expect("chain");
    std::fs::write(certs.join("chain.pem"), format!("{root}{intermediate}")).expect("write chain");
    assert_refused(
        &site,
        "upload",
        "the chain is not in order: the certificate is signed by certificate 2 of the chain, which must come first",
    );
}

/// Pointed at a distribution whose alias (shop.example.org) the certificate does not cover, attach
/// fails naming that alias; apply exits 1 and nothing is written.
#[tokio::test]
async fn a_certificate_that_does_not_cover_every_alias_is_not_attached() {
    let site = Site::new().await;
    site.apply();
    // Another distribution, for a name the site's certificate does not cover.
    let other = Pki::new().leaf(LeafSpec {
        names: vec!["shop.example.org".into()],
        ..LeafSpec::default()
    });
    let iam = aws_sdk_iam::Client::new(&site.sdk);
    let uploaded = iam
        .upload_server_certificate()
        .server_certificate_name("shop")
        .path("/cloudfront/")
        .certificate_body(other.pem())
        .private_key(other.key_pem())
        .send()
        .await
        .expect("upload");
    let viewer = aws_sdk_cloudfront::types::ViewerCertificate::builder()
        .iam_certificate_id(
            uploaded
                .server_certificate_metadata
                .expect("meta")
                .server_certificate_id,
        )
        .ssl_support_method(aws_sdk_cloudfront::types::SslSupportMethod::SniOnly)
        .minimum_protocol_version("TLSv1.2_2021".into())
        .build();
    let cf = aws_sdk_cloudfront::Client::new(&site.sdk);
    let (id, _) = crate::support::aws::create_distribution(&cf, "shop", &["shop.example.org"], viewer).await;
    site.edit(
        "distribution_id = \"${steps.maintenance.distribution_id}\"",
        &format!("distribution_id = \"{id}\""),
    );
    assert_refused(&site, "attach", "shop.example.org");
}

/// With the upload going to ACM, a first apply imports the leaf; a second reuses the same ARN and
/// writes nothing.
#[tokio::test]
async fn acm_imports_once_and_reuses_the_same_certificate() {
    let site = Site::new().await;
    site.acm_upload_only();

    let first = site.apply();
    let imported = outputs(&first, "upload");
    assert_eq!(
        (imported["store"].as_str(), imported["reused"].as_bool()),
        (Some("acm"), Some(false)),
        "{imported}"
    );
    let arn = imported["id"].as_str().expect("arn");
    let acm = aws_sdk_acm::Client::new(&site.sdk);
    let body = acm
        .get_certificate()
        .certificate_arn(arn)
        .send()
        .await
        .expect("get")
        .certificate
        .expect("body");
    let leaf = std::fs::read_to_string(site.path().join("certs/site.pem")).expect("read");
    assert!(pem_eq(&body, &leaf), "ACM holds the leaf");

    site.clear_log();
    let second = site.apply();
    assert_eq!(outputs(&second, "upload")["reused"], true, "{second}");
    assert_eq!(outputs(&second, "upload")["id"], arn);
    assert_eq!(site.emulator.writes(), Vec::<Value>::new(), "no second import");
}
