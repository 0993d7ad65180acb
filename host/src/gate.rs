//! The one gate every host call passes: the capability check, the mode (offline, plan, apply),
//! and the journal. A host function reads AWS only through [`Gate::call`], which hands it a
//! read-only [`Reader`] after the check, and changes AWS only through [`Gate::write`], as a
//! change kind.

use std::fmt;
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use tokio::time::Instant;

pub use crate::grants::{BadGrant, Capability, Grant, Grants, ResourceKind};

use crate::changes::{Change, Forward};
use crate::error::HostError;
use crate::journal::{Event, Journal};
use crate::plan::{Expected, Plan};
use crate::provider::{Provider, Reader, Reads, StsRead};
use crate::report::Progress;
use crate::state::LimitExceeded;

/// What a gate does with calls: one of three modes, so that no impossible mix can be built.
#[derive(Clone, Debug)]
pub enum Mode {
    /// No AWS at all: a command that works offline (`validate`), or a plugin describing itself.
    Offline,
    /// A plan: reads go to the plan's view of AWS (live AWS, read only, with every planned
    /// write laid over it); writes are recorded there and answered with placeholders.
    Plan(Plan),
    /// Apply: writes are sent, each journaled before it is; with a saved plan, each must be the
    /// plan's next change.
    Apply(Apply),
}

impl Mode {
    /// The region the workflow runs in; empty offline.
    pub fn region(&self) -> &str {
        match self {
            Mode::Offline => "",
            Mode::Plan(plan) => plan.view().region(),
            Mode::Apply(apply) => apply.aws.region(),
        }
    }
}

/// What an apply writes with.
#[derive(Clone)]
pub struct Apply {
    /// The AWS it changes.
    pub aws: Arc<dyn Provider>,
    /// The run's journal.
    pub journal: Journal,
    /// The saved plan it is held to, if any.
    pub expected: Option<Expected>,
}

impl fmt::Debug for Apply {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Apply")
            .field("run", &self.journal.run_id())
            .field("saved_plan", &self.expected.is_some())
            .finish_non_exhaustive()
    }
}

impl Apply {
    /// Journals `change` (undoing change `undoes`, for a rollback), sends it, and journals its
    /// outcome. A change that cannot be journaled is not made.
    async fn send<K: Forward>(
        &self,
        step: &str,
        change: K,
        undoes: Option<u32>,
        progress: &Progress,
    ) -> Result<K::Output, HostError> {
        let journaled: Change = change.clone().into();
        if let Some(expected) = &self.expected {
            expected.take(step, &journaled)?;
        }
        let what = format!("{} {}", journaled.kind().action().name(), journaled.kind().resource());
        let seq = self
            .journal
            .intent(step, journaled, undoes)
            .map_err(|e| HostError::Internal(format!("cannot journal the change, so it was not made: {e}")))?;
        let result = progress.waiting(&what, change.send(&*self.aws, progress)).await;
        let event = match &result {
            Ok(output) => Event::Done {
                seq,
                created: change.created(output),
            },
            // AWS's answer never came (a timeout, a dropped connection, a 5xx), or the wait after
            // it was cut short (Ctrl-C while Route 53 syncs): the change may have been made. It
            // stays in doubt, for resume and rollback to settle with AWS.
            Err(HostError::Transient(e) | HostError::NoAnswer(e)) => {
                tracing::warn!("change {seq}: {e}: whether AWS made it is not known");
                return result;
            }
            Err(HostError::Trap(e)) => {
                tracing::warn!("change {seq}: {e}: whether AWS made it is not known");
                return result;
            }
            Err(e) => Event::Failed {
                seq,
                error: e.to_string(),
            },
        };
        // The change is made (or refused); a journal that cannot say so leaves it in doubt,
        // which resume and rollback reconcile with AWS.
        if let Err(e) = self.journal.append(event) {
            tracing::warn!("cannot journal the outcome of change {seq}: {e}");
        }
        result
    }
}

/// One host call as the gate sees it.
#[derive(Clone, Copy, Debug)]
pub struct Call<'a> {
    /// The capability it belongs to.
    pub capability: Capability,
    /// The kind of resource it is done to.
    pub kind: ResourceKind,
    /// What it is done to (an id, a path, a file), for narrowed grants.
    pub resource: Option<&'a str>,
    /// What it does, for people.
    pub action: &'static str,
}

impl<'a> Call<'a> {
    /// A call under `capability` doing `action`.
    pub fn new(capability: Capability, action: &'static str) -> Self {
        Self {
            capability,
            kind: ResourceKind::Primary,
            resource: None,
            action,
        }
    }

    /// The same call, done to `resource` of the capability's primary kind.
    pub fn on(self, resource: &'a str) -> Self {
        self.on_kind(ResourceKind::Primary, resource)
    }

    /// The same call, done to `resource` of `kind`.
    pub fn on_kind(self, kind: ResourceKind, resource: &'a str) -> Self {
        Self {
            kind,
            resource: Some(resource),
            ..self
        }
    }
}

/// The gate of one step: every host call passes it. It checks the call against the step's
/// grants, hands reads a [`Reader`] (never anything that writes), and makes every write as a
/// change kind: recorded in a plan, journaled and sent in apply.
#[derive(Debug)]
pub struct Gate {
    step: String,
    grants: Grants,
    mode: Mode,
    progress: Progress,
    host_time: Duration,
    calls: CallLimits,
}

/// How many calls a step has made, against its `limits.host_calls` and
/// `limits.host_calls_per_second`.
#[derive(Debug)]
struct CallLimits {
    made: AtomicU32,
    most: u32,
    per_second: u32,
    /// When the current second began, and the calls made in it.
    second: (Instant, u32),
}

impl CallLimits {
    fn new(most: u32, per_second: u32) -> Self {
        Self {
            made: AtomicU32::new(0),
            most,
            per_second: per_second.max(1),
            second: (Instant::now(), 0),
        }
    }

    /// Counts one call; past the limit, the guest is stopped.
    fn count(&self) -> Result<(), HostError> {
        let made = self.made.fetch_add(1, Ordering::Relaxed).saturating_add(1);
        if made > self.most {
            return Err(HostError::Trap(wasmtime::Error::new(LimitExceeded::HostCalls(
                self.most,
            ))));
        }
        Ok(())
    }

    /// Waits for the next second when this one has had its calls.
    async fn pace(&mut self) {
        let (start, calls) = &mut self.second;
        if start.elapsed() >= Duration::from_secs(1) {
            *start = Instant::now();
            *calls = 0;
        }
        *calls += 1;
        if *calls > self.per_second {
            tokio::time::sleep_until(*start + Duration::from_secs(1)).await;
            self.second = (Instant::now(), 1);
        }
    }
}

impl Gate {
    /// The gate of step `step`, with `grants`, in `mode`; long waits report to `progress`.
    pub fn new(step: &str, grants: Grants, mode: Mode, progress: Progress) -> Self {
        Self {
            step: step.to_owned(),
            grants,
            mode,
            progress,
            host_time: Duration::ZERO,
            calls: CallLimits::new(u32::MAX, u32::MAX),
        }
    }

    /// The same gate, stopping the guest past `most` calls and pacing it to `per_second`.
    pub fn with_call_limits(self, most: u32, per_second: u32) -> Self {
        Self {
            calls: CallLimits::new(most, per_second),
            ..self
        }
    }

    /// Paces a call to the step's rate; the wait is host time.
    async fn pace(&mut self) {
        let started = Instant::now();
        self.calls.pace().await;
        self.host_time += started.elapsed();
    }

    /// A gate with no grants and no AWS (a plugin describing itself).
    pub fn offline() -> Self {
        Self::new("describe", Grants::default(), Mode::Offline, Progress::default())
    }

    /// The mode.
    pub fn mode(&self) -> &Mode {
        &self.mode
    }

    /// Whether this is a plan.
    pub fn is_plan(&self) -> bool {
        matches!(self.mode, Mode::Plan(_))
    }

    /// What `value` stands for, when it is (or holds) one of the plan's placeholders.
    pub fn placeholder_of(&self, value: &str) -> Option<String> {
        match &self.mode {
            Mode::Plan(plan) => plan.placeholder_of(value),
            _ => None,
        }
    }

    /// Where long waits report.
    pub fn progress(&self) -> &Progress {
        &self.progress
    }

    /// Checks `call`, then runs `read` with a reader of AWS: the live AWS in apply, the plan's
    /// view in a plan.
    pub async fn call<T>(
        &mut self,
        call: Call<'_>,
        read: impl AsyncFnOnce(&Reads) -> Result<T, HostError>,
    ) -> Result<T, HostError> {
        self.check(call)?;
        self.pace().await;
        let what = match call.resource {
            Some(resource) => format!("{} {resource}", call.action),
            None => call.action.to_owned(),
        };
        let progress = self.progress.clone();
        let result = progress.waiting(&what, self.host_read(read)).await;
        match &result {
            Ok(_) => tracing::debug!(capability = %call.capability, resource = call.resource, "{}", call.action),
            Err(e) => {
                tracing::debug!(capability = %call.capability, resource = call.resource, error = %e, "{} failed", call.action)
            }
        }
        result
    }

    /// Runs a read when the step holds `capability` for at least some resource: a read that
    /// finds which resource a call is for (such as the path of a certificate about to be
    /// deleted), which then passes the gate with that resource; or a read whose results the host
    /// keeps only as far as the grants allow ([`Gate::allows`], such as the users listed).
    pub async fn resolve<T>(
        &mut self,
        capability: Capability,
        read: impl AsyncFnOnce(&Reads) -> Result<T, HostError>,
    ) -> Result<T, HostError> {
        crate::interrupt::check()?;
        self.calls.count()?;
        if !self.grants.holds(capability) {
            return Err(HostError::Denied {
                capability: capability.name().to_owned(),
                resource: None,
            });
        }
        self.pace().await;
        self.host_read(read).await
    }

    /// A read by the host itself (rollback, reconciliation), not by a step: no grant is asked.
    pub(crate) async fn host_read<T>(
        &mut self,
        read: impl AsyncFnOnce(&Reads) -> Result<T, HostError>,
    ) -> Result<T, HostError> {
        let started = Instant::now();
        let reads = match &self.mode {
            Mode::Offline => return Err(offline()),
            Mode::Plan(plan) => Reads(plan.view_arc() as Arc<dyn Reader>),
            Mode::Apply(apply) => Reads(apply.aws.clone() as Arc<dyn Reader>),
        };
        let result = read(&reads).await;
        self.host_time += started.elapsed();
        result
    }

    /// Whether the step's grants allow `call`, without counting it as a call: to keep, of what
    /// a read under [`Gate::resolve`] found, only what the step may see.
    pub fn allows(&self, call: Call<'_>) -> bool {
        self.grants
            .check_kind(call.capability, call.kind, call.resource)
            .is_ok()
    }

    /// Checks `call` without AWS (a local operation such as reading a certificate file).
    pub fn check(&self, call: Call<'_>) -> Result<(), HostError> {
        crate::interrupt::check()?;
        self.calls.count()?;
        self.grants.check_kind(call.capability, call.kind, call.resource)
    }

    /// Makes one change to AWS, after checking `call`: in a plan, records it and makes it in
    /// the plan's view (which answers with placeholders); in apply, journals it, sends it, and
    /// journals its outcome.
    pub async fn write<K: Forward>(&mut self, call: Call<'_>, change: K) -> Result<K::Output, HostError> {
        debug_assert!(call.capability.is_write(), "{} is not a write", call.action);
        self.check(call)?;
        self.pace().await;
        self.make(change, None).await
    }

    /// A change the host itself makes (finishing what a crash cut short), journaled like any
    /// other; no grant is asked.
    pub(crate) async fn host_write<K: Forward>(&mut self, change: K) -> Result<K::Output, HostError> {
        self.make(change, None).await
    }

    /// Makes a change that undoes change `undoes` of the run (a rollback), journaled like any
    /// other; no grant is asked.
    pub(crate) async fn undo(&mut self, change: Change, undoes: u32) -> Result<Option<String>, HostError> {
        self.make(change, Some(undoes)).await
    }

    async fn make<K: Forward>(&mut self, change: K, undoes: Option<u32>) -> Result<K::Output, HostError> {
        let started = Instant::now();
        let result = match &self.mode {
            Mode::Offline => Err(offline()),
            Mode::Plan(plan) => {
                plan.record(&self.step, change.clone().into());
                change.send(plan.view(), &self.progress).await
            }
            Mode::Apply(apply) => apply.send(&self.step, change, undoes, &self.progress).await,
        };
        self.host_time += started.elapsed();
        result
    }

    /// The region the workflow runs in; empty offline.
    pub fn region(&self) -> &str {
        self.mode.region()
    }

    /// Time spent inside host calls so far (waiting on AWS), which does not count against the
    /// step's time limit.
    pub fn host_time(&self) -> Duration {
        self.host_time
    }
}

fn offline() -> HostError {
    HostError::Internal("this command runs without AWS; run the step in a workflow".into())
}

#[cfg(test)]
mod tests;
