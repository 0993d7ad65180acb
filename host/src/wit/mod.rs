//! The WIT versions this host runs, one module each: [`latest`] holds the host's one
//! implementation of every interface; each older version (`since_v0_x_y`, frozen as released)
//! forwards to it, converting its types ([`cast`]). A plugin runs against the version it was
//! built for, told apart by the interfaces it imports.
//!
//! The rest of the host never names generated types: it works in the model (`crate::model`).

pub(crate) mod cast;
pub(crate) mod latest;
pub(crate) mod shared;
mod since_v0_1_0;
mod since_v0_2_0;

use wasmtime::Store;
use wasmtime::component::{Component, InstancePre, Linker};

use self::cast::Cast;
use crate::model::{Description, StepContext, StepError};
use crate::state::StepState;

/// The WIT package every plugin targets.
const PACKAGE: &str = "switchyard:step";

/// The versions of `switchyard:step` this host runs, oldest first. A patch version only adds
/// to the one before it (as WASI's 0.2.x do), so one set of bindings serves both: wasmtime's
/// linker gives a plugin importing `@0.3.0` the `@0.3.1` definitions (semver-compatible).
pub const VERSIONS: [&str; 4] = ["0.1.0", "0.2.0", "0.3.0", "0.3.1"];

/// Adds WASI (with nothing granted) and every version of every switchyard interface to
/// `linker`.
pub(crate) fn add_to_linker(linker: &mut Linker<StepState>) -> wasmtime::Result<()> {
    wasmtime_wasi::p2::add_to_linker_async(linker)?;
    since_v0_1_0::add_to_linker(linker)?;
    since_v0_2_0::add_to_linker(linker)?;
    latest::add_to_linker(linker)
}

/// A plugin linked against the version it targets, ready to instantiate.
#[derive(Clone)]
pub(crate) enum StepPre {
    /// Built for 0.1.0.
    V0_1_0(since_v0_1_0::StepPre<StepState>),
    /// Built for 0.2.0.
    V0_2_0(since_v0_2_0::StepPre<StepState>),
    /// Built for the latest version, or an earlier patch of it (the version it imports).
    Latest(latest::StepPre<StepState>, &'static str),
}

impl StepPre {
    /// Links `component` against the version it imports (the latest when it imports no
    /// switchyard interface); says why when it is not a switchyard plugin.
    pub(crate) fn new(linker: &Linker<StepState>, component: &Component) -> Result<Self, String> {
        let version = version_of(linker, component)?;
        let pre: InstancePre<StepState> = linker.instantiate_pre(component).map_err(|e| format!("{e:#}"))?;
        let exports =
            |e: wasmtime::Error| format!("it does not export the `{PACKAGE}/step` world of version {version}: {e:#}");
        Ok(match version {
            "0.1.0" => Self::V0_1_0(since_v0_1_0::StepPre::new(pre).map_err(exports)?),
            "0.2.0" => Self::V0_2_0(since_v0_2_0::StepPre::new(pre).map_err(exports)?),
            _ => Self::Latest(latest::StepPre::new(pre).map_err(exports)?, version),
        })
    }

    /// The version it targets.
    pub(crate) fn version(&self) -> &'static str {
        match self {
            Self::V0_1_0(_) => VERSIONS[0],
            Self::V0_2_0(_) => VERSIONS[1],
            Self::Latest(_, version) => version,
        }
    }

    /// Instantiates it and asks it to describe itself.
    pub(crate) async fn describe(&self, store: &mut Store<StepState>) -> wasmtime::Result<Description> {
        Ok(match self {
            Self::V0_1_0(pre) => pre
                .instantiate_async(&mut *store)
                .await?
                .call_describe(store)
                .await?
                .cast(),
            Self::V0_2_0(pre) => pre
                .instantiate_async(&mut *store)
                .await?
                .call_describe(store)
                .await?
                .cast(),
            Self::Latest(pre, _) => pre
                .instantiate_async(&mut *store)
                .await?
                .call_describe(store)
                .await?
                .cast(),
        })
    }

    /// Instantiates it and runs its step.
    pub(crate) async fn run(
        &self,
        store: &mut Store<StepState>,
        context: &StepContext,
        input: &str,
    ) -> wasmtime::Result<Result<String, StepError>> {
        let context = context.clone();
        Ok(match self {
            Self::V0_1_0(pre) => {
                let step = pre.instantiate_async(&mut *store).await?;
                step.call_run(store, &context.cast(), input).await?.cast()
            }
            Self::V0_2_0(pre) => {
                let step = pre.instantiate_async(&mut *store).await?;
                step.call_run(store, &context.cast(), input).await?.cast()
            }
            Self::Latest(pre, _) => {
                let step = pre.instantiate_async(&mut *store).await?;
                step.call_run(store, &context.cast(), input).await?.cast()
            }
        })
    }
}

/// The version of `switchyard:step` a component imports; the latest when it imports none.
fn version_of(linker: &Linker<StepState>, component: &Component) -> Result<&'static str, String> {
    let engine = linker.engine();
    let mut found: Vec<&'static str> = Vec::new();
    for (name, _) in component.component_type().imports(engine) {
        let Some(rest) = name.strip_prefix(&format!("{PACKAGE}/")) else {
            continue;
        };
        let version = rest.split_once('@').map_or("", |(_, v)| v);
        let known = VERSIONS
            .iter()
            .find(|v| **v == version)
            .ok_or_else(|| {
                format!(
                    "it imports `{name}`, a version this switchyard does not have (it runs {}): use a newer switchyard, or build the plugin against a version listed",
                    VERSIONS.join(", ")
                )
            })?;
        if !found.contains(known) {
            found.push(known);
        }
    }
    match found.as_slice() {
        [] => Ok(VERSIONS[VERSIONS.len() - 1]),
        [one] => Ok(one),
        many => Err(format!(
            "it imports interfaces of several versions of {PACKAGE} ({}): build it against one",
            many.join(", ")
        )),
    }
}
