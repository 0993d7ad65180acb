//! `switchyard plan FILE [--out PLAN]`.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use switchyard::session::SavedPlan;

use super::run::{human, session};
use super::{FAILED, Global};

/// Exit code of `plan --detailed-exitcode` when there are changes.
pub const CHANGES: u8 = 2;

/// Show what a workflow would change, changing nothing: reads go to AWS; every write is shown
/// as a change (create, update, delete) with its fields before → after, and answered with
/// placeholders for what only AWS can tell, so later steps still run.
#[derive(Debug, clap::Args)]
pub struct Plan {
    /// The workflow file (TOML).
    pub file: PathBuf,
    /// Save the plan to this file, for `apply --plan`.
    #[arg(long, value_name = "PLAN")]
    pub out: Option<PathBuf>,
    /// Sign each step's AWS calls with credentials of this IAM role, narrowed by STS to the
    /// step's grants (a session policy derived from them); the workflow's
    /// `scoped_credentials_role` must agree.
    #[arg(long, value_name = "ROLE_ARN")]
    pub scoped_credentials: Option<String>,
    /// Exit 0 when there is nothing to change, 2 when there are changes, 1 on any error (bad
    /// input included), as `terraform plan -detailed-exitcode` does: for a drift check in CI.
    #[arg(long)]
    pub detailed_exitcode: bool,
}

impl Plan {
    pub async fn execute(self, global: &Global) -> anyhow::Result<ExitCode> {
        let session = session(global, &self.file, self.scoped_credentials.as_deref()).await?;
        let report = session.plan().await;
        if let Some(out) = &self.out
            && report.ok
        {
            let mut saved = serde_json::to_value(SavedPlan::of(&session, &report))?;
            switchyard::secrets::redact_value(&mut saved);
            let saved = serde_json::to_vec_pretty(&saved)?;
            std::fs::write(out, saved).with_context(|| format!("cannot save the plan to {}", out.display()))?;
        }
        global.print(&report, || human(&report))?;
        Ok(match (report.ok, self.detailed_exitcode && report.has_changes()) {
            (false, _) => ExitCode::from(FAILED),
            (true, true) => ExitCode::from(CHANGES),
            (true, false) => ExitCode::SUCCESS,
        })
    }
}
