//! `switchyard runs`, `runs show RUN`, `runs repair RUN` and `runs forget RUN`.

use std::fmt::Write;
use std::process::ExitCode;

use switchyard::changes::Kind;
use switchyard::journal::{self, Outcome, Run, Undo};

use switchyard::report::visible;

use super::{Global, UsageError};

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
    /// Rewrite a damaged run's journal with only the lines that read (the file as it was is
    /// kept as `RUN.jsonl.damaged`).
    Repair {
        /// The run's id.
        run: String,
    },
    /// Stop tracking a run: its journal moves to `forgotten/`, and switchyard no longer lists,
    /// resumes or rolls it back. Asks first on a terminal.
    Forget {
        /// The run's id.
        run: String,
        /// Do not ask.
        #[arg(long, short = 'y')]
        yes: bool,
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
            Some(RunsCommand::Repair { run }) => {
                let run = journal::find(&dir, &run)?;
                if run.damage.is_none() {
                    global.print(&serde_json::json!({"run": run.id, "repaired": false}), || {
                        format!("run {} reads whole: nothing to repair\n", run.id)
                    })?;
                } else {
                    let repaired = journal::repair(&run)?;
                    global.print(&repaired, || {
                        format!(
                            "repaired run {}: dropped line(s) {} that did not read; the journal as it was is {}\n",
                            run.id,
                            repaired
                                .dropped
                                .iter()
                                .map(ToString::to_string)
                                .collect::<Vec<_>>()
                                .join(", "),
                            repaired.original.display()
                        )
                    })?;
                }
            }
            Some(RunsCommand::Forget { run, yes }) => {
                let run = journal::find(&dir, &run)?;
                let question = format!(
                    "forget run {} ({}, {} change(s))? switchyard will no longer roll it back",
                    run.id,
                    run.status.name(),
                    run.changes.len()
                );
                if !yes && !super::confirm(&question)? {
                    return Err(UsageError(format!(
                        "run {} was not forgotten: pass --yes to forget it without asking",
                        run.id
                    ))
                    .into());
                }
                let to = journal::forget(&run)?;
                global.print(&serde_json::json!({"run": run.id, "moved_to": to}), || {
                    format!("forgot run {}: its journal is now {}\n", run.id, to.display())
                })?;
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
            // A damaged journal may not say when its run started.
            if run.started.is_empty() {
                "-".to_owned()
            } else {
                format!("{}Z", run.started.get(..19).unwrap_or(&run.started))
            },
            run.changes.len(),
            run.workflow
        );
        if let Some(damage) = &run.damage {
            let _ = writeln!(out, "  line {}: {}", damage.line, damage.reason);
        }
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
    if let Some(damage) = &run.damage {
        let _ = writeln!(
            out,
            "  damaged at line {}: {} (`switchyard runs repair {}`)",
            damage.line, damage.reason, run.id
        );
    }
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
            visible(&c.change.resource())
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
                visible(&u.change.resource())
            );
        }
    }
    out
}
