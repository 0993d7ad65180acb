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

/// What one step may use.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// The most linear memory, in bytes.
    pub memory: usize,
    /// The most time the guest itself may run; time waiting on AWS does not count.
    pub time: Duration,
    /// The most time the whole step may take, waits on AWS included.
    pub deadline: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            memory: 128 * 1024 * 1024,
            time: Duration::from_secs(60),
            // CloudFront deploys within about 15 minutes; two of them, with room.
            deadline: Duration::from_secs(3600),
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

    /// Compiles a plugin (or loads it from the cache) and links it.
    pub fn load(&self, plugin: &PluginBytes) -> Result<Plugin, RuntimeError> {
        let fail = |reason: String| RuntimeError::Load {
            label: plugin.label.clone(),
            reason,
        };
        let component = Component::new(&self.engine, &plugin.bytes).map_err(|e| fail(format!("{e:#}")))?;
        let pre = StepPre::new(&self.linker, &component).map_err(fail)?;
        Ok(Plugin {
            label: plugin.label.clone(),
            sha256: plugin.sha256.clone(),
            pre,
        })
    }

    /// Asks a plugin to describe itself.
    pub async fn describe(&self, plugin: &Plugin, run: StepRun) -> Result<Description, StepFailure> {
        let mut store = self.store("describe".into(), run);
        let result = plugin.pre.describe(&mut store).await;
        result.map_err(|e| failure(e, &store))
    }

    /// Runs a plugin's step in a fresh store.
    pub async fn run(
        &self,
        plugin: &Plugin,
        context: &StepContext,
        input: &str,
        run: StepRun,
    ) -> Result<Result<String, StepError>, StepFailure> {
        let deadline = run.limits.deadline;
        let mut store = self.store(context.step_id.clone(), run);
        // Past the deadline the call in flight is dropped: a write whose answer had not come
        // stays in doubt in the journal, as after a crash.
        let result = tokio::time::timeout(deadline, plugin.pre.run(&mut store, context, input)).await;
        store.data().reporter.finish(&context.step_id);
        match result {
            Ok(result) => result.map_err(|e| failure(e, &store)),
            Err(_) => Err(StepFailure::Limit(LimitExceeded::Deadline(deadline))),
        }
    }

    fn store(&self, step_id: String, run: StepRun) -> Store<StepState> {
        let state = StepState::new(step_id, run);
        let mut store = Store::new(&self.engine, state);
        store.limiter(|state| &mut state.memory);
        store.set_epoch_deadline(1);
        store.epoch_deadline_callback(|cx| {
            let state = cx.data();
            if state.guest_time() > state.time_limit {
                return Err(wasmtime::Error::new(LimitExceeded::Time(state.time_limit)));
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
        return StepFailure::Limit(match limit {
            LimitExceeded::Time(d) => LimitExceeded::Time(*d),
            LimitExceeded::Deadline(d) => LimitExceeded::Deadline(*d),
            LimitExceeded::Memory { wanted, limit } => LimitExceeded::Memory {
                wanted: *wanted,
                limit: *limit,
            },
        });
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
mod tests {
    use super::*;

    fn load(wat: &str) -> Result<Plugin, RuntimeError> {
        let runtime = Runtime::new(None).expect("a runtime");
        let bytes = wat::parse_str(wat).expect("a component");
        runtime.load(&PluginBytes {
            label: "test.wasm".into(),
            sha256: String::new(),
            bytes,
        })
    }

    #[test]
    fn a_plugin_of_a_version_this_host_does_not_have_is_refused_by_name() {
        let err = load(r#"(component (import "switchyard:step/log@0.9.0" (instance)))"#).expect_err("unknown");
        assert_eq!(
            err.to_string(),
            "test.wasm is not a usable switchyard plugin: it imports `switchyard:step/log@0.9.0`, a version this switchyard does not have (it runs 0.1.0, 0.2.0, 0.3.0): use a newer switchyard, or build the plugin against a version listed"
        );
    }

    #[test]
    fn a_plugin_of_two_versions_at_once_is_refused() {
        let err = load(
            r#"(component
                (import "switchyard:step/log@0.1.0" (instance))
                (import "switchyard:step/dns@0.2.0" (instance)))"#,
        )
        .expect_err("two versions");
        assert!(
            err.to_string()
                .contains("several versions of switchyard:step (0.1.0, 0.2.0)"),
            "{err}"
        );
    }

    #[test]
    fn a_component_that_exports_no_step_is_not_a_plugin() {
        let err = load("(component)").expect_err("no exports");
        assert!(
            err.to_string()
                .contains("does not export the `switchyard:step/step` world of version 0.3.0"),
            "{err}"
        );
    }
}
