//! Runs a workflow: loads and checks its plugins, checks the account, then runs its steps in
//! order, each in a fresh sandbox with only its grants.

use std::collections::BTreeMap;
use std::time::Instant;

use serde::Serialize;
use serde_json::Value;

use crate::gate::{Gate, Mode};
use crate::journal::Event;
use crate::model::StepContext;
use crate::plan::PlannedChange;
use crate::provider::Reader;
use crate::provider::aws::scope::ScopedCredentials;
use crate::report::{Progress, Reporter};
use crate::runtime::{Runtime, StepFailure, StepRun};
use crate::workflow::expand::{self, Scope};
use crate::workflow::{Workflow, step_references};

/// How a step ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    /// It ran and returned its outputs.
    Succeeded,
    /// It returned an error, or broke a limit, or crashed.
    Failed,
    /// In a plan: it would change something.
    WouldChange,
    /// It did not run, or not to its end (an earlier step failed, or in a plan it needs what
    /// only apply creates).
    NotRun,
}

/// Why a step failed, for people and machines.
#[derive(Clone, Debug, Serialize)]
pub struct Failure {
    /// A stable code: the plugin's, or `limit`, `crash`.
    pub code: String,
    /// What went wrong.
    pub message: String,
    /// The plugin's structured details.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub details: Option<Value>,
}

/// What one step did.
#[derive(Clone, Debug, Serialize)]
pub struct StepReport {
    /// The step's id.
    pub id: String,
    /// The plugin's name and version.
    pub plugin: String,
    /// How it ended.
    pub status: Status,
    /// How long it took, in milliseconds.
    pub duration_ms: u64,
    /// Its outputs, when it succeeded.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub outputs: Option<Value>,
    /// Why it failed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub failure: Option<Failure>,
    /// In a plan: the changes it would make, in order.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub changes: Vec<PlannedChange>,
    /// Why it did not run.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// What a run did.
#[derive(Clone, Debug, Serialize)]
pub struct RunReport {
    /// The workflow's name.
    pub workflow: String,
    /// `plan` or `apply`.
    pub mode: &'static str,
    /// The account the credentials belong to.
    pub account: String,
    /// The region.
    pub region: String,
    /// Whether every step that ran succeeded.
    pub ok: bool,
    /// Whether a stop was asked for (Ctrl-C): the run stopped before its next call, and is
    /// left to be resumed or rolled back.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub interrupted: bool,
    /// Each step, in order.
    pub steps: Vec<StepReport>,
}

impl RunReport {
    /// Whether any step has a change to make (in a plan: what apply would write).
    pub fn has_changes(&self) -> bool {
        self.steps.iter().any(|s| !s.changes.is_empty())
    }
}

use self::prepare::list;
pub use self::prepare::{PrepareError, PreparedStep};

/// Runs workflows with one runtime and one set of AWS clients.
#[derive(Debug)]
pub struct Runner {
    runtime: Runtime,
    reporter: Reporter,
}

impl Runner {
    /// A runner with `runtime`, showing plugin logs through `reporter`.
    pub fn new(runtime: Runtime, reporter: Reporter) -> Self {
        Self { runtime, reporter }
    }

    /// The runtime.
    pub fn runtime(&self) -> &Runtime {
        &self.runtime
    }

    /// Where plugin logs and progress go.
    pub fn reporter(&self) -> &Reporter {
        &self.reporter
    }

    /// Checks that the credentials belong to the account the workflow pins, and returns the
    /// account and ARN.
    pub async fn check_account(&self, workflow: &Workflow, aws: &dyn Reader) -> Result<(String, String), PrepareError> {
        let caller = aws.caller().await.map_err(PrepareError::Identity)?;
        if let Some(pinned) = &workflow.account
            && *pinned != caller.account
        {
            return Err(PrepareError::WrongAccount {
                file: workflow.file.clone(),
                pinned: pinned.clone(),
                actual: caller.account,
                arn: caller.arn,
            });
        }
        Ok((caller.account, caller.arn))
    }

    /// Runs prepared steps in order, in `mode`. In a plan nothing is written: writes are
    /// recorded as planned changes and answered with placeholders; a step that reads what only
    /// apply creates stops there, and steps that need its outputs do not run. In apply, each
    /// step's end and the run's end are journaled too.
    pub async fn execute(&self, workflow: &Workflow, steps: &[PreparedStep], account: String, mode: Mode) -> RunReport {
        self.execute_scoped(workflow, steps, account, mode, None).await
    }

    /// Runs prepared steps as [`Runner::execute`] does; with `scoped`, each step's AWS calls
    /// are signed with credentials narrowed to its grants (`--scoped-credentials`), and a step
    /// whose credentials cannot be had fails with code `credentials`.
    pub async fn execute_scoped(
        &self,
        workflow: &Workflow,
        steps: &[PreparedStep],
        account: String,
        mode: Mode,
        scoped: Option<&ScopedCredentials>,
    ) -> RunReport {
        let region = mode.region().to_owned();
        let mut outputs: BTreeMap<String, Value> = BTreeMap::new();
        let mut reports: Vec<StepReport> = Vec::new();
        let mut stopped: Option<String> = None;
        for prepared in steps {
            let step = &prepared.step;
            let plugin = format!("{} {}", prepared.description.name, prepared.description.version);
            let not_run = |reason: String| StepReport {
                id: step.id.clone(),
                plugin: plugin.clone(),
                status: Status::NotRun,
                duration_ms: 0,
                outputs: None,
                failure: None,
                changes: Vec::new(),
                reason: Some(reason),
            };
            if stopped.is_none() && crate::interrupt::requested() {
                stopped = Some("interrupted (Ctrl-C)".into());
            }
            if let Some(why) = &stopped {
                reports.push(not_run(why.clone()));
                continue;
            }
            let waits_on: Vec<String> = step_references(&step.with)
                .into_iter()
                .filter(|id| !outputs.contains_key(id))
                .collect();
            if !waits_on.is_empty() {
                reports.push(not_run(format!(
                    "needs outputs of {} that are known only after apply",
                    list(&waits_on)
                )));
                continue;
            }
            let progress = Progress::of(&self.reporter, &step.id);
            let mut report = match scoped::step_mode(scoped, step, &mode).await {
                Ok(step_mode) => {
                    let gate = Gate::new(&step.id, step.grant_set(), step_mode, progress)
                        .with_call_limits(step.limits.host_calls, step.limits.host_calls_per_second);
                    self.run_step(workflow, prepared, &outputs, &plugin, gate).await
                }
                Err(e) => scoped::failed(step, &plugin, &e),
            };
            if let Mode::Plan(plan) = &mode {
                report.changes = plan.changes().into_iter().filter(|c| c.step == step.id).collect();
                if report.status == Status::Succeeded && !report.changes.is_empty() {
                    report.status = Status::WouldChange;
                }
            }
            if let Mode::Apply(apply) = &mode {
                let status = if report.status == Status::Failed {
                    "failed"
                } else {
                    "succeeded"
                };
                journal_event(
                    &apply.journal,
                    Event::StepFinished {
                        step: step.id.clone(),
                        status: status.into(),
                    },
                );
            }
            match report.status {
                Status::Succeeded | Status::WouldChange => {
                    outputs.insert(step.id.clone(), report.outputs.clone().unwrap_or(Value::Null));
                }
                Status::Failed => stopped = Some(format!("step `{}` failed", step.id)),
                Status::NotRun => {}
            }
            reports.push(report);
        }
        let ok = reports.iter().all(|r| r.status != Status::Failed);
        let interrupted = crate::interrupt::requested();
        // An interrupted run is left unfinished in the journal: `apply` resumes it.
        if let (Mode::Apply(apply), false) = (&mode, interrupted) {
            let status = if ok { "succeeded" } else { "failed" };
            journal_event(&apply.journal, Event::Finished { status: status.into() });
        }
        RunReport {
            workflow: workflow.name.clone(),
            mode: if matches!(mode, Mode::Plan(_)) { "plan" } else { "apply" },
            account,
            region,
            ok,
            interrupted,
            steps: reports,
        }
    }

    async fn run_step(
        &self,
        workflow: &Workflow,
        prepared: &PreparedStep,
        outputs: &BTreeMap<String, Value>,
        plugin: &str,
        gate: Gate,
    ) -> StepReport {
        let step = &prepared.step;
        let started = Instant::now();
        let mut report = StepReport {
            id: step.id.clone(),
            plugin: plugin.to_owned(),
            status: Status::Failed,
            duration_ms: 0,
            outputs: None,
            failure: None,
            changes: Vec::new(),
            reason: None,
        };
        let fail = |code: &str, message: String, details: Option<Value>| {
            Some(Failure {
                code: code.to_owned(),
                message,
                details,
            })
        };
        let scope = RunScope { workflow, outputs };
        let input = match expand::expand_value(&step.with, &scope, "with") {
            Ok(input) => input,
            Err((field, message)) => {
                report.failure = fail("invalid-input", format!("{field}: {message}"), None);
                return report;
            }
        };
        let context = StepContext {
            step_id: step.id.clone(),
            workflow: workflow.name.clone(),
            region: gate.region().to_owned(),
        };
        let run = StepRun {
            gate,
            reporter: self.reporter.clone(),
            limits: step.limits,
            base_dir: workflow.dir(),
        };
        let result = self
            .runtime
            .run(&prepared.plugin, &context, &input.to_string(), run)
            .await;
        report.duration_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
        match result {
            Ok(Ok(output)) => match serde_json::from_str::<Value>(&output) {
                Ok(value) => {
                    report.status = Status::Succeeded;
                    report.outputs = Some(value);
                }
                Err(e) => {
                    report.failure = fail(
                        "bad-output",
                        format!("the plugin returned outputs that are not JSON ({e}): a bug in the plugin"),
                        None,
                    )
                }
            },
            Ok(Err(e)) => {
                let details = e.details.as_deref().and_then(|d| serde_json::from_str(d).ok());
                report.failure = fail(&e.code, e.message, details);
            }
            Err(StepFailure::Unknowable(stop)) => {
                report.status = Status::NotRun;
                report.reason = Some(format!("stopped in the plan: {stop}"));
            }
            Err(e @ StepFailure::NotInPlan(_)) => report.failure = fail("stale-plan", e.to_string(), None),
            Err(e @ (StepFailure::Limit(_) | StepFailure::Description { .. })) => {
                report.failure = fail("limit", e.to_string(), None)
            }
            Err(e @ StepFailure::Trap { .. }) => report.failure = fail("crash", e.to_string(), None),
            Err(e @ StepFailure::Interrupted) => report.failure = fail("interrupted", e.to_string(), None),
        }
        report
    }
}

/// Journals a step's or the run's end. The changes are journaled already; a journal that cannot
/// take this line shows the run as interrupted, which the next apply resumes.
fn journal_event(journal: &crate::journal::Journal, event: Event) {
    if let Err(e) = journal.append(event) {
        tracing::warn!("cannot write to the journal: {e}");
    }
}

/// While running: vars, env and the outputs of steps that ran.
struct RunScope<'a> {
    workflow: &'a Workflow,
    outputs: &'a BTreeMap<String, Value>,
}

impl Scope for RunScope<'_> {
    fn resolve(&self, reference: &str) -> Result<Value, String> {
        if let Some(value) = self.workflow.resolve_fixed(reference) {
            return value;
        }
        let rest = reference
            .strip_prefix("steps.")
            .ok_or_else(|| format!("`${{{reference}}}` is not a reference"))?;
        let mut parts = rest.split('.');
        let id = parts.next().unwrap_or_default();
        let mut value = self
            .outputs
            .get(id)
            .ok_or_else(|| format!("step `{id}` has no outputs"))?;
        for key in parts {
            value = value
                .get(key)
                .ok_or_else(|| format!("`${{{reference}}}`: step `{id}` has no output `{key}`"))?;
        }
        Ok(value.clone())
    }
}

mod inputs;
mod lock;
mod prepare;
mod scoped;
#[cfg(test)]
mod tests;
