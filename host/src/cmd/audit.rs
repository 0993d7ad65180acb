//! `switchyard audit`: runs the built-in `audit-credentials` step alone, reading AWS only.

use std::fmt::Write;
use std::process::ExitCode;
use std::sync::Arc;

use serde_json::{Value, json};
use switchyard::gate::{Capability, Grant, Mode};
use switchyard::plan::Plan;
use switchyard::plugins::PluginRef;
use switchyard::provider::StsRead;
use switchyard::report::visible;
use switchyard::runner::PrepareError;
use switchyard::runtime::Limits;
use switchyard::workflow::Step;

use super::{FAILED, Global};

/// Audit the account's access keys, X.509 signing certificates and MFA (reads only).
///
/// Audits the calling user (default), every IAM user (--all-users), or the users named. Exits
/// 1 when a finding is an error (or a warning, with --fail-on warning), 0 otherwise, so that it
/// can gate a CI job. Access keys are shown by their last four characters; no secret is read.
#[derive(Debug, clap::Args)]
#[command(after_long_help = FINDINGS)]
pub struct Audit {
    /// Audit every IAM user, not only the caller.
    #[arg(long, conflicts_with = "users")]
    pub all_users: bool,
    /// Audit this IAM user; repeat for several.
    #[arg(long = "user", value_name = "NAME")]
    pub users: Vec<String>,
    /// An active access key older than this many days is a finding.
    #[arg(long, default_value_t = 90, value_parser = clap::value_parser!(u32).range(1..=3650))]
    pub key_max_age_days: u32,
    /// An active access key not used for this many days is a finding.
    #[arg(long, default_value_t = 90, value_parser = clap::value_parser!(u32).range(1..=3650))]
    pub key_unused_days: u32,
    /// An active signing certificate expiring within this many days is a finding.
    #[arg(long, default_value_t = 30, value_parser = clap::value_parser!(u32).range(0..=3650))]
    pub signing_cert_expiring_days: u32,
    /// Which findings fail the audit (exit 1).
    #[arg(long, value_parser = ["error", "warning"], default_value = "error")]
    pub fail_on: String,
}

/// The findings `audit-credentials` reports, for `--help` (plugins/audit-credentials/README.md
/// has the rules).
const FINDINGS: &str = "\
Findings:
  root-access-key        error    the root user has access keys (or signs this run): delete them, use IAM users or roles
  no-mfa                 warning  a user without an MFA device (an error for the root user)
  key-older-than         warning  an active key older than --key-max-age-days: rotate it
  key-unused             warning  an active key never used, or not for --key-unused-days: deactivate and delete it
  two-active-keys        warning  a user with two active keys: finish the rotation, delete the old one
  signing-cert-active    warning  an active X.509 signing certificate (legacy tools): deactivate and delete it
  signing-cert-expired   warning  a signing certificate past its end of validity: delete it
  signing-cert-expiring  warning  an active signing certificate ending within --signing-cert-expiring-days

Exit codes: 0 nothing failing, 1 a failing finding (or AWS refused a read), 2 bad usage.";

impl Audit {
    pub async fn execute(self, global: &Global) -> anyhow::Result<ExitCode> {
        let users = if self.all_users {
            json!("all")
        } else if self.users.is_empty() {
            json!("caller")
        } else {
            json!(self.users)
        };
        let step = Step {
            id: "audit".into(),
            plugin: PluginRef::Builtin("audit-credentials".into()),
            with: json!({
                "users": users,
                "key_max_age_days": self.key_max_age_days,
                "key_unused_days": self.key_unused_days,
                "signing_cert_expiring_days": self.signing_cert_expiring_days,
                "fail_on": self.fail_on,
            }),
            grants: vec![Grant::new(Capability::CredentialsRead, None)],
            limits: Limits::default(),
        };
        let aws = global.aws(None).await?;
        let account = aws.caller().await.map_err(PrepareError::Identity)?.account;
        // Reads only: through clients that refuse anything else, in a plan that records nothing.
        let mode = Mode::Plan(Plan::new(Arc::new(aws.read_only()), &account));
        let (audit, failed) = super::alone::run(global, step, mode, account, "audit-failed").await?;
        global.print(&audit, || human(&audit, failed))?;
        Ok(if failed {
            ExitCode::from(FAILED)
        } else {
            ExitCode::SUCCESS
        })
    }
}

/// A field of `v` as text, escaped for the terminal; `-` when absent.
fn text(v: &Value, key: &str) -> String {
    match v.get(key) {
        None | Some(Value::Null) => "-".into(),
        Some(Value::String(s)) => visible(s).into_owned(),
        Some(other) => visible(&other.to_string()).into_owned(),
    }
}

/// The date part of an RFC 3339 time, or `-`.
fn day(v: &Value, key: &str) -> String {
    let t = text(v, key);
    t.get(..10).map_or(t.clone(), str::to_owned)
}

fn list<'a>(v: &'a Value, key: &str) -> &'a [Value] {
    v.get(key).and_then(Value::as_array).map_or(&[], Vec::as_slice)
}

/// The audit for people: who was audited, each user's credentials, then the findings.
fn human(audit: &Value, failed: bool) -> String {
    let mut out = String::new();
    let empty = Value::Null;
    let caller = audit.get("caller").unwrap_or(&empty);
    let alias = match text(caller, "account_alias").as_str() {
        "-" => String::new(),
        a => format!(" ({a})"),
    };
    let _ = writeln!(out, "account  {}{alias}", text(caller, "account"));
    let _ = writeln!(out, "caller   {}\n", text(caller, "arn"));
    let _ = writeln!(
        out,
        "{:<20} {:<22} {:<9} {:<11} LAST USED",
        "USER", "CREDENTIAL", "STATUS", "CREATED"
    );
    for user in list(audit, "users") {
        let name = text(user, "name");
        for key in list(user, "access_keys") {
            let used = match key.get("last_used") {
                Some(u) if !u.is_null() => format!("{} {} {}", day(u, "date"), text(u, "service"), text(u, "region")),
                _ => "never".into(),
            };
            let credential = format!("key {}", text(key, "masked_id"));
            let _ = writeln!(
                out,
                "{name:<20} {credential:<22} {:<9} {:<11} {used}",
                text(key, "status"),
                day(key, "created")
            );
        }
        for cert in list(user, "signing_certificates") {
            let id = text(cert, "id");
            let credential = format!("x509 {}", id.get(..12).unwrap_or(&id));
            let _ = writeln!(
                out,
                "{name:<20} {credential:<22} {:<9} {:<11} ends {}",
                text(cert, "status"),
                day(cert, "uploaded"),
                day(cert, "not_after")
            );
        }
        let _ = writeln!(
            out,
            "{name:<20} {:<22} {}",
            "mfa",
            match text(user, "mfa_devices").as_str() {
                "0" => "none".to_owned(),
                n => format!("{n} device(s)"),
            }
        );
    }
    out.push('\n');
    for f in list(audit, "findings") {
        let subject = [text(f, "user"), text(f, "credential")]
            .into_iter()
            .filter(|s| s != "-")
            .collect::<Vec<_>>()
            .join(" ");
        let _ = writeln!(
            out,
            "{:<8} {:<22} {subject:<28} {}",
            text(f, "severity"),
            text(f, "code"),
            text(f, "message")
        );
        let _ = writeln!(out, "{:<8} {:<22} {:<28} fix: {}", "", "", "", text(f, "fix"));
    }
    for note in list(audit, "not_checked") {
        let _ = writeln!(out, "not checked: {}", note.as_str().map_or("-".into(), visible));
    }
    let _ = writeln!(
        out,
        "{}: {} error(s), {} warning(s)",
        if failed { "failed" } else { "ok" },
        text(audit, "errors"),
        text(audit, "warnings")
    );
    out
}
