//! Drift: a resource a step manages, changed by hand, is shown by a plan and set back by apply:
//! the three hand-made drifts of issue 14 (a health check's threshold, the page, a record's alias).

use serde_json::Value;

use crate::support::site::Site;

/// The site's plan, which must succeed and send no write.
fn plan_writing_nothing(site: &Site) -> Value {
    site.clear_log();
    let plan = site.switchyard("plan");
    assert_eq!(plan.code, 0, "{plan:?}");
    assert_eq!(site.emulator.writes(), Vec::<Value>::new(), "a plan writes nothing");
    plan.json()
}

/// The kinds of a planned step's changes, in order.
fn change_kinds(step: &Value) -> Vec<&str> {
    step["changes"]
        .as_array()
        .expect("changes")
        .iter()
        .filter_map(|c| c["change"]["kind"].as_str())
        .collect()
}

/// The health check's failure threshold changed in the console: the plan shows the update
/// (7 → 3) without writing, apply sets it back, a second plan has nothing to do, and rolling
/// back that run restores exactly the hand-made value.
#[tokio::test]
async fn a_health_check_changed_by_hand_is_set_back() {
    let site = Site::new().await;
    site.apply();
    let r53 = aws_sdk_route53::Client::new(&site.sdk);
    let checks = r53.list_health_checks().send().await.expect("checks").health_checks;
    let id = checks[0].id.clone();
    let threshold = || async {
        r53.get_health_check()
            .health_check_id(&id)
            .send()
            .await
            .expect("get")
            .health_check
            .and_then(|h| h.health_check_config)
            .and_then(|c| c.failure_threshold)
    };
    r53.update_health_check()
        .health_check_id(&id)
        .failure_threshold(7)
        .send()
        .await
        .expect("drift");

    let report = plan_writing_nothing(&site);
    let failover = &report["steps"][4];
    assert_eq!(failover["status"], "would-change", "{failover:#}");
    let change = &failover["changes"][0];
    assert_eq!(change["change"]["kind"], "update-health-check", "{failover:#}");
    let diff = change["diff"].as_array().expect("diff");
    assert!(
        diff.iter()
            .any(|d| d["field"] == "failure_threshold" && d["before"] == 7 && d["after"] == 3),
        "{diff:#?}"
    );

    let applied = site.apply();
    assert_eq!(threshold().await, Some(3), "set back");
    assert_eq!(
        checks.len(),
        r53.list_health_checks()
            .send()
            .await
            .expect("checks")
            .health_checks
            .len(),
        "updated in place, not created again"
    );
    site.clear_log();
    let again = site.switchyard("plan");
    assert_eq!(again.json()["steps"][4]["status"], "succeeded", "nothing left to do");

    let run = applied["run"].as_str().expect("run id");
    let rolled = site
        .emulator
        .switchyard()
        .dir(site.path())
        .run(["rollback", run, "--yes", "--output", "json"]);
    assert_eq!(rolled.code, 0, "{rolled:?}");
    assert_eq!(threshold().await, Some(7), "the state before that run, drift included");
}

/// The maintenance page overwritten by hand: the plan shows the upload, apply puts the page back.
#[tokio::test]
async fn a_page_changed_by_hand_is_put_back() {
    let site = Site::new().await;
    let first = site.apply();
    let out = crate::support::site::outputs(&first, "maintenance");
    let (bucket, key) = (
        out["bucket"].as_str().expect("bucket").to_owned(),
        out["page_key"].as_str().expect("key").to_owned(),
    );
    let s3 = aws_sdk_s3::Client::new(&site.sdk);
    s3.put_object()
        .bucket(&bucket)
        .key(&key)
        .body(b"<h1>hacked</h1>".to_vec().into())
        .content_type("text/html; charset=utf-8")
        .send()
        .await
        .expect("drift");

    let report = plan_writing_nothing(&site);
    let kinds = change_kinds(&report["steps"][2]);
    assert_eq!(kinds, ["put-object"], "{report:#}");

    site.apply();
    let page = s3.get_object().bucket(&bucket).key(&key).send().await.expect("get");
    let body = page.body.collect().await.expect("body").into_bytes();
    let want = std::fs::read(site.path().join("maintenance.html")).expect("page");
    assert_eq!(body.as_ref(), want.as_slice(), "the page is back");
}

/// A failover record's alias target changed by hand: the plan shows the record set UPSERTed
/// back, apply makes it point at the maintenance distribution again.
#[tokio::test]
async fn a_record_changed_by_hand_is_set_back() {
    use aws_sdk_route53::types::{
        AliasTarget, Change, ChangeAction, ChangeBatch, ResourceRecordSet, ResourceRecordSetFailover, RrType,
    };
    let site = Site::new().await;
    let first = site.apply();
    let domain = crate::support::site::outputs(&first, "maintenance")["domain_name"]
        .as_str()
        .expect("domain")
        .to_owned();
    let r53 = aws_sdk_route53::Client::new(&site.sdk);
    let secondary = |target: &str| {
        ResourceRecordSet::builder()
            .name("www.example.com.")
            .r#type(RrType::A)
            .set_identifier("www.example.com-secondary")
            .failover(ResourceRecordSetFailover::Secondary)
            .alias_target(
                AliasTarget::builder()
                    .hosted_zone_id("Z2FDTNDATAQYW2")
                    .dns_name(target)
                    .evaluate_target_health(false)
                    .build()
                    .expect("alias"),
            )
            .build()
            .expect("record")
    };
    let batch = ChangeBatch::builder()
        .changes(
            Change::builder()
                .action(ChangeAction::Upsert)
                .resource_record_set(secondary("d111111abcdef8.cloudfront.net."))
                .build()
                .expect("change"),
        )
        .build()
        .expect("batch");
    r53.change_resource_record_sets()
        .hosted_zone_id(&site.zone_id)
        .change_batch(batch)
        .send()
        .await
        .expect("drift");

    let report = plan_writing_nothing(&site);
    let failover = &report["steps"][4];
    assert_eq!(failover["status"], "would-change", "{failover:#}");

    site.apply();
    let sets = r53
        .list_resource_record_sets()
        .hosted_zone_id(&site.zone_id)
        .send()
        .await
        .expect("records")
        .resource_record_sets;
    let target = sets
        .iter()
        .find(|s| s.set_identifier.as_deref() == Some("www.example.com-secondary"))
        .and_then(|s| s.alias_target.as_ref())
        .map(|a| a.dns_name.trim_end_matches('.').to_owned());
    assert_eq!(
        target.as_deref(),
        Some(domain.as_str()),
        "back on the maintenance distribution"
    );
}

/// `plan --detailed-exitcode`, the CI drift check: 2 while there is something to change (before
/// the first apply, and after a hand-made drift), 0 once converged, 1 on an error, bad input
/// included (which is 2 without the flag) and a command line that does not parse.
#[tokio::test]
async fn plan_detailed_exitcode_says_whether_anything_would_change() {
    let site = Site::new().await;
    let file = site.file();
    let file = file.to_str().expect("utf-8");
    let plan = |extra: &[&str]| {
        let mut args = vec!["plan", "--detailed-exitcode", "--output", "json"];
        args.extend_from_slice(extra);
        site.emulator.switchyard().run(args)
    };
    site.clear_log();
    let first = plan(&[file]);
    assert_eq!(first.code, 2, "changes to make: {first:?}");
    assert_eq!(first.json()["ok"], true);
    assert_eq!(site.emulator.writes(), Vec::<Value>::new(), "a plan writes nothing");

    site.apply();
    assert_eq!(plan(&[file]).code, 0, "converged");
    assert_eq!(site.switchyard("plan").code, 0, "without the flag: 0 either way");

    let page = site.path().join("maintenance.html");
    std::fs::write(&page, "<h1>new page</h1>").expect("edit the page");
    let drifted = plan(&[file]);
    assert_eq!(drifted.code, 2, "{drifted:?}");
    assert_eq!(
        site.switchyard("plan").code,
        0,
        "without the flag, changes are a success"
    );

    site.edit("plugin = \"failover\"", "plugin = \"no-such-plugin\"");
    let bad = plan(&[file]);
    assert_eq!(bad.code, 1, "an error is 1, never 2: {bad:?}");
    assert!(bad.stdout.contains("no-such-plugin"), "{bad:?}");
    assert_eq!(site.switchyard("plan").code, 2, "without the flag, bad input is 2");
    assert_eq!(
        plan(&["--no-such-option", file]).code,
        1,
        "a command line that does not parse"
    );
}

/// The maintenance bucket opened to the public by hand (its public access block deleted): the
/// plan shows it closed again, apply puts back all four blocks.
#[tokio::test]
async fn a_bucket_opened_by_hand_is_closed_again() {
    let site = Site::new().await;
    let first = site.apply();
    let bucket = crate::support::site::outputs(&first, "maintenance")["bucket"]
        .as_str()
        .expect("bucket")
        .to_owned();
    let s3 = aws_sdk_s3::Client::new(&site.sdk);
    s3.delete_public_access_block()
        .bucket(&bucket)
        .send()
        .await
        .expect("drift");

    let report = plan_writing_nothing(&site);
    let kinds = change_kinds(&report["steps"][2]);
    assert_eq!(kinds, ["block-public-access"], "{report:#}");

    site.clear_log();
    site.apply();
    let actions: Vec<Value> = site.emulator.writes().iter().map(|w| w["action"].clone()).collect();
    assert_eq!(actions, ["PutPublicAccessBlock"], "one write, nothing else touched");
    let block = s3
        .get_public_access_block()
        .bucket(&bucket)
        .send()
        .await
        .expect("block")
        .public_access_block_configuration
        .expect("config");
    assert_eq!(
        [
            block.block_public_acls,
            block.ignore_public_acls,
            block.block_public_policy,
            block.restrict_public_buckets
        ],
        [Some(true); 4]
    );
}
