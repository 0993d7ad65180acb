//! Before anything runs: every step's plugin loaded and described, its grants and its input
//! checked. Nothing is sent to AWS.

use std::collections::HashSet;
use std::path::PathBuf;

use super::Runner;
use crate::gate::{Capability, Gate};
use crate::model::Description;
use crate::plugins::{PluginBytes, SourceError};
use crate::runtime::{Limits, Plugin, RuntimeError, StepFailure, StepRun};
use crate::workflow::{Step, Workflow};

/// Why a workflow did not start. Nothing ran.
#[derive(Debug, thiserror::Error)]
pub enum PrepareError {
    /// A step's plugin could not be had.
    #[error("{file}: step `{step}`: {error}")]
    Source {
        /// The workflow file.
        file: PathBuf,
        /// The step.
        step: String,
        /// Why.
        error: SourceError,
    },
    /// The workflow's lock file does not read, or a step's plugin is not the one it locks.
    #[error(transparent)]
    Lock(Box<crate::plugins::lock::LockError>),
    /// A step's plugin does not load.
    #[error("{file}: step `{step}`: {error}")]
    Load {
        /// The workflow file.
        file: PathBuf,
        /// The step.
        step: String,
        /// Why.
        error: RuntimeError,
    },
    /// A step's plugin failed to describe itself.
    #[error("{file}: step `{step}` (plugin {plugin}): cannot describe itself: {error}")]
    Describe {
        /// The workflow file.
        file: PathBuf,
        /// The step.
        step: String,
        /// The plugin.
        plugin: String,
        /// Why.
        error: StepFailure,
    },
    /// A step was not granted what its plugin needs.
    #[error("{file}: step `{step}` (plugin {plugin}) needs {} but `grants` does not give {}: add {} to the step's `grants`", list(.missing), if .missing.len() == 1 { "it" } else { "them" }, to_grant(.missing))]
    MissingGrants {
        /// The workflow file.
        file: PathBuf,
        /// The step.
        step: String,
        /// The plugin.
        plugin: String,
        /// The capabilities not granted.
        missing: Vec<String>,
    },
    /// The credentials are for another account than the workflow pins.
    #[error(
        "{file}: [workflow] account pins account {pinned}, but the AWS credentials are for account {actual} ({arn}): nothing was run; use credentials for {pinned} (e.g. --profile), or change the pin"
    )]
    WrongAccount {
        /// The workflow file.
        file: PathBuf,
        /// The pinned account.
        pinned: String,
        /// The credentials' account.
        actual: String,
        /// The credentials' ARN.
        arn: String,
    },
    /// A step's input does not hold against its plugin's schema, or names an output the
    /// plugin of an earlier step does not declare.
    #[error("{file}: step `{step}` (plugin {plugin}): {field}: {message}")]
    Input {
        /// The workflow file.
        file: PathBuf,
        /// The step.
        step: String,
        /// The plugin.
        plugin: String,
        /// Where in the step: `with.retry_after`.
        field: String,
        /// What is wrong and the fix.
        message: String,
    },
    /// The caller's identity could not be had.
    #[error("cannot tell which AWS account the credentials belong to: {0}")]
    Identity(crate::error::HostError),
}

/// The grants to add for `missing`: a file capability with the files it may read.
fn to_grant(missing: &[String]) -> String {
    let forms: Vec<String> = missing
        .iter()
        .map(|c| match c.parse::<Capability>() {
            Ok(capability) if crate::files::names_files(capability) => format!("{c}:PATH"),
            _ => c.clone(),
        })
        .collect();
    let files = forms.iter().any(|f| f.ends_with(":PATH"));
    let hint = if files {
        " (PATH: the files it reads, e.g. `certs/*`)"
    } else {
        ""
    };
    format!("{}{hint}", list(&forms))
}

pub(super) fn list(items: &[String]) -> String {
    items.iter().map(|i| format!("`{i}`")).collect::<Vec<_>>().join(", ")
}

/// A step ready to run: its plugin loaded and described.
#[derive(Debug)]
pub struct PreparedStep {
    /// The step.
    pub step: Step,
    /// Its plugin.
    pub plugin: Plugin,
    /// What the plugin says of itself.
    pub description: Description,
}

impl Runner {
    /// Loads and describes every step's plugin, checks each step's grants cover what its plugin
    /// needs, and checks every step's input (`inputs`). Nothing is sent to AWS. With a lock
    /// file next to the workflow, each plugin is held to it before it is loaded.
    pub async fn prepare(&self, workflow: &Workflow) -> Result<Vec<PreparedStep>, PrepareError> {
        let file = || workflow.file.clone();
        let held = super::lock::Held::of(workflow)?;
        let mut prepared = Vec::with_capacity(workflow.steps.len());
        for step in &workflow.steps {
            let (_, plugin) = self.load_step_plugin(workflow, step, Some(&held))?;
            let description = self.describe_step_plugin(workflow, step, &plugin).await?;
            let granted: HashSet<Capability> = step.grants.iter().map(|g| g.capability).collect();
            let missing: Vec<String> = description
                .capabilities
                .iter()
                .filter(|c| c.parse::<Capability>().map_or(true, |c| !granted.contains(&c)))
                .cloned()
                .collect();
            if !missing.is_empty() {
                return Err(PrepareError::MissingGrants {
                    file: file(),
                    step: step.id.clone(),
                    plugin: description.name.clone(),
                    missing,
                });
            }
            prepared.push(PreparedStep {
                step: step.clone(),
                plugin,
                description,
            });
        }
        super::inputs::check(workflow, &prepared)?;
        Ok(prepared)
    }

    /// Reads `step`'s plugin under its limits (a `sha256` pin checked, and the lock file when
    /// `held`), and compiles it.
    pub(super) fn load_step_plugin(
        &self,
        workflow: &Workflow,
        step: &Step,
        held: Option<&super::lock::Held>,
    ) -> Result<(PluginBytes, Plugin), PrepareError> {
        let bytes = step
            .plugin
            .read_within(step.limits.plugin_bytes)
            .map_err(|error| PrepareError::Source {
                file: workflow.file.clone(),
                step: step.id.clone(),
                error,
            })?;
        if let Some(held) = held {
            held.check(step, &bytes)?;
        }
        let plugin = self
            .runtime
            .load(&bytes, step.limits.compile)
            .map_err(|error| PrepareError::Load {
                file: workflow.file.clone(),
                step: step.id.clone(),
                error,
            })?;
        Ok((bytes, plugin))
    }

    /// `step`'s plugin's description, asked under the step's limits.
    pub(super) async fn describe_step_plugin(
        &self,
        workflow: &Workflow,
        step: &Step,
        plugin: &Plugin,
    ) -> Result<Description, PrepareError> {
        self.describe(plugin, step.limits)
            .await
            .map_err(|error| PrepareError::Describe {
                file: workflow.file.clone(),
                step: step.id.clone(),
                plugin: plugin.label.clone(),
                error,
            })
    }

    /// Asks a plugin to describe itself, with no grants and no AWS, under `limits` (its step's).
    pub async fn describe(&self, plugin: &Plugin, limits: Limits) -> Result<Description, StepFailure> {
        let run = StepRun {
            gate: Gate::offline(),
            reporter: self.reporter.clone(),
            limits,
            base_dir: PathBuf::from("/"),
        };
        self.runtime.describe(plugin, run).await
    }
}
