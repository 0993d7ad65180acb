//! The state of one step's store: its gate, its resources, its limits and its log.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use wasmtime::ResourceLimiter;
use wasmtime::component::ResourceTable;
use wasmtime_wasi::p2::pipe::MemoryOutputPipe;
use wasmtime_wasi::{WasiCtx, WasiCtxView, WasiView};

use crate::gate::Gate;
use crate::report::Reporter;
use crate::runtime::StepRun;

/// The most of a guest's stderr kept to explain a trap (a Rust panic message goes there).
const STDERR_KEPT: usize = 64 * 1024;

/// A limit a step broke. Stops the guest; the runner reports it by name.
#[derive(Debug, thiserror::Error)]
pub enum LimitExceeded {
    /// The guest ran longer than allowed (time waiting on AWS does not count).
    #[error("ran for more than its time limit of {0:?} (time spent waiting on AWS not counted)")]
    Time(Duration),
    /// The step, waits on AWS included, took longer than its deadline.
    #[error("did not finish within its deadline of {} s (`limits.deadline_seconds`), waits on AWS included", .0.as_secs())]
    Deadline(Duration),
    /// The guest asked for more memory than allowed.
    #[error("tried to grow its memory to {wanted} bytes, over its limit of {limit} bytes")]
    Memory {
        /// The size asked for.
        wanted: usize,
        /// The limit.
        limit: usize,
    },
}

/// Caps a store's linear memory, trapping with [`LimitExceeded::Memory`].
pub(crate) struct MemoryCap(pub usize);

impl ResourceLimiter for MemoryCap {
    fn memory_growing(&mut self, _current: usize, desired: usize, _maximum: Option<usize>) -> wasmtime::Result<bool> {
        if desired > self.0 {
            return Err(wasmtime::Error::new(LimitExceeded::Memory {
                wanted: desired,
                limit: self.0,
            }));
        }
        Ok(true)
    }

    fn table_growing(&mut self, _current: usize, desired: usize, _maximum: Option<usize>) -> wasmtime::Result<bool> {
        Ok(desired <= 100_000)
    }
}

/// The data of one step's store.
pub struct StepState {
    pub(crate) step_id: String,
    pub(crate) gate: Gate,
    pub(crate) table: ResourceTable,
    pub(crate) reporter: Reporter,
    pub(crate) memory: MemoryCap,
    pub(crate) time_limit: Duration,
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
            memory: MemoryCap(run.limits.memory),
            time_limit: run.limits.time,
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

impl WasiView for StepState {
    fn ctx(&mut self) -> WasiCtxView<'_> {
        WasiCtxView {
            ctx: &mut self.wasi,
            table: &mut self.table,
        }
    }
}
