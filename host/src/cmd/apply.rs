//! `switchyard apply FILE [--plan PLAN] [--rollback-on-failure]`.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, bail};
use serde::Serialize;
use switchyard::gate::{Mode, Record};
use switchyard::journal::{self, Event, Journal, Run, RunStatus};
use switchyard::plan::Expected;
use switchyard::rollback::{self, RollbackReport};
use switchyard::runner::RunReport;

use super::run::{PLAN_FORMAT, Ready, SavedPlan, all_changes, human};
use super::{FAILED, Global, UsageError};

/// Run a workflow's steps in order; the first step that fails stops the run. Every change is
/// journaled (see `switchyard runs`); an interrupted run of the same workflow is resumed.
#[derive(Debug, clap::Args)]
pub struct Apply {
    /// The workflow file (TOML).
    pub file: PathBuf,
    /// Apply exactly this saved plan (`plan --out`); refused if AWS changed since.
    #[arg(long, value_name = "PLAN")]
    pub plan: Option<PathBuf>,
    /// If a step fails, undo what the run changed so far.
    #[arg(long)]
    pub rollback_on_failure: bool,
}

/// What `apply` prints as JSON.
#[derive(Serialize)]
struct Applied {
    /// The run's id.
    run: String,
    /// Whether an interrupted run was taken up.
    resumed: bool,
    #[serde(flatten)]
    report: RunReport,
    /// The rollback after a failure, with `--rollback-on-failure`.
    #[serde(skip_serializing_if = "Option::is_none")]
    rollback: Option<RollbackReport>,
}

impl Apply {
    pub async fn execute(self, global: &Global) -> anyhow::Result<ExitCode> {
        let ready = Ready::load(global, &self.file).await?;
        let expected = match &self.plan {
            Some(plan) => Some(check_plan(&ready, plan).await?),
            None => None,
        };
        let dir = global.runs_dir(&ready.workflow.dir());
        let _lock = journal::lock_workflow(&dir, &ready.file)?;
        let (journal, resumed) = open_run(&ready, &dir).await?;
        let report = ready.run(Mode::Apply, Record::Journal(journal.clone(), expected)).await;
        let rollback = if !report.ok && self.rollback_on_failure {
            let run = Run::load(&journal.path())?;
            Some(rollback::rollback(&ready.aws, &run, Some(&journal), &global.reporter()).await?)
        } else {
            None
        };
        let applied = Applied {
            run: journal.run_id(),
            resumed,
            report,
            rollback,
        };
        global.print(&applied, || {
            let mut out = String::new();
            if applied.resumed {
                out.push_str(&format!("resumed interrupted run {}\n", applied.run));
            }
            out.push_str(&human(&applied.report));
            out.push_str(&format!(
                "run {} (journal: {})\n",
                applied.run,
                journal.path().display()
            ));
            if let Some(r) = &applied.rollback {
                out.push_str(&super::rollback::human(r));
            }
            out
        })?;
        Ok(if applied.report.ok {
            ExitCode::SUCCESS
        } else {
            ExitCode::from(FAILED)
        })
    }
}

/// The unfinished run of this workflow, taken up and reconciled with AWS; else a new run.
async fn open_run(ready: &Ready, dir: &Path) -> anyhow::Result<(Journal, bool)> {
    let file = &ready.file;
    let unfinished = journal::list(dir)?
        .into_iter()
        .rev()
        .find(|r| r.file == *file && matches!(r.status, RunStatus::Interrupted | RunStatus::Running));
    let Some(run) = unfinished else {
        let region = ready.aws.region();
        let journal = Journal::create(dir, &ready.workflow.name, file, &ready.account, region)?;
        return Ok((journal, false));
    };
    if run.account != ready.account {
        bail!(UsageError(format!(
            "{}: run {} of this workflow was interrupted in account {}, but the credentials are for account {}: resume it with credentials for {}, or roll it back",
            run.path.display(),
            run.id,
            run.account,
            ready.account,
            run.account
        )));
    }
    let journal = Journal::open(&run)?;
    journal.append(Event::Resumed)?;
    rollback::reconcile(&ready.aws, &run, &journal).await?;
    Ok((journal, true))
}

/// Checks a saved plan still holds: same workflow, account and region, and planning again now
/// gives the same changes. Returns them, for the gate to hold the apply to.
async fn check_plan(ready: &Ready, path: &Path) -> anyhow::Result<Expected> {
    let text = std::fs::read(path).with_context(|| format!("cannot read the plan {}", path.display()))?;
    let saved: SavedPlan = serde_json::from_slice(&text).map_err(|e| {
        UsageError(format!(
            "{}: not a saved plan ({e}): make one with `switchyard plan --out`",
            path.display()
        ))
    })?;
    let refuse = |why: String| {
        UsageError(format!(
            "{}: {why}: nothing was changed; make a new plan",
            path.display()
        ))
    };
    if saved.format != PLAN_FORMAT {
        bail!(refuse(format!("plan format {} is not {PLAN_FORMAT}", saved.format)));
    }
    if saved.file != ready.file || saved.sha256 != ready.sha256 {
        bail!(refuse(format!(
            "the plan is for {} as it was then, and the workflow file changed since",
            saved.file.display()
        )));
    }
    if saved.account != ready.account || saved.region != ready.aws.region() {
        bail!(refuse(format!(
            "the plan is for account {} in {}, not account {} in {}",
            saved.account,
            saved.region,
            ready.account,
            ready.aws.region()
        )));
    }
    let now = all_changes(&ready.plan().await);
    if let Some(stale) = stale(&saved.changes, &now) {
        return Err(anyhow::Error::new(Stale(format!(
            "{}: the plan is stale: {stale}: nothing was changed; make a new plan",
            path.display()
        ))));
    }
    Ok(Expected::new(saved.changes))
}

/// The saved plan no longer holds.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
struct Stale(String);

/// What differs between a saved plan's changes and a plan made now, if anything.
fn stale(saved: &[switchyard::plan::PlannedChange], now: &[switchyard::plan::PlannedChange]) -> Option<String> {
    for (i, (s, n)) in saved.iter().zip(now).enumerate() {
        if s != n {
            let field = n
                .diff
                .iter()
                .zip(&s.diff)
                .find(|(a, b)| a != b)
                .map(|(n, s)| {
                    format!(
                        " ({}: planned {} → {}, now {} → {})",
                        n.field, s.before, s.after, n.before, n.after
                    )
                })
                .unwrap_or_default();
            return Some(format!(
                "change {} was `{} {}` and is now `{} {}`{field}",
                i + 1,
                s.action.name(),
                s.resource,
                n.action.name(),
                n.resource
            ));
        }
    }
    match saved.len().cmp(&now.len()) {
        std::cmp::Ordering::Equal => None,
        std::cmp::Ordering::Less => Some(format!("AWS now needs {} more change(s)", now.len() - saved.len())),
        std::cmp::Ordering::Greater => Some(format!(
            "{} planned change(s) are no longer needed",
            saved.len() - now.len()
        )),
    }
}
