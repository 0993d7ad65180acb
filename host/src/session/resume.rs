//! Taking up a run that was cut short (a crash, a kill): its journal opened again, every change
//! in doubt reconciled with AWS.

use std::path::Path;
use std::sync::Arc;

use super::SessionError;
use crate::gate::{Apply, Gate, Grants, Mode};
use crate::journal::{self, Event, Journal, Run, RunStatus};
use crate::provider::aws::Aws;
use crate::report::Progress;

/// The newest unfinished run of workflow `file` in `dir`, if any. One whose rollback was cut
/// short is refused: that rollback is to be finished first. So is a damaged newest run of the
/// workflow (it may have been cut short); damaged runs of other workflows do not matter.
pub(super) fn unfinished(dir: &Path, file: &Path) -> Result<Option<Run>, SessionError> {
    let runs = journal::list(dir)?;
    // A damaged run may not say which workflow it belongs to: then it is nobody's.
    if let Some(newest) = runs.iter().rev().find(|r| r.file == file) {
        newest.readable()?;
    }
    let newest = runs.into_iter().rev().find(|r| {
        r.file == file
            && matches!(
                r.status,
                RunStatus::Interrupted | RunStatus::Running | RunStatus::RollbackInterrupted
            )
    });
    match newest {
        Some(run) if run.status == RunStatus::RollbackInterrupted => Err(SessionError::Refused(format!(
            "{}: the rollback of run {} was interrupted: finish it with `switchyard rollback {}` before applying again",
            run.path.display(),
            run.id,
            run.id
        ))),
        other => Ok(other),
    }
}

/// Takes up `run` in account `account`: opens its journal (cutting off a torn last line),
/// journals that it resumed, and reconciles every change in doubt with AWS.
pub(super) async fn take_up(run: &Run, account: &str, aws: Arc<Aws>) -> Result<Journal, SessionError> {
    if run.account != account {
        return Err(SessionError::Refused(format!(
            "{}: run {} of this workflow was interrupted in account {}, but the credentials are for account {account}: resume it with credentials for {}, or roll it back",
            run.path.display(),
            run.id,
            run.account,
            run.account
        )));
    }
    let journal = Journal::open(run)?;
    journal.append(Event::Resumed)?;
    let apply = Apply {
        aws,
        journal: journal.clone(),
        expected: None,
    };
    let mut gate = Gate::new("resume", Grants::host(), Mode::Apply(apply), Progress::default());
    crate::rollback::reconcile(run, &mut gate).await?;
    Ok(journal)
}
