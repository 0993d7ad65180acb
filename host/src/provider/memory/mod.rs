//! AWS in memory, optionally layered over another reader.
//!
//! A [`Memory`] keeps what was written to it, per resource kind and id (and name, alias,
//! caller reference, serial where AWS finds things by those). A read is answered from what was
//! written here when it touched that resource, and otherwise from the parent (if any), merged
//! for lists. Writes check what AWS would refuse (a name taken, a stale ETag, a resource in
//! use) against that combined view.
//!
//! - [`Memory::fake`]: no parent, ids shaped like AWS's: what unit tests run against.
//! - [`Memory::plan`]: over the live, read-only AWS, ids are placeholders (`(known after
//!   apply: distribution id)`): a plan's view of AWS. Every write a plan records lands here, so
//!   every later read of every interface sees what the plan would have created or changed. A
//!   read keyed by a placeholder this layer does not know stops the step ([`PlanStop`]).

mod acm;
mod cloudfront;
mod iam;
mod route53;
mod s3;
mod sts;

use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use crate::error::HostError;
use crate::model::{
    AcmCertificate, CallerIdentity, Distribution, DistributionSpec, HealthCheck, HostedZone, ObjectInfo, RecordSet,
    ServerCertificateDetail,
};
use crate::plan::{PlanStop, placeholder};
use crate::provider::{HeadersPolicy, Reader};

/// What a layer knows of one resource: `Some` as written here, `None` deleted here.
type Slot<T> = Option<T>;

/// A distribution as a layer keeps it.
#[derive(Clone, Debug)]
struct Dist {
    distribution: Distribution,
    spec: DistributionSpec,
    /// The response headers policy its responses pass, when known.
    headers_policy: Option<String>,
}

/// A bucket as a layer keeps it.
#[derive(Clone, Debug)]
struct BucketState {
    blocked: bool,
    /// Created in this layer: its objects and policy are all here.
    created_here: bool,
}

type RecordKey = (String, String, Option<String>);

#[derive(Debug, Default)]
struct State {
    identity: Option<CallerIdentity>,
    server_certificates: BTreeMap<String, Slot<ServerCertificateDetail>>,
    server_certificates_added: i64,
    quota: u32,
    acm: BTreeMap<String, Slot<AcmCertificate>>,
    distributions: BTreeMap<String, Slot<Dist>>,
    oacs: BTreeMap<String, Slot<String>>,
    deleted_oacs: BTreeSet<String>,
    headers_policies: BTreeMap<String, Slot<HeadersPolicy>>,
    zones: BTreeMap<String, HostedZone>,
    health_checks: BTreeMap<String, Slot<HealthCheck>>,
    records: BTreeMap<(String, RecordKey), Slot<RecordSet>>,
    buckets: BTreeMap<String, Slot<BucketState>>,
    objects: BTreeMap<(String, String), Slot<ObjectInfo>>,
    policies: BTreeMap<String, Option<String>>,
    /// Ids handed out: for placeholders, their text and what they stand for.
    placeholders: Vec<(String, String)>,
    counter: u64,
}

/// How a layer names what it creates.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Ids {
    /// Shaped like AWS's, from a counter.
    Fake,
    /// Placeholders, known after apply.
    Placeholders,
}

/// AWS in memory. See the module documentation.
pub struct Memory {
    parent: Option<Arc<dyn Reader>>,
    ids: Ids,
    region: String,
    account: String,
    /// Shared by the layers made with [`Memory::over_parent`].
    state: Arc<Mutex<State>>,
}

impl std::fmt::Debug for Memory {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Memory")
            .field("layered", &self.parent.is_some())
            .field("ids", &self.ids)
            .field("region", &self.region)
            .finish_non_exhaustive()
    }
}

impl Memory {
    /// An empty AWS account `account` in `region`, with a server-certificate quota of 20.
    pub fn fake(account: &str, region: &str) -> Self {
        let state = State {
            identity: Some(CallerIdentity {
                account: account.to_owned(),
                arn: format!("arn:aws:iam::{account}:user/fake"),
                user_id: "AIDAFAKEFAKEFAKEFAKE".into(),
            }),
            quota: 20,
            ..State::default()
        };
        Self {
            parent: None,
            ids: Ids::Fake,
            region: region.to_owned(),
            account: account.to_owned(),
            state: Arc::new(Mutex::new(state)),
        }
    }

    /// A plan's view over `live` (which should only read) for account `account`.
    pub fn plan(live: Arc<dyn Reader>, account: &str) -> Self {
        Self {
            region: live.region().to_owned(),
            parent: Some(live),
            ids: Ids::Placeholders,
            account: account.to_owned(),
            state: Arc::new(Mutex::new(State::default())),
        }
    }

    /// The same layer over `parent` instead: what was written to either is written to both.
    /// A plan's view, reading live AWS with one step's scoped credentials.
    pub fn over_parent(&self, parent: Arc<dyn Reader>) -> Self {
        Self {
            parent: Some(parent),
            ids: self.ids,
            region: self.region.clone(),
            account: self.account.clone(),
            state: self.state.clone(),
        }
    }

    /// Adds a hosted zone (a fake account's set-up; zones are never created by the host).
    pub fn add_zone(&self, id: &str, name: &str) {
        self.lock().zones.insert(
            id.to_owned(),
            HostedZone {
                id: id.to_owned(),
                name: crate::provider::fqdn(name),
                private_zone: false,
            },
        );
    }

    /// What `value` stands for, if it is (or holds) a placeholder this layer handed out.
    pub fn placeholder_of(&self, value: &str) -> Option<String> {
        self.lock()
            .placeholders
            .iter()
            .find(|(text, _)| value.contains(text.as_str()))
            .map(|(_, what)| what.clone())
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// A new id: a placeholder for `what`, or `fake(n)` for a fresh number `n`.
    fn mint(&self, st: &mut State, what: &str, fake: impl FnOnce(u64) -> String) -> String {
        st.counter += 1;
        match self.ids {
            Ids::Fake => fake(st.counter),
            Ids::Placeholders => {
                let taken = st.placeholders.iter().filter(|(_, w)| w == what).count();
                let text = if taken == 0 {
                    placeholder(what)
                } else {
                    placeholder(&format!("{what} #{}", taken + 1))
                };
                st.placeholders.push((text.clone(), what.to_owned()));
                text
            }
        }
    }

    /// The parent to ask about `key`, or why not: a placeholder this layer does not know exists
    /// only after apply; with no parent, there is nothing.
    fn parent_for(&self, key: &str, what: &str) -> Result<&Arc<dyn Reader>, HostError> {
        if self
            .lock()
            .placeholders
            .iter()
            .any(|(text, _)| key.contains(text.as_str()))
        {
            return Err(HostError::Trap(wasmtime::Error::new(PlanStop(key.to_owned()))));
        }
        self.parent
            .as_ref()
            .ok_or_else(|| HostError::NotFound(format!("{what} {key}")))
    }
}

/// What a layer answers about one resource: from here, or ask the parent.
enum Found<T> {
    Here(T),
    Gone,
    Ask,
}

fn look<T: Clone>(slot: Option<&Slot<T>>) -> Found<T> {
    match slot {
        Some(Some(v)) => Found::Here(v.clone()),
        Some(None) => Found::Gone,
        None => Found::Ask,
    }
}

/// A fake id of `len` characters: `prefix`, then `n` in decimal, zero-padded.
fn fake_id(prefix: &str, n: u64, len: usize) -> String {
    format!("{prefix}{n:0>width$}", width = len.saturating_sub(prefix.len()))
}

fn not_found(what: &str, key: &str) -> HostError {
    HostError::NotFound(format!("{what} {key}"))
}

fn conflict(code: &str, message: String) -> HostError {
    HostError::Conflict(format!("{code}: {message}"))
}

#[cfg(test)]
mod tests;
