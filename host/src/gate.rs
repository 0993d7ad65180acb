//! The one gate every host call passes: the capability check, and the place where plan mode
//! and the journal hook in. A host function reaches AWS only through [`Gate::call`],
//! which hands it the clients after the check.

use std::fmt;
use std::str::FromStr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::aws::Aws;
use crate::error::HostError;
use crate::journal::{Change, Event, Journal};
use crate::plan::{Expected, PlanLog, PlanStop, PlannedChange, is_placeholder};

/// A capability a host function belongs to. A workflow grants them to steps by name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Capability {
    /// `identity:read`: who the credentials belong to.
    IdentityRead,
    /// `certificates:load`: read certificate and key files on the host.
    CertificatesLoad,
    /// `iam:read`: read IAM server certificates.
    IamRead,
    /// `iam:write`: upload and delete IAM server certificates.
    IamWrite,
    /// `acm:read`: read ACM certificates.
    AcmRead,
    /// `acm:write`: import and delete ACM certificates.
    AcmWrite,
    /// `cloudfront:read`: read distributions.
    CloudfrontRead,
    /// `cloudfront:write`: change distributions.
    CloudfrontWrite,
    /// `route53:read`: read zones, records and health checks.
    Route53Read,
    /// `route53:write`: change records and health checks.
    Route53Write,
    /// `s3:read`: read buckets and objects.
    S3Read,
    /// `s3:write`: create and change buckets and objects.
    S3Write,
    /// `files:read`: read files on the host (to upload them).
    FilesRead,
}

impl Capability {
    /// Every capability, in a stable order.
    pub const ALL: [Capability; 13] = [
        Self::IdentityRead,
        Self::CertificatesLoad,
        Self::IamRead,
        Self::IamWrite,
        Self::AcmRead,
        Self::AcmWrite,
        Self::CloudfrontRead,
        Self::CloudfrontWrite,
        Self::Route53Read,
        Self::Route53Write,
        Self::S3Read,
        Self::S3Write,
        Self::FilesRead,
    ];

    /// The capability's name, as written in grants.
    pub fn name(self) -> &'static str {
        match self {
            Self::IdentityRead => "identity:read",
            Self::CertificatesLoad => "certificates:load",
            Self::IamRead => "iam:read",
            Self::IamWrite => "iam:write",
            Self::AcmRead => "acm:read",
            Self::AcmWrite => "acm:write",
            Self::CloudfrontRead => "cloudfront:read",
            Self::CloudfrontWrite => "cloudfront:write",
            Self::Route53Read => "route53:read",
            Self::Route53Write => "route53:write",
            Self::S3Read => "s3:read",
            Self::S3Write => "s3:write",
            Self::FilesRead => "files:read",
        }
    }

    /// Whether calls under it change anything.
    pub fn is_write(self) -> bool {
        matches!(
            self,
            Self::IamWrite | Self::AcmWrite | Self::CloudfrontWrite | Self::Route53Write | Self::S3Write
        )
    }
}

impl fmt::Display for Capability {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A grant that does not parse.
#[derive(Debug, thiserror::Error)]
#[error("unknown capability `{0}`; known: {known}", known = Capability::ALL.map(Capability::name).join(", "))]
pub struct UnknownCapability(String);

impl FromStr for Capability {
    type Err = UnknownCapability;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|c| c.name() == s)
            .ok_or_else(|| UnknownCapability(s.to_owned()))
    }
}

/// One grant: a capability, for every resource or for resources matching a pattern.
///
/// Written `service:access` or `service:access:resource`. A resource pattern matches a
/// resource equal to it, or, when it ends in `*` or `/`, any resource it is a prefix of
/// (`iam:write:/cloudfront/`, `cloudfront:write:E2QWRUHAPOMQZL`, `certificates:load:./certs/*`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Grant {
    /// The capability granted.
    pub capability: Capability,
    /// The resources it is granted for; `None` for all.
    pub resource: Option<String>,
}

impl FromStr for Grant {
    type Err = UnknownCapability;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let mut parts = s.splitn(3, ':');
        let service = parts.next().unwrap_or_default();
        let access = parts.next().unwrap_or_default();
        let capability = format!("{service}:{access}").parse()?;
        let resource = parts.next().map(str::to_owned);
        if resource.as_deref() == Some("") {
            return Err(UnknownCapability(s.to_owned()));
        }
        Ok(Grant { capability, resource })
    }
}

impl fmt::Display for Grant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.resource {
            Some(r) => write!(f, "{}:{r}", self.capability),
            None => write!(f, "{}", self.capability),
        }
    }
}

impl Grant {
    fn allows(&self, capability: Capability, resource: Option<&str>) -> bool {
        if self.capability != capability {
            return false;
        }
        let (Some(pattern), Some(resource)) = (self.resource.as_deref(), resource) else {
            // An unnarrowed grant allows everything; a narrowed one allows no call that names
            // no resource (such as a list of every distribution).
            return self.resource.is_none();
        };
        match pattern.strip_suffix('*') {
            Some(prefix) => resource.starts_with(prefix),
            None if pattern.ends_with('/') => resource.starts_with(pattern),
            None => resource == pattern,
        }
    }
}

/// What a step was granted. Deny by default.
#[derive(Clone, Debug, Default)]
pub struct Grants(Vec<Grant>);

impl Grants {
    /// The grants given.
    pub fn new(grants: Vec<Grant>) -> Self {
        Self(grants)
    }

    /// Whether `capability` is granted for at least some resource.
    pub fn holds(&self, capability: Capability) -> bool {
        self.0.iter().any(|g| g.capability == capability)
    }

    /// Checks one call, naming the missing grant when it is not allowed.
    pub fn check(&self, capability: Capability, resource: Option<&str>) -> Result<(), HostError> {
        if self.0.iter().any(|g| g.allows(capability, resource)) {
            return Ok(());
        }
        // Name the resource only when it would have made a difference.
        let narrowed = self.holds(capability);
        Err(HostError::Denied {
            capability: capability.name().to_owned(),
            resource: resource.filter(|_| narrowed).map(str::to_owned),
        })
    }
}

/// Whether writes are sent.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// Reads and writes are sent.
    Apply,
    /// Reads are sent; writes are recorded as planned changes and answered with placeholders.
    Plan,
}

/// Where a gate records writes.
#[derive(Clone, Debug, Default)]
pub enum Record {
    /// Nowhere (a command that makes no changes, such as `validate`).
    #[default]
    Nowhere,
    /// In a run's journal, before each write is sent; with a saved plan, each write must be the
    /// plan's next change.
    Journal(Journal, Option<Expected>),
    /// In a plan, instead of sending.
    Plan(PlanLog),
}

/// One host call as the gate sees it.
#[derive(Clone, Copy, Debug)]
pub struct Call<'a> {
    /// The capability it belongs to.
    pub capability: Capability,
    /// What it is done to (an id, a path, a file), for narrowed grants and the plan.
    pub resource: Option<&'a str>,
    /// What it does, for people.
    pub action: &'static str,
}

impl<'a> Call<'a> {
    /// A call under `capability` doing `action`.
    pub fn new(capability: Capability, action: &'static str) -> Self {
        Self {
            capability,
            resource: None,
            action,
        }
    }

    /// The same call, done to `resource`.
    pub fn on(self, resource: &'a str) -> Self {
        Self {
            resource: Some(resource),
            ..self
        }
    }
}

/// The gate of one step.
pub struct Gate {
    grants: Grants,
    mode: Mode,
    aws: Option<Arc<Aws>>,
    host_time: Duration,
    step: String,
    record: Record,
}

impl fmt::Debug for Gate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Gate")
            .field("grants", &self.grants)
            .field("mode", &self.mode)
            .finish()
    }
}

impl Gate {
    /// A gate for a step with `grants`, running in `mode`, calling AWS through `aws` (none for
    /// a command that works offline, such as `validate`).
    pub fn new(grants: Grants, mode: Mode, aws: Option<Arc<Aws>>) -> Self {
        Self {
            grants,
            mode,
            aws,
            host_time: Duration::ZERO,
            step: String::new(),
            record: Record::Nowhere,
        }
    }

    /// The same gate, recording the writes of `step` in `record`.
    pub fn recording(self, step: &str, record: Record) -> Self {
        Self {
            step: step.to_owned(),
            record,
            ..self
        }
    }

    /// Checks `call`, then runs `f` with the AWS clients. `f` only reads: every change to AWS
    /// goes through [`Gate::write`]. In plan mode, a read of a resource that exists only after
    /// apply (a placeholder) stops the step with [`PlanStop`].
    pub async fn call<T>(
        &mut self,
        call: Call<'_>,
        f: impl AsyncFnOnce(&Aws) -> Result<T, HostError>,
    ) -> Result<T, HostError> {
        self.check(call)?;
        let aws = self.aws()?;
        let started = Instant::now();
        let result = f(&aws).await;
        self.host_time += started.elapsed();
        match &result {
            Ok(_) => tracing::debug!(capability = %call.capability, resource = call.resource, "{}", call.action),
            Err(e) => {
                tracing::debug!(capability = %call.capability, resource = call.resource, error = %e, "{} failed", call.action)
            }
        }
        result
    }

    /// Runs a read that finds which resource a write is for (such as the path of a certificate
    /// about to be deleted), when the step holds `capability` for at least some resource. The
    /// write itself then passes [`Gate::call`] with that resource.
    pub async fn resolve<T>(
        &mut self,
        capability: Capability,
        f: impl AsyncFnOnce(&Aws) -> Result<T, HostError>,
    ) -> Result<T, HostError> {
        if !self.grants.holds(capability) {
            return Err(HostError::Denied {
                capability: capability.name().to_owned(),
                resource: None,
            });
        }
        let aws = self.aws()?;
        let started = Instant::now();
        let result = f(&aws).await;
        self.host_time += started.elapsed();
        result
    }

    /// Checks only that `call` is granted (for a read answered from the plan).
    pub fn check_grant(&self, call: Call<'_>) -> Result<(), HostError> {
        self.grants.check(call.capability, call.resource)
    }

    /// Checks `call` without AWS (a local operation such as reading a certificate file).
    pub fn check(&mut self, call: Call<'_>) -> Result<(), HostError> {
        self.grants.check(call.capability, call.resource)?;
        if let Some(resource) = call.resource.filter(|r| self.mode == Mode::Plan && is_placeholder(r)) {
            return Err(HostError::Trap(wasmtime::Error::new(PlanStop(resource.to_owned()))));
        }
        Ok(())
    }

    /// Makes one change to AWS: checks `call`; in plan mode records `change` and returns
    /// `planned()` (placeholders for what only AWS can tell) without sending anything; in apply
    /// mode journals `change` durably, runs `send`, and journals the outcome. `send` returns
    /// its result and the id of what it created, if anything.
    pub async fn write<T>(
        &mut self,
        call: Call<'_>,
        change: Change,
        planned: impl FnOnce() -> T,
        send: impl AsyncFnOnce(&Aws) -> Result<(T, Option<String>), HostError>,
    ) -> Result<T, HostError> {
        debug_assert!(call.capability.is_write(), "{} is not a write", call.action);
        self.grants.check(call.capability, call.resource)?;
        let journal = match (&self.record, self.mode) {
            (Record::Plan(plan), _) => {
                plan.push(PlannedChange::new(&self.step, change));
                return Ok(planned());
            }
            (_, Mode::Plan) => return Ok(planned()),
            (Record::Journal(journal, expected), Mode::Apply) => {
                if let Some(expected) = expected {
                    expected.take(&self.step, &change)?;
                }
                Some(journal.clone())
            }
            (Record::Nowhere, Mode::Apply) => None,
        };
        let aws = self.aws()?;
        let seq = match &journal {
            Some(j) => Some(
                j.intent(&self.step, change)
                    .map_err(|e| HostError::Internal(format!("cannot journal the change, so it was not made: {e}")))?,
            ),
            None => None,
        };
        let started = Instant::now();
        let result = send(&aws).await;
        self.host_time += started.elapsed();
        tracing::debug!(capability = %call.capability, resource = call.resource, ok = result.is_ok(), "{}", call.action);
        if let (Some(journal), Some(seq)) = (journal, seq) {
            let event = match &result {
                Ok((_, created)) => Event::Done {
                    seq,
                    created: created.clone(),
                },
                Err(e) => Event::Failed {
                    seq,
                    error: e.to_string(),
                },
            };
            // The change is made; a journal that cannot say so leaves it in doubt, which resume
            // and rollback reconcile with AWS.
            if let Err(e) = journal.append(event) {
                tracing::warn!("cannot journal the outcome of {}: {e}", call.action);
            }
        }
        result.map(|(value, _)| value)
    }

    /// The plan this gate records in, in plan mode.
    pub(crate) fn plan(&self) -> Option<&PlanLog> {
        match &self.record {
            Record::Plan(plan) => Some(plan),
            _ => None,
        }
    }

    /// The region the workflow runs in; empty when running without AWS.
    pub fn region(&self) -> &str {
        self.aws.as_deref().map_or("", Aws::region)
    }

    fn aws(&self) -> Result<Arc<Aws>, HostError> {
        self.aws
            .clone()
            .ok_or_else(|| HostError::Internal("this command runs without AWS; run the step in a workflow".into()))
    }

    /// Time spent inside host calls so far (waiting on AWS), which does not count against the
    /// step's time limit.
    pub fn host_time(&self) -> Duration {
        self.host_time
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn grants(list: &[&str]) -> Grants {
        Grants::new(list.iter().map(|g| g.parse().expect("grant parses")).collect())
    }

    #[test]
    fn deny_by_default() {
        let err = Grants::default().check(Capability::IamRead, None).expect_err("denied");
        assert!(matches!(err, HostError::Denied { ref capability, resource: None } if capability == "iam:read"));
    }

    #[test]
    fn narrowed_grants_match_exactly_or_by_prefix() {
        let g = grants(&[
            "cloudfront:write:E123",
            "iam:write:/cloudfront/",
            "certificates:load:/etc/ssl/*",
        ]);
        assert!(g.check(Capability::CloudfrontWrite, Some("E123")).is_ok());
        assert!(g.check(Capability::CloudfrontWrite, Some("E1234")).is_err());
        assert!(g.check(Capability::IamWrite, Some("/cloudfront/site/")).is_ok());
        assert!(g.check(Capability::IamWrite, Some("/other/")).is_err());
        assert!(g.check(Capability::CertificatesLoad, Some("/etc/ssl/site.pem")).is_ok());
        assert!(g.check(Capability::CertificatesLoad, Some("/etc/passwd")).is_err());
        // A narrowed grant does not allow a call over every resource.
        assert!(g.check(Capability::CloudfrontWrite, None).is_err());
    }

    #[test]
    fn denial_names_the_resource_only_when_narrowed() {
        let g = grants(&["cloudfront:write:E1"]);
        let err = g.check(Capability::CloudfrontWrite, Some("E2")).expect_err("denied");
        assert_eq!(err.to_string(), "denied: the step needs grant `cloudfront:write:E2`");
        let err = g.check(Capability::IamWrite, Some("/x/")).expect_err("denied");
        assert_eq!(err.to_string(), "denied: the step needs grant `iam:write`");
    }

    #[test]
    fn grants_parse_and_print() {
        for text in ["iam:read", "route53:write:Z123", "iam:write:/cloudfront/"] {
            assert_eq!(text.parse::<Grant>().expect("parses").to_string(), text);
        }
        assert!("iam:admin".parse::<Grant>().is_err());
        assert!("iam:read:".parse::<Grant>().is_err());
    }
}
