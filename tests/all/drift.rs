//! Drift: a resource a step manages, changed by hand, is shown by a plan and set back by apply.

use serde_json::Value;

use crate::support::site::Site;

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

    site.clear_log();
    let plan = site.switchyard("plan");
    assert_eq!(plan.code, 0, "{plan:?}");
    assert_eq!(site.emulator.writes(), Vec::<Value>::new(), "a plan writes nothing");
    let failover = &plan.json()["steps"][4];
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
