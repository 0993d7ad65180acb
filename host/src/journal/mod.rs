//! The journal: every apply is a run, and every change a run makes is written down, durably,
//! before it is sent, with the state it replaces; its outcome follows. Rollback and resume read
//! it back ([`Run`]).
//!
//! A run is one file, `<runs dir>/<run id>.jsonl` (by default the runs dir is
//! `.switchyard/runs/` next to the workflow file). Each line is one JSON object with `format`
//! ([`FORMAT`]), `at` (RFC 3339 UTC) and `event`, appended with one write and flushed to disk
//! (`fdatasync`) before the host goes on. A crash can therefore cut off at most the last line:
//! it is ignored when read back, and cut off before anything is appended. While a process works
//! on a run it holds an exclusive lock on the file. See `docs/journal.md` for every event.

mod repair;
mod run;

use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

pub use self::repair::{Repaired, forget, repair};
pub use self::run::{ChangeRecord, Damage, Outcome, Run, RunStatus, Undo, find, list};
use crate::changes::Change;

/// The journal format this host writes. It reads every format up to this one: format 1 (no
/// `format` field) wrote enums and one field in Rust's spelling (`Iam`, `type_`).
pub const FORMAT: u32 = 2;

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
    /// A line was written by a newer switchyard.
    #[error(
        "{path}:{line}: written in journal format {format}, but this switchyard reads formats 1 to {FORMAT}: use the switchyard that wrote it, or a newer one"
    )]
    NewerFormat {
        /// The file.
        path: PathBuf,
        /// The line number.
        line: usize,
        /// The format it has.
        format: u32,
    },
    /// Another process holds the run.
    #[error("{path}: run {run} is in progress in another switchyard process; wait for it to finish")]
    Busy {
        /// The file.
        path: PathBuf,
        /// The run.
        run: String,
    },
    /// A run's journal cannot be read whole.
    #[error(
        "{path}:{line}: run {run} is damaged ({reason}): `switchyard runs repair {run}` keeps what can be read, `switchyard runs forget {run}` drops the run"
    )]
    RunDamaged {
        /// The run.
        run: String,
        /// Its file.
        path: PathBuf,
        /// The first line that cannot be read.
        line: usize,
        /// Why.
        reason: String,
    },
    /// The journal was removed or replaced while a run was writing to it.
    #[error(
        "{path} was removed or replaced while the run was going: it stopped before its next change, which was not sent; what it changed before is in AWS but no longer journaled (`switchyard plan` shows it)"
    )]
    Gone {
        /// The file.
        path: PathBuf,
    },
    /// Another process applies or rolls back the same workflow.
    #[error(
        "workflow {workflow} in account {account} is being applied or rolled back by another switchyard process (perhaps from a copy of the file): wait for it to finish"
    )]
    Locked {
        /// The workflow's name.
        workflow: String,
        /// The account.
        account: String,
    },
    /// Repairing would drop the change an undo that is kept undoes.
    #[error(
        "{path}: change {seq} of run {run} is on a line that does not read, but an undo of it is kept: repairing would \
         make the undo a change of its own; `switchyard runs forget {run}` sets the run aside"
    )]
    OrphanUndo {
        /// The run.
        run: String,
        /// Its file.
        path: PathBuf,
        /// The change the undo undoes.
        seq: u32,
    },
    /// Nothing that reads in a damaged journal says its run started.
    #[error("{path}: nothing in run {run}'s journal can be read: `switchyard runs forget {run}` drops the run")]
    Unrepairable {
        /// The run.
        run: String,
        /// Its file.
        path: PathBuf,
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
    /// The format it is written in; absent in format 1.
    #[serde(default = "format_1")]
    pub format: u32,
    /// When it was written (RFC 3339, UTC).
    pub at: String,
    /// What happened.
    #[serde(flatten)]
    pub event: Event,
}

fn format_1() -> u32 {
    1
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
        /// The step making it (`rollback` for an undo).
        step: String,
        /// The change, with the state it replaces.
        change: Change,
        /// For a rollback's change: the number of the change it undoes.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        undoes: Option<u32>,
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
    /// A rollback began (or took up one that was interrupted).
    RollbackStarted,
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
        let journal = Self::held(path, run.clone(), handle, 1);
        journal.append(Event::Started {
            run,
            workflow: workflow.to_owned(),
            file: file.to_owned(),
            account: account.to_owned(),
            region: region.to_owned(),
        })?;
        Ok(journal)
    }

    /// Opens an existing run to add to it (resume or rollback), locking it. A last line cut off
    /// by a crash is cut away first, so that what is appended starts on a line of its own.
    pub fn open(run: &Run) -> Result<Self, JournalError> {
        let mut handle = OpenOptions::new()
            .read(true)
            .write(true)
            .open(&run.path)
            .map_err(io(&run.path))?;
        handle.try_lock().map_err(|_| JournalError::Busy {
            path: run.path.clone(),
            run: run.id.clone(),
        })?;
        cut_torn_line(&mut handle).map_err(io(&run.path))?;
        handle.seek(SeekFrom::End(0)).map_err(io(&run.path))?;
        let next_seq = run.last_seq() + 1;
        Ok(Self::held(run.path.clone(), run.id.clone(), handle, next_seq))
    }

    fn held(path: PathBuf, run: String, file: File, next_seq: u32) -> Self {
        Self {
            inner: Arc::new(Mutex::new(Open {
                path,
                run,
                file,
                next_seq,
            })),
        }
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

    /// Records that `step` is about to make `change` (undoing change `undoes`, for a rollback);
    /// returns its number.
    pub fn intent(&self, step: &str, change: Change, undoes: Option<u32>) -> Result<u32, JournalError> {
        let mut open = self.lock();
        let seq = open.next_seq;
        write_entry(
            &mut open,
            Event::Intent {
                seq,
                step: step.to_owned(),
                change,
                undoes,
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
    still_there(open)?;
    let entry = Entry {
        format: FORMAT,
        at: now(),
        event,
    };
    let invalid = |e| JournalError::Io {
        path: open.path.clone(),
        error: std::io::Error::other(e),
    };
    // No secret is written down, whatever a change holds.
    let mut value = serde_json::to_value(&entry).map_err(invalid)?;
    crate::secrets::redact_value(&mut value);
    let mut line = serde_json::to_vec(&value).map_err(invalid)?;
    line.push(b'\n');
    let path = open.path.clone();
    open.file.write_all(&line).map_err(io(&path))?;
    open.file.sync_data().map_err(io(&path))
}

/// Refuses to write to a journal whose file is no longer at its path (a `.switchyard` removed
/// while the run is going): what is written there would be lost.
fn still_there(open: &Open) -> Result<(), JournalError> {
    use std::os::unix::fs::MetadataExt;
    let gone = || JournalError::Gone {
        path: open.path.clone(),
    };
    let on_disk = std::fs::metadata(&open.path).map_err(|_| gone())?;
    let held = open.file.metadata().map_err(io(&open.path))?;
    if (on_disk.dev(), on_disk.ino()) != (held.dev(), held.ino()) {
        return Err(gone());
    }
    Ok(())
}

/// Cuts a file back to its last whole line (one ending in a newline).
fn cut_torn_line(file: &mut File) -> std::io::Result<()> {
    let mut text = Vec::new();
    file.seek(SeekFrom::Start(0))?;
    file.read_to_end(&mut text)?;
    if text.is_empty() || text.ends_with(b"\n") {
        return Ok(());
    }
    let whole = text.iter().rposition(|b| *b == b'\n').map_or(0, |i| i + 1);
    file.set_len(whole as u64)?;
    file.sync_data()
}

/// Held while a process applies or rolls back a workflow: one at a time per workflow name and
/// account, so that a copy of the workflow file under another name waits too.
#[derive(Debug)]
pub struct WorkflowLock {
    _held: File,
}

/// Takes the lock of workflow `name` in `account` in `dir` (`.lock-<hash of both>`), or says
/// who holds it. Released when dropped, or when the process ends however it ends.
pub fn lock_workflow(dir: &Path, name: &str, account: &str) -> Result<WorkflowLock, JournalError> {
    use sha2::{Digest, Sha256};
    std::fs::create_dir_all(dir).map_err(io(dir))?;
    let digest = hex::encode(Sha256::digest(format!("{name}\0{account}")));
    let path = dir.join(format!(".lock-{}", &digest[..16]));
    let handle = OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .map_err(io(&path))?;
    handle.try_lock().map_err(|_| JournalError::Locked {
        workflow: name.to_owned(),
        account: account.to_owned(),
    })?;
    Ok(WorkflowLock { _held: handle })
}

/// The runs dir of a workflow file: `.switchyard/runs/` next to it.
pub fn default_dir(workflow_dir: &Path) -> PathBuf {
    workflow_dir.join(".switchyard").join("runs")
}

#[cfg(test)]
mod tests;
