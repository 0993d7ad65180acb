//! The journal: every apply is a run, and every change a run makes is written down, durably,
//! before it is sent, with the state it replaces; its outcome follows. Rollback and resume read
//! it back.
//!
//! A run is one file, `<runs dir>/<run id>.jsonl` (by default the runs dir is
//! `.switchyard/runs/` next to the workflow file). Each line is one JSON object with `at` (RFC
//! 3339 UTC) and `event`, appended with one write and flushed to disk (`fdatasync`) before the
//! host goes on. A crash can therefore cut off at most the last line, which is ignored when read
//! back. While a process works on a run it holds an exclusive lock on the file. See
//! `docs/journal.md` for every event.

mod change;

use std::fs::{File, OpenOptions};
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

pub use change::{Action, Change, FieldDiff, diff_values, record_key};

/// The journal could not be written or read.
#[derive(Debug, thiserror::Error)]
pub enum JournalError {
    /// A file operation failed.
    #[error("{path}: {error}")]
    Io {
        /// The file or directory.
        path: PathBuf,
        /// Why.
        error: std::io::Error,
    },
    /// A line is not a journal entry.
    #[error("{path}:{line}: not a journal entry ({error}); the journal is damaged: restore it or remove the run")]
    Damaged {
        /// The file.
        path: PathBuf,
        /// The line number.
        line: usize,
        /// Why.
        error: serde_json::Error,
    },
    /// Another process holds the run.
    #[error("{path}: run {run} is in progress in another switchyard process; wait for it to finish")]
    Busy {
        /// The file.
        path: PathBuf,
        /// The run.
        run: String,
    },
    /// No run has this id.
    #[error("no run `{run}` in {dir}: `switchyard runs` lists them")]
    NoSuchRun {
        /// The run asked for.
        run: String,
        /// Where runs were looked for.
        dir: PathBuf,
    },
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> JournalError + '_ {
    move |error| JournalError::Io {
        path: path.to_owned(),
        error,
    }
}

/// One line of the journal.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Entry {
    /// When it was written (RFC 3339, UTC).
    pub at: String,
    /// What happened.
    #[serde(flatten)]
    pub event: Event,
}

/// What a journal line records.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "kebab-case")]
pub enum Event {
    /// The run began.
    Started {
        /// The run's id.
        run: String,
        /// The workflow's name.
        workflow: String,
        /// The workflow file.
        file: PathBuf,
        /// The AWS account.
        account: String,
        /// The region.
        region: String,
    },
    /// An apply took up the run again after it was interrupted.
    Resumed,
    /// A change is about to be sent (written and flushed before it is).
    Intent {
        /// Its number in the run, from 1.
        seq: u32,
        /// The step making it.
        step: String,
        /// The change, with the state it replaces.
        change: Change,
    },
    /// AWS accepted the change.
    Done {
        /// Its number.
        seq: u32,
        /// The id AWS gave to what it created, if anything.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        created: Option<String>,
    },
    /// AWS refused the change (nothing changed).
    Failed {
        /// Its number.
        seq: u32,
        /// Why.
        error: String,
    },
    /// After a crash: what AWS shows of a change whose outcome was never written.
    Reconciled {
        /// Its number.
        seq: u32,
        /// Whether it took effect; none when AWS cannot tell (rollback restores the recorded
        /// state either way).
        applied: Option<bool>,
        /// The id of what it created, when found.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        created: Option<String>,
    },
    /// A step ended.
    StepFinished {
        /// The step.
        step: String,
        /// `succeeded` or `failed`.
        status: String,
    },
    /// The run ended.
    Finished {
        /// `succeeded` or `failed`.
        status: String,
    },
    /// A change was undone by a rollback.
    Undone {
        /// Its number.
        seq: u32,
    },
    /// A change cannot be undone.
    Irreversible {
        /// Its number.
        seq: u32,
        /// Why.
        reason: String,
    },
    /// Undoing a change failed; a later rollback tries again.
    UndoFailed {
        /// Its number.
        seq: u32,
        /// Why.
        error: String,
    },
    /// A rollback ended.
    RolledBack {
        /// Whether every change is undone (or was never applied).
        complete: bool,
    },
}

/// The current time, RFC 3339 UTC.
pub fn now() -> String {
    OffsetDateTime::now_utc().format(&Rfc3339).unwrap_or_default()
}

/// A new run id: the UTC time to the millisecond and a few random hex digits, so that ids
/// sort by time.
fn new_run_id() -> String {
    let t = OffsetDateTime::now_utc();
    let noise = (t.nanosecond() ^ std::process::id().rotate_left(16)) & 0xffff;
    format!(
        "{:04}{:02}{:02}T{:02}{:02}{:02}.{:03}Z-{noise:04x}",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second(),
        t.millisecond()
    )
}

/// An open run: appends entries durably. Cloning gives another handle to the same file.
#[derive(Clone, Debug)]
pub struct Journal {
    inner: Arc<Mutex<Open>>,
}

#[derive(Debug)]
struct Open {
    path: PathBuf,
    run: String,
    file: File,
    next_seq: u32,
}

impl Journal {
    /// Starts a new run in `dir`.
    pub fn create(dir: &Path, workflow: &str, file: &Path, account: &str, region: &str) -> Result<Self, JournalError> {
        std::fs::create_dir_all(dir).map_err(io(dir))?;
        let run = new_run_id();
        let path = dir.join(format!("{run}.jsonl"));
        let handle = OpenOptions::new()
            .create_new(true)
            .append(true)
            .open(&path)
            .map_err(io(&path))?;
        handle.try_lock().map_err(|_| JournalError::Busy {
            path: path.clone(),
            run: run.clone(),
        })?;
        // The new file's name must survive a crash too.
        File::open(dir).and_then(|d| d.sync_all()).map_err(io(dir))?;
        let journal = Self {
            inner: Arc::new(Mutex::new(Open {
                path,
                run: run.clone(),
                file: handle,
                next_seq: 1,
            })),
        };
        journal.append(Event::Started {
            run,
            workflow: workflow.to_owned(),
            file: file.to_owned(),
            account: account.to_owned(),
            region: region.to_owned(),
        })?;
        Ok(journal)
    }

    /// Opens an existing run to add to it (resume or rollback), locking it.
    pub fn open(run: &Run) -> Result<Self, JournalError> {
        let handle = OpenOptions::new().append(true).open(&run.path).map_err(io(&run.path))?;
        handle.try_lock().map_err(|_| JournalError::Busy {
            path: run.path.clone(),
            run: run.id.clone(),
        })?;
        let next_seq = run.changes.iter().map(|c| c.seq).max().unwrap_or(0) + 1;
        Ok(Self {
            inner: Arc::new(Mutex::new(Open {
                path: run.path.clone(),
                run: run.id.clone(),
                file: handle,
                next_seq,
            })),
        })
    }

    /// The run's id.
    pub fn run_id(&self) -> String {
        self.lock().run.clone()
    }

    /// The run's file.
    pub fn path(&self) -> PathBuf {
        self.lock().path.clone()
    }

    /// Appends `event` and flushes it to disk.
    pub fn append(&self, event: Event) -> Result<(), JournalError> {
        let mut open = self.lock();
        write_entry(&mut open, event)
    }

    /// Records that `step` is about to make `change`; returns its number.
    pub fn intent(&self, step: &str, change: Change) -> Result<u32, JournalError> {
        let mut open = self.lock();
        let seq = open.next_seq;
        write_entry(
            &mut open,
            Event::Intent {
                seq,
                step: step.to_owned(),
                change,
            },
        )?;
        open.next_seq += 1;
        Ok(seq)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Open> {
        // A panic while holding the lock cannot leave a half-written line behind: each entry is
        // one write. Keep going with the data as it is.
        self.inner.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

fn write_entry(open: &mut Open, event: Event) -> Result<(), JournalError> {
    let entry = Entry { at: now(), event };
    let mut line = serde_json::to_vec(&entry).map_err(|e| JournalError::Io {
        path: open.path.clone(),
        error: std::io::Error::other(e),
    })?;
    line.push(b'\n');
    let path = open.path.clone();
    open.file.write_all(&line).map_err(io(&path))?;
    open.file.sync_data().map_err(io(&path))
}

/// What is known of one change in a run.
#[derive(Clone, Debug, Serialize)]
pub struct ChangeRecord {
    /// Its number.
    pub seq: u32,
    /// The step that made it.
    pub step: String,
    /// The change.
    pub change: Change,
    /// Whether it took effect.
    pub outcome: Outcome,
    /// The id of what it created.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub created: Option<String>,
    /// Where rollback is with it.
    pub undo: Undo,
}

/// Whether a change took effect.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "state", content = "error", rename_all = "kebab-case")]
pub enum Outcome {
    /// Sent; no outcome was written (the process stopped while it was in flight).
    InDoubt,
    /// AWS accepted it.
    Applied,
    /// AWS refused it, or reconciliation found it never took effect.
    NotApplied(String),
}

/// Where rollback is with a change.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "state", content = "reason", rename_all = "kebab-case")]
pub enum Undo {
    /// Not rolled back.
    No,
    /// Undone.
    Undone,
    /// Cannot be undone.
    Irreversible(String),
    /// The last try failed.
    Failed(String),
}

/// A run as read back from its journal.
#[derive(Clone, Debug, Serialize)]
pub struct Run {
    /// Its id.
    pub id: String,
    /// Its file.
    pub path: PathBuf,
    /// The workflow's name.
    pub workflow: String,
    /// The workflow file.
    pub file: PathBuf,
    /// The account.
    pub account: String,
    /// The region.
    pub region: String,
    /// When it began.
    pub started: String,
    /// Its status now.
    pub status: RunStatus,
    /// How often it was resumed.
    pub resumed: u32,
    /// The step that failed, if one did.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub failed_step: Option<String>,
    /// Each change, in order.
    pub changes: Vec<ChangeRecord>,
}

/// Where a run is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum RunStatus {
    /// A process is working on it.
    Running,
    /// It stopped without finishing (a crash, a kill): `apply` resumes it.
    Interrupted,
    /// Every step succeeded.
    Succeeded,
    /// A step failed.
    Failed,
    /// Rolled back: every change undone.
    RolledBack,
    /// A rollback left changes it could not undo.
    PartlyRolledBack,
}

impl RunStatus {
    /// The status's name.
    pub fn name(self) -> &'static str {
        match self {
            Self::Running => "running",
            Self::Interrupted => "interrupted",
            Self::Succeeded => "succeeded",
            Self::Failed => "failed",
            Self::RolledBack => "rolled-back",
            Self::PartlyRolledBack => "partly-rolled-back",
        }
    }
}

impl Run {
    /// Reads the run in `path`.
    pub fn load(path: &Path) -> Result<Self, JournalError> {
        let file = File::open(path).map_err(io(path))?;
        let mut lines: Vec<String> = Vec::new();
        for line in BufReader::new(&file).lines() {
            lines.push(line.map_err(io(path))?);
        }
        let mut run = Run {
            id: path.file_stem().unwrap_or_default().to_string_lossy().into_owned(),
            path: path.to_owned(),
            workflow: String::new(),
            file: PathBuf::new(),
            account: String::new(),
            region: String::new(),
            started: String::new(),
            status: RunStatus::Interrupted,
            resumed: 0,
            failed_step: None,
            changes: Vec::new(),
        };
        let last = lines.len();
        for (i, line) in lines.iter().enumerate() {
            if line.trim().is_empty() {
                continue;
            }
            let entry: Entry = match serde_json::from_str(line) {
                Ok(entry) => entry,
                // A crash mid-write can cut off the last line only: it was never flushed, so
                // nothing relied on it.
                Err(_) if i + 1 == last => break,
                Err(error) => {
                    return Err(JournalError::Damaged {
                        path: path.to_owned(),
                        line: i + 1,
                        error,
                    });
                }
            };
            run.apply(entry);
        }
        // An unfinished run whose file nobody holds was interrupted; one that is held is running.
        if run.status == RunStatus::Interrupted && file.try_lock_shared().is_err() {
            run.status = RunStatus::Running;
        }
        Ok(run)
    }

    fn change(&mut self, seq: u32) -> Option<&mut ChangeRecord> {
        self.changes.iter_mut().find(|c| c.seq == seq)
    }

    fn apply(&mut self, entry: Entry) {
        match entry.event {
            Event::Started {
                run,
                workflow,
                file,
                account,
                region,
            } => {
                self.id = run;
                self.workflow = workflow;
                self.file = file;
                self.account = account;
                self.region = region;
                self.started = entry.at;
            }
            Event::Resumed => {
                self.resumed += 1;
                self.status = RunStatus::Interrupted;
                self.failed_step = None;
            }
            Event::Intent { seq, step, change } => self.changes.push(ChangeRecord {
                seq,
                step,
                change,
                outcome: Outcome::InDoubt,
                created: None,
                undo: Undo::No,
            }),
            Event::Done { seq, created } => {
                if let Some(c) = self.change(seq) {
                    c.outcome = Outcome::Applied;
                    c.created = created;
                }
            }
            Event::Failed { seq, error } => {
                if let Some(c) = self.change(seq) {
                    c.outcome = Outcome::NotApplied(error);
                }
            }
            Event::Reconciled { seq, applied, created } => {
                if let Some(c) = self.change(seq) {
                    c.outcome = match applied {
                        Some(true) => Outcome::Applied,
                        Some(false) => Outcome::NotApplied("never took effect (found after a crash)".into()),
                        None => Outcome::InDoubt,
                    };
                    c.created = created.or(c.created.take());
                }
            }
            Event::StepFinished { step, status } => {
                if status == "failed" {
                    self.failed_step = Some(step);
                }
            }
            Event::Finished { status } => {
                self.status = if status == "succeeded" {
                    RunStatus::Succeeded
                } else {
                    RunStatus::Failed
                };
            }
            Event::Undone { seq } => {
                if let Some(c) = self.change(seq) {
                    c.undo = Undo::Undone;
                }
            }
            Event::Irreversible { seq, reason } => {
                if let Some(c) = self.change(seq) {
                    c.undo = Undo::Irreversible(reason);
                }
            }
            Event::UndoFailed { seq, error } => {
                if let Some(c) = self.change(seq) {
                    c.undo = Undo::Failed(error);
                }
            }
            Event::RolledBack { complete } => {
                self.status = if complete {
                    RunStatus::RolledBack
                } else {
                    RunStatus::PartlyRolledBack
                };
            }
        }
    }
}

/// Held while a process applies or rolls back a workflow: one at a time per workflow file.
#[derive(Debug)]
pub struct WorkflowLock {
    _held: File,
}

/// Takes the lock of workflow `file` in `dir` (`.lock-<hash of the file's path>`), or says who
/// holds it. Released when dropped, or when the process ends however it ends.
pub fn lock_workflow(dir: &Path, file: &Path) -> Result<WorkflowLock, JournalError> {
    use sha2::{Digest, Sha256};
    std::fs::create_dir_all(dir).map_err(io(dir))?;
    let digest = hex::encode(Sha256::digest(file.as_os_str().as_encoded_bytes()));
    let path = dir.join(format!(".lock-{}", &digest[..16]));
    let handle = OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .map_err(io(&path))?;
    handle.try_lock().map_err(|_| JournalError::Busy {
        path: path.clone(),
        run: format!("of {}", file.display()),
    })?;
    Ok(WorkflowLock { _held: handle })
}

/// The runs dir of a workflow file: `.switchyard/runs/` next to it.
pub fn default_dir(workflow_dir: &Path) -> PathBuf {
    workflow_dir.join(".switchyard").join("runs")
}

/// Every run in `dir`, oldest first.
pub fn list(dir: &Path) -> Result<Vec<Run>, JournalError> {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(io(dir)(e)),
    };
    let mut paths: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "jsonl"))
        .collect();
    paths.sort();
    paths.iter().map(|p| Run::load(p)).collect()
}

/// The run `id` in `dir`.
pub fn find(dir: &Path, id: &str) -> Result<Run, JournalError> {
    let path = dir.join(format!("{id}.jsonl"));
    if id.contains(['/', '\\']) || !path.is_file() {
        return Err(JournalError::NoSuchRun {
            run: id.to_owned(),
            dir: dir.to_owned(),
        });
    }
    Run::load(&path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_run_reads_back_and_survives_a_cut_off_last_line() {
        let dir = tempfile::tempdir().expect("temp dir");
        let journal =
            Journal::create(dir.path(), "wf", Path::new("/w.toml"), "123456789012", "us-east-1").expect("created");
        let change = Change::CreateBucket { name: "b".into() };
        let seq = journal.intent("site", change.clone()).expect("intent");
        journal.append(Event::Done { seq, created: None }).expect("done");
        let seq2 = journal
            .intent("site", Change::DeleteBucket { name: "c".into() })
            .expect("intent");
        let path = journal.path();
        drop(journal);
        // A crash in the middle of the next write.
        let mut f = OpenOptions::new().append(true).open(&path).expect("open");
        f.write_all(br#"{"at":"x","event":"done","se"#).expect("write");

        let run = Run::load(&path).expect("loads");
        assert_eq!(run.status, RunStatus::Interrupted);
        assert_eq!(run.changes.len(), 2);
        assert_eq!(run.changes[0].change, change);
        assert_eq!(run.changes[0].outcome, Outcome::Applied);
        assert_eq!(run.changes[1].seq, seq2);
        assert_eq!(run.changes[1].outcome, Outcome::InDoubt);
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
}
