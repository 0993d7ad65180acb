//! What `plan` and `apply` share: load and prepare a workflow, check the account, run it, and
//! print the report with its changes.

use std::fmt::Write;
use std::path::Path;
use std::sync::Arc;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::{Digest, Sha256};
use switchyard::aws::Aws;
use switchyard::gate::{Mode, Record};
use switchyard::journal::{Action, FieldDiff};
use switchyard::plan::{PlanLog, PlannedChange};
use switchyard::runner::{PreparedStep, RunReport, Runner, Status};
use switchyard::workflow::Workflow;

use super::{Global, load_workflow};

/// A workflow ready to run: loaded, its plugins prepared, the account checked.
pub struct Ready {
    pub workflow: Workflow,
    pub runner: Runner,
    pub steps: Vec<PreparedStep>,
    pub aws: Arc<Aws>,
    pub account: String,
    /// The workflow file's absolute path, which names it in runs and plans.
    pub file: std::path::PathBuf,
    /// The SHA-256 of the workflow file.
    pub sha256: String,
}

impl Ready {
    /// Loads the workflow in `file`, prepares its plugins and checks the account.
    pub async fn load(global: &Global, file: &Path) -> anyhow::Result<Self> {
        let workflow = load_workflow(file)?;
        let sha256 = hex::encode(Sha256::digest(std::fs::read(&workflow.file)?));
        let file = std::fs::canonicalize(&workflow.file)?;
        let runner = global.runner(global.reporter())?;
        let steps = runner.prepare(&workflow).await?;
        let aws = global.aws(workflow.region.as_deref()).await?;
        let (account, _arn) = runner.check_account(&workflow, &aws).await?;
        Ok(Self {
            workflow,
            runner,
            steps,
            aws,
            account,
            file,
            sha256,
        })
    }

    /// Runs the workflow in `mode`, recording writes in `record`. A plan gets clients that
    /// refuse every operation but reads.
    pub async fn run(&self, mode: Mode, record: Record) -> RunReport {
        let aws = match mode {
            Mode::Plan => Arc::new(self.aws.read_only()),
            Mode::Apply => self.aws.clone(),
        };
        self.runner
            .execute(
                &self.workflow,
                &self.steps,
                Some(aws),
                self.account.clone(),
                mode,
                record,
            )
            .await
    }

    /// Plans the workflow: reads only; every write recorded.
    pub async fn plan(&self) -> RunReport {
        self.run(Mode::Plan, Record::Plan(PlanLog::default())).await
    }
}

/// A plan saved by `plan --out`, applied by `apply --plan`.
#[derive(Debug, Serialize, Deserialize)]
pub struct SavedPlan {
    /// The format's version.
    pub format: u32,
    /// The workflow file, and its SHA-256 when planned.
    pub file: std::path::PathBuf,
    pub sha256: String,
    /// The account and region planned against.
    pub account: String,
    pub region: String,
    /// Every change, in order.
    pub changes: Vec<PlannedChange>,
}

/// The format of saved plans this version writes and reads.
pub const PLAN_FORMAT: u32 = 1;

impl SavedPlan {
    /// The saved form of `report`.
    pub fn of(ready: &Ready, report: &RunReport) -> Self {
        Self {
            format: PLAN_FORMAT,
            file: ready.file.clone(),
            sha256: ready.sha256.clone(),
            account: report.account.clone(),
            region: report.region.clone(),
            changes: all_changes(report),
        }
    }
}

/// Every change of a report, in order.
pub fn all_changes(report: &RunReport) -> Vec<PlannedChange> {
    report.steps.iter().flat_map(|s| s.changes.iter().cloned()).collect()
}

/// The report for people.
pub fn human(report: &RunReport) -> String {
    let mut out = format!(
        "{} {} (account {}, {})\n",
        report.mode, report.workflow, report.account, report.region
    );
    for step in &report.steps {
        let (mark, what) = match step.status {
            Status::Succeeded if report.mode == "plan" => ("✓", "no change".to_owned()),
            Status::Succeeded => ("✓", format!("done in {} ms", step.duration_ms)),
            Status::Failed => (
                "✗",
                format!("failed: {}", step.failure.as_ref().map_or("", |f| f.message.as_str())),
            ),
            Status::WouldChange => ("~", plural(step.changes.len(), "change")),
            Status::NotRun => ("·", format!("not run: {}", step.reason.as_deref().unwrap_or(""))),
        };
        let _ = writeln!(out, "  {mark} {:<16} {:<24} {what}", step.id, step.plugin);
        for change in &step.changes {
            write_change(&mut out, change);
        }
        if report.mode != "plan"
            && let Some(Value::Object(outputs)) = &step.outputs
        {
            for (key, value) in outputs {
                let _ = writeln!(out, "      {key} = {}", short(value));
            }
        }
    }
    if report.mode == "plan" {
        let count = |a: Action| all_changes(report).iter().filter(|c| c.action == a).count();
        let _ = writeln!(
            out,
            "plan: {} to create, {} to update, {} to delete",
            count(Action::Create),
            count(Action::Update),
            count(Action::Delete)
        );
    }
    let _ = writeln!(out, "{}", if report.ok { "ok" } else { "failed" });
    out
}

/// One change and its field diff, indented under its step.
pub fn write_change(out: &mut String, change: &PlannedChange) {
    let mark = match change.action {
        Action::Create => '+',
        Action::Update => '~',
        Action::Delete => '-',
    };
    let _ = writeln!(out, "      {mark} {} {}", change.action.name(), change.resource);
    write_diff(out, &change.diff);
}

/// Field diffs, one per line: `field: before → after`.
pub fn write_diff(out: &mut String, diff: &[FieldDiff]) {
    for d in diff {
        let _ = writeln!(out, "          {}: {} → {}", d.field, short(&d.before), short(&d.after));
    }
}

fn plural(n: usize, what: &str) -> String {
    if n == 1 {
        format!("1 {what}")
    } else {
        format!("{n} {what}s")
    }
}

/// A value on one line, cut to 100 characters.
pub fn short(value: &Value) -> String {
    let text = match value {
        Value::String(s) if s.is_empty() => "\"\"".to_owned(),
        Value::String(s) => s.clone(),
        Value::Null => "(none)".to_owned(),
        other => other.to_string(),
    };
    match text.char_indices().nth(100) {
        Some((end, _)) => format!("{}…", &text[..end]),
        None => text,
    }
}
