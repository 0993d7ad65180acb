//! `switchyard rollback RUN [--plan]`.

use std::fmt::Write;
use std::process::ExitCode;

use anyhow::bail;
use switchyard::journal::{self, Journal, RunStatus};
use switchyard::rollback::{self, RollbackReport};

use super::{FAILED, Global, UsageError};

/// Undo a run's changes, newest first. A change that cannot be undone is reported, never
/// skipped; rolling back twice is harmless.
#[derive(Debug, clap::Args)]
pub struct Rollback {
    /// The run's id (from `switchyard runs`).
    pub run: String,
    /// Only show what would be undone.
    #[arg(long)]
    pub plan: bool,
    /// Roll back even though a later run of the same workflow changed things since.
    #[arg(long)]
    pub force: bool,
}

impl Rollback {
    pub async fn execute(self, global: &Global) -> anyhow::Result<ExitCode> {
        let dir = global.runs_dir(&std::env::current_dir()?);
        let run = journal::find(&dir, &self.run)?;
        if run.status == RunStatus::Running {
            bail!(UsageError(format!(
                "run {} is in progress in another switchyard process: wait for it to finish",
                run.id
            )));
        }
        // Undoing an older run under a newer one would pull resources from under it.
        let later: Vec<String> = journal::list(&dir)?
            .into_iter()
            .filter(|r| r.file == run.file && r.id > run.id && !r.changes.is_empty())
            .filter(|r| !matches!(r.status, RunStatus::RolledBack))
            .map(|r| r.id)
            .collect();
        if !later.is_empty() && !self.force {
            bail!(UsageError(format!(
                "run {} of {} changed things after run {}: roll back {} first (newest first), or pass --force",
                later.join(", "),
                run.workflow,
                run.id,
                if later.len() == 1 { "it" } else { "them" }
            )));
        }
        let aws = global.aws(Some(&run.region)).await?;
        let caller = aws.caller().await?;
        if caller.account != run.account {
            bail!(UsageError(format!(
                "run {} changed account {}, but the credentials are for account {}: nothing was undone",
                run.id, run.account, caller.account
            )));
        }
        let _lock = if self.plan {
            None
        } else {
            Some(journal::lock_workflow(&dir, &run.file)?)
        };
        let journal = if self.plan { None } else { Some(Journal::open(&run)?) };
        let report = rollback::rollback(&aws, &run, journal.as_ref(), &global.reporter()).await?;
        global.print(&report, || human(&report))?;
        Ok(if report.complete || report.plan {
            ExitCode::SUCCESS
        } else {
            ExitCode::from(FAILED)
        })
    }
}

/// The rollback report for people.
pub fn human(report: &RollbackReport) -> String {
    let mut out = format!(
        "{} run {}\n",
        if report.plan {
            "rollback plan for"
        } else {
            "rollback of"
        },
        report.run
    );
    for item in &report.items {
        let _ = write!(
            out,
            "  #{} {} {}: {} — {}",
            item.seq, item.step, item.resource, item.undo, item.result
        );
        match &item.reason {
            Some(reason) => {
                let _ = writeln!(out, ": {reason}");
            }
            None => out.push('\n'),
        }
    }
    let _ = writeln!(
        out,
        "{}",
        match (report.plan, report.complete) {
            (true, _) => "plan only: nothing was changed",
            (false, true) => "rolled back",
            (false, false) => "not everything could be undone (see above)",
        }
    );
    out
}
