//! `audit-credentials`: audits an account's IAM credentials and says what to fix.
//!
//! The host reads the calling identity, the account summary and each user's access keys (ids
//! masked to their last four characters, never a secret), X.509 signing certificates and MFA
//! devices (`credentials.*`); the policy is here, in [`audit`], and the output in [`report`].

mod audit;
mod input;
mod report;
#[cfg(test)]
mod testing;

use std::time::{SystemTime, UNIX_EPOCH};

use switchyard_sdk::log::{self, Level};
use switchyard_sdk::{Description, Error, Step, StepContext, StepError, credentials, explain, export_step, json};

use audit::{Severity, UserCredentials};
use input::{Input, Users};
use report::Report;

struct AuditCredentials;

impl Step for AuditCredentials {
    fn describe() -> Description {
        Description {
            name: "audit-credentials".into(),
            version: env!("CARGO_PKG_VERSION").into(),
            description: "Audits the account's IAM credentials: whether the root user has access keys or \
                no MFA device, or signs the workflow itself; and, for the calling IAM user, every user \
                the grant covers or the users named in `users`, whether an active access key is older \
                than `key_max_age_days` or unused for more than `key_unused_days` (or never used), \
                whether two keys are active at once, whether an X.509 signing certificate is active, \
                expired or expiring within `signing_cert_expiring_days`, and whether the user has no \
                MFA device. Access keys are shown by their last four characters only; no secret is \
                ever read. Returns the credentials read and the findings, each with what to do; fails \
                with `audit-failed` (the output as details) when any finding is an error (or a warning, \
                with `fail_on = \"warning\"`). Changes nothing."
                .into(),
            input_schema: input::SCHEMA.into(),
            output_schema: input::OUTPUT_SCHEMA.into(),
            capabilities: vec!["credentials:read".into()],
        }
    }

    fn run(_context: StepContext, input: String) -> Result<String, StepError> {
        let input: Input = json::input(&input)?;
        input.check()?;
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
            .map_err(|_| StepError {
                code: "internal".into(),
                message: "the host's clock is before 1970: check it".into(),
                details: None,
            })?;
        let caller = credentials::get_caller()?;
        let summary = match credentials::get_account_summary() {
            Ok(summary) => Some(summary),
            Err(e @ Error::Denied(_)) => {
                log::write(
                    Level::Warn,
                    &format!(
                        "the account summary is not readable ({}): the root user's access keys and MFA \
                         are not checked; grant `credentials:read` for the whole account to check them",
                        explain(&e)
                    ),
                );
                None
            }
            Err(e) => return Err(e.into()),
        };
        let names: Vec<String> = match &input.users {
            Users::Caller => caller.user_name.iter().cloned().collect(),
            Users::All => credentials::list_users()?.into_iter().map(|u| u.name).collect(),
            Users::Named(names) => names.clone(),
        };
        let users = names.into_iter().map(read_user).collect::<Result<Vec<_>, _>>()?;
        let report = Report::new(&input, now, &caller, summary.as_ref(), &users);
        for (severity, line) in report.log_lines() {
            let level = match severity {
                Severity::Error => Level::Error,
                Severity::Warning => Level::Warn,
            };
            log::write(level, &line);
        }
        log::write(Level::Info, &report.summary_line());
        report.into_result(input.fail_on)
    }
}

/// Reads one user's credentials; an error names the user.
fn read_user(name: String) -> Result<UserCredentials, StepError> {
    let about = |e: Error| {
        let mut error = StepError::from(e);
        error.message = format!("user `{name}`: {}", error.message);
        error
    };
    let keys = credentials::list_access_keys(&name).map_err(about)?;
    let certificates = credentials::list_signing_certificates(&name).map_err(about)?;
    let mfa_devices = credentials::mfa_devices(&name).map_err(about)?;
    Ok(UserCredentials::new(name, keys, certificates, mfa_devices))
}

export_step!(AuditCredentials);
