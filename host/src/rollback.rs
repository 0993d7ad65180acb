//! Undoing a run, and reconciling a crashed one with AWS. Both read the journal and work
//! through a gate with the host's own grants: every change that undoes another is journaled
//! (intent, then outcome) before it is sent, like any other, so a rollback cut short resumes
//! like an apply cut short. No plugin is involved, so every plugin gets them for free.
//!
//! Every undo is computed from AWS as it is now ([`Kind::undo`]): rolling back twice, or
//! rolling back a change whose outcome was never written, is safe.

use std::path::PathBuf;

use serde::Serialize;

use crate::changes::{BlockPublicAccess, Change, Kind, NotUndone};
use crate::error::HostError;
use crate::gate::Gate;
use crate::journal::{Event, JournalError, Outcome, Run, Undo};
use crate::plan::PlannedChange;

/// How often an undo is computed again when AWS answers that the resource changed meanwhile
/// (a stale ETag).
const TRIES: usize = 3;

/// What rollback did (or, as a plan, would do) with one change.
#[derive(Clone, Debug, Serialize)]
pub struct UndoItem {
    /// The change's number.
    pub seq: u32,
    /// The step that made it.
    pub step: String,
    /// The resource.
    pub resource: String,
    /// What undoing it does.
    pub undo: String,
    /// How it went: `undone`, `would-undo`, `already-undone`, `never-applied`, `irreversible`,
    /// `failed`.
    pub result: String,
    /// Why, for `irreversible` and `failed`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// The changes that undo it (in a plan: that would), with their diffs.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub changes: Vec<PlannedChange>,
}

/// What a rollback did.
#[derive(Clone, Debug, Serialize)]
pub struct RollbackReport {
    /// The run.
    pub run: String,
    /// Whether this was only a plan.
    pub plan: bool,
    /// Whether every change is undone (or never took effect).
    pub complete: bool,
    /// Whether a stop was asked for (Ctrl-C): the rollback stopped before its next undo, and
    /// the next `rollback` of the run finishes it.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub interrupted: bool,
    /// Each change, newest first, as far as the rollback went.
    pub items: Vec<UndoItem>,
}

/// Undoes `run`'s changes in reverse order through `gate`: in apply mode (with the run's
/// journal) each undo is made and journaled; in plan mode it is only computed and shown.
/// `key_files` are the private keys given to upload again the server certificates the run
/// deleted.
pub async fn rollback(run: &Run, gate: &mut Gate, key_files: &[PathBuf]) -> Result<RollbackReport, JournalError> {
    let journal = match gate.mode() {
        crate::gate::Mode::Apply(apply) => Some(apply.journal.clone()),
        _ => None,
    };
    if let Some(journal) = &journal {
        journal.append(Event::RollbackStarted)?;
    }
    let mut items = Vec::new();
    let mut complete = true;
    let mut interrupted = false;
    for record in run.changes.iter().rev() {
        // Between two undos, never within one: what was sent is journaled.
        if crate::interrupt::requested() {
            (interrupted, complete) = (true, false);
            break;
        }
        let mut item = UndoItem {
            seq: record.seq,
            step: record.step.clone(),
            resource: record.change.resource(),
            undo: record.change.undo_text(),
            result: String::new(),
            reason: None,
            changes: Vec::new(),
        };
        let skip = match (&record.undo, &record.outcome) {
            (Undo::Undone, _) => Some("already-undone"),
            (_, Outcome::NotApplied(_)) => Some("never-applied"),
            _ => None,
        };
        if let Some(skip) = skip {
            item.result = skip.into();
            items.push(item);
            continue;
        }
        let mut change = record.change.clone();
        match &mut change {
            Change::DeleteServerCertificate(deleted) => deleted.key_files = key_files.to_vec(),
            Change::DeleteAcmCertificate(deleted) => deleted.key_files = key_files.to_vec(),
            _ => {}
        }
        let event = match undo_one(gate, &change, record.created.as_deref(), record.seq).await {
            Ok(changes) => {
                item.result = match (journal.is_some(), changes.is_empty()) {
                    (_, true) => "already-undone",
                    (true, false) => "undone",
                    (false, false) => "would-undo",
                }
                .into();
                item.changes = changes;
                Event::Undone { seq: record.seq }
            }
            Err(NotUndone::Irreversible(reason)) => {
                complete = false;
                item.result = "irreversible".into();
                item.reason = Some(reason.clone());
                Event::Irreversible {
                    seq: record.seq,
                    reason,
                }
            }
            Err(NotUndone::Failed(error)) => {
                complete = false;
                item.result = "failed".into();
                item.reason = Some(error.to_string());
                Event::UndoFailed {
                    seq: record.seq,
                    error: error.to_string(),
                }
            }
        };
        if let Some(journal) = &journal {
            journal.append(event)?;
        }
        items.push(item);
    }
    // Without its end the rollback shows as interrupted, and the next one takes it up.
    if let Some(journal) = journal.as_ref().filter(|_| !interrupted) {
        journal.append(Event::RolledBack { complete })?;
    }
    Ok(RollbackReport {
        run: run.id.clone(),
        plan: journal.is_none(),
        complete,
        interrupted,
        items,
    })
}

/// Undoes one change: asks it what undoes it as AWS is now, and makes those changes; if AWS
/// says a resource changed meanwhile, asks again.
async fn undo_one(
    gate: &mut Gate,
    change: &Change,
    created: Option<&str>,
    seq: u32,
) -> Result<Vec<PlannedChange>, NotUndone> {
    let mut made = Vec::new();
    for attempt in 1..=TRIES {
        let undo = gate
            .host_read(async |aws| Ok(change.undo(&**aws, created).await))
            .await??;
        let mut stale = false;
        for step in undo {
            match gate.undo(step.clone(), seq).await {
                Ok(_) => made.push(PlannedChange::new("rollback", step)),
                Err(HostError::Conflict(e)) if attempt < TRIES => {
                    tracing::info!("undoing change {seq}: {e}; reading it again");
                    stale = true;
                    break;
                }
                Err(e) => return Err(NotUndone::Failed(e)),
            }
        }
        if !stale {
            break;
        }
    }
    Ok(made)
}

/// After a crash: for each change whose outcome was never written, asks AWS whether it took
/// effect, and journals the answer. Creations are found by the name, caller reference or serial
/// they were made with, so that a rollback deletes them and a re-run reuses them. What a crash
/// cut short in the middle of one change is finished, journaled (a bucket created but not yet
/// closed to the public).
pub async fn reconcile(run: &Run, gate: &mut Gate) -> Result<(), JournalError> {
    let crate::gate::Mode::Apply(apply) = gate.mode() else {
        return Ok(());
    };
    let journal = apply.journal.clone();
    for record in run.changes.iter().filter(|c| c.outcome == Outcome::InDoubt) {
        let found = match gate
            .host_read(async |aws| record.change.find_created(&**aws, None).await)
            .await
        {
            Ok(Some(found)) => found,
            Ok(None) => continue,
            Err(e) => {
                tracing::warn!("cannot reconcile change {} with AWS: {e}", record.seq);
                continue;
            }
        };
        journal.append(Event::Reconciled {
            seq: record.seq,
            applied: Some(found.is_some()),
            created: found.clone(),
        })?;
        if let (Change::CreateBucket(bucket), Some(_)) = (&record.change, &found) {
            let finish = BlockPublicAccess {
                bucket: bucket.name.clone(),
            };
            if let Err(e) = gate.host_write(finish).await {
                tracing::warn!("cannot block public access to bucket {}: {e}", bucket.name);
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests;
