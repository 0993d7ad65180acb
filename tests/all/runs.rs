//! Plans, the journal, rollback and resume, end to end on the maintenance-failover workflow:
//! the real binary and plugins against the emulator.

use std::time::{Duration, Instant};

use serde_json::{Value, json};

use switchyard::plan::matches_plan;

use crate::support::site::{Site, outputs};
use crate::support::snapshot::snapshot;

impl Site {
    /// Runs `switchyard ARGS --output json` in the site's directory (where runs are journaled).
    fn run(&self, args: &[&str]) -> crate::support::Run {
        self.emulator
            .switchyard()
            .dir(self.path())
            .run(args.iter().copied().chain(["--output", "json"]))
    }

    /// The runs journaled so far.
    fn runs(&self) -> Vec<Value> {
        let run = self.run(&["runs"]);
        assert_eq!(run.code, 0, "{run:?}");
        run.json().as_array().cloned().expect("a list of runs")
    }

    /// Starts `apply`, waits until the emulator holds a request of `action` (handled first when
    /// `after`), and kills the process with SIGKILL there.
    fn apply_killed_at(&self, action: &str, after: bool) {
        self.apply_killed_after(action, after, || {});
    }

    /// Like [`Site::apply_killed_at`], running `meanwhile` while the request is held.
    fn apply_killed_after(&self, action: &str, after: bool, meanwhile: impl FnOnce()) {
        self.emulator.post(
            "/_switchyard/hooks/stall",
            &json!({ "action": action, "after": after }).to_string(),
        );
        let file = self.file();
        let mut child = self
            .emulator
            .switchyard()
            .dir(self.path())
            .spawn(["apply", file.to_str().expect("utf-8")]);
        let started = Instant::now();
        while self.emulator.get("/_switchyard/hooks/stall")["stalled"] != true {
            if let Ok(Some(status)) = child.try_wait() {
                panic!("apply ended ({status}) before it sent {action}");
            }
            assert!(started.elapsed() < Duration::from_secs(60), "apply never sent {action}");
            std::thread::sleep(Duration::from_millis(20));
        }
        meanwhile();
        child.kill().expect("kill -9");
        child.wait().expect("reap");
        self.emulator.post("/_switchyard/hooks/stall", r#"{"release": true}"#);
    }
}

/// Counts the resources a converged apply leaves: exactly one of each, whatever happened.
async fn assert_no_duplicates(site: &Site, certificates: usize) {
    let state = snapshot(&site.sdk).await;
    let count = |v: &Value| v.as_array().map_or(0, Vec::len);
    assert_eq!(count(&state["iam"]), certificates, "{state:#}");
    assert_eq!(count(&state["cloudfront"]["distributions"]), 1, "{state:#}");
    assert_eq!(count(&state["cloudfront"]["origin_access_controls"]), 1, "{state:#}");
    assert_eq!(count(&state["cloudfront"]["response_headers_policies"]), 1, "{state:#}");
    assert_eq!(count(&state["route53"]["health_checks"]), 1, "{state:#}");
    assert_eq!(count(&state["s3"]), 1, "{state:#}");
}

/// A plan writes nothing and shows placeholders for what only apply learns; apply then makes
/// exactly the nine changes it listed, in order, each applied.
#[tokio::test]
async fn the_plan_writes_nothing_and_apply_makes_exactly_its_changes() {
    let site = Site::new().await;
    site.clear_log();
    let plan = site.run(&["plan", "workflow.toml"]);
    assert_eq!(plan.code, 0, "{plan:?}");
    assert_eq!(site.emulator.writes(), Vec::<Value>::new(), "a plan writes nothing");
    let plan = plan.json();
    let planned: Vec<Value> = plan["steps"]
        .as_array()
        .expect("steps")
        .iter()
        .flat_map(|s| s["changes"].as_array().cloned().unwrap_or_default())
        .collect();
    // Later steps ran against placeholders: attach-cert finds the planned distribution has the
    // planned certificate, and the failover pair points at the distribution the plan would
    // create.
    assert_eq!(plan["steps"][3]["status"], "succeeded", "{plan:#}");
    let failover = plan["steps"][4].clone();
    assert_eq!(failover["status"], "would-change", "{plan:#}");
    let records = failover["changes"][1]["diff"].to_string();
    assert!(
        records.contains("(known after apply: distribution domain name)"),
        "{records}"
    );
    assert!(
        records.contains("203.0.113.10"),
        "the plain records it replaces: {records}"
    );

    let applied = site.apply();
    let run_id = applied["run"].as_str().expect("run id");
    let shown = site.run(&["runs", "show", run_id]);
    assert_eq!(shown.code, 0, "{shown:?}");
    let made: Vec<Value> = shown.json()["changes"].as_array().cloned().expect("changes");
    assert_eq!(planned.len(), made.len(), "plan: {planned:#?}\nmade: {made:#?}");
    for (p, m) in planned.iter().zip(&made) {
        assert_eq!(p["step"], m["step"]);
        assert!(
            matches_plan(&p["change"], &m["change"]),
            "planned {:#}\nmade {:#}",
            p["change"],
            m["change"]
        );
        assert_eq!(m["outcome"]["state"], "applied", "{m:#}");
    }
    let kinds: Vec<&str> = made.iter().filter_map(|m| m["change"]["kind"].as_str()).collect();
    assert_eq!(
        kinds,
        [
            "upload-server-certificate",
            "create-bucket",
            "put-object",
            "create-origin-access-control",
            "create-response-headers-policy",
            "create-distribution",
            "put-bucket-policy",
            "create-health-check",
            "change-record-sets"
        ]
    );
}

/// A plugin that writes during a plan is held back: the plan exits 0 listing three changes, and
/// nothing is written; the same workflow's apply does change AWS.
#[tokio::test]
async fn a_plugin_that_writes_during_a_plan_changes_nothing() {
    let site = Site::new().await;
    let (_dir, file) = crate::support::workflow(&format!(
        "[workflow]\nname = \"writer\"\n\n[[step]]\nid = \"bad\"\nplugin = \"{}\"\nwith = {{ action = \"write\", value = \"{}\" }}\ngrants = [\"s3:write\", \"route53:write\"]\n",
        crate::support::guests::MISBEHAVE,
        site.zone_id
    ));
    let file = file.to_str().expect("utf-8");
    let before = snapshot(&site.sdk).await;
    site.clear_log();
    let plan = site.run(&["plan", file]);
    assert_eq!(plan.code, 0, "{plan:?}");
    assert_eq!(site.emulator.writes(), Vec::<Value>::new(), "{plan:?}");
    assert_eq!(snapshot(&site.sdk).await, before);
    let kinds: Vec<Value> = plan.json()["steps"][0]["changes"]
        .as_array()
        .expect("changes")
        .iter()
        .map(|c| c["change"]["kind"].clone())
        .collect();
    assert_eq!(kinds, ["create-bucket", "create-health-check", "change-record-sets"]);
    // The same plugin does write in apply: the plan, not the plugin, held it back.
    let applied = site.run(&["apply", file]);
    assert_eq!(applied.code, 0, "{applied:?}");
    assert_ne!(snapshot(&site.sdk).await, before);
}

/// A saved plan is refused as stale (exit 1, the changed TTL named, no write) once a record it
/// replaces changed; a fresh plan applies, keeping the new TTL.
#[tokio::test]
async fn a_saved_plan_is_refused_once_the_record_sets_changed() {
    let site = Site::new().await;
    let plan = site.run(&["plan", "workflow.toml", "--out", "plan.json"]);
    assert_eq!(plan.code, 0, "{plan:?}");
    // Someone changes a record the plan would replace.
    use aws_sdk_route53::types::{Change, ChangeAction, ChangeBatch, ResourceRecord, ResourceRecordSet, RrType};
    let r53 = aws_sdk_route53::Client::new(&site.sdk);
    let record = ResourceRecordSet::builder()
        .name("www.example.com.")
        .r#type(RrType::A)
        .ttl(120)
        .resource_records(ResourceRecord::builder().value("203.0.113.10").build().expect("value"))
        .build()
        .expect("record");
    let change = Change::builder()
        .action(ChangeAction::Upsert)
        .resource_record_set(record)
        .build()
        .expect("change");
    r53.change_resource_record_sets()
        .hosted_zone_id(&site.zone_id)
        .change_batch(ChangeBatch::builder().changes(change).build().expect("batch"))
        .send()
        .await
        .expect("upsert");
    let before = snapshot(&site.sdk).await;
    site.clear_log();
    let stale = site.run(&["apply", "workflow.toml", "--plan", "plan.json"]);
    assert_eq!(stale.code, 1, "{stale:?}");
    assert!(stale.stdout.contains("the plan is stale"), "{stale:?}");
    assert!(
        stale.stdout.contains("www.example.com. A.ttl"),
        "names the field: {stale:?}"
    );
    assert_eq!(
        site.emulator.writes(),
        Vec::<Value>::new(),
        "a stale plan changes nothing"
    );
    assert_eq!(snapshot(&site.sdk).await, before);

    // A new plan applies, and the records keep the new TTL.
    let plan = site.run(&["plan", "workflow.toml", "--out", "plan.json"]);
    assert_eq!(plan.code, 0, "{plan:?}");
    let applied = site.run(&["apply", "workflow.toml", "--plan", "plan.json"]);
    assert_eq!(applied.code, 0, "{applied:?}");
    let records = outputs(&applied.json(), "failover")["records"].to_string();
    assert!(records.contains(r#""ttl":120"#), "{records}");
}

/// A saved plan applies; a saved renewal plan is refused as stale (exit 1, no write) once someone
/// else updated the distribution, and a fresh one applies and attaches the new certificate.
#[tokio::test]
async fn a_saved_plan_applies_and_is_refused_once_the_distribution_changed() {
    let site = Site::new().await;
    let plan = site.run(&["plan", "workflow.toml", "--out", "plan.json"]);
    assert_eq!(plan.code, 0, "{plan:?}");
    let applied = site.run(&["apply", "workflow.toml", "--plan", "plan.json"]);
    assert_eq!(applied.code, 0, "{applied:?}");
    let id = outputs(&applied.json(), "maintenance")["distribution_id"]
        .as_str()
        .expect("id")
        .to_owned();

    // A renewal, planned: attach-cert reads the certificate the plan would upload.
    site.new_certificate(200);
    let plan = site.run(&["plan", "workflow.toml", "--out", "renewal.json"]);
    assert_eq!(plan.code, 0, "{plan:?}");
    let attach = &plan.json()["steps"][3];
    assert_eq!(attach["status"], "would-change", "{attach:#}");
    assert_eq!(
        attach["changes"][0]["diff"][0]["after"], "(known after apply: IAM server certificate id)",
        "{attach:#}"
    );
    // Someone else changes the distribution: its ETag moves on.
    let cf = aws_sdk_cloudfront::Client::new(&site.sdk);
    let current = cf.get_distribution_config().id(&id).send().await.expect("config");
    let mut config = current.distribution_config.expect("config");
    config.comment = "changed by hand".into();
    cf.update_distribution()
        .id(&id)
        .if_match(current.e_tag.expect("etag"))
        .distribution_config(config)
        .send()
        .await
        .expect("update");
    let before = snapshot(&site.sdk).await;
    site.clear_log();
    let stale = site.run(&["apply", "workflow.toml", "--plan", "renewal.json"]);
    assert_eq!(stale.code, 1, "{stale:?}");
    assert!(stale.stdout.contains("the plan is stale"), "{stale:?}");
    assert_eq!(
        site.emulator.writes(),
        Vec::<Value>::new(),
        "a stale plan changes nothing"
    );
    assert_eq!(snapshot(&site.sdk).await, before);

    // A fresh plan applies.
    let plan = site.run(&["plan", "workflow.toml", "--out", "renewal.json"]);
    assert_eq!(plan.code, 0, "{plan:?}");
    let applied = site.run(&["apply", "workflow.toml", "--plan", "renewal.json"]);
    assert_eq!(applied.code, 0, "{applied:?}");
    assert_eq!(outputs(&applied.json(), "attach")["changed"], true);
}

/// `rollback --plan` writes nothing and lists nine undos; rollback leaves AWS as before the run,
/// marks it rolled-back, and a second rollback finds everything already undone and writes nothing.
#[tokio::test]
async fn rollback_leaves_aws_exactly_as_before_the_run() {
    let site = Site::new().await;
    let before = snapshot(&site.sdk).await;
    let applied = site.apply();
    let run_id = applied["run"].as_str().expect("run id").to_owned();
    assert_ne!(snapshot(&site.sdk).await, before);

    site.clear_log();
    let plan = site.run(&["rollback", &run_id, "--plan"]);
    assert_eq!(plan.code, 0, "{plan:?}");
    assert_eq!(
        site.emulator.writes(),
        Vec::<Value>::new(),
        "a rollback plan writes nothing"
    );
    let items = plan.json()["items"].as_array().cloned().expect("items");
    assert_eq!(items.len(), 9, "{items:#?}");
    assert!(items.iter().all(|i| i["result"] == "would-undo"), "{items:#?}");

    let rolled = site.run(&["rollback", &run_id]);
    assert_eq!(rolled.code, 0, "{rolled:?}");
    assert_eq!(rolled.json()["complete"], true, "{rolled:?}");
    assert_eq!(snapshot(&site.sdk).await, before, "{rolled:?}");
    let runs = site.runs();
    assert_eq!(runs[0]["status"], "rolled-back", "{runs:#?}");

    // Twice is harmless.
    site.clear_log();
    let again = site.run(&["rollback", &run_id]);
    assert_eq!(again.code, 0, "{again:?}");
    assert!(
        again.json()["items"]
            .as_array()
            .expect("items")
            .iter()
            .all(|i| i["result"] == "already-undone"),
        "{again:?}"
    );
    assert_eq!(site.emulator.writes(), Vec::<Value>::new());
}

/// After an apply, no journal file holds the private key (its PEM label or body) or the AWS
/// secret key.
#[tokio::test]
async fn the_journal_holds_no_secret() {
    let site = Site::new().await;
    site.apply();
    let key = std::fs::read_to_string(site.path().join("certs/site.key")).expect("key");
    let body: String = key.lines().filter(|l| !l.starts_with("-----")).collect();
    for entry in std::fs::read_dir(site.path().join(".switchyard/runs")).expect("runs dir") {
        let text = std::fs::read_to_string(entry.expect("entry").path()).expect("journal");
        assert!(!text.contains("PRIVATE KEY"), "{text}");
        assert!(!text.contains(&body[..40]), "{text}");
        assert!(!text.contains("testing-secret-key"), "{text}");
    }
}

/// With a private origin address, `apply --rollback-on-failure` exits 1, reports its rollback
/// complete, and leaves AWS as before.
#[tokio::test]
async fn a_failed_step_stops_the_run_and_rollback_on_failure_undoes_it() {
    let site = Site::new().await;
    let before = snapshot(&site.sdk).await;
    // Route 53 cannot check a private address: the failover step refuses it, after the upload
    // and the maintenance site were made.
    site.edit(r#"origin = "203.0.113.10""#, r#"origin = "10.0.0.10""#);
    let run = site.run(&["apply", "workflow.toml", "--rollback-on-failure"]);
    assert_eq!(run.code, 1, "{run:?}");
    let report = run.json();
    let failed: Vec<&Value> = report["steps"]
        .as_array()
        .expect("steps")
        .iter()
        .filter(|s| s["status"] == "failed")
        .collect();
    assert_eq!(failed.len(), 1, "{report:#}");
    assert_eq!(failed[0]["id"], "failover", "{report:#}");
    let undone = report["rollback"]["items"].as_array().expect("items");
    assert!(
        undone.len() >= 6 && undone.iter().all(|i| i["result"] == "undone"),
        "what the earlier steps made: {report:#}"
    );
    assert_eq!(report["rollback"]["complete"], true, "{report:#}");
    assert_eq!(snapshot(&site.sdk).await, before, "{report:#}");
}

/// The changes of run `id` of kind `kind`.
fn journaled(site: &Site, id: &Value, kind: &str) -> Vec<Value> {
    let shown = site.run(&["runs", "show", id.as_str().expect("id")]);
    assert_eq!(shown.code, 0, "{shown:?}");
    let changes = shown.json()["changes"].as_array().cloned().expect("changes");
    changes.into_iter().filter(|c| c["change"]["kind"] == kind).collect()
}

/// While an apply is held mid-run, a second exits 2 (the workflow is locked by its name and
/// account, so a copy of the file under another name is refused too, before any write), the run
/// is listed as running and its rollback exits 2; once the first is killed, the next apply
/// resumes it.
#[tokio::test]
async fn a_second_apply_is_refused_while_the_first_runs() {
    let site = Site::new().await;
    std::fs::copy(site.dir.path().join("workflow.toml"), site.dir.path().join("copy.toml")).expect("copy");
    site.apply_killed_after("CreateDistribution", false, || {
        let writes = site.emulator.writes().len();
        for file in ["workflow.toml", "copy.toml"] {
            let second = site.run(&["apply", file]);
            assert_eq!(second.code, 2, "{file}: {second:?}");
            assert!(
                second.stdout.contains(
                    "workflow maintenance-failover in account 123456789012 is being applied or rolled back by another switchyard process"
                ),
                "{file}: {second:?}"
            );
        }
        assert_eq!(site.emulator.writes().len(), writes, "the refused applies wrote nothing");
        let runs = site.runs();
        assert_eq!(runs.len(), 1, "{runs:#?}");
        assert_eq!(runs[0]["status"], "running", "{runs:#?}");
        let rollback = site.run(&["rollback", runs[0]["id"].as_str().expect("id")]);
        assert_eq!(rollback.code, 2, "{rollback:?}");
    });
    let resumed = site.apply();
    assert_eq!(resumed["resumed"], true, "{resumed:#}");
}

/// Kills `apply` while AWS holds a request of `action` (made by a change of `kind`), resumes,
/// checks nothing is duplicated and the in-flight change is accounted for as `outcomes` says,
/// then rolls back to the state before.
async fn killed_then_resumed(action: &str, after: bool, kind: &str, outcomes: &[&str]) {
    let site = Site::new().await;
    let before = snapshot(&site.sdk).await;
    site.apply_killed_at(action, after);
    let runs = site.runs();
    assert_eq!(runs.len(), 1, "{runs:#?}");
    assert_eq!(runs[0]["status"], "interrupted", "{runs:#?}");

    let resumed = site.apply();
    assert_eq!(resumed["resumed"], true, "{resumed:#}");
    assert_eq!(resumed["run"], runs[0]["id"], "the same run goes on");
    assert_no_duplicates(&site, 1).await;
    let made: Vec<Value> = journaled(&site, &runs[0]["id"], kind)
        .into_iter()
        .map(|c| c["outcome"]["state"].clone())
        .collect();
    assert_eq!(made, outcomes, "{kind}");
    site.clear_log();
    let again = site.apply();
    assert_eq!(site.emulator.writes(), Vec::<Value>::new(), "converged: {again:#}");

    let rolled = site.run(&["rollback", runs[0]["id"].as_str().expect("id")]);
    assert_eq!(rolled.code, 0, "{rolled:?}");
    assert_eq!(snapshot(&site.sdk).await, before, "{rolled:?}");
}

/// An apply killed at `CreateBucket`, before AWS handles it, resumes and rolls back: the bucket is
/// journaled `not-applied`, then `applied` (see `killed_then_resumed`).
#[tokio::test]
async fn killed_after_the_upload_resumes_and_rolls_back() {
    // The bucket was never created: the journal says so, and the resumed run creates it.
    killed_then_resumed("CreateBucket", false, "create-bucket", &["not-applied", "applied"]).await;
}

/// An apply killed once AWS made the distribution but before it answered resumes with that one
/// only, journaled `applied` once, and rolls back (see `killed_then_resumed`).
#[tokio::test]
async fn killed_while_the_distribution_is_created_resumes_without_a_second_one() {
    // AWS made it, the answer was lost: resume finds it by its caller reference.
    killed_then_resumed("CreateDistribution", true, "create-distribution", &["applied"]).await;
}

/// An apply killed once AWS changed the records but before it answered resumes with the change
/// left `in-doubt`, and rollback restores the records (see `killed_then_resumed`).
#[tokio::test]
async fn killed_mid_failover_resumes_and_rolls_back() {
    // AWS made the change, the answer was lost: in doubt, and rollback restores the records.
    killed_then_resumed("ChangeResourceRecordSets", true, "change-record-sets", &["in-doubt"]).await;
}

/// A renewal apply killed after attach's update resumes with no duplicate; rolling back the
/// first run is refused (exit 2) naming the second, whose rollback restores the state before it.
#[tokio::test]
async fn killed_mid_attach_resumes_and_rolls_back_to_the_previous_certificate() {
    let site = Site::new().await;
    site.apply();
    let before = snapshot(&site.sdk).await;
    site.new_certificate(200);
    site.apply_killed_at("UpdateDistribution", true);
    let runs = site.runs();
    assert_eq!(runs[1]["status"], "interrupted", "{runs:#?}");
    let resumed = site.apply();
    assert_eq!(resumed["resumed"], true, "{resumed:#}");
    assert_no_duplicates(&site, 2).await;
    let set = journaled(&site, &runs[1]["id"], "set-viewer-certificate");
    assert_eq!(set.len(), 1, "killed in attach-cert's write: {set:#?}");
    // The first run cannot be rolled back from under the second.
    let older = site.run(&["rollback", runs[0]["id"].as_str().expect("id")]);
    assert_eq!(older.code, 2, "{older:?}");
    assert!(older.stdout.contains(runs[1]["id"].as_str().expect("id")), "{older:?}");
    let rolled = site.run(&["rollback", runs[1]["id"].as_str().expect("id")]);
    assert_eq!(rolled.code, 0, "{rolled:?}");
    assert_eq!(snapshot(&site.sdk).await, before, "{rolled:?}");
}

/// An apply killed once ACM imported the certificate resumes with no second import, journaling
/// the one ACM holds as created; rollback restores the state before.
#[tokio::test]
async fn an_acm_import_killed_in_flight_is_found_again_and_rolled_back() {
    let site = Site::new().await;
    site.acm_upload_only();
    let before = snapshot(&site.sdk).await;

    // ACM imports it; the answer, with its ARN, is lost.
    site.apply_killed_at("ImportCertificate", true);
    let runs = site.runs();
    assert_eq!(runs[0]["status"], "interrupted", "{runs:#?}");
    let resumed = site.apply();
    assert_eq!(resumed["resumed"], true, "{resumed:#}");
    let state = snapshot(&site.sdk).await;
    assert_eq!(
        state["acm"].as_array().map(Vec::len),
        Some(1),
        "no second import: {state:#}"
    );
    let imports = journaled(&site, &runs[0]["id"], "import-certificate");
    assert_eq!(imports.len(), 1, "{imports:#?}");
    assert_eq!(
        imports[0]["created"], state["acm"][0],
        "found by its serial: {imports:#?}"
    );

    let rolled = site.run(&["rollback", runs[0]["id"].as_str().expect("id")]);
    assert_eq!(rolled.code, 0, "{rolled:?}");
    assert_eq!(snapshot(&site.sdk).await, before, "{rolled:?}");
}

/// Rolling back a run that overwrote the page exits 1, incomplete: the object is `irreversible`
/// (no earlier version kept), the run partly-rolled-back, and a second rollback says so again.
#[tokio::test]
async fn a_change_that_cannot_be_undone_is_reported_not_skipped() {
    let site = Site::new().await;
    site.apply();
    // A new maintenance page overwrites the old object: S3 keeps no earlier version here.
    std::fs::write(site.path().join("maintenance.html"), "<h1>Back soon</h1>\n").expect("write page");
    let second = site.apply();
    let run_id = second["run"].as_str().expect("run id").to_owned();

    let rolled = site.run(&["rollback", &run_id]);
    assert_eq!(rolled.code, 1, "not everything could be undone: {rolled:?}");
    let report = rolled.json();
    assert_eq!(report["complete"], false, "{report:#}");
    let items = report["items"].as_array().expect("items");
    let put = items
        .iter()
        .find(|i| i["resource"].as_str().is_some_and(|r| r.starts_with("S3 object")))
        .expect("the page");
    assert_eq!(put["result"], "irreversible", "{report:#}");
    assert!(
        put["reason"].as_str().is_some_and(|r| r.contains("not kept")),
        "{report:#}"
    );
    let runs = site.runs();
    assert_eq!(runs[1]["status"], "partly-rolled-back", "{runs:#?}");
    let shown = site.run(&["runs", "show", &run_id]);
    assert_eq!(shown.json()["changes"][0]["undo"]["state"], "irreversible", "{shown:?}");

    // Asked again, it says so again.
    let again = site.run(&["rollback", &run_id]);
    assert_eq!(again.code, 1, "{again:?}");
    assert!(again.stdout.contains("irreversible"), "{again:?}");
}

/// Switches the example to ACM end to end: the upload imports into ACM, and the maintenance
/// site and attach-cert use the ACM certificate's ARN.
fn acm_everywhere(site: &Site) {
    site.edit("store = \"iam\", path = \"/cloudfront/\"", "store = \"acm\"");
    site.edit(
        "\"iam:read\", \"iam:write:/cloudfront/\"",
        "\"acm:read\", \"acm:write\"",
    );
    site.edit(
        "store = \"iam\", certificate = \"${steps.upload.id}\"",
        "store = \"acm\", certificate = \"${steps.upload.id}\"",
    );
    site.edit(
        "store = \"iam\", certificate = \"${steps.upload.name}\"",
        "store = \"acm\", certificate = \"${steps.upload.id}\"",
    );
    site.edit(
        "\"cloudfront:write\", \"iam:read\"]",
        "\"cloudfront:write\", \"acm:read\"]",
    );
}

/// A first plan runs every step of the workflow and lists every change; `apply --plan` then
/// makes exactly those.
async fn first_plan_then_apply_it(site: &Site, first: &str) {
    site.clear_log();
    let plan = site.run(&["plan", "workflow.toml", "--out", "plan.json"]);
    assert_eq!(plan.code, 0, "{plan:?}");
    assert_eq!(site.emulator.writes(), Vec::<Value>::new(), "a plan writes nothing");
    let report = plan.json();
    let steps = report["steps"].as_array().expect("steps");
    for step in steps {
        assert!(
            step["status"] == "would-change" || step["status"] == "succeeded",
            "every step runs in a first plan: {step:#}"
        );
    }
    let planned: Vec<Value> = steps
        .iter()
        .flat_map(|s| s["changes"].as_array().cloned().unwrap_or_default())
        .collect();
    assert_eq!(planned[0]["change"]["kind"], first, "{planned:#?}");
    assert_eq!(planned.len(), 9, "{planned:#?}");
    let applied = site.run(&["apply", "workflow.toml", "--plan", "plan.json"]);
    assert_eq!(applied.code, 0, "{applied:?}");
    let made = journaled_all(site, &applied.json()["run"]);
    assert_eq!(made.len(), planned.len(), "{made:#?}");
    for (p, m) in planned.iter().zip(&made) {
        assert!(
            matches_plan(&p["change"], &m["change"]),
            "planned {:#}\nmade {:#}",
            p["change"],
            m["change"]
        );
    }
    site.clear_log();
    site.apply();
    assert_eq!(site.emulator.writes(), Vec::<Value>::new(), "converged");
}

/// Every change of run `id`.
fn journaled_all(site: &Site, id: &Value) -> Vec<Value> {
    let shown = site.run(&["runs", "show", id.as_str().expect("id")]);
    assert_eq!(shown.code, 0, "{shown:?}");
    shown.json()["changes"].as_array().cloned().expect("changes")
}

/// With IAM, a first plan writes nothing, runs every step and lists nine changes, the upload
/// first; `apply --plan` makes as many, and a further apply writes nothing.
#[tokio::test]
async fn a_first_plan_of_the_whole_workflow_with_iam_lists_every_change_and_applies() {
    let site = Site::new().await;
    first_plan_then_apply_it(&site, "upload-server-certificate").await;
}

/// With ACM throughout, a first plan writes nothing, runs every step and lists nine changes, the
/// import first; `apply --plan` makes as many, and a further apply writes nothing.
#[tokio::test]
async fn a_first_plan_of_the_whole_workflow_with_acm_lists_every_change_and_applies() {
    let site = Site::new().await;
    acm_everywhere(&site);
    first_plan_then_apply_it(&site, "import-certificate").await;
}

/// Starts `rollback RUN`, waits until the emulator holds a request of `action` (handled first
/// when `after`), and kills the process with SIGKILL there.
fn rollback_killed_at(site: &Site, run: &str, action: &str, after: bool) {
    site.emulator.post(
        "/_switchyard/hooks/stall",
        &json!({ "action": action, "after": after }).to_string(),
    );
    let mut child = site.emulator.switchyard().dir(site.path()).spawn(["rollback", run]);
    let started = Instant::now();
    while site.emulator.get("/_switchyard/hooks/stall")["stalled"] != true {
        if let Ok(Some(status)) = child.try_wait() {
            panic!("rollback ended ({status}) before it sent {action}");
        }
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "rollback never sent {action}"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    child.kill().expect("kill -9");
    child.wait().expect("reap");
    site.emulator.post("/_switchyard/hooks/stall", r#"{"release": true}"#);
}

/// A rollback killed after CloudFront disabled the distribution blocks apply (exit 2) and leaves
/// that disable in doubt; the next rollback completes and AWS is as before the run.
#[tokio::test]
async fn killed_during_a_rollback_the_next_rollback_finishes_it_exactly() {
    let site = Site::new().await;
    let before = snapshot(&site.sdk).await;
    let applied = site.apply();
    let run = applied["run"].as_str().expect("run id").to_owned();
    // CloudFront disables the maintenance distribution; the answer is lost with the process.
    rollback_killed_at(&site, &run, "UpdateDistribution", true);
    let runs = site.runs();
    assert_eq!(runs[0]["status"], "rollback-interrupted", "{runs:#?}");
    let refused = site.run(&["apply", "workflow.toml"]);
    assert_eq!(refused.code, 2, "an apply waits for the rollback: {refused:?}");
    assert!(refused.stdout.contains("rollback"), "{refused:?}");
    let shown = journaled_all(&site, &runs[0]["id"]);
    let in_flight: Vec<&Value> = shown
        .iter()
        .flat_map(|c| c["undone_by"].as_array().into_iter().flatten())
        .filter(|u| u["outcome"]["state"] == "in-doubt")
        .collect();
    assert_eq!(
        in_flight.len(),
        1,
        "the disable, journaled before it was sent: {shown:#?}"
    );
    assert_eq!(in_flight[0]["change"]["kind"], "disable-distribution");

    let rolled = site.run(&["rollback", &run]);
    assert_eq!(rolled.code, 0, "{rolled:?}");
    assert_eq!(rolled.json()["complete"], true, "{rolled:?}");
    assert_eq!(snapshot(&site.sdk).await, before, "{rolled:?}");
    assert_eq!(site.runs()[0]["status"], "rolled-back");
}
