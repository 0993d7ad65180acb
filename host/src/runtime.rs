//! The WebAssembly runtime: one engine, compiled components cached on disk, and a fresh store
//! per step with a memory cap and a time limit.

use std::path::PathBuf;
use std::time::Duration;

use wasmtime::component::{Component, Linker};
use wasmtime::{Cache, CacheConfig, Config, Engine, Store, UpdateDeadline};

use crate::gate::Gate;
use crate::model::{Description, StepContext, StepError};
use crate::plan::{NotInPlan, PlanStop};
use crate::plugins::PluginBytes;
use crate::report::Reporter;
use crate::state::{LimitExceeded, StepState};
use crate::wit::StepPre;

/// How often the engine's epoch advances: the granularity of time limits.
const TICK: Duration = Duration::from_millis(10);

/// What one step may use. Each is set in the step's `limits` table (the field named on each).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// `memory_mib`: the most memory, in bytes, of every linear memory and table of the
    /// component together with the host resources it holds.
    pub memory: usize,
    /// `time_seconds`: the most time the guest itself may run; time waiting on AWS does not count.
    pub time: Duration,
    /// `deadline_seconds`: the most time the whole step may take, waits on AWS and blocking WASI
    /// calls included.
    pub deadline: Duration,
    /// `host_calls`: the most calls to the host's AWS and file functions.
    pub host_calls: u32,
    /// `host_calls_per_second`: calls past this rate wait for the next second.
    pub host_calls_per_second: u32,
    /// `log_lines`: the most log lines and progress messages shown; the rest are dropped.
    pub log_lines: u32,
    /// `log_kib`: the most bytes of them, likewise.
    pub log_bytes: usize,
    /// `output_kib`: the largest output the step may return.
    pub output_bytes: usize,
    /// `plugin_mib`: the largest plugin file that is loaded.
    pub plugin_bytes: u64,
    /// `compile_seconds`: the most time compiling the plugin may take.
    pub compile: Duration,
}

/// The most of a step error's message and details kept; the rest is cut, and says so.
const STEP_ERROR_KEPT: usize = 4096;
/// The largest step error details kept.
const DETAILS_KEPT: usize = 64 * 1024;
/// The largest description (schemas, text and capabilities together) a plugin may give.
const DESCRIPTION_MAX: usize = 1024 * 1024;
/// The most capabilities a plugin may declare.
const CAPABILITIES_MAX: usize = 256;

impl Default for Limits {
    fn default() -> Self {
        Self {
            memory: 128 * 1024 * 1024,
            time: Duration::from_secs(60),
            // CloudFront deploys within about 15 minutes; two of them, with room.
            deadline: Duration::from_secs(3600),
            host_calls: 10_000,
            host_calls_per_second: 100,
            log_lines: 10_000,
            log_bytes: 1024 * 1024,
            output_bytes: 1024 * 1024,
            // A Python plugin (componentize-py) is about 40 MiB.
            plugin_bytes: 64 * 1024 * 1024,
            compile: Duration::from_secs(120),
        }
    }
}

/// The runtime could not be set up, or a plugin could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum RuntimeError {
    /// The engine or the cache could not be configured.
    #[error("cannot set up the WebAssembly engine: {0}")]
    Engine(String),
    /// The plugin is not a component of the `switchyard:step` world.
    #[error("{label} is not a usable switchyard plugin: {reason}")]
    Load {
        /// The plugin.
        label: String,
        /// Why.
        reason: String,
    },
    /// Compiling the plugin took longer than its step allows.
    #[error("{label} did not compile within {} s (`limits.compile_seconds`)", .limit.as_secs())]
    CompileTime {
        /// The plugin.
        label: String,
        /// The limit.
        limit: Duration,
    },
}

/// A step did not come back with a result.
#[derive(Debug, thiserror::Error)]
pub enum StepFailure {
    /// It broke a limit.
    #[error("the plugin {0}")]
    Limit(LimitExceeded),
    /// In `apply --plan`, it tried a write that is not the plan's next change.
    #[error("{0}")]
    NotInPlan(NotInPlan),
    /// In plan mode, it read a resource that exists only after apply.
    #[error("plan: {0}")]
    Unknowable(PlanStop),
    /// A stop was asked for (Ctrl-C): it was stopped before its next call.
    #[error("{}", crate::interrupt::Interrupted)]
    Interrupted,
    /// Its description is larger than a description may be.
    #[error("describes itself in {size} {what}, over the limit of {limit}")]
    Description {
        /// What is too large: `bytes` or `capabilities`.
        what: &'static str,
        /// How large it is.
        size: usize,
        /// The limit.
        limit: usize,
    },
    /// It trapped: a bug in the plugin (or the host).
    #[error("the plugin crashed: {message}{}", if stderr.is_empty() { String::new() } else { format!("\nplugin output:\n{stderr}") })]
    Trap {
        /// The trap.
        message: String,
        /// What the plugin wrote to stderr (a panic message).
        stderr: String,
    },
}

/// The engine, its linker, and the ticker that drives time limits.
pub struct Runtime {
    engine: Engine,
    linker: Linker<StepState>,
}

impl std::fmt::Debug for Runtime {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Runtime").finish_non_exhaustive()
    }
}

/// A compiled plugin, ready to instantiate.
#[derive(Clone)]
pub struct Plugin {
    /// How to name it to a person.
    pub label: String,
    /// The component's SHA-256.
    pub sha256: String,
    pre: StepPre,
}

impl std::fmt::Debug for Plugin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Plugin")
            .field("label", &self.label)
            .field("sha256", &self.sha256)
            .field("wit", &self.pre.version())
            .finish()
    }
}

/// Everything a step runs with.
#[derive(Debug)]
pub struct StepRun {
    /// The step's gate: its grants, mode and AWS.
    pub gate: Gate,
    /// Where its logs go.
    pub reporter: Reporter,
    /// Its limits.
    pub limits: Limits,
    /// The directory relative file paths are relative to (the workflow's).
    pub base_dir: PathBuf,
}

impl Plugin {
    /// The version of `switchyard:step` it was built against.
    pub fn wit_version(&self) -> &'static str {
        self.pre.version()
    }
}

impl Runtime {
    /// Sets up the engine with a compiled-component cache in `cache_dir` (none: no cache).
    pub fn new(cache_dir: Option<PathBuf>) -> Result<Self, RuntimeError> {
        let mut config = Config::new();
        config.wasm_component_model(true).epoch_interruption(true);
        if let Some(dir) = cache_dir {
            let mut cache = CacheConfig::new();
            cache.with_directory(dir);
            config.cache(Some(
                Cache::new(cache).map_err(|e| RuntimeError::Engine(format!("{e:#}")))?,
            ));
        }
        let engine = Engine::new(&config).map_err(|e| RuntimeError::Engine(format!("{e:#}")))?;
        let mut linker = Linker::new(&engine);
        crate::wit::add_to_linker(&mut linker).map_err(|e| RuntimeError::Engine(format!("{e:#}")))?;
        spawn_ticker(&engine);
        Ok(Self { engine, linker })
    }

    /// Compiles a plugin (or loads it from the cache) and links it, giving up after `compile`.
    pub fn load(&self, plugin: &PluginBytes, compile: Duration) -> Result<Plugin, RuntimeError> {
        let fail = |reason: String| RuntimeError::Load {
            label: plugin.label.clone(),
            reason,
        };
        // Compiling cannot be interrupted: past the limit its thread is left to finish, and
        // the command stops with the error.
        let (engine, bytes) = (self.engine.clone(), plugin.bytes.clone());
        let (sent, compiled) = std::sync::mpsc::channel();
        std::thread::Builder::new()
            .name("switchyard-compile".into())
            .spawn(move || sent.send(Component::new(&engine, &bytes)))
            .map_err(|e| RuntimeError::Engine(format!("cannot start compiling: {e}")))?;
        let component = match compiled.recv_timeout(compile) {
            Ok(component) => component.map_err(|e| fail(format!("{e:#}")))?,
            Err(_) => {
                return Err(RuntimeError::CompileTime {
                    label: plugin.label.clone(),
                    limit: compile,
                });
            }
        };
        let pre = StepPre::new(&self.linker, &component).map_err(fail)?;
        Ok(Plugin {
            label: plugin.label.clone(),
            sha256: plugin.sha256.clone(),
            pre,
        })
    }

    /// Asks a plugin to describe itself, under the limits of `run` (the step's) and a cap on the
    /// description's size.
    pub async fn describe(&self, plugin: &Plugin, run: StepRun) -> Result<Description, StepFailure> {
        let deadline = run.limits.deadline;
        let mut store = self.store("describe".into(), run);
        let result = tokio::time::timeout(deadline, plugin.pre.describe(&mut store))
            .await
            .map_err(|_| StepFailure::Limit(LimitExceeded::Deadline(deadline)))?;
        let description = result.map_err(|e| failure(e, &store))?;
        let size = [
            &description.name,
            &description.version,
            &description.description,
            &description.input_schema,
        ]
        .iter()
        .map(|text| text.len())
        .chain(description.output_schema.as_ref().map(String::len))
        .chain(description.capabilities.iter().map(String::len))
        .sum::<usize>();
        if size > DESCRIPTION_MAX {
            return Err(StepFailure::Description {
                what: "bytes",
                size,
                limit: DESCRIPTION_MAX,
            });
        }
        if description.capabilities.len() > CAPABILITIES_MAX {
            return Err(StepFailure::Description {
                what: "capabilities",
                size: description.capabilities.len(),
                limit: CAPABILITIES_MAX,
            });
        }
        Ok(description)
    }

    /// Runs a plugin's step in a fresh store.
    pub async fn run(
        &self,
        plugin: &Plugin,
        context: &StepContext,
        input: &str,
        run: StepRun,
    ) -> Result<Result<String, StepError>, StepFailure> {
        let limits = run.limits;
        let mut store = self.store(context.step_id.clone(), run);
        // Past the deadline the call in flight is dropped (a blocking WASI call too): a write
        // whose answer had not come stays in doubt in the journal, as after a crash.
        let result = tokio::time::timeout(limits.deadline, plugin.pre.run(&mut store, context, input)).await;
        store.data().reporter.finish(&context.step_id);
        let result = match result {
            Ok(result) => result.map_err(|e| failure(e, &store))?,
            Err(_) => return Err(StepFailure::Limit(LimitExceeded::Deadline(limits.deadline))),
        };
        match result {
            Ok(output) if output.len() > limits.output_bytes => Err(StepFailure::Limit(LimitExceeded::Output {
                size: output.len(),
                limit: limits.output_bytes,
            })),
            Ok(output) => Ok(Ok(output)),
            Err(mut error) => {
                error.code = plugin_code(error.code);
                error.message = cut(error.message);
                // Details are JSON: kept whole or not at all.
                error.details = error.details.filter(|d| d.len() <= DETAILS_KEPT);
                Ok(Err(error))
            }
        }
    }

    fn store(&self, step_id: String, run: StepRun) -> Store<StepState> {
        let state = StepState::new(step_id, run);
        let mut store = Store::new(&self.engine, state);
        store.limiter(|state| &mut state.memory);
        store.set_epoch_deadline(1);
        store.epoch_deadline_callback(|cx| {
            let state = cx.data();
            if state.guest_time() > state.limits.time {
                return Err(wasmtime::Error::new(LimitExceeded::Time(state.limits.time)));
            }
            if crate::interrupt::requested() {
                return Err(wasmtime::Error::new(crate::interrupt::Interrupted));
            }
            Ok(UpdateDeadline::Yield(1))
        });
        store
    }
}

/// Names why a call into the guest failed.
fn failure(err: wasmtime::Error, store: &Store<StepState>) -> StepFailure {
    if let Some(limit) = err.downcast_ref::<LimitExceeded>() {
        return StepFailure::Limit(limit.clone());
    }
    if err.downcast_ref::<crate::interrupt::Interrupted>().is_some() {
        return StepFailure::Interrupted;
    }
    if let Some(NotInPlan(what)) = err.downcast_ref::<NotInPlan>() {
        return StepFailure::NotInPlan(NotInPlan(what.clone()));
    }
    if let Some(PlanStop(resource)) = err.downcast_ref::<PlanStop>() {
        return StepFailure::Unknowable(PlanStop(resource.clone()));
    }
    StepFailure::Trap {
        message: format!("{err:#}"),
        stderr: store.data().stderr_text(),
    }
}

/// The codes the host gives the failures it finds itself; a plugin's own are kept apart.
const HOST_CODES: [&str; 6] = [
    "limit",
    "crash",
    "interrupted",
    "stale-plan",
    "credentials",
    "bad-output",
];

/// A plugin's step error code as shown: up to 64 of `a-z`, `0-9` and `-` (else `bad-code`), and
/// never one of the host's own (`limit` becomes `plugin-limit`), so that no plugin passes its
/// failure off as the host's.
fn plugin_code(code: String) -> String {
    let well_formed = (1..=64).contains(&code.len())
        && code
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    match code {
        _ if !well_formed => "bad-code".into(),
        code if HOST_CODES.contains(&code.as_str()) => format!("plugin-{code}"),
        code => code,
    }
}

/// `text` cut to [`STEP_ERROR_KEPT`] bytes (at a character), saying how much was cut.
fn cut(mut text: String) -> String {
    if text.len() <= STEP_ERROR_KEPT {
        return text;
    }
    let mut end = STEP_ERROR_KEPT;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let rest = text.len() - end;
    text.truncate(end);
    text.push_str(&format!("… ({rest} bytes cut)"));
    text
}

/// Advances the engine's epoch every [`TICK`] until the engine is dropped.
fn spawn_ticker(engine: &Engine) {
    let weak = engine.weak();
    let spawned = std::thread::Builder::new()
        .name("switchyard-epoch".into())
        .spawn(move || {
            while let Some(engine) = weak.upgrade() {
                engine.increment_epoch();
                drop(engine);
                std::thread::sleep(TICK);
            }
        });
    if let Err(e) = spawned {
        tracing::warn!("cannot start the epoch ticker; time limits will not apply: {e}");
    }
}

#[cfg(test)]
mod tests;
