//! A run as read back from its journal.

use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};

use serde::Serialize;

use super::{Entry, Event, FORMAT, JournalError, io};
use crate::changes::Change;

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
    /// The changes a rollback made to undo it, in order.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub undone_by: Vec<ChangeRecord>,
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
    /// A rollback has begun undoing it.
    Started,
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
    /// What cannot be read in its journal (then its status is `damaged`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub damage: Option<Damage>,
}

/// A journal line that cannot be read.
#[derive(Clone, Debug, Serialize)]
pub struct Damage {
    /// Its number, from 1.
    pub line: usize,
    /// Why it cannot be read.
    pub reason: String,
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
    /// A rollback of it stopped without finishing: `rollback` resumes it.
    RollbackInterrupted,
    /// Rolled back: every change undone.
    RolledBack,
    /// A rollback left changes it could not undo.
    PartlyRolledBack,
    /// Its journal cannot be read whole: `runs repair` keeps what can be, `runs forget` drops it.
    Damaged,
}

impl RunStatus {
    /// The status's name.
    pub fn name(self) -> &'static str {
        match self {
            Self::Running => "running",
            Self::Interrupted => "interrupted",
            Self::Succeeded => "succeeded",
            Self::Failed => "failed",
            Self::RollbackInterrupted => "rollback-interrupted",
            Self::RolledBack => "rolled-back",
            Self::PartlyRolledBack => "partly-rolled-back",
            Self::Damaged => "damaged",
        }
    }
}

impl Run {
    /// Reads the run in `path`. A line that cannot be read does not stop it: the run is
    /// `damaged`, with what the other lines say. Only a file that cannot be opened is an error.
    pub fn load(path: &Path) -> Result<Self, JournalError> {
        let file = File::open(path).map_err(io(path))?;
        let mut lines: Vec<String> = Vec::new();
        for line in BufReader::new(&file).split(b'\n') {
            lines.push(String::from_utf8_lossy(&line.map_err(io(path))?).into_owned());
        }
        let mut run = Run::empty(path);
        let last = lines.len();
        for (i, line) in lines.iter().enumerate() {
            if line.trim().is_empty() {
                continue;
            }
            match parse(path, i + 1, line) {
                Ok(entry) => run.apply(entry),
                // A crash mid-write can cut off the last line only: it was never flushed, so
                // nothing relied on it.
                Err(JournalError::Damaged { .. }) if i + 1 == last => {}
                Err(e) => {
                    let reason = match e {
                        JournalError::Damaged { error, .. } => format!("not a journal entry ({error})"),
                        other => other.to_string(),
                    };
                    run.damage.get_or_insert(Damage { line: i + 1, reason });
                }
            }
        }
        if run.started.is_empty() && run.damage.is_none() {
            run.damage = Some(Damage {
                line: 1,
                reason: "no `started` entry: the file is empty or is not a run's journal".into(),
            });
        }
        if run.damage.is_some() {
            run.status = RunStatus::Damaged;
            return Ok(run);
        }
        // An unfinished run (or rollback) whose file nobody holds was interrupted; one that is
        // held is running.
        let unfinished = matches!(run.status, RunStatus::Interrupted | RunStatus::RollbackInterrupted);
        if unfinished && file.try_lock_shared().is_err() {
            run.status = RunStatus::Running;
        }
        Ok(run)
    }

    /// A run of which nothing is known yet but its file.
    fn empty(path: &Path) -> Self {
        Run {
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
            damage: None,
        }
    }

    /// Refuses a damaged run, saying how to go on.
    pub fn readable(&self) -> Result<(), JournalError> {
        match &self.damage {
            None => Ok(()),
            Some(damage) => Err(JournalError::RunDamaged {
                run: self.id.clone(),
                path: self.path.clone(),
                line: damage.line,
                reason: damage.reason.clone(),
            }),
        }
    }

    /// The highest change number used so far (undo changes included).
    pub fn last_seq(&self) -> u32 {
        self.changes
            .iter()
            .flat_map(|c| std::iter::once(c.seq).chain(c.undone_by.iter().map(|u| u.seq)))
            .max()
            .unwrap_or(0)
    }

    /// The record of forward change `seq`.
    fn record(&mut self, seq: u32) -> Option<&mut ChangeRecord> {
        self.changes.iter_mut().find(|c| c.seq == seq)
    }

    /// The record of change `seq`, a forward change or a rollback's.
    fn any_record(&mut self, seq: u32) -> Option<&mut ChangeRecord> {
        let position = self
            .changes
            .iter()
            .position(|c| c.seq == seq || c.undone_by.iter().any(|u| u.seq == seq))?;
        let record = &mut self.changes[position];
        if record.seq == seq {
            Some(record)
        } else {
            record.undone_by.iter_mut().find(|u| u.seq == seq)
        }
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
                (self.id, self.workflow, self.file) = (run, workflow, file);
                (self.account, self.region, self.started) = (account, region, entry.at);
            }
            Event::Resumed => {
                self.resumed += 1;
                self.status = RunStatus::Interrupted;
                self.failed_step = None;
            }
            Event::Intent {
                seq,
                step,
                change,
                undoes,
            } => self.intent(seq, step, change, undoes),
            Event::Done { seq, created } => {
                if let Some(c) = self.any_record(seq) {
                    c.outcome = Outcome::Applied;
                    c.created = created;
                }
            }
            Event::Failed { seq, error } => {
                if let Some(c) = self.any_record(seq) {
                    c.outcome = Outcome::NotApplied(error);
                }
            }
            Event::Reconciled { seq, applied, created } => {
                if let Some(c) = self.any_record(seq) {
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
            Event::RollbackStarted => self.status = RunStatus::RollbackInterrupted,
            Event::Undone { seq } => self.set_undo(seq, Undo::Undone),
            Event::Irreversible { seq, reason } => self.set_undo(seq, Undo::Irreversible(reason)),
            Event::UndoFailed { seq, error } => self.set_undo(seq, Undo::Failed(error)),
            Event::RolledBack { complete } => {
                self.status = if complete {
                    RunStatus::RolledBack
                } else {
                    RunStatus::PartlyRolledBack
                };
            }
        }
    }

    /// A change about to be sent: one of the run's, or one undoing change `undoes`.
    fn intent(&mut self, seq: u32, step: String, change: Change, undoes: Option<u32>) {
        let record = ChangeRecord {
            seq,
            step,
            change,
            outcome: Outcome::InDoubt,
            created: None,
            undo: Undo::No,
            undone_by: Vec::new(),
        };
        match undoes.and_then(|of| self.record(of)) {
            Some(original) => {
                original.undo = Undo::Started;
                original.undone_by.push(record);
            }
            None => self.changes.push(record),
        }
    }

    fn set_undo(&mut self, seq: u32, undo: Undo) {
        if let Some(c) = self.record(seq) {
            c.undo = undo;
        }
    }
}

/// Reads line `line` of `path`, refusing a format newer than this host reads.
pub(super) fn parse(path: &Path, line: usize, text: &str) -> Result<Entry, JournalError> {
    #[derive(serde::Deserialize)]
    struct Head {
        #[serde(default)]
        format: Option<u32>,
    }
    let damaged = |error| JournalError::Damaged {
        path: path.to_owned(),
        line,
        error,
    };
    let head: Head = serde_json::from_str(text).map_err(damaged)?;
    if let Some(format) = head.format.filter(|f| *f > FORMAT) {
        return Err(JournalError::NewerFormat {
            path: path.to_owned(),
            line,
            format,
        });
    }
    serde_json::from_str(text).map_err(damaged)
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
    // One run that cannot be read never hides the others.
    Ok(paths
        .iter()
        .map(|p| {
            Run::load(p).unwrap_or_else(|e| Run {
                status: RunStatus::Damaged,
                damage: Some(Damage {
                    line: 0,
                    reason: e.to_string(),
                }),
                ..Run::empty(p)
            })
        })
        .collect())
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
