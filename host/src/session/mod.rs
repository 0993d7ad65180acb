//! A workflow ready to run, and what the commands do with it: plan it, apply it (resuming an
//! interrupted run, or held to a saved plan), roll back one of its runs. The `switchyard`
//! commands are argument parsing and printing over these, as cargo's are over `cargo::ops`.

mod resume;
mod rollback;
mod saved;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use sha2::{Digest, Sha256};

pub use self::rollback::{RollbackOptions, rollback_run};
pub use self::saved::{PLAN_FORMAT, SavedPlan, SavedPlanError};
use crate::changes::Tally;
use crate::gate::{Apply, Mode};
use crate::journal::{self, Journal, JournalError};
use crate::plan::{Expected, Plan, PlannedChange};
use crate::provider::aws::Aws;
use crate::provider::aws::scope::ScopedCredentials;
use crate::rollback::RollbackReport;
use crate::runner::{PrepareError, PreparedStep, RunReport, Runner};
use crate::workflow::Workflow;

/// A refusal or failure of a session. Nothing was changed unless it says so.
#[derive(Debug, thiserror::Error)]
pub enum SessionError {
    /// The workflow could not be prepared.
    #[error(transparent)]
    Prepare(Box<PrepareError>),
    /// The journal could not be read or written.
    #[error(transparent)]
    Journal(#[from] JournalError),
    /// A saved plan does not hold.
    #[error(transparent)]
    SavedPlan(#[from] SavedPlanError),
    /// Refused as asked (a run of another account, a later run in the way): a usage error.
    #[error("{0}")]
    Refused(String),
    /// A file could not be read.
    #[error("{path}: {error}")]
    Io {
        /// The file.
        path: PathBuf,
        /// Why.
        error: std::io::Error,
    },
}

impl From<PrepareError> for SessionError {
    fn from(e: PrepareError) -> Self {
        Self::Prepare(Box::new(e))
    }
}

/// A workflow ready to run: loaded, its plugins prepared, the account checked.
#[derive(Debug)]
pub struct Session {
    /// The workflow.
    pub workflow: Workflow,
    /// The runner, with its runtime.
    pub runner: Runner,
    /// Each step with its plugin loaded and described.
    pub steps: Vec<PreparedStep>,
    /// AWS.
    pub aws: Arc<Aws>,
    /// The account the credentials belong to.
    pub account: String,
    /// The workflow file's absolute path, which names it in runs and plans.
    pub file: PathBuf,
    /// The SHA-256 of the workflow file.
    pub sha256: String,
    /// Each step's credentials narrowed to its grants, when the workflow asks for them
    /// (`scoped_credentials_role`, `--scoped-credentials`).
    pub scoped: Option<ScopedCredentials>,
}

/// What an apply did.
#[derive(Debug, serde::Serialize)]
pub struct Applied {
    /// The run's id.
    pub run: String,
    /// Whether an interrupted run was taken up.
    pub resumed: bool,
    /// The run's journal.
    pub journal: PathBuf,
    /// What the run changed in AWS (a resumed run: since it first started).
    pub totals: Tally,
    /// What each step did.
    #[serde(flatten)]
    pub report: RunReport,
    /// The rollback after a failure, when asked for.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rollback: Option<RollbackReport>,
}

impl Session {
    /// Takes `workflow` with its `steps` as [`Runner::prepare`] gave them, and checks the
    /// account of `aws`. Nothing is sent but the identity read. With a scoped-credentials role,
    /// every step's session policy is derived and checked here, before any step runs.
    pub async fn new(
        workflow: Workflow,
        runner: Runner,
        steps: Vec<PreparedStep>,
        aws: Arc<Aws>,
    ) -> Result<Self, SessionError> {
        let read = |path: &Path| {
            std::fs::read(path).map_err(|error| SessionError::Io {
                path: path.to_owned(),
                error,
            })
        };
        let sha256 = hex::encode(Sha256::digest(read(&workflow.file)?));
        let file = std::fs::canonicalize(&workflow.file).map_err(|error| SessionError::Io {
            path: workflow.file.clone(),
            error,
        })?;
        let (account, _arn) = runner.check_account(&workflow, &*aws).await?;
        let scoped = match &workflow.scoped_credentials_role {
            Some(role) => Some(
                ScopedCredentials::new(
                    aws.clone(),
                    role,
                    &account,
                    steps.iter().map(|s| (s.step.id.as_str(), s.step.grant_set())),
                )
                .map_err(|e| SessionError::Refused(e.to_string()))?,
            ),
            None => None,
        };
        Ok(Self {
            workflow,
            runner,
            steps,
            aws,
            account,
            file,
            sha256,
            scoped,
        })
    }

    /// Plans the workflow: reads from AWS (through clients that refuse anything but reads),
    /// every write recorded.
    pub async fn plan(&self) -> RunReport {
        let plan = Plan::new(Arc::new(self.aws.read_only()), &self.account);
        self.runner
            .execute_scoped(
                &self.workflow,
                &self.steps,
                self.account.clone(),
                Mode::Plan(plan),
                self.scoped.as_ref(),
            )
            .await
    }

    /// Applies the workflow, journaling every change in `runs_dir`: takes up its interrupted
    /// run if there is one; held to `saved` when given (checked again first); with
    /// `rollback_on_failure`, undoes what the run changed if a step fails.
    pub async fn apply(
        &self,
        runs_dir: &Path,
        saved: Option<&Path>,
        rollback_on_failure: bool,
    ) -> Result<Applied, SessionError> {
        let expected = match saved {
            Some(path) => Some(self.check_saved(path).await?),
            None => None,
        };
        self.apply_held(runs_dir, expected, rollback_on_failure).await
    }

    /// Applies the workflow as [`Session::apply`] does, every write held to `expected` when
    /// given (a plan the user saw and approved): a write the plan did not show is refused.
    pub async fn apply_held(
        &self,
        runs_dir: &Path,
        expected: Option<Expected>,
        rollback_on_failure: bool,
    ) -> Result<Applied, SessionError> {
        let _lock = journal::lock_workflow(runs_dir, &self.workflow.name, &self.account)?;
        let (journal, resumed) = self.open_run(runs_dir).await?;
        let apply = Apply {
            aws: self.aws.clone(),
            journal: journal.clone(),
            expected,
        };
        let report = self
            .runner
            .execute_scoped(
                &self.workflow,
                &self.steps,
                self.account.clone(),
                Mode::Apply(apply),
                self.scoped.as_ref(),
            )
            .await;
        // A journal gone from under the run has failed it already; the report says so.
        let run = journal::Run::load(&journal.path());
        let totals = run.as_ref().map_or_else(
            |_| Tally::default(),
            |run| {
                run.changes
                    .iter()
                    .filter(|c| c.outcome == journal::Outcome::Applied)
                    .map(|c| c.change.kind().tally())
                    .sum()
            },
        );
        // An interrupted run is left to be resumed or rolled back, as the user is told.
        let rollback = if !report.ok && rollback_on_failure && !report.interrupted {
            Some(self::rollback::undo(&run?, self.aws.clone(), &journal, self.runner.reporter(), &[]).await?)
        } else {
            None
        };
        Ok(Applied {
            run: journal.run_id(),
            resumed,
            journal: journal.path(),
            totals,
            report,
            rollback,
        })
    }

    /// The run to apply in: the workflow's interrupted run, taken up and reconciled with AWS;
    /// else a new one.
    async fn open_run(&self, dir: &Path) -> Result<(Journal, bool), SessionError> {
        match resume::unfinished(dir, &self.file)? {
            Some(run) => {
                self.runner.reporter().log(
                    "apply",
                    tracing::Level::INFO,
                    &format!(
                        "resuming run {} (interrupted): what it left in doubt is checked with AWS first",
                        run.id
                    ),
                );
                Ok((resume::take_up(&run, &self.account, self.aws.clone()).await?, true))
            }
            None => {
                let journal = Journal::create(dir, &self.workflow.name, &self.file, &self.account, self.aws_region())?;
                Ok((journal, false))
            }
        }
    }

    fn aws_region(&self) -> &str {
        crate::provider::StsRead::region(&*self.aws)
    }

    /// Checks that the saved plan in `path` still holds, and returns its changes for the apply
    /// to be held to.
    async fn check_saved(&self, path: &Path) -> Result<Expected, SessionError> {
        let saved = SavedPlan::read(path)?;
        saved.check_for(path, self)?;
        let now = all_changes(&self.plan().await);
        saved.check_fresh(path, &now)?;
        Ok(Expected::new(saved.changes))
    }
}

/// Every change of a report, in order.
pub fn all_changes(report: &RunReport) -> Vec<PlannedChange> {
    report.steps.iter().flat_map(|s| s.changes.iter().cloned()).collect()
}
