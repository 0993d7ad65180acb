//! What `plan` and `apply` share: load, prepare, check the account, run, print.

use std::fmt::Write;
use std::path::Path;
use std::process::ExitCode;

use serde_json::Value;
use switchyard::gate::Mode;
use switchyard::runner::{RunReport, Status};

use super::{FAILED, Global, load_workflow};

/// Runs the workflow in `file` in `mode` and prints its report.
pub async fn run_workflow(global: &Global, file: &Path, mode: Mode) -> anyhow::Result<ExitCode> {
    let workflow = load_workflow(file)?;
    let runner = global.runner(global.reporter())?;
    let steps = runner.prepare(&workflow).await?;
    let aws = global.aws(workflow.region.as_deref()).await?;
    let (account, _arn) = runner.check_account(&workflow, &aws).await?;
    let report = runner.execute(&workflow, &steps, Some(aws), account, mode).await;
    global.print(&report, || human(&report))?;
    Ok(if report.ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(FAILED)
    })
}

fn human(report: &RunReport) -> String {
    let mut out = format!(
        "{} {} (account {}, {})\n",
        report.mode, report.workflow, report.account, report.region
    );
    for step in &report.steps {
        let (mark, what) = match step.status {
            Status::Succeeded => ("✓", format!("done in {} ms", step.duration_ms)),
            Status::Failed => (
                "✗",
                format!("failed: {}", step.failure.as_ref().map_or("", |f| f.message.as_str())),
            ),
            Status::WouldChange => (
                "~",
                step.planned.as_ref().map_or_else(String::new, |p| match &p.resource {
                    Some(r) => format!("would {} ({r})", p.action),
                    None => format!("would {}", p.action),
                }),
            ),
            Status::NotRun => ("·", format!("not run: {}", step.reason.as_deref().unwrap_or(""))),
        };
        let _ = writeln!(out, "  {mark} {:<16} {:<24} {what}", step.id, step.plugin);
        if let Some(Value::Object(outputs)) = &step.outputs {
            for (key, value) in outputs {
                let _ = writeln!(out, "      {key} = {}", short(value));
            }
        }
    }
    let _ = writeln!(out, "{}", if report.ok { "ok" } else { "failed" });
    out
}

/// A value on one line, cut to 100 characters.
fn short(value: &Value) -> String {
    let text = match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    match text.char_indices().nth(100) {
        Some((end, _)) => format!("{}…", &text[..end]),
        None => text,
    }
}
