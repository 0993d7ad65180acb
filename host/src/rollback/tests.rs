//! Rollback and reconciliation through the gate, against AWS in memory.

use std::path::Path;
use std::sync::Arc;

use super::*;
use crate::changes::{CreateDistribution, PutBucketPolicy, SetViewerCertificate, UploadServerCertificate};
use crate::gate::{Apply, Grants, Mode};
use crate::journal::{Journal, RunStatus};
use crate::model::ServerCertificate;
use crate::provider::memory::Memory;
use crate::provider::{CloudfrontRead, IamRead, S3Read, S3Write};
use crate::report::Progress;
use crate::testing::{ACCOUNT, bundle, fake, iam_viewer, spec};

fn gate(aws: &Arc<Memory>, journal: &Journal, step: &str) -> Gate {
    let apply = Apply {
        aws: aws.clone(),
        journal: journal.clone(),
        expected: None,
    };
    Gate::new(step, Grants::host(), Mode::Apply(apply), Progress::default())
}

/// What a test compares: the certificates, distributions (with their viewer certificate) and
/// the bucket's policy.
async fn state(aws: &Memory) -> (Vec<String>, Vec<(String, Option<String>)>, Option<String>) {
    let certs = aws
        .list_server_certificates("/")
        .await
        .expect("lists")
        .into_iter()
        .map(|c| c.name)
        .collect();
    let dists = aws
        .list_distributions()
        .await
        .expect("lists")
        .into_iter()
        .map(|d| (d.id, d.viewer_certificate.certificate))
        .collect();
    (certs, dists, aws.get_bucket_policy("b").await.expect("reads"))
}

/// An apply: uploads a certificate, creates a distribution with it, sets a bucket policy,
/// then points a live distribution at the new certificate.
async fn apply(aws: &Arc<Memory>, journal: &Journal, live: &str) -> ServerCertificate {
    let mut gate = gate(aws, journal, "site");
    let call = crate::gate::Call::new(crate::gate::Capability::IamWrite, "x");
    let cert = gate
        .write(
            call,
            UploadServerCertificate {
                name: "site".into(),
                path: "/cloudfront/".into(),
                serial: "01".into(),
                bundle: Some(bundle(&["www.example.com"])),
            },
        )
        .await
        .expect("uploads");
    let spec = crate::model::DistributionSpec {
        aliases: vec!["maintenance.example.com".into()],
        ..spec("maintenance", &cert.id)
    };
    gate.write(
        call,
        CreateDistribution {
            caller_reference: "maintenance".into(),
            aliases: spec.aliases.clone(),
            spec: Box::new(spec),
        },
    )
    .await
    .expect("creates");
    gate.write(
        call,
        PutBucketPolicy {
            bucket: "b".into(),
            before: None,
            after: Some("{\"v\":1}".into()),
        },
    )
    .await
    .expect("policy");
    let d = aws.get_distribution(live).await.expect("live");
    gate.write(
        call,
        SetViewerCertificate {
            id: live.into(),
            etag: d.etag,
            before: d.viewer_certificate,
            after: iam_viewer(&cert.id),
        },
    )
    .await
    .expect("attached");
    cert
}

async fn a_live_site() -> (Arc<Memory>, String) {
    let aws = fake();
    aws.create_bucket("b", "us-east-1").await.expect("bucket");
    let live =
        crate::provider::CloudfrontWrite::create_distribution(&*aws, &spec("live", "ASCALIVE000000000000000"), None)
            .await
            .expect("live distribution");
    (aws, live.id)
}

#[tokio::test]
async fn a_rollback_restores_the_prior_state_journaling_every_undo_and_twice_changes_nothing() {
    let (aws, live) = a_live_site().await;
    let before = state(&aws).await;
    let dir = tempfile::tempdir().expect("temp dir");
    let journal = Journal::create(dir.path(), "wf", Path::new("/w.toml"), ACCOUNT, "us-east-1").expect("journal");
    apply(&aws, &journal, &live).await;
    assert_ne!(state(&aws).await, before);

    let run = Run::load(&journal.path()).expect("reads");
    let report = rollback(&run, &mut gate(&aws, &journal, "rollback"), &[])
        .await
        .expect("rolls back");
    assert!(report.complete, "{report:?}");
    assert_eq!(state(&aws).await, before, "the prior state exactly");
    let run = Run::load(&journal.path()).expect("reads");
    assert_eq!(run.status, RunStatus::RolledBack);
    assert!(run.changes.iter().all(|c| c.undo == Undo::Undone));
    let undo_writes: usize = run.changes.iter().map(|c| c.undone_by.len()).sum();
    assert_eq!(
        undo_writes, 5,
        "viewer certificate, policy, disable + delete, certificate"
    );
    assert!(
        run.changes
            .iter()
            .flat_map(|c| &c.undone_by)
            .all(|u| u.outcome == Outcome::Applied)
    );

    let again = rollback(&run, &mut gate(&aws, &journal, "rollback"), &[])
        .await
        .expect("rolls back");
    assert!(again.items.iter().all(|i| i.result == "already-undone"), "{again:?}");
    let run = Run::load(&journal.path()).expect("reads");
    assert_eq!(
        run.changes.iter().map(|c| c.undone_by.len()).sum::<usize>(),
        undo_writes,
        "nothing more sent"
    );
}

#[tokio::test]
async fn a_rollback_cut_short_is_interrupted_and_the_next_one_finishes_it() {
    let (aws, live) = a_live_site().await;
    let before = state(&aws).await;
    let dir = tempfile::tempdir().expect("temp dir");
    let journal = Journal::create(dir.path(), "wf", Path::new("/w.toml"), ACCOUNT, "us-east-1").expect("journal");
    apply(&aws, &journal, &live).await;
    drop(journal);

    // The first rollback sends the undo of the newest change, and the process dies.
    let run = Run::load(&only(dir.path())).expect("reads");
    let journal = Journal::open(&run).expect("opens");
    journal.append(Event::RollbackStarted).expect("journals");
    let newest = run.changes.last().expect("a change");
    let mut cut = gate(&aws, &journal, "rollback");
    for step in newest
        .change
        .undo(&*aws, newest.created.as_deref())
        .await
        .expect("undoable")
    {
        cut.undo(step, newest.seq).await.expect("sent");
    }
    drop(cut);
    drop(journal);
    let run = Run::load(&run.path).expect("reads");
    assert_eq!(run.status, RunStatus::RollbackInterrupted);

    let journal = Journal::open(&run).expect("opens");
    let report = rollback(&run, &mut gate(&aws, &journal, "rollback"), &[])
        .await
        .expect("rolls back");
    assert!(report.complete);
    assert_eq!(
        report.items[0].result, "already-undone",
        "the undo that was made is not made twice"
    );
    assert_eq!(state(&aws).await, before);
}

#[tokio::test]
async fn reconciling_finds_a_creation_whose_answer_was_lost() {
    let aws = fake();
    let dir = tempfile::tempdir().expect("temp dir");
    let journal = Journal::create(dir.path(), "wf", Path::new("/w.toml"), ACCOUNT, "us-east-1").expect("journal");
    // The intent is journaled and the bucket made, but the answer never came.
    let change = crate::changes::CreateBucket {
        name: "b".into(),
        region: "us-east-1".into(),
    };
    journal.intent("site", change.into(), None).expect("intent");
    aws.create_bucket("b", "us-east-1").await.expect("made");
    let run = Run::load(&journal.path()).expect("reads");
    reconcile(&run, &mut gate(&aws, &journal, "resume"))
        .await
        .expect("reconciles");
    let run = Run::load(&journal.path()).expect("reads");
    assert_eq!(run.changes[0].outcome, Outcome::Applied);
    assert_eq!(run.changes[0].created.as_deref(), Some("b"));
    assert_eq!(run.changes.len(), 2, "closing it to the public is finished, journaled");
    assert!(aws.public_access_blocked("b").await.expect("reads"));
}

fn only(dir: &Path) -> std::path::PathBuf {
    std::fs::read_dir(dir)
        .expect("dir")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .find(|p| p.extension().is_some_and(|e| e == "jsonl"))
        .expect("a run")
}
