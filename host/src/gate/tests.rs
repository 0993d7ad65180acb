//! The gate in each mode, against AWS in memory.

use std::path::Path;
use std::sync::Arc;

use super::*;
use crate::changes::CreateBucket;
use crate::journal::{Outcome, Run};
use crate::plan::PlannedChange;
use crate::provider::S3Read;
use crate::provider::memory::Memory;
use crate::testing::{ACCOUNT, fake};

fn grants(list: &[&str]) -> Grants {
    Grants::new(list.iter().map(|g| g.parse().expect("grant parses")).collect())
}

fn bucket(name: &str) -> CreateBucket {
    CreateBucket {
        name: name.into(),
        region: "us-east-1".into(),
    }
}

fn apply_gate(aws: Arc<Memory>, dir: &Path, granted: &[&str], expected: Option<Expected>) -> (Gate, Journal) {
    let journal = Journal::create(dir, "wf", Path::new("/w.toml"), ACCOUNT, "us-east-1").expect("journal");
    let apply = Apply {
        aws,
        journal: journal.clone(),
        expected,
    };
    (
        Gate::new("site", grants(granted), Mode::Apply(apply), Progress::default()),
        journal,
    )
}

#[tokio::test]
async fn apply_journals_each_write_then_its_outcome() {
    let aws = fake();
    let dir = tempfile::tempdir().expect("temp dir");
    let (mut gate, journal) = apply_gate(aws.clone(), dir.path(), &["s3:write"], None);
    let call = Call::new(Capability::S3Write, "ensure bucket").on("b");
    gate.write(call, bucket("b")).await.expect("created");
    // AWS refuses the second: it is journaled all the same, then its failure.
    let err = gate.write(call, bucket("b")).await.expect_err("exists");
    assert!(matches!(err, HostError::Conflict(_)), "{err}");
    let run = Run::load(&journal.path()).expect("reads");
    assert_eq!(run.changes.len(), 2);
    assert_eq!(run.changes[0].outcome, Outcome::Applied);
    assert_eq!(run.changes[0].created.as_deref(), Some("b"));
    assert!(matches!(run.changes[1].outcome, Outcome::NotApplied(ref e) if e.contains("BucketAlreadyOwnedByYou")));
    assert!(aws.bucket_exists("b").await.expect("reads"));
}

#[tokio::test]
async fn a_write_outside_the_grants_is_denied_unjournaled_and_unsent() {
    let aws = fake();
    let dir = tempfile::tempdir().expect("temp dir");
    let (mut gate, journal) = apply_gate(aws.clone(), dir.path(), &["s3:write:other"], None);
    let err = gate
        .write(Call::new(Capability::S3Write, "ensure bucket").on("b"), bucket("b"))
        .await
        .expect_err("denied");
    assert_eq!(err.to_string(), "denied: the step needs grant `s3:write:b`");
    assert!(Run::load(&journal.path()).expect("reads").changes.is_empty());
    assert!(!aws.bucket_exists("b").await.expect("reads"));
}

#[tokio::test]
async fn a_plan_records_the_write_in_its_view_and_sends_nothing() {
    let live = fake();
    let plan = Plan::over(Memory::plan(live.clone() as Arc<dyn Reader>, ACCOUNT));
    let mut gate = Gate::new(
        "site",
        grants(&["s3:write", "s3:read"]),
        Mode::Plan(plan.clone()),
        Progress::default(),
    );
    let call = Call::new(Capability::S3Write, "ensure bucket").on("b");
    gate.write(call, bucket("b")).await.expect("planned");
    let exists = gate
        .call(call, async |aws| aws.bucket_exists("b").await)
        .await
        .expect("reads");
    assert!(exists, "later reads see the planned bucket");
    assert!(!live.bucket_exists("b").await.expect("reads"), "AWS is untouched");
    assert_eq!(plan.changes(), vec![PlannedChange::new("site", bucket("b").into())]);
}

#[tokio::test]
async fn a_saved_plan_stops_a_write_it_does_not_have_before_it_is_journaled() {
    let aws = fake();
    let dir = tempfile::tempdir().expect("temp dir");
    let expected = Expected::new(vec![PlannedChange::new("site", bucket("planned").into())]);
    let (mut gate, journal) = apply_gate(aws.clone(), dir.path(), &["s3:write"], Some(expected));
    let call = Call::new(Capability::S3Write, "ensure bucket").on("other");
    let err = gate.write(call, bucket("other")).await.expect_err("not planned");
    assert!(matches!(err, HostError::Trap(ref e) if e.downcast_ref::<crate::plan::NotInPlan>().is_some()));
    assert!(Run::load(&journal.path()).expect("reads").changes.is_empty());
    assert!(!aws.bucket_exists("other").await.expect("reads"));
}

#[tokio::test]
async fn offline_there_is_no_aws() {
    let mut gate = Gate::new("validate", grants(&["s3:read"]), Mode::Offline, Progress::default());
    let call = Call::new(Capability::S3Read, "read").on("b");
    let err = gate
        .call(call, async |aws| aws.bucket_exists("b").await)
        .await
        .expect_err("offline");
    assert!(err.to_string().contains("runs without AWS"), "{err}");
}

#[tokio::test]
async fn a_write_whose_answer_never_came_stays_in_doubt() {
    // Nothing listens on port 9 of loopback: the request fails without an answer.
    let config = aws_config::defaults(aws_config::BehaviorVersion::latest())
        .region(aws_config::Region::new("us-east-1"))
        .endpoint_url("http://127.0.0.1:9")
        .credentials_provider(aws_sdk_sts::config::Credentials::new(
            "AKIDTEST",
            "not-a-secret",
            None,
            None,
            "test",
        ))
        .retry_config(crate::provider::retry::Policy::sdk_config())
        .load()
        .await;
    let aws = Arc::new(crate::provider::aws::Aws::from_config(&config).expect("a region"));
    let dir = tempfile::tempdir().expect("temp dir");
    let journal = Journal::create(dir.path(), "wf", Path::new("/w.toml"), ACCOUNT, "us-east-1").expect("journal");
    let apply = Apply {
        aws,
        journal: journal.clone(),
        expected: None,
    };
    let mut gate = Gate::new("site", grants(&["s3:write"]), Mode::Apply(apply), Progress::default());
    let err = gate
        .write(Call::new(Capability::S3Write, "ensure bucket").on("b"), bucket("b"))
        .await
        .expect_err("no answer");
    assert!(matches!(err, HostError::Transient(_)), "{err}");
    let run = Run::load(&journal.path()).expect("reads");
    assert_eq!(
        run.changes[0].outcome,
        Outcome::InDoubt,
        "not `failed`: AWS may have made it"
    );
}

/// A gate in plan mode over AWS in memory, granted `s3:read`, with call limits.
fn limited_gate(most: u32, per_second: u32) -> Gate {
    let plan = Plan::new(fake(), ACCOUNT);
    Gate::new("site", grants(&["s3:read"]), Mode::Plan(plan), Progress::default()).with_call_limits(most, per_second)
}

async fn head(gate: &mut Gate) -> Result<(), HostError> {
    let call = Call::new(Capability::S3Read, "read bucket").on("site");
    gate.call(call, async |aws| aws.bucket_exists("site").await.map(drop))
        .await
}

#[tokio::test]
async fn past_its_call_limit_a_step_is_stopped_by_name() {
    let mut gate = limited_gate(3, 1000);
    for _ in 0..3 {
        head(&mut gate).await.expect("within the limit");
    }
    let Err(HostError::Trap(trap)) = head(&mut gate).await else {
        panic!("the fourth call is not stopped");
    };
    assert_eq!(
        trap.to_string(),
        "made more than its limit of 3 host calls (`limits.host_calls`)"
    );
}

#[tokio::test(start_paused = true)]
async fn calls_faster_than_the_rate_wait_for_the_next_second() {
    let mut gate = limited_gate(10_000, 100);
    let started = Instant::now();
    for _ in 0..250 {
        head(&mut gate).await.expect("within the limit");
    }
    // 100 in the first second, 100 in the second, 50 in the third.
    assert_eq!(started.elapsed().as_secs(), 2);
    assert!(gate.host_time() >= Duration::from_secs(2), "the waits are host time");
}
