//! `switchyard runs` and `switchyard runs show RUN`.

use std::fmt::Write;
use std::process::ExitCode;

use switchyard::changes::Kind;
use switchyard::journal::{self, Outcome, Run, Undo};

use super::Global;

/// List runs with their status, or show one run's changes.
#[derive(Debug, clap::Args)]
pub struct Runs {
    #[command(subcommand)]
    pub command: Option<RunsCommand>,
}

#[derive(Debug, clap::Subcommand)]
pub enum RunsCommand {
    /// Show each change of a run: what, the state it replaced, its outcome, its undo.
    Show {
        /// The run's id (from `switchyard runs`).
        run: String,
    },
}

impl Runs {
    pub async fn execute(self, global: &Global) -> anyhow::Result<ExitCode> {
        let dir = global.runs_dir(&std::env::current_dir()?);
        match self.command {
            None => {
                let runs = journal::list(&dir)?;
                global.print(&runs, || list(&runs, &dir))?;
            }
            Some(RunsCommand::Show { run }) => {
                let run = journal::find(&dir, &run)?;
                global.print(&run, || show(&run))?;
            }
        }
        Ok(ExitCode::SUCCESS)
    }
}

fn list(runs: &[Run], dir: &std::path::Path) -> String {
    if runs.is_empty() {
        return format!("no runs in {}\n", dir.display());
    }
    let mut out = format!(
        "{:<28} {:<19} {:<21} {:>7}  {}\n",
        "RUN", "STATUS", "STARTED", "CHANGES", "WORKFLOW"
    );
    for run in runs {
        let _ = writeln!(
            out,
            "{:<28} {:<19} {:<21} {:>7}  {}",
            run.id,
            run.status.name(),
            format!("{}Z", run.started.get(..19).unwrap_or(&run.started)),
            run.changes.len(),
            run.workflow
        );
    }
    out
}

fn show(run: &Run) -> String {
    let mut out = format!(
        "run {} of {} ({})\n  status {}, account {}, {}, started {}{}\n",
        run.id,
        run.workflow,
        run.file.display(),
        run.status.name(),
        run.account,
        run.region,
        run.started,
        if run.resumed > 0 {
            format!(", resumed {} time(s)", run.resumed)
        } else {
            String::new()
        }
    );
    for c in &run.changes {
        let outcome = match (&c.outcome, &c.created) {
            (Outcome::Applied, Some(id)) => format!("applied (created {id})"),
            (Outcome::Applied, None) => "applied".to_owned(),
            (Outcome::InDoubt, _) => "in doubt (interrupted while it was sent)".to_owned(),
            (Outcome::NotApplied(why), _) => format!("not applied: {why}"),
        };
        let undo = match &c.undo {
            Undo::No => String::new(),
            Undo::Started => ", being undone (a rollback was interrupted)".to_owned(),
            Undo::Undone => ", undone".to_owned(),
            Undo::Irreversible(why) => format!(", cannot be undone: {why}"),
            Undo::Failed(why) => format!(", undo failed: {why}"),
        };
        let _ = writeln!(
            out,
            "  #{} {} {} {}: {outcome}{undo}",
            c.seq,
            c.step,
            c.change.action().name(),
            c.change.resource()
        );
        super::run::write_diff(&mut out, &c.change.diff());
        for u in &c.undone_by {
            let state = match &u.outcome {
                Outcome::Applied => "applied".to_owned(),
                Outcome::InDoubt => "in doubt".to_owned(),
                Outcome::NotApplied(why) => format!("not applied: {why}"),
            };
            let _ = writeln!(
                out,
                "      undone by #{} {} {}: {state}",
                u.seq,
                u.change.action().name(),
                u.change.resource()
            );
        }
    }
    out
}
