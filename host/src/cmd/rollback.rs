//! `switchyard rollback RUN [--plan]`.

use std::fmt::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use switchyard::journal;
use switchyard::rollback::RollbackReport;
use switchyard::session::{RollbackOptions, rollback_run};

use switchyard::report::visible;

use super::run::write_change;
use super::{FAILED, Global, INTERRUPTED, UsageError, stop_on_ctrl_c};

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
    /// Do not show what would be undone and ask first (only a terminal is asked).
    #[arg(short = 'y', long)]
    pub yes: bool,
    /// A private key file (PEM), to upload again a server certificate the run deleted: its
    /// certificate and chain are kept in the run, its key never is. Repeat for several.
    #[arg(long = "key", value_name = "FILE")]
    pub keys: Vec<PathBuf>,
}

impl Rollback {
    pub async fn execute(self, global: &Global) -> anyhow::Result<ExitCode> {
        // A key file that holds no usable key is refused before anything is undone.
        for key in &self.keys {
            switchyard::certs::Bundle::check_key_file(key).map_err(|e| UsageError(format!("--key {e}")))?;
        }
        let dir = global.runs_dir(&std::env::current_dir()?);
        let run = journal::find(&dir, &self.run)?;
        // A run whose journal does not read is refused before AWS is asked anything.
        run.readable()?;
        let aws = global.aws(Some(&run.region)).await?;
        let options = RollbackOptions {
            plan: self.plan,
            force: self.force,
            key_files: self.keys,
        };
        if !self.yes && !self.plan && super::on_terminal() {
            let planned = rollback_run(
                &dir,
                &run,
                aws.clone(),
                RollbackOptions {
                    plan: true,
                    ..options.clone()
                },
                &global.reporter(),
            )
            .await?;
            eprint!("{}", switchyard::secrets::redact(&human(&planned)));
            if !super::confirm(&format!("undo run {} in account {}?", run.id, run.account))? {
                eprintln!("nothing was undone");
                return Ok(ExitCode::from(FAILED));
            }
        }
        stop_on_ctrl_c();
        let report = rollback_run(&dir, &run, aws, options, &global.reporter()).await?;
        global.print(&report, || human(&report))?;
        if report.interrupted {
            eprintln!(
                "the rollback of run {} was interrupted before its next undo: `switchyard rollback {}` finishes it",
                run.id, run.id
            );
            return Ok(ExitCode::from(INTERRUPTED));
        }
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
            item.seq,
            item.step,
            visible(&item.resource),
            item.undo,
            item.result
        );
        match &item.reason {
            Some(reason) => {
                let _ = writeln!(out, ": {reason}");
            }
            None => out.push('\n'),
        }
        for change in &item.changes {
            write_change(&mut out, change);
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
