//! The journal's own tests: durability, torn lines, formats, and a journal written by the
//! release before this format, read back.

use std::fs::OpenOptions;
use std::io::Write;
use std::path::Path;

use super::*;
use crate::changes::{CreateBucket, DeleteBucket, Kind};

fn bucket(name: &str) -> Change {
    CreateBucket {
        name: name.into(),
        region: "us-east-1".into(),
    }
    .into()
}

#[test]
fn a_run_reads_back_and_survives_a_cut_off_last_line() {
    let dir = tempfile::tempdir().expect("temp dir");
    let journal =
        Journal::create(dir.path(), "wf", Path::new("/w.toml"), "123456789012", "us-east-1").expect("created");
    let seq = journal.intent("site", bucket("b"), None).expect("intent");
    journal.append(Event::Done { seq, created: None }).expect("done");
    let seq2 = journal
        .intent("site", DeleteBucket { name: "c".into() }.into(), None)
        .expect("intent");
    let path = journal.path();
    drop(journal);
    // A crash in the middle of the next write.
    let mut f = OpenOptions::new().append(true).open(&path).expect("open");
    f.write_all(br#"{"format":2,"at":"x","event":"done","se"#)
        .expect("write");

    let run = Run::load(&path).expect("loads");
    assert_eq!(run.status, RunStatus::Interrupted);
    assert_eq!(run.changes.len(), 2);
    assert_eq!(run.changes[0].change, bucket("b"));
    assert_eq!(run.changes[0].outcome, Outcome::Applied);
    assert_eq!(run.changes[1].seq, seq2);
    assert_eq!(run.changes[1].outcome, Outcome::InDoubt);
}

#[test]
fn a_torn_last_line_is_cut_before_anything_is_appended() {
    let dir = tempfile::tempdir().expect("temp dir");
    let journal = Journal::create(dir.path(), "wf", Path::new("/w.toml"), "1", "us-east-1").expect("created");
    journal.intent("site", bucket("b"), None).expect("intent");
    let path = journal.path();
    drop(journal);
    let mut f = OpenOptions::new().append(true).open(&path).expect("open");
    f.write_all(br#"{"format":2,"at":"x","event":"do"#).expect("torn");
    drop(f);

    let run = Run::load(&path).expect("loads");
    let journal = Journal::open(&run).expect("opens");
    journal.append(Event::Resumed).expect("appends");
    drop(journal);
    let text = std::fs::read_to_string(&path).expect("read");
    assert!(!text.contains(r#""event":"do""#), "the torn line is gone: {text}");
    let run = Run::load(&path).expect("still a journal");
    assert_eq!(run.resumed, 1);
    assert_eq!(run.changes.len(), 1);
}

#[test]
fn a_held_run_shows_as_running_and_cannot_be_opened_twice() {
    let dir = tempfile::tempdir().expect("temp dir");
    let journal = Journal::create(dir.path(), "wf", Path::new("/w.toml"), "1", "us-east-1").expect("created");
    let run = Run::load(&journal.path()).expect("loads");
    assert_eq!(run.status, RunStatus::Running);
    assert!(matches!(Journal::open(&run), Err(JournalError::Busy { .. })));
    drop(journal);
    assert_eq!(Run::load(&run.path).expect("loads").status, RunStatus::Interrupted);
}

#[test]
fn a_line_of_a_newer_format_makes_the_run_damaged_with_the_format_named_and_unrepairable() {
    let dir = tempfile::tempdir().expect("temp dir");
    let journal = Journal::create(dir.path(), "wf", Path::new("/w.toml"), "1", "us-east-1").expect("created");
    let path = journal.path();
    drop(journal);
    let mut f = OpenOptions::new().append(true).open(&path).expect("open");
    f.write_all(b"{\"format\":3,\"at\":\"x\",\"event\":\"teleported\"}\n")
        .expect("write");
    f.write_all(b"{\"format\":2,\"at\":\"x\",\"event\":\"resumed\"}\n")
        .expect("write");
    let run = Run::load(&path).expect("a damaged run still loads");
    assert_eq!(run.status, RunStatus::Damaged);
    let damage = run.damage.as_ref().expect("damage");
    assert_eq!(damage.line, 2);
    assert!(damage.reason.contains("reads formats 1 to 2"), "{}", damage.reason);
    let err = repair(&run).expect_err("a newer switchyard's lines are not dropped");
    assert!(
        matches!(err, JournalError::NewerFormat { format: 3, line: 2, .. }),
        "{err}"
    );
}

#[test]
fn undo_changes_are_kept_under_the_change_they_undo() {
    let dir = tempfile::tempdir().expect("temp dir");
    let journal = Journal::create(dir.path(), "wf", Path::new("/w.toml"), "1", "us-east-1").expect("created");
    let seq = journal.intent("site", bucket("b"), None).expect("intent");
    journal
        .append(Event::Done {
            seq,
            created: Some("b".into()),
        })
        .expect("done");
    journal.append(Event::RollbackStarted).expect("rollback");
    let undo = journal
        .intent("rollback", DeleteBucket { name: "b".into() }.into(), Some(seq))
        .expect("undo intent");
    let run = Run::load(&journal.path()).expect("loads");
    assert_eq!(run.status, RunStatus::Running, "held while the rollback runs");
    assert_eq!(run.changes.len(), 1, "an undo is not a change of the run");
    assert_eq!(run.changes[0].undo, Undo::Started);
    assert_eq!(run.changes[0].undone_by[0].seq, undo);
    assert_eq!(run.changes[0].undone_by[0].outcome, Outcome::InDoubt);
    assert_eq!(run.last_seq(), undo);
    drop(journal);
    assert_eq!(
        Run::load(&run.path).expect("loads").status,
        RunStatus::RollbackInterrupted
    );
}

/// A journal the release before format 2 wrote (`switchyard apply` of the maintenance-failover
/// workflow, then `switchyard rollback`), checked in as it was written: this host reads it.
#[test]
fn a_journal_written_in_format_1_reads_back_whole() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/journal-format-1.jsonl");
    let run = Run::load(&path).expect("format 1 reads");
    assert_eq!(run.workflow, "maintenance-failover");
    assert_eq!(run.status, RunStatus::RolledBack);
    let kinds: Vec<String> = run.changes.iter().map(|c| c.change.resource()).collect();
    assert!(
        kinds
            .iter()
            .any(|k| k.starts_with("IAM server certificate /cloudfront/")),
        "{kinds:?}"
    );
    assert!(
        run.changes
            .iter()
            .all(|c| c.outcome == Outcome::Applied && c.undo == Undo::Undone)
    );
    let viewer = run
        .changes
        .iter()
        .find_map(|c| match &c.change {
            Change::CreateDistribution(d) => Some(d.spec.viewer_certificate.clone()),
            _ => None,
        })
        .expect("the maintenance distribution");
    assert_eq!(
        viewer.source,
        crate::model::CertificateSource::Iam,
        "`Iam` reads as iam"
    );
    assert_eq!(viewer.ssl_support_method, Some(crate::model::SslSupportMethod::SniOnly));
    let records = run
        .changes
        .iter()
        .find_map(|c| match &c.change {
            Change::ChangeRecordSets(r) => Some(r.after.clone()),
            _ => None,
        })
        .expect("the failover records");
    assert!(
        records.iter().all(|r| r.record_type == "A"),
        "`type_` reads as the type"
    );
    assert!(
        records
            .iter()
            .any(|r| r.failover == Some(crate::model::FailoverRole::Primary))
    );
    // What this host writes of it reads back the same.
    for record in &run.changes {
        let again: Change = serde_json::from_value(record.change.to_json()).expect("format 2 reads");
        assert_eq!(again, record.change);
    }
}

#[test]
fn a_garbage_line_damages_only_its_run_and_repair_keeps_every_line_that_reads() {
    let dir = tempfile::tempdir().expect("temp dir");
    let journal = Journal::create(dir.path(), "wf", Path::new("/w.toml"), "1", "us-east-1").expect("created");
    let seq = journal.intent("s", bucket("b"), None).expect("intent");
    journal.append(Event::Done { seq, created: None }).expect("done");
    let path = journal.path();
    drop(journal);
    let good = Journal::create(dir.path(), "other", Path::new("/o.toml"), "1", "us-east-1").expect("created");
    drop(good);
    let text = std::fs::read_to_string(&path).expect("read");
    let mut lines: Vec<&str> = text.lines().collect();
    lines.insert(2, "this is not JSON");
    std::fs::write(&path, lines.join("\n") + "\n").expect("write");

    let runs = list(dir.path()).expect("the folder still lists");
    assert_eq!(runs.len(), 2);
    let damaged = runs.iter().find(|r| r.path == path).expect("the damaged run is listed");
    assert_eq!(damaged.status, RunStatus::Damaged);
    assert_eq!(damaged.damage.as_ref().map(|d| d.line), Some(3));
    assert!(
        damaged.readable().is_err(),
        "a damaged run is not rolled back as it stands"
    );
    assert!(
        runs.iter()
            .any(|r| r.workflow == "other" && r.status != RunStatus::Damaged)
    );

    let repaired = repair(damaged).expect("repaired");
    assert_eq!(repaired.dropped, vec![3]);
    assert_eq!(
        std::fs::read_to_string(&repaired.original).expect("kept"),
        lines.join("\n") + "\n"
    );
    let run = Run::load(&path).expect("loads");
    assert_eq!(run.status, RunStatus::Interrupted, "started, never finished");
    assert_eq!(run.changes.len(), 1, "the change before the bad line is kept");
}

#[test]
fn an_empty_journal_is_damaged_cannot_be_repaired_and_can_be_forgotten() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("20261201T000000.000Z-0000.jsonl");
    std::fs::write(&path, b"").expect("write");
    let run = Run::load(&path).expect("loads as damaged");
    assert_eq!(run.status, RunStatus::Damaged);
    assert!(
        run.damage
            .as_ref()
            .expect("damage")
            .reason
            .contains("no `started` entry")
    );
    assert!(matches!(repair(&run), Err(JournalError::Unrepairable { .. })));
    let moved = forget(&run).expect("forgotten");
    assert!(moved.ends_with("forgotten/20261201T000000.000Z-0000.jsonl") && !path.exists());
    assert!(
        list(dir.path()).expect("lists").is_empty(),
        "a forgotten run is not listed"
    );
}

#[test]
fn repair_refuses_to_keep_an_undo_whose_change_it_would_drop() {
    let dir = tempfile::tempdir().expect("temp dir");
    let journal = Journal::create(dir.path(), "wf", Path::new("/w.toml"), "1", "us-east-1").expect("created");
    let seq = journal.intent("site", bucket("b"), None).expect("intent");
    journal.append(Event::Done { seq, created: None }).expect("done");
    journal.append(Event::RollbackStarted).expect("rollback");
    journal
        .intent("rollback", DeleteBucket { name: "b".into() }.into(), Some(seq))
        .expect("undo intent");
    let path = journal.path();
    drop(journal);
    let text = std::fs::read_to_string(&path).expect("read");
    let damaged: Vec<&str> = text
        .lines()
        .map(|l| {
            if l.contains("\"intent\"") && !l.contains("undoes") {
                "garbage"
            } else {
                l
            }
        })
        .collect();
    std::fs::write(&path, damaged.join("\n") + "\n").expect("write");
    let run = Run::load(&path).expect("loads as damaged");
    assert_eq!(run.status, RunStatus::Damaged);
    match repair(&run) {
        Err(JournalError::OrphanUndo { seq: s, .. }) => assert_eq!(s, seq),
        other => panic!("{other:?}"),
    }
    assert_eq!(
        std::fs::read_to_string(&path).expect("read"),
        damaged.join("\n") + "\n",
        "left as it was"
    );
}
