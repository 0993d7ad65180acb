//! `switchyard plan FILE`.

use std::path::PathBuf;
use std::process::ExitCode;

use switchyard::gate::Mode;

use super::Global;

/// Show what a workflow would change, changing nothing: reads go to AWS; a step stops at its
/// first write, which is shown.
#[derive(Debug, clap::Args)]
pub struct Plan {
    /// The workflow file (TOML).
    pub file: PathBuf,
}

impl Plan {
    pub async fn execute(self, global: &Global) -> anyhow::Result<ExitCode> {
        super::run::run_workflow(global, &self.file, Mode::Plan).await
    }
}
