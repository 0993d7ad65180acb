//! The runtime: loading plugins, and the limits of a step's store.

use super::*;
use crate::state::MAX_INSTANCES as MAX_INSTANCES_FOR_TEST;

fn load(wat: &str) -> Result<Plugin, RuntimeError> {
    let runtime = Runtime::new(None).expect("a runtime");
    let bytes = wat::parse_str(wat).expect("a component");
    runtime.load(
        &PluginBytes {
            label: "test.wasm".into(),
            sha256: String::new(),
            bytes,
        },
        Limits::default().compile,
    )
}

#[test]
fn a_plugin_of_a_version_this_host_does_not_have_is_refused_by_name() {
    let err = load(r#"(component (import "switchyard:step/log@0.9.0" (instance)))"#).expect_err("unknown");
    assert_eq!(
        err.to_string(),
        "test.wasm is not a usable switchyard plugin: it imports `switchyard:step/log@0.9.0`, a version this switchyard does not have (it runs 0.1.0, 0.2.0, 0.3.0, 0.3.1): use a newer switchyard, or build the plugin against a version listed"
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

/// Instantiates `wat` in a step's store under `limits`, as a step would be.
async fn instantiate(wat: &str, limits: Limits) -> wasmtime::Result<()> {
    let runtime = Runtime::new(None).expect("a runtime");
    let component = Component::new(&runtime.engine, wat::parse_str(wat).expect("a component"))?;
    let run = StepRun {
        gate: Gate::offline(),
        reporter: Reporter::new(None),
        limits,
        base_dir: PathBuf::from("/"),
    };
    let mut store = runtime.store("many-memories".into(), run);
    let linker: Linker<StepState> = Linker::new(&runtime.engine);
    linker.instantiate_async(&mut store, &component).await.map(drop)
}

/// A component of `instances` core instances of `module`.
fn many(instances: usize, module: &str) -> String {
    let each = (0..instances)
        .map(|i| format!("(core instance $i{i} (instantiate $m))"))
        .collect::<String>();
    format!("(component (core module $m {module}) {each})")
}

#[tokio::test]
async fn the_memory_cap_holds_for_all_memories_together() {
    let limits = Limits {
        memory: 128 << 20,
        ..Limits::default()
    };
    // One memory of 128 MiB fits; sixteen of them are 2 GiB, not 128 MiB.
    instantiate(&many(1, "(memory 2048)"), limits).await.expect("one fits");
    let err = instantiate(&many(16, "(memory 2048)"), limits)
        .await
        .expect_err("capped");
    let limit = err.downcast_ref::<LimitExceeded>().expect("the memory limit");
    assert_eq!(
        limit.to_string(),
        "needs 268435456 bytes of memory (linear memories, tables and the host resources it holds together), over its limit of 134217728 bytes (`limits.memory_mib`)"
    );
}

#[tokio::test]
async fn a_component_of_too_many_instances_is_refused() {
    instantiate(&many(MAX_INSTANCES_FOR_TEST, ""), Limits::default())
        .await
        .expect("as many as allowed");
    let err = instantiate(&many(MAX_INSTANCES_FOR_TEST + 1, ""), Limits::default())
        .await
        .expect_err("too many instances");
    assert!(format!("{err:#}").contains("instance count too high"), "{err:#}");
}

#[test]
fn a_plugin_cannot_pass_its_failure_off_as_the_hosts() {
    assert_eq!(plugin_code("not-covered".into()), "not-covered");
    assert_eq!(plugin_code("limit".into()), "plugin-limit");
    assert_eq!(plugin_code("x".repeat(65)), "bad-code");
    assert_eq!(plugin_code("Denied\u{1b}[31m".into()), "bad-code");
}

#[test]
fn a_long_step_error_is_cut_and_says_so() {
    let cut = cut("é".repeat(STEP_ERROR_KEPT));
    assert!(cut.len() < STEP_ERROR_KEPT + 32, "{}", cut.len());
    assert!(
        cut.ends_with(&format!("… ({} bytes cut)", STEP_ERROR_KEPT)),
        "{}",
        &cut[cut.len() - 40..]
    );
}

#[test]
fn a_component_that_exports_no_step_is_not_a_plugin() {
    let err = load("(component)").expect_err("no exports");
    assert!(
        err.to_string()
            .contains("does not export the `switchyard:step/step` world of version 0.3.1"),
        "{err}"
    );
}
