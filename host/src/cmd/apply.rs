//! `switchyard apply FILE`.

use std::path::PathBuf;
use std::process::ExitCode;

use switchyard::gate::Mode;

use super::Global;

/// Run a workflow's steps in order; the first step that fails stops the run.
#[derive(Debug, clap::Args)]
pub struct Apply {
    /// The workflow file (TOML).
    pub file: PathBuf,
}

impl Apply {
    pub async fn execute(self, global: &Global) -> anyhow::Result<ExitCode> {
        super::run::run_workflow(global, &self.file, Mode::Apply).await
    }
}
