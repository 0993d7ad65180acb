//! Plugins built against older WIT versions run on today's host, end to end.

use serde_json::Value;

use crate::support::guests::{STEP_V0_1_0, STEP_V0_3_0};
use crate::support::site::{Site, outputs};
use crate::support::snapshot::snapshot;
use crate::support::{Emulator, workflow};

/// The 0.1.0 guest in place of the example's attach and failover steps: it uploads the site's
/// certificate under a name of its own and puts it on the maintenance distribution.
const STEP: &str = r#"
[[step]]
id = "old"
plugin = "GUEST"
with = { certificate = "certs/site.pem", private_key = "certs/site.key", chain = "certs/chain.pem", name = "v010-site", alias = "www.example.com" }
grants = ["identity:read", "certificates:load:certs/*", "iam:read", "iam:write:/cloudfront/", "cloudfront:read", "cloudfront:write", "route53:read"]
"#;

/// A 0.1.0 plugin in place of attach and failover plans its two changes without writing, applies
/// them, writes nothing on a second apply, and rolls back to the state before.
#[tokio::test]
async fn a_plugin_built_against_0_1_0_plans_applies_converges_and_rolls_back() {
    let site = Site::new().await;
    let before = snapshot(&site.sdk).await;
    let text = std::fs::read_to_string(site.file()).expect("read");
    let cut = text.find("[[step]]\nid = \"attach\"").expect("the attach step");
    std::fs::write(
        site.file(),
        text[..cut].to_owned() + &STEP.replace("GUEST", STEP_V0_1_0),
    )
    .expect("write");

    site.clear_log();
    let plan = site.switchyard("plan");
    assert_eq!(plan.code, 0, "{plan:?}");
    assert_eq!(site.emulator.writes(), Vec::<Value>::new(), "a plan writes nothing");
    let old = plan.json()["steps"][3].clone();
    assert_eq!(old["plugin"], "step-v0-1-0 0.1.0", "{old:#}");
    assert_eq!(old["status"], "would-change", "{old:#}");
    let kinds: Vec<&str> = old["changes"]
        .as_array()
        .expect("changes")
        .iter()
        .filter_map(|c| c["change"]["kind"].as_str())
        .collect();
    assert_eq!(
        kinds,
        ["upload-server-certificate", "set-viewer-certificate"],
        "{old:#}"
    );

    let applied = site.apply();
    let out = outputs(&applied, "old");
    assert_eq!(out["changed"], true, "{out:#}");
    assert_eq!(out["account"], crate::support::ACCOUNT);
    assert_eq!(out["zone"], site.zone_id.as_str());
    let cf = aws_sdk_cloudfront::Client::new(&site.sdk);
    let listed = cf.list_distributions().send().await.expect("list");
    let d = &listed.distribution_list.and_then(|l| l.items).expect("distributions")[0];
    let viewer = d.viewer_certificate.as_ref().expect("a viewer certificate");
    assert_eq!(viewer.iam_certificate_id.as_deref(), out["certificate_id"].as_str());

    site.clear_log();
    let again = site.apply();
    assert_eq!(outputs(&again, "old")["changed"], false);
    assert_eq!(site.emulator.writes(), Vec::<Value>::new(), "converged");

    let run = applied["run"].as_str().expect("run id");
    let rolled = site
        .emulator
        .switchyard()
        .dir(site.path())
        .run(["rollback", run, "--output", "json"]);
    assert_eq!(rolled.code, 0, "{rolled:?}");
    assert_eq!(snapshot(&site.sdk).await, before, "{rolled:?}");
}

/// `plugins inspect` names the WIT version a plugin was built against: 0.1.0 and 0.3.0 for the
/// old guests, 0.3.1 for validate-cert.
#[test]
fn inspect_names_the_wit_version_a_plugin_was_built_against() {
    for (plugin, wit) in [
        (STEP_V0_1_0, "0.1.0"),
        (STEP_V0_3_0, "0.3.0"),
        ("validate-cert", "0.3.1"),
    ] {
        let run = crate::support::switchyard().run(["plugins", "inspect", plugin, "--output", "json"]);
        assert_eq!(run.code, 0, "{run:?}");
        assert_eq!(run.json()["wit"], wit, "{plugin}");
    }
}

/// A plugin built against 0.3.0 runs on the 0.3.1 host (a patch only adds): its imports resolve
/// to the 0.3.1 definitions, in plan and in apply.
#[test]
fn a_plugin_built_against_0_3_0_runs_on_the_0_3_1_host() {
    let emulator = Emulator::start();
    let (_dir, file) = workflow(&format!(
        "[workflow]\nname = \"old\"\n\n[[step]]\nid = \"old\"\nplugin = \"{STEP_V0_3_0}\"\ngrants = [\"identity:read\"]\n"
    ));
    for (command, mode) in [("plan", "plan"), ("apply", "apply")] {
        let run = emulator
            .switchyard()
            .run([command, "--output", "json", file.to_str().expect("utf-8")]);
        assert_eq!(run.code, 0, "{run:?}");
        let out = outputs(&run.json(), "old").clone();
        assert_eq!(out["account"], crate::support::ACCOUNT, "{out:#}");
        assert_eq!(out["mode"], mode, "{out:#}");
        assert_eq!(out["ascii"], "xn--bcher-kva.example", "{out:#}");
    }
}
