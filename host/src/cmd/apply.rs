//! `switchyard apply FILE [--plan PLAN] [--rollback-on-failure]`.

use std::path::PathBuf;
use std::process::ExitCode;

use super::run::{human, session};
use super::{FAILED, Global};

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

impl Apply {
    pub async fn execute(self, global: &Global) -> anyhow::Result<ExitCode> {
        let session = session(global, &self.file).await?;
        let dir = global.runs_dir(&session.workflow.dir());
        let applied = session
            .apply(&dir, self.plan.as_deref(), self.rollback_on_failure)
            .await?;
        global.print(&applied, || {
            let mut out = String::new();
            if applied.resumed {
                out.push_str(&format!("resumed interrupted run {}\n", applied.run));
            }
            out.push_str(&human(&applied.report));
            out.push_str(&format!(
                "run {} (journal: {})\n",
                applied.run,
                applied.journal.display()
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
