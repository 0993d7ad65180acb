//! `switchyard apply FILE [--plan PLAN] [--rollback-on-failure]`.

use std::path::PathBuf;
use std::process::ExitCode;

use switchyard::plan::Expected;

use super::run::{human, session};
use super::{FAILED, Global, INTERRUPTED};

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
    /// Do not show the plan and ask first (only a terminal is asked; scripts never are).
    #[arg(short = 'y', long)]
    pub yes: bool,
    /// Sign each step's AWS calls with credentials of this IAM role, narrowed by STS to the
    /// step's grants (a session policy derived from them); the workflow's
    /// `scoped_credentials_role` must agree.
    #[arg(long, value_name = "ROLE_ARN")]
    pub scoped_credentials: Option<String>,
}

impl Apply {
    pub async fn execute(self, global: &Global) -> anyhow::Result<ExitCode> {
        let session = session(global, &self.file, self.scoped_credentials.as_deref()).await?;
        let dir = global.runs_dir(&session.workflow.dir());
        // A person at a terminal sees what will change and says yes first, and what is applied
        // is held to what they saw; a saved plan was seen already.
        let mut approved = None;
        if !self.yes && self.plan.is_none() && super::on_terminal() {
            let plan = session.plan().await;
            eprint!("{}", switchyard::secrets::redact(&human(&plan)));
            if !plan.ok {
                return Ok(ExitCode::from(FAILED));
            }
            let changes = switchyard::session::all_changes(&plan);
            if !changes.is_empty() && !super::confirm(&format!("apply these changes in account {}?", session.account))?
            {
                eprintln!("nothing was applied");
                return Ok(ExitCode::from(FAILED));
            }
            approved = Some(Expected::new(changes));
        }
        super::stop_on_ctrl_c();
        let applied = match approved {
            Some(expected) => {
                session
                    .apply_held(&dir, Some(expected), self.rollback_on_failure)
                    .await?
            }
            None => {
                session
                    .apply(&dir, self.plan.as_deref(), self.rollback_on_failure)
                    .await?
            }
        };
        global.print(&applied, || {
            let mut out = human(&applied.report);
            out.push_str(&format!(
                "apply: {}\nrun {} (journal: {})\n",
                applied.totals,
                applied.run,
                applied.journal.display()
            ));
            if let Some(r) = &applied.rollback {
                out.push_str(&super::rollback::human(r));
            }
            out
        })?;
        if applied.report.interrupted {
            eprintln!(
                "run {} was interrupted before its next change: `switchyard apply {}` resumes it, `switchyard rollback {}` undoes what it changed",
                applied.run,
                self.file.display(),
                applied.run
            );
            return Ok(ExitCode::from(INTERRUPTED));
        }
        Ok(if applied.report.ok {
            ExitCode::SUCCESS
        } else {
            ExitCode::from(FAILED)
        })
    }
}
