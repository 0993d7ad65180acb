//! What `plan` and `apply` share: load a workflow into a session, and print a report with its
//! changes.

use std::fmt::Write;
use std::path::Path;

use serde_json::Value;
use switchyard::changes::{Action, FieldDiff, Tally};
use switchyard::plan::PlannedChange;
use switchyard::provider::aws::scope::RoleArn;
use switchyard::report::visible;
use switchyard::runner::{RunReport, Status};
use switchyard::session::{Session, SessionError, all_changes};

use super::{Global, UsageError, load_workflow};

/// Loads the workflow in `file`, prepares its plugins and checks the account; `scoped` is
/// `--scoped-credentials`, which the workflow's `scoped_credentials_role` must agree with.
pub async fn session(global: &Global, file: &Path, scoped: Option<&str>) -> anyhow::Result<Session> {
    let mut workflow = load_workflow(file)?;
    if let Some(role) = scoped {
        RoleArn::parse(role).map_err(|e| UsageError(format!("--scoped-credentials: {e}")))?;
        if let Some(pinned) = &workflow.scoped_credentials_role
            && pinned != role
        {
            return Err(UsageError(format!(
                "--scoped-credentials {role} disagrees with the workflow's scoped_credentials_role {pinned}: drop the flag or change the workflow"
            ))
            .into());
        }
        workflow.scoped_credentials_role = Some(role.to_owned());
    }
    let runner = global.runner(global.reporter())?;
    // The input is known good (plugins, grants, every `with`) before AWS is asked anything.
    let steps = runner.prepare(&workflow).await.map_err(SessionError::from)?;
    let aws = global.aws(workflow.region.as_deref()).await?;
    Ok(Session::new(workflow, runner, steps, aws).await?)
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
                format!(
                    "failed: {}",
                    visible(step.failure.as_ref().map_or("", |f| f.message.as_str()))
                ),
            ),
            Status::WouldChange => ("~", plural(step.changes.len(), "change")),
            Status::NotRun => (
                "·",
                format!("not run: {}", visible(step.reason.as_deref().unwrap_or(""))),
            ),
        };
        let _ = writeln!(out, "  {mark} {:<16} {:<24} {what}", step.id, visible(&step.plugin));
        for change in &step.changes {
            write_change(&mut out, change);
        }
        if report.mode != "plan"
            && let Some(Value::Object(outputs)) = &step.outputs
        {
            for (key, value) in outputs {
                let _ = writeln!(out, "      {} = {}", visible(key), visible(&short(value)));
            }
        }
    }
    if report.mode == "plan" {
        // A record set replaced counts as deleted: the summary never hides what goes.
        let tally: Tally = all_changes(report).iter().map(|c| c.change.kind().tally()).sum();
        let _ = writeln!(
            out,
            "plan: {} to create, {} to update, {} to delete",
            tally.created, tally.updated, tally.deleted
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
    // Resources and values come from plugins (an S3 key, a TXT record): shown escaped, so that
    // no change can hide another from the person approving the plan.
    let _ = writeln!(
        out,
        "      {mark} {} {}",
        change.action.name(),
        visible(&change.resource)
    );
    write_diff(out, &change.diff);
    // What a deletion leaves a rollback (a deleted certificate's key is never kept).
    if change.action == Action::Delete {
        let _ = writeln!(out, "          undo: {}", change.change.kind().undo_text());
    }
}

/// Field diffs, one per line: `field: before → after`.
pub fn write_diff(out: &mut String, diff: &[FieldDiff]) {
    for d in diff {
        let _ = writeln!(
            out,
            "          {}: {} → {}",
            visible(&d.field),
            visible(&short(&d.before)),
            visible(&short(&d.after))
        );
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

#[cfg(test)]
mod tests {
    use switchyard::changes::PutObject;

    use super::*;

    #[test]
    fn a_change_shown_for_approval_cannot_hide_another() {
        // An S3 key that would move the cursor up and erase the line above it.
        let put = PutObject {
            bucket: "site".into(),
            key: "x\u{1b}[1A\u{1b}[2Kok".into(),
            md5: "0".repeat(32),
            replaces: None,
            content_type: "text/html".into(),
            body: None,
        };
        let mut out = String::new();
        write_change(&mut out, &PlannedChange::new("site", put.into()));
        assert!(!out.contains('\u{1b}'), "{out:?}");
        assert!(out.contains("s3://site/x\\u{1b}[1A"), "{out:?}");
    }
}
