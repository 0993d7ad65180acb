//! `switchyard check FILE`: the checks `plan` and `apply` make before anything runs, offline.

use std::path::PathBuf;
use std::process::ExitCode;

use serde::Serialize;

use super::{Global, load_workflow};

/// Check a workflow without AWS: its file, every step's plugin and pin (and the lock file
/// `FILE.lock`, if there is one: see `plugins lock`), its grants against what
/// the plugin needs, its `with` against the plugin's input schema, each `${steps.<id>.<output>}`
/// against the outputs the plugin declares, and each file a step reads. No credentials are
/// needed and nothing is sent. Exit 0 when it would start, 2 with the first problem otherwise.
#[derive(Debug, clap::Args)]
pub struct Check {
    /// The workflow file (TOML).
    pub file: PathBuf,
}

/// What `check` found good.
#[derive(Debug, Serialize)]
struct Checked {
    ok: bool,
    workflow: String,
    steps: Vec<CheckedStep>,
}

#[derive(Debug, Serialize)]
struct CheckedStep {
    id: String,
    plugin: String,
}

impl Check {
    pub async fn execute(self, global: &Global) -> anyhow::Result<ExitCode> {
        let workflow = load_workflow(&self.file)?;
        let runner = global.runner(global.reporter())?;
        let steps = runner.prepare(&workflow).await?;
        let checked = Checked {
            ok: true,
            workflow: workflow.name.clone(),
            steps: steps
                .iter()
                .map(|s| CheckedStep {
                    id: s.step.id.clone(),
                    plugin: format!("{} {}", s.description.name, s.description.version),
                })
                .collect(),
        };
        global.print(&checked, || {
            let mut text = format!("{}: workflow {} would start:\n", self.file.display(), checked.workflow);
            for s in &checked.steps {
                text.push_str(&format!("  {} ({}) ok\n", s.id, s.plugin));
            }
            text
        })?;
        Ok(ExitCode::SUCCESS)
    }
}
