//! The runner with the built-in plugins against AWS in memory: the whole maintenance-failover
//! workflow planned, applied as planned, and planned again, for both certificate stores.

use std::path::Path;
use std::sync::Arc;

use super::*;
use crate::gate::Apply;
use crate::journal::Journal;
use crate::model::{ChangeAction, RecordChange};
use crate::plan::{Expected, Plan};
use crate::provider::memory::Memory;
use crate::provider::{Reader, Route53Write};
use crate::testing::{ACCOUNT, ZONE, a_record, fake, site_certificates};

/// The example workflow, in a fresh directory with a certificate (and its root, trusted by the
/// validate step) and the page; `acm` switches every step to ACM.
fn example(dir: &Path, acm: bool) -> Workflow {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut text = std::fs::read_to_string(root.join("examples/maintenance-failover.toml")).expect("example");
    if acm {
        for (from, to) in [
            ("store = \"iam\", path = \"/cloudfront/\"", "store = \"acm\""),
            (
                "\"iam:read\", \"iam:write:/cloudfront/\"",
                "\"acm:read\", \"acm:write\"",
            ),
            (
                "store = \"iam\", certificate = \"${steps.upload.id}\"",
                "store = \"acm\", certificate = \"${steps.upload.id}\"",
            ),
            (
                "store = \"iam\", certificate = \"${steps.upload.name}\"",
                "store = \"acm\", certificate = \"${steps.upload.id}\"",
            ),
            (
                "\"cloudfront:write\", \"iam:read\"]",
                "\"cloudfront:write\", \"acm:read\"]",
            ),
        ] {
            assert!(text.contains(from), "the example has {from:?}");
            text = text.replace(from, to);
        }
    }
    // The test PKI is not one of Mozilla's: the validate step trusts its root.
    let validate = "domains = \"${vars.domains}\" }";
    assert!(text.contains(validate), "the example's validate step has changed");
    let text = text.replacen(
        validate,
        "domains = \"${vars.domains}\", trust_store = \"certs/root.pem\" }",
        1,
    );
    std::fs::write(dir.join("workflow.toml"), text).expect("write");
    std::fs::copy(root.join("examples/maintenance.html"), dir.join("maintenance.html")).expect("page");
    std::fs::create_dir(dir.join("certs")).expect("dir");
    site_certificates(&dir.join("certs"));
    Workflow::load(&dir.join("workflow.toml"), &|_| None).expect("the workflow loads")
}

/// A fake account with the live site's records.
async fn live_site() -> Arc<Memory> {
    let aws = fake();
    let record = |name: &str| RecordChange {
        action: ChangeAction::Create,
        record_set: a_record(name, "203.0.113.10"),
    };
    aws.change_record_sets(ZONE, &[record("www.example.com."), record("example.com.")], None)
        .await
        .expect("live records");
    aws
}

fn runner() -> Runner {
    Runner::new(Runtime::new(None).expect("a runtime"), Reporter::new(None))
}

async fn plan(runner: &Runner, workflow: &Workflow, steps: &[PreparedStep], aws: &Arc<Memory>) -> RunReport {
    let view = Memory::plan(aws.clone() as Arc<dyn Reader>, ACCOUNT);
    runner
        .execute(workflow, steps, ACCOUNT.into(), Mode::Plan(Plan::over(view)))
        .await
}

fn changes(report: &RunReport) -> Vec<PlannedChange> {
    report.steps.iter().flat_map(|s| s.changes.clone()).collect()
}

async fn plan_then_apply_as_planned(acm: bool) {
    let dir = tempfile::tempdir().expect("temp dir");
    let workflow = example(dir.path(), acm);
    let runner = runner();
    let steps = runner.prepare(&workflow).await.expect("the plugins load");
    let aws = live_site().await;

    let first = plan(&runner, &workflow, &steps, &aws).await;
    let statuses: Vec<(String, Status)> = first.steps.iter().map(|s| (s.id.clone(), s.status)).collect();
    assert!(first.ok, "{first:#?}");
    assert!(
        first
            .steps
            .iter()
            .all(|s| matches!(s.status, Status::Succeeded | Status::WouldChange)),
        "every step runs in a first plan: {statuses:?}\n{first:#?}"
    );
    let planned = changes(&first);
    let store = if acm {
        "ACM certificate (serial"
    } else {
        "IAM server certificate /cloudfront/"
    };
    assert!(planned[0].resource.starts_with(store), "{:?}", planned[0].resource);
    assert!(
        planned
            .iter()
            .any(|c| c.resource.starts_with("CloudFront distribution for www.example.com"))
    );
    assert!(planned.iter().any(|c| c.resource.starts_with("Route 53 record sets")));

    let journal =
        Journal::create(dir.path(), "maintenance-failover", &workflow.file, ACCOUNT, "us-east-1").expect("journal");
    let apply = Apply {
        aws: aws.clone(),
        journal: journal.clone(),
        expected: Some(Expected::new(planned.clone())),
    };
    let applied = runner
        .execute(&workflow, &steps, ACCOUNT.into(), Mode::Apply(apply))
        .await;
    assert!(applied.ok, "applied as planned: {applied:#?}");
    let made = crate::journal::Run::load(&journal.path()).expect("the journal reads");
    assert_eq!(made.changes.len(), planned.len(), "{made:#?}");

    let again = plan(&runner, &workflow, &steps, &aws).await;
    assert!(again.ok, "{again:#?}");
    assert_eq!(changes(&again), Vec::new(), "converged");
}

#[tokio::test]
async fn the_example_plans_whole_and_applies_as_planned_with_iam() {
    plan_then_apply_as_planned(false).await;
}

#[tokio::test]
async fn the_example_plans_whole_and_applies_as_planned_with_acm() {
    plan_then_apply_as_planned(true).await;
}
