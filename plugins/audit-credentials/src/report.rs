//! The step's output: what was read (without a secret or a full key id), the findings, and the
//! step's result.

use serde::Serialize;
use switchyard_sdk::credentials::{AccessKey, AccountSummary, Caller, CredentialStatus, SigningCertificate};
use switchyard_sdk::{StepError, date};

use crate::audit::{self, Finding, Severity, UserCredentials, count};
use crate::input::{FailOn, Input, Users};

/// What `not_checked` says when the grant cannot read the account summary.
pub const NOT_CHECKED_ROOT_KEYS: &str = "root-access-key: needs credentials:read for the whole account";
/// What `not_checked` says of the root user's MFA when the grant cannot read the account summary.
pub const NOT_CHECKED_ROOT_MFA: &str = "no-mfa (root): needs credentials:read for the whole account";

/// What `not_checked` says when only the caller is audited and the caller is no IAM user (a
/// role, as in most CI jobs): no user's keys were read at all.
pub const NOT_CHECKED_CALLER: &str = "users: the caller is not an IAM user, so no user's keys were read: audit `users = \"all\"` (`--all-users`) or name them";

/// The calling identity.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CallerOut {
    /// The 12-digit account id.
    pub account: String,
    /// The caller's ARN.
    pub arn: String,
    /// Its IAM user name, when it is an IAM user.
    pub user_name: Option<String>,
    /// Whether it is the root user.
    pub is_root: bool,
    /// The account's alias, when it has one.
    pub account_alias: Option<String>,
}

/// The last use of an access key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UseOut {
    /// When, RFC 3339 UTC.
    pub date: String,
    /// The service, e.g. `s3`.
    pub service: String,
    /// The region, e.g. `us-east-1`.
    pub region: String,
}

/// An access key, by its masked id.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct KeyOut {
    /// `****` and its last four characters.
    pub masked_id: String,
    /// `active` or `inactive`.
    pub status: &'static str,
    /// When it was created, RFC 3339 UTC.
    pub created: String,
    /// Whole days since it was created.
    pub age_days: i64,
    /// Its last use; null when it was never used.
    pub last_used: Option<UseOut>,
}

/// An X.509 signing certificate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CertificateOut {
    /// Its id.
    pub id: String,
    /// `active` or `inactive`.
    pub status: &'static str,
    /// When it was uploaded, RFC 3339 UTC.
    pub uploaded: String,
    /// The end of its validity, RFC 3339 UTC; null when the host could not parse it.
    pub not_after: Option<String>,
    /// Its subject, RFC 4514.
    pub subject: String,
}

/// One audited user.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UserOut {
    /// The user's name.
    pub name: String,
    /// Its access keys.
    pub access_keys: Vec<KeyOut>,
    /// Its signing certificates.
    pub signing_certificates: Vec<CertificateOut>,
    /// How many MFA devices it has.
    pub mfa_devices: u32,
}

/// The step's output (and, when it fails, its error's details).
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// The calling identity.
    pub caller: CallerOut,
    /// The audited users, in the order read.
    pub users: Vec<UserOut>,
    /// The findings, sorted ([`audit::sort`]).
    pub findings: Vec<Finding>,
    /// How many findings are errors.
    pub errors: u32,
    /// How many findings are warnings.
    pub warnings: u32,
    /// What could not be checked, and why.
    pub not_checked: Vec<String>,
}

fn status(s: CredentialStatus) -> &'static str {
    if audit::active(s) { "active" } else { "inactive" }
}

fn key_out(k: &AccessKey, now: i64) -> KeyOut {
    KeyOut {
        masked_id: audit::mask(&k.masked_id),
        status: status(k.status),
        created: date::rfc3339(k.created),
        age_days: date::days_between(k.created, now),
        last_used: k.last_used.as_ref().map(|u| UseOut {
            date: date::rfc3339(u.date),
            service: u.service.clone(),
            region: u.region.clone(),
        }),
    }
}

fn certificate_out(c: &SigningCertificate) -> CertificateOut {
    CertificateOut {
        id: c.id.clone(),
        status: status(c.status),
        uploaded: date::rfc3339(c.uploaded),
        not_after: c.not_after.map(date::rfc3339),
        subject: c.subject.clone(),
    }
}

impl Report {
    /// Audits what the host reported as of `now` (Unix seconds); `summary` is none when the
    /// grant could not read it.
    pub fn new(
        input: &Input,
        now: i64,
        caller: &Caller,
        summary: Option<&AccountSummary>,
        users: &[UserCredentials],
    ) -> Self {
        let findings = audit::audit(input, now, caller, summary, users);
        let errors = findings.iter().filter(|f| f.severity == Severity::Error).count();
        let mut not_checked = Vec::new();
        if summary.is_none() {
            not_checked.extend([NOT_CHECKED_ROOT_KEYS.to_owned(), NOT_CHECKED_ROOT_MFA.to_owned()]);
        }
        if matches!(input.users, Users::Caller) && caller.user_name.is_none() && !caller.is_root {
            not_checked.push(NOT_CHECKED_CALLER.to_owned());
        }
        Report {
            caller: CallerOut {
                account: caller.account.clone(),
                arn: caller.arn.clone(),
                user_name: caller.user_name.clone(),
                is_root: caller.is_root,
                account_alias: caller.account_alias.clone(),
            },
            users: users
                .iter()
                .map(|u| UserOut {
                    name: u.name.clone(),
                    access_keys: u.keys.iter().map(|k| key_out(k, now)).collect(),
                    signing_certificates: u.certificates.iter().map(certificate_out).collect(),
                    mfa_devices: u.mfa_devices,
                })
                .collect(),
            errors: u32::try_from(errors).unwrap_or(u32::MAX),
            warnings: u32::try_from(findings.len() - errors).unwrap_or(u32::MAX),
            findings,
            not_checked,
        }
    }

    /// The lines to log, one per finding at its severity: `CODE user credential: message`.
    pub fn log_lines(&self) -> Vec<(Severity, String)> {
        self.findings
            .iter()
            .map(|f| {
                let mut line = f.code.to_owned();
                for part in [&f.user, &f.credential].into_iter().flatten() {
                    line.push(' ');
                    line.push_str(part);
                }
                (f.severity, format!("{line}: {}", f.message))
            })
            .collect()
    }

    /// The summary line to log at info: `N users, E errors, W warnings`.
    pub fn summary_line(&self) -> String {
        format!(
            "{}, {}, {}",
            count(self.users.len() as u64, "user"),
            count(self.errors, "error"),
            count(self.warnings, "warning")
        )
    }

    /// The step's result: the report as output, or `audit-failed` with the report as details
    /// when any finding has a severity `fail_on` fails.
    pub fn into_result(self, fail_on: FailOn) -> Result<String, StepError> {
        let json = switchyard_sdk::json::output(&self)?;
        let failing: Vec<&Finding> = self.findings.iter().filter(|f| fail_on.fails(f.severity)).collect();
        if failing.is_empty() {
            return Ok(json);
        }
        let mut codes: Vec<&str> = Vec::new();
        for f in &failing {
            if !codes.contains(&f.code) {
                codes.push(f.code);
            }
        }
        let what = match fail_on {
            FailOn::Error => "error finding",
            FailOn::Warning => "error or warning finding",
        };
        Err(StepError {
            code: "audit-failed".into(),
            message: format!("{}: {}", count(failing.len() as u64, what), codes.join(", ")),
            details: Some(json),
        })
    }
}

#[cfg(test)]
mod tests;
