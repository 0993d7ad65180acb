//! Rolling back one run of a workflow: refused while it runs, under a later run, or with
//! credentials of another account; planned, or made and journaled.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::SessionError;
use crate::gate::{Apply, Gate, Grants, Mode};
use crate::journal::{self, Journal, JournalError, Run, RunStatus};
use crate::plan::Plan;
use crate::provider::StsRead;
use crate::provider::aws::Aws;
use crate::report::{Progress, Reporter};
use crate::rollback::{RollbackReport, rollback};
use crate::runner::PrepareError;

/// How to roll back.
#[derive(Clone, Debug, Default)]
pub struct RollbackOptions {
    /// Only say what would be undone, reading AWS.
    pub plan: bool,
    /// Roll back even though a later run of the same workflow changed things since.
    pub force: bool,
    /// Private key files, to upload again the server certificates the run deleted (their
    /// public parts are journaled, their keys never).
    pub key_files: Vec<PathBuf>,
}

/// Rolls back `run` of `dir` with `aws`, whose credentials must be for the run's account.
pub async fn rollback_run(
    dir: &Path,
    run: &Run,
    aws: Arc<Aws>,
    options: RollbackOptions,
    reporter: &Reporter,
) -> Result<RollbackReport, SessionError> {
    run.readable()?;
    if run.status == RunStatus::Running {
        return Err(SessionError::Refused(format!(
            "run {} is in progress in another switchyard process: wait for it to finish",
            run.id
        )));
    }
    // Undoing an older run under a newer one would pull resources from under it.
    let later: Vec<String> = journal::list(dir)?
        .into_iter()
        .filter(|r| r.file == run.file && r.id > run.id && !r.changes.is_empty())
        .filter(|r| r.status != RunStatus::RolledBack)
        .map(|r| r.id)
        .collect();
    if !later.is_empty() && !options.force {
        return Err(SessionError::Refused(format!(
            "run {} of {} changed things after run {}: roll back {} first (newest first), or pass --force",
            later.join(", "),
            run.workflow,
            run.id,
            if later.len() == 1 { "it" } else { "them" }
        )));
    }
    let caller = aws.caller().await.map_err(PrepareError::Identity)?;
    if caller.account != run.account {
        return Err(SessionError::Refused(format!(
            "run {} changed account {}, but the credentials are for account {}: nothing was undone",
            run.id, run.account, caller.account
        )));
    }
    if options.plan {
        let plan = Plan::new(Arc::new(aws.read_only()), &run.account);
        let mut gate = Gate::new("rollback", Grants::host(), Mode::Plan(plan), Progress::default());
        return Ok(rollback(run, &mut gate, &options.key_files).await?);
    }
    let _lock = journal::lock_workflow(dir, &run.workflow, &run.account)?;
    // Read again under the lock: another process may have taken the run further meanwhile.
    let run = &journal::Run::load(&run.path)?;
    run.readable()?;
    let journal = Journal::open(run)?;
    Ok(undo(run, aws, &journal, reporter, &options.key_files).await?)
}

/// Undoes `run`, journaling in `journal`.
pub(super) async fn undo(
    run: &Run,
    aws: Arc<Aws>,
    journal: &Journal,
    reporter: &Reporter,
    key_files: &[PathBuf],
) -> Result<RollbackReport, JournalError> {
    let apply = Apply {
        aws,
        journal: journal.clone(),
        expected: None,
    };
    let mut gate = Gate::new(
        "rollback",
        Grants::host(),
        Mode::Apply(apply),
        Progress::of(reporter, "rollback"),
    );
    rollback(run, &mut gate, key_files).await
}
