//! `switchyard plan FILE [--out PLAN]`.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use switchyard::session::SavedPlan;

use super::run::{human, session};
use super::{FAILED, Global};

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
        Ok(if report.ok {
            ExitCode::SUCCESS
        } else {
            ExitCode::from(FAILED)
        })
    }
}
