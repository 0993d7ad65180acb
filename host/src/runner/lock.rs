//! A workflow and its lock file ([`crate::plugins::lock`]): making the lock, and holding every
//! step's plugin to it while preparing, before the plugin is loaded. Nothing is sent to AWS.

use std::collections::BTreeMap;
use std::path::PathBuf;

use super::{PrepareError, Runner};
use crate::plugins::lock::{self, Lock, LockError, LockedPlugin};
use crate::plugins::{PluginBytes, PluginRef};
use crate::workflow::{Step, Workflow};

/// A workflow's lock file while its steps are prepared: none, or the lock every step's plugin
/// must match.
pub(super) struct Held {
    lock: Option<Lock>,
    file: PathBuf,
    dir: PathBuf,
}

impl Held {
    /// Reads the lock file of `workflow`, if it has one.
    pub(super) fn of(workflow: &Workflow) -> Result<Self, PrepareError> {
        Ok(Self {
            lock: Lock::read(&workflow.file).map_err(refused)?,
            file: workflow.file.clone(),
            dir: workflow.dir(),
        })
    }

    /// Checks that `bytes`, read for `step`, are the plugin the lock file holds for it. Without
    /// a lock file, any plugin is.
    pub(super) fn check(&self, step: &Step, bytes: &PluginBytes) -> Result<(), PrepareError> {
        let Some(locked) = &self.lock else { return Ok(()) };
        let source = lock::source(&step.plugin, &self.dir);
        locked
            .check(&self.file, &step.id, &source, &bytes.sha256)
            .map_err(refused)
    }
}

/// A lock file's refusal, as a reason the workflow did not start.
fn refused(error: LockError) -> PrepareError {
    PrepareError::Lock(Box::new(error))
}

impl Runner {
    /// The lock of `workflow`: every distinct plugin its steps run, with its digest, the
    /// `switchyard:step` version it was built against and, for a built-in, its version. Each is
    /// read under its step's limits (a `sha256` pin is checked) and loaded; a built-in is
    /// described. A lock file the workflow has already is not read. Nothing is sent to AWS.
    pub async fn lock(&self, workflow: &Workflow) -> Result<Lock, PrepareError> {
        let dir = workflow.dir();
        let mut plugins: BTreeMap<String, LockedPlugin> = BTreeMap::new();
        for step in &workflow.steps {
            let source = lock::source(&step.plugin, &dir);
            if plugins.contains_key(&source) {
                continue;
            }
            let (bytes, plugin) = self.load_step_plugin(workflow, step, None)?;
            let version = match &step.plugin {
                PluginRef::Builtin(_) => Some(self.describe_step_plugin(workflow, step, &plugin).await?.version),
                PluginRef::File { .. } => None,
            };
            let entry = LockedPlugin {
                source: source.clone(),
                sha256: bytes.sha256,
                wit: plugin.wit_version().to_owned(),
                version,
            };
            plugins.insert(source, entry);
        }
        Ok(Lock::new(plugins.into_values()))
    }
}
