//! Scoped credentials: every step's calls signed with credentials that AWS itself narrows to the
//! step's grants, so that not even a host bug can reach past a grant.
//!
//! The host assumes one IAM role (`--scoped-credentials ROLE_ARN`, or `scoped_credentials_role`
//! in the workflow's `[workflow]` table) once per step, with STS `AssumeRole` and a session
//! policy derived from the step's grants ([`session_policy`]): the session can do only what both
//! the role's own policies and the session policy allow. A plan's session allows only the reads
//! (a plan writes nothing); an apply's, every call the host makes under the grants. A step with
//! no grant that reaches AWS (only `certificates:load` and `files:read`) gets no credentials at
//! all: its clients refuse every call before it is signed.
//!
//! `AssumeRole` rather than `GetFederationToken`: it works whatever the base credentials are (an
//! SSO session, an instance role, another assumed role), where a federation token needs an IAM
//! user's long-term keys; and the role is one place to audit (CloudTrail names each session
//! `switchyard-<step>`) and to bound what any Switchyard run may ever do.

mod clients;
mod policy;
#[cfg(test)]
mod tests;

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use aws_credential_types::Credentials;

pub use self::policy::{MAX_POLICY_CHARS, Purpose, packed, session_policy};
use super::Aws;
use crate::error::HostError;
use crate::grants::Grants;

/// The shortest session `AssumeRole` gives, in seconds.
const SHORTEST_SESSION: i32 = 900;
/// The longest session `AssumeRole` gives (when the role's maximum allows it), in seconds.
const LONGEST_SESSION: i32 = 43_200;
/// The longest session every role allows (a role's default maximum, and the limit of a role
/// assumed by another role), in seconds.
const DEFAULT_SESSION: i32 = 3_600;

/// Scoped credentials could not be set up, or not obtained for a step.
#[derive(Debug, thiserror::Error)]
pub enum ScopeError {
    /// The role is not written as an IAM role ARN.
    #[error(
        "`{0}` is not an IAM role ARN: scoped credentials take the role to assume, such as \
         `arn:aws:iam::123456789012:role/switchyard`"
    )]
    BadRole(String),
    /// The role is in another account than the credentials.
    #[error(
        "the scoped-credentials role {role} is in account {role_account}, but the credentials are for account \
         {account}: scoped credentials narrow the calls made in the credentials' own account; give a role of \
         account {account}"
    )]
    OtherAccount {
        /// The role.
        role: String,
        /// The role's account.
        role_account: String,
        /// The credentials' account.
        account: String,
    },
    /// A step's session policy is over what AWS takes.
    #[error(
        "step `{step}`: the session policy derived from its grants is {size} characters, over the \
         {max} AWS takes for scoped credentials: give the step fewer, broader grants \
         (a prefix such as `cloudfront:write:E12*`, or a capability for every resource such as \
         `cloudfront:write`)",
        max = MAX_POLICY_CHARS
    )]
    PolicyTooLarge {
        /// The step.
        step: String,
        /// The policy's length, packed.
        size: usize,
    },
    /// STS did not give a step its credentials.
    #[error("step `{step}`: cannot assume {role} for its scoped credentials: {error}")]
    Assume {
        /// The step.
        step: String,
        /// The role.
        role: String,
        /// Why.
        error: String,
    },
}

/// An IAM role, as scoped credentials assume it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RoleArn {
    /// The ARN as written.
    pub arn: String,
    /// Its partition (`aws`, `aws-cn`, `aws-us-gov`): every ARN of a session policy is in it.
    pub partition: String,
    /// Its account.
    pub account: String,
}

impl RoleArn {
    /// Reads `arn:PARTITION:iam::ACCOUNT:role/NAME` (a path may come before the name).
    pub fn parse(text: &str) -> Result<Self, ScopeError> {
        let bad = || ScopeError::BadRole(text.to_owned());
        let mut parts = text.splitn(6, ':');
        let (Some("arn"), Some(partition), Some("iam"), Some(""), Some(account), Some(resource)) = (
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
        ) else {
            return Err(bad());
        };
        let partition_ok =
            partition.starts_with("aws") && partition.bytes().all(|b| b.is_ascii_lowercase() || b == b'-');
        let account_ok = account.len() == 12 && account.bytes().all(|b| b.is_ascii_digit());
        let name_ok = resource
            .strip_prefix("role/")
            .is_some_and(|name| !name.is_empty() && !name.ends_with('/'));
        if !(partition_ok && account_ok && name_ok) {
            return Err(bad());
        }
        Ok(Self {
            arn: text.to_owned(),
            partition: partition.to_owned(),
            account: account.to_owned(),
        })
    }
}

/// A step's session policies, packed: `None` when the step makes no call to AWS in that run.
#[derive(Clone, Debug)]
struct StepPolicies {
    plan: Option<String>,
    apply: Option<String>,
}

/// The scoped credentials of a run's steps: the role, each step's session policies (derived and
/// checked before anything runs), and the base clients that assume the role.
pub struct ScopedCredentials {
    base: Arc<Aws>,
    role: RoleArn,
    steps: BTreeMap<String, StepPolicies>,
}

impl std::fmt::Debug for ScopedCredentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ScopedCredentials")
            .field("role", &self.role.arn)
            .field("steps", &self.steps.keys().collect::<Vec<_>>())
            .finish_non_exhaustive()
    }
}

impl ScopedCredentials {
    /// Scoped credentials of role `role` for `steps` (each step's id and grants), assumed with
    /// `base` (whose credentials are for `account`). Refused, before anything is sent, when the
    /// role is not one of `account` or a step's session policy is over what AWS takes.
    pub fn new<'a>(
        base: Arc<Aws>,
        role: &str,
        account: &str,
        steps: impl IntoIterator<Item = (&'a str, Grants)>,
    ) -> Result<Self, ScopeError> {
        let role = RoleArn::parse(role)?;
        if role.account != account {
            return Err(ScopeError::OtherAccount {
                role: role.arn.clone(),
                role_account: role.account.clone(),
                account: account.to_owned(),
            });
        }
        let mut policies = BTreeMap::new();
        for (step, grants) in steps {
            let packed_for = |purpose| {
                session_policy(&grants, purpose, &role.partition, &role.account)
                    .map(|policy| packed(step, &policy))
                    .transpose()
            };
            let step_policies = StepPolicies {
                plan: packed_for(Purpose::Plan)?,
                apply: packed_for(Purpose::Apply)?,
            };
            policies.insert(step.to_owned(), step_policies);
        }
        Ok(Self {
            base,
            role,
            steps: policies,
        })
    }

    /// The role assumed.
    pub fn role(&self) -> &RoleArn {
        &self.role
    }

    /// The clients step `step` runs with in a `purpose` run whose steps may take `deadline`: the
    /// base clients' region, endpoint, timeouts and retries, signing with credentials of the
    /// role narrowed by the step's session policy; or, for a step that makes no call to AWS,
    /// clients without credentials that refuse every call.
    pub async fn for_step(&self, step: &str, purpose: Purpose, deadline: Duration) -> Result<Aws, ScopeError> {
        let policy = self.steps.get(step).and_then(|p| match purpose {
            Purpose::Plan => p.plan.as_deref(),
            Purpose::Apply => p.apply.as_deref(),
        });
        // A step the scoped credentials were not made for gets none either: fail closed.
        let Some(policy) = policy else {
            return Ok(self.base.without_credentials(step));
        };
        let credentials = self.assume(step, policy, deadline).await?;
        Ok(self.base.with_credentials(credentials))
    }

    /// Assumes the role for `step` with session policy `policy`, for the step's `deadline` (as
    /// long as the role allows; else an hour), and remembers the credentials as secrets.
    async fn assume(&self, step: &str, policy: &str, deadline: Duration) -> Result<Credentials, ScopeError> {
        let session = session_name(step);
        let mut duration = session_seconds(deadline);
        let fail = |error: String| ScopeError::Assume {
            step: step.to_owned(),
            role: self.role.arn.clone(),
            error,
        };
        let out = loop {
            let sent = self
                .base
                .read("sts", "AssumeRole", || {
                    self.base
                        .sts
                        .assume_role()
                        .role_arn(&self.role.arn)
                        .role_session_name(&session)
                        .policy(policy)
                        .duration_seconds(duration)
                        .send()
                })
                .await;
            match sent {
                Ok(out) => break out,
                // Longer than the role's MaxSessionDuration (or than the hour a role assumed by
                // another role may last): an hour every role allows.
                Err(HostError::Aws { code, message, .. })
                    if code == "ValidationError"
                        && message.contains("DurationSeconds")
                        && duration > DEFAULT_SESSION =>
                {
                    tracing::warn!(
                        "step `{step}`: {} does not allow {duration} s sessions ({message}): its scoped credentials last {DEFAULT_SESSION} s, \
                         and calls after that fail; raise the role's MaxSessionDuration for longer steps",
                        self.role.arn
                    );
                    duration = DEFAULT_SESSION;
                }
                Err(HostError::Aws { code, .. }) if code == "PackedPolicyTooLarge" => {
                    return Err(fail(
                        "AWS finds the session policy derived from its grants too large once packed \
                         (PackedPolicyTooLarge): give the step fewer, broader grants"
                            .into(),
                    ));
                }
                Err(e) => return Err(fail(crate::secrets::redact(&e.to_string()))),
            }
        };
        let Some(given) = out.credentials else {
            return Err(fail("STS answered without credentials".into()));
        };
        crate::secrets::remember(&given.access_key_id);
        crate::secrets::remember(&given.secret_access_key);
        crate::secrets::remember(&given.session_token);
        tracing::debug!(step, role = %self.role.arn, session = %session, duration, "scoped credentials assumed");
        let expires = SystemTime::try_from(given.expiration).ok();
        Ok(Credentials::new(
            given.access_key_id,
            given.secret_access_key,
            Some(given.session_token),
            expires,
            "switchyard-scoped",
        ))
    }
}

/// The session name of step `step`: `switchyard-<step>`, in the characters and length AWS takes
/// (`[\w+=,.@-]{2,64}`), so that CloudTrail names the step behind every call.
pub fn session_name(step: &str) -> String {
    let mut name: String = format!("switchyard-{step}")
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "_+=,.@-".contains(c) {
                c
            } else {
                '-'
            }
        })
        .collect();
    // Every character is ASCII now: any length is a character boundary.
    name.truncate(64);
    name
}

/// How long a step's session is asked to last: its deadline, within what `AssumeRole` gives.
fn session_seconds(deadline: Duration) -> i32 {
    i32::try_from(deadline.as_secs())
        .unwrap_or(LONGEST_SESSION)
        .clamp(SHORTEST_SESSION, LONGEST_SESSION)
}
