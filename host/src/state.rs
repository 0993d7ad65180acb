//! The state of one step's store: its gate, its resources, its limits and its log.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use wasmtime::ResourceLimiter;
use wasmtime::component::ResourceTable;
use wasmtime_wasi::p2::pipe::MemoryOutputPipe;
use wasmtime_wasi::{WasiCtx, WasiCtxView, WasiView};

use crate::gate::Gate;
use crate::report::Reporter;
use crate::runtime::{Limits, StepRun};

/// The most of a guest's stderr kept to explain a trap (a Rust panic message goes there).
const STDERR_KEPT: usize = 64 * 1024;

/// A limit a step broke. Stops the guest; the runner reports it by name.
#[derive(Clone, Debug, thiserror::Error)]
pub enum LimitExceeded {
    /// The guest ran longer than allowed (time waiting on AWS does not count).
    #[error("ran for more than its time limit of {} s (`limits.time_seconds`; time spent waiting on AWS not counted)", .0.as_secs())]
    Time(Duration),
    /// The step, waits on AWS included, took longer than its deadline.
    #[error("did not finish within its deadline of {} s (`limits.deadline_seconds`), waits on AWS included", .0.as_secs())]
    Deadline(Duration),
    /// The guest's memories and tables and the host resources it holds would pass its cap.
    #[error(
        "needs {wanted} bytes of memory (linear memories, tables and the host resources it holds together), over its limit of {limit} bytes (`limits.memory_mib`)"
    )]
    Memory {
        /// The size it would come to.
        wanted: usize,
        /// The limit.
        limit: usize,
    },
    /// The guest called the host more often than allowed.
    #[error("made more than its limit of {0} host calls (`limits.host_calls`)")]
    HostCalls(u32),
    /// The guest returned a larger output than allowed.
    #[error("returned {size} bytes of output, over its limit of {limit} bytes (`limits.output_kib`)")]
    Output {
        /// The output's size.
        size: usize,
        /// The limit.
        limit: usize,
    },
}

/// The most core instances, memories and tables one component may create. Rust and Python
/// plugins use a handful; a component of hundreds is built to exhaust the host.
pub(crate) const MAX_INSTANCES: usize = 100;
const MAX_MEMORIES: usize = 16;
const MAX_TABLES: usize = 100;
/// What a table element is counted as, in bytes (a function reference).
const TABLE_ELEMENT: usize = 8;

/// Caps everything a step holds in memory — every linear memory and table of every instance of
/// its component, and the host resources it keeps (certificate bundles, by their bytes) — as
/// one sum, trapping with [`LimitExceeded::Memory`].
pub(crate) struct MemoryCap {
    limit: usize,
    /// Linear memories and tables, in bytes.
    guest: usize,
    /// Host resources held for the guest, in bytes.
    host: usize,
}

impl MemoryCap {
    pub(crate) fn new(limit: usize) -> Self {
        Self {
            limit,
            guest: 0,
            host: 0,
        }
    }

    fn admit(&self, guest: usize, host: usize) -> Result<(), LimitExceeded> {
        let wanted = guest.saturating_add(host);
        if wanted > self.limit {
            return Err(LimitExceeded::Memory {
                wanted,
                limit: self.limit,
            });
        }
        Ok(())
    }

    /// Counts `bytes` of host resources held for the guest, if they fit.
    pub(crate) fn hold(&mut self, bytes: usize) -> Result<(), LimitExceeded> {
        let host = self.host.saturating_add(bytes);
        self.admit(self.guest, host)?;
        self.host = host;
        Ok(())
    }

    /// Stops counting `bytes` of host resources the guest dropped.
    pub(crate) fn release(&mut self, bytes: usize) {
        self.host = self.host.saturating_sub(bytes);
    }

    fn grow(&mut self, current: usize, desired: usize) -> wasmtime::Result<bool> {
        let guest = self.guest.saturating_add(desired.saturating_sub(current));
        self.admit(guest, self.host).map_err(wasmtime::Error::new)?;
        self.guest = guest;
        Ok(true)
    }
}

impl ResourceLimiter for MemoryCap {
    fn memory_growing(&mut self, current: usize, desired: usize, _maximum: Option<usize>) -> wasmtime::Result<bool> {
        self.grow(current, desired)
    }

    fn table_growing(&mut self, current: usize, desired: usize, _maximum: Option<usize>) -> wasmtime::Result<bool> {
        self.grow(
            current.saturating_mul(TABLE_ELEMENT),
            desired.saturating_mul(TABLE_ELEMENT),
        )
    }

    fn instances(&self) -> usize {
        MAX_INSTANCES
    }

    fn memories(&self) -> usize {
        MAX_MEMORIES
    }

    fn tables(&self) -> usize {
        MAX_TABLES
    }
}

/// The data of one step's store.
pub struct StepState {
    pub(crate) step_id: String,
    pub(crate) gate: Gate,
    pub(crate) table: ResourceTable,
    pub(crate) reporter: Reporter,
    pub(crate) memory: MemoryCap,
    pub(crate) limits: Limits,
    pub(crate) logged: Logged,
    pub(crate) started: Instant,
    pub(crate) stderr: MemoryOutputPipe,
    pub(crate) base_dir: PathBuf,
    wasi: WasiCtx,
}

impl StepState {
    /// The state for step `step_id`, with its gate, limits and log.
    pub(crate) fn new(step_id: String, run: StepRun) -> Self {
        let stderr = MemoryOutputPipe::new(STDERR_KEPT);
        // No environment, arguments, files, network or stdin: a plugin reaches the world only
        // through the switchyard interfaces. Stderr is kept to explain a panic.
        let wasi = wasmtime_wasi::WasiCtxBuilder::new().stderr(stderr.clone()).build();
        Self {
            step_id,
            gate: run.gate,
            table: ResourceTable::new(),
            reporter: run.reporter,
            memory: MemoryCap::new(run.limits.memory),
            limits: run.limits,
            logged: Logged::default(),
            base_dir: run.base_dir,
            started: Instant::now(),
            stderr,
            wasi,
        }
    }

    /// Time the guest itself has run: wall time less time spent waiting in host calls.
    pub(crate) fn guest_time(&self) -> Duration {
        self.started.elapsed().saturating_sub(self.gate.host_time())
    }

    /// What the guest wrote to stderr, for a trap's explanation.
    pub(crate) fn stderr_text(&self) -> String {
        String::from_utf8_lossy(&self.stderr.contents()).trim().to_owned()
    }
}

/// How much a step has logged, against `limits.log_lines` and `limits.log_kib`.
#[derive(Debug, Default)]
pub(crate) struct Logged {
    lines: u32,
    bytes: usize,
    /// Whether the limit was reached (and said so, once).
    full: bool,
}

/// What to do with a log line.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum LogLine {
    /// Show it.
    Show,
    /// It is the first past the limit: say the rest is dropped, instead of showing it.
    LimitReached,
    /// Drop it.
    Drop,
}

impl Logged {
    /// Counts a line of `len` bytes against `limits`.
    pub(crate) fn admit(&mut self, len: usize, limits: &Limits) -> LogLine {
        if self.full {
            return LogLine::Drop;
        }
        if self.lines >= limits.log_lines || self.bytes.saturating_add(len) > limits.log_bytes {
            self.full = true;
            return LogLine::LimitReached;
        }
        self.lines += 1;
        self.bytes += len;
        LogLine::Show
    }
}

impl WasiView for StepState {
    fn ctx(&mut self) -> WasiCtxView<'_> {
        WasiCtxView {
            ctx: &mut self.wasi,
            table: &mut self.table,
        }
    }
}
