//! One built-in step run alone, as `validate` and `audit` run theirs: a workflow of that step,
//! prepared and run in `mode`, its report whether it passed or failed on its findings.

use serde_json::Value;
use switchyard::gate::Mode;
use switchyard::plugins::PluginRef;
use switchyard::report::Reporter;
use switchyard::runner::Status;
use switchyard::workflow::{Step, Workflow};

use super::{FAILED, Global, USAGE};

/// A failure of the step itself (not a finding), with its exit code.
#[derive(Debug, thiserror::Error)]
#[error("{1}")]
pub struct Failed(pub u8, pub String);

/// Runs `step` alone in `mode` for `account`. Returns its report: its outputs, or the details
/// of a failure with code `findings` (the report of a step that failed on what it found), and
/// whether it failed so. Any other failure is [`Failed`]: exit 2 for bad input, else 1.
pub async fn run(
    global: &Global,
    step: Step,
    mode: Mode,
    account: String,
    findings: &str,
) -> anyhow::Result<(Value, bool)> {
    let plugin = match &step.plugin {
        PluginRef::Builtin(name) => name.clone(),
        PluginRef::File { path, .. } => path.display().to_string(),
    };
    let workflow = Workflow {
        file: std::env::current_dir()?.join(&step.id),
        name: step.id.clone(),
        account: None,
        region: None,
        scoped_credentials_role: None,
        vars: Default::default(),
        steps: vec![step],
    };
    // The report is the output: plugin log lines only with -v.
    let reporter = if global.verbose > 0 {
        global.reporter()
    } else {
        Reporter::new(None)
    };
    let runner = global.runner(reporter)?;
    let steps = runner.prepare(&workflow).await?;
    let report = runner.execute(&workflow, &steps, account, mode).await;
    let step = report
        .steps
        .into_iter()
        .next()
        .ok_or_else(|| anyhow::anyhow!("{plugin} did not run"))?;
    match (step.status, step.outputs, step.failure) {
        (Status::Succeeded, Some(outputs), _) => Ok((outputs, false)),
        (_, _, Some(f)) if f.code == findings && f.details.is_some() => Ok((f.details.unwrap_or_default(), true)),
        (_, _, Some(f)) => {
            let code = if f.code == "invalid-input" { USAGE } else { FAILED };
            Err(Failed(code, format!("{plugin}: {}", f.message)).into())
        }
        _ => anyhow::bail!("{plugin} returned neither a report nor an error"),
    }
}
