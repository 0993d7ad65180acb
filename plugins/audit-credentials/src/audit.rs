//! The policy: what is wrong with an account's IAM credentials, as findings.
//!
//! Pure functions over what the host reports (`credentials.*`) and the time `now`; nothing here
//! calls the host, so it is unit tested on the build machine's target. Access key ids are only
//! ever masked ids (`****WXYZ`): [`UserCredentials::new`] masks any id that is not.

mod certificates;
mod keys;

use serde::Serialize;
use switchyard_sdk::credentials::{AccessKey, AccountSummary, Caller, CredentialStatus, SigningCertificate};

use crate::input::Input;

/// How bad a finding is; `fail_on` says which fail the step.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The account is exposed now.
    Error,
    /// Works, but should be fixed.
    Warning,
}

/// One thing wrong with a credential, and what to do about it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// A stable code, one of [`ORDER`].
    pub code: &'static str,
    /// Its severity.
    pub severity: Severity,
    /// The IAM user it is about (`root` for the root user), if any.
    pub user: Option<String>,
    /// The credential it is about: a masked access key id or a signing certificate id.
    pub credential: Option<String>,
    /// What is wrong, for a person.
    pub message: String,
    /// What to do about it.
    pub fix: String,
}

/// Every finding code, in report order (within each severity and user).
pub const ORDER: &[&str] = &[
    "root-access-key",
    "key-older-than",
    "key-unused",
    "two-active-keys",
    "signing-cert-active",
    "signing-cert-expired",
    "signing-cert-expiring",
    "no-mfa",
];

/// The user name of the root user's `no-mfa` finding (`root-access-key` has no user: the
/// root user's keys are the account's).
pub const ROOT: &str = "root";

/// What the host reported of one IAM user's credentials.
#[derive(Debug, Clone)]
pub struct UserCredentials {
    /// The user's name.
    pub name: String,
    /// Its access keys, ids masked.
    pub keys: Vec<AccessKey>,
    /// Its X.509 signing certificates.
    pub certificates: Vec<SigningCertificate>,
    /// How many MFA devices it has.
    pub mfa_devices: u32,
}

impl UserCredentials {
    /// A user's credentials, every access key id masked to its last four characters.
    pub fn new(name: String, keys: Vec<AccessKey>, certificates: Vec<SigningCertificate>, mfa_devices: u32) -> Self {
        let keys = keys
            .into_iter()
            .map(|k| AccessKey {
                masked_id: mask(&k.masked_id),
                ..k
            })
            .collect();
        UserCredentials {
            name,
            keys,
            certificates,
            mfa_devices,
        }
    }
}

/// `****` and the last four characters of an access key id; a masked id as it is.
pub fn mask(id: &str) -> String {
    let chars: Vec<char> = id.chars().collect();
    if id.starts_with("****") && chars.len() <= 8 {
        return id.to_owned();
    }
    let tail: String = chars[chars.len().saturating_sub(4)..].iter().collect();
    format!("****{tail}")
}

/// `n thing` or `n things`.
pub fn count(n: impl Into<i128>, thing: &str) -> String {
    let n = n.into();
    if n == 1 {
        format!("{n} {thing}")
    } else {
        format!("{n} {thing}s")
    }
}

/// A finding about `user` (none: the account) and `credential`, if any.
fn finding(
    code: &'static str,
    severity: Severity,
    user: Option<&str>,
    credential: Option<&str>,
    message: String,
    fix: impl Into<String>,
) -> Finding {
    Finding {
        code,
        severity,
        user: user.map(str::to_owned),
        credential: credential.map(str::to_owned),
        message,
        fix: fix.into(),
    }
}

/// Whether a key or certificate is active.
pub fn active(status: CredentialStatus) -> bool {
    matches!(status, CredentialStatus::Active)
}

/// Audits the caller, the account summary (none when the grant could not read it) and each
/// user, as of `now` (Unix seconds). Returns the findings sorted (see [`sort`]).
pub fn audit(
    input: &Input,
    now: i64,
    caller: &Caller,
    summary: Option<&AccountSummary>,
    users: &[UserCredentials],
) -> Vec<Finding> {
    let mut out = Vec::new();
    let root_fix = "create an IAM role (or an IAM user with only the permissions the workflow needs) and sign \
        the workflow with its credentials; then delete the root user's access keys (IAM console, signed in as \
        root: Security credentials, Access keys, Delete) and never create new ones";
    // The root user's keys are the account's: no `user`. Its MFA is `no-mfa` of user `root`.
    if caller.is_root {
        let message = "the workflow signs with the root user's credentials".to_owned();
        out.push(finding(
            "root-access-key",
            Severity::Error,
            None,
            None,
            message,
            root_fix,
        ));
    }
    if let Some(s) = summary {
        if s.root_access_keys > 0 {
            let message = format!("the root user has {}", count(s.root_access_keys, "access key"));
            out.push(finding(
                "root-access-key",
                Severity::Error,
                None,
                None,
                message,
                root_fix,
            ));
        }
        if !s.root_mfa {
            out.push(finding(
                "no-mfa",
                Severity::Error,
                Some(ROOT),
                None,
                "the root user has no MFA device".into(),
                "sign in as root and assign an MFA device (IAM console: Security credentials, Multi-factor \
                 authentication); prefer a FIDO security key",
            ));
        }
    }
    for user in users {
        keys::check(input, now, user, &mut out);
        certificates::check(input, now, user, &mut out);
        if user.mfa_devices == 0 {
            out.push(finding(
                "no-mfa",
                Severity::Warning,
                Some(&user.name),
                None,
                "the user has no MFA device".into(),
                format!(
                    "assign one (IAM console: Users, {}, Security credentials, Assign MFA device), or, if \
                     nobody signs in as this user, make sure it has no console password",
                    user.name
                ),
            ));
        }
    }
    sort(&mut out);
    out
}

/// Sorts findings: errors first, then by user (none first), code (in [`ORDER`]), credential and
/// message.
pub fn sort(findings: &mut [Finding]) {
    let rank = |code: &str| ORDER.iter().position(|c| *c == code).unwrap_or(ORDER.len());
    findings.sort_by(|a, b| {
        (a.severity, &a.user, rank(a.code), &a.credential, &a.message).cmp(&(
            b.severity,
            &b.user,
            rank(b.code),
            &b.credential,
            &b.message,
        ))
    });
}

#[cfg(test)]
mod tests;
