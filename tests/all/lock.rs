//! Lock files (issue 11): `switchyard plugins lock FILE` writes the digest of every plugin a
//! workflow runs into `FILE.lock`; `check`, `plan` and `apply` then refuse, before anything is
//! sent, a plugin that does not match it, and say how to update it.

use std::path::{Path, PathBuf};

use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::support::site::{Site, outputs};
use crate::support::{Run, guests, switchyard, workflow};

/// A step running a component file of the workflow's own (a copy of the `misbehave` guest).
const CUSTOM: &str = "
[[step]]
id = \"custom\"
plugin = \"plugins/org-step.wasm\"
with = { action = \"echo\", value = \"locked\" }
";

/// The example workflow's built-ins, in the lock's order.
const BUILTINS: [&str; 5] = [
    "attach-cert",
    "failover",
    "maintenance-site",
    "upload-cert",
    "validate-cert",
];

/// The lowercase hex SHA-256 of the file at `path`.
fn sha256(path: &Path) -> String {
    hex::encode(Sha256::digest(std::fs::read(path).expect("read the plugin")))
}

/// The lock file of the workflow file `file`.
fn lock_file(file: &Path) -> PathBuf {
    PathBuf::from(format!("{}.lock", file.display()))
}

/// `switchyard plugins lock FILE`, offline (no AWS settings at all), with `args` after.
fn lock(file: &Path, args: &[&str]) -> Run {
    let file = file.to_str().expect("utf-8");
    switchyard().run(["plugins", "lock", file].iter().chain(args))
}

/// The site's example workflow with a step more, `custom`, running `plugins/org-step.wasm`
/// (a copy of the `misbehave` guest). Returns the component's path.
async fn site_with_a_file_plugin() -> (Site, PathBuf) {
    let site = Site::new().await;
    std::fs::create_dir(site.path().join("plugins")).expect("plugins folder");
    let component = site.path().join("plugins/org-step.wasm");
    std::fs::copy(guests::MISBEHAVE, &component).expect("copy the guest");
    let text = std::fs::read_to_string(site.file()).expect("read the workflow");
    std::fs::write(site.file(), text + CUSTOM).expect("write the workflow");
    (site, component)
}

/// The same component with a custom section appended (as a rebuild might leave it): another
/// digest, the same behaviour.
fn rebuild(component: &Path) {
    let mut bytes = std::fs::read(component).expect("read the component");
    // Section id 0 (custom), 9 bytes: a name of 7 bytes, `rebuilt`, and a payload of one.
    bytes.extend_from_slice(&[0, 9, 7]);
    bytes.extend_from_slice(b"rebuilt2");
    std::fs::write(component, bytes).expect("write the component");
}

/// `plugins lock` writes `workflow.toml.lock` next to the workflow, listing each plugin once,
/// sorted: every built-in with the digest, WIT version and version `plugins inspect` gives,
/// and the component file with its own digest. It needs no AWS and exits 0.
#[tokio::test]
async fn plugins_lock_writes_every_plugin_a_workflow_runs_with_its_digest() {
    let (site, component) = site_with_a_file_plugin().await;
    // A second step running the same file is locked once.
    let text = std::fs::read_to_string(site.file()).expect("read");
    std::fs::write(site.file(), text + &CUSTOM.replace("\"custom\"", "\"again\"")).expect("write");
    site.clear_log();
    let locked = lock(&site.file(), &["--output", "json"]);
    assert_eq!(locked.code, 0, "{locked:?}");
    let json = locked.json();
    let path = lock_file(&site.file());
    assert_eq!(json["ok"], true, "{json:#}");
    assert_eq!(json["lock"], path.display().to_string(), "{json:#}");
    assert_eq!(json["plugins"].as_array().map(Vec::len), Some(6), "{json:#}");

    let text = std::fs::read_to_string(&path).expect("the lock file is written next to the workflow");
    assert!(text.starts_with("# Written by `switchyard plugins lock`"), "{text}");
    let table: toml::Table = toml::from_str(&text).expect("the lock file is TOML");
    assert_eq!(table["version"].as_integer(), Some(1), "{text}");
    let plugins = table["plugin"].as_array().expect("[[plugin]] tables");
    let sources: Vec<&str> = plugins.iter().filter_map(|p| p["source"].as_str()).collect();
    let mut expected: Vec<&str> = BUILTINS.to_vec();
    expected.insert(3, "plugins/org-step.wasm");
    assert_eq!(sources, expected, "{text}");
    for plugin in plugins {
        let source = plugin["source"].as_str().expect("source");
        let inspect_as = if source.ends_with(".wasm") {
            component.to_str().expect("utf-8").to_owned()
        } else {
            source.to_owned()
        };
        let inspect = switchyard().run(["plugins", "inspect", inspect_as.as_str(), "--output", "json"]);
        assert_eq!(inspect.code, 0, "{inspect:?}");
        let inspect = inspect.json();
        assert_eq!(plugin["sha256"].as_str(), inspect["sha256"].as_str(), "{source}");
        assert_eq!(plugin["wit"].as_str(), inspect["wit"].as_str(), "{source}");
        if source.ends_with(".wasm") {
            assert_eq!(plugin["sha256"].as_str(), Some(sha256(&component).as_str()), "{text}");
            assert!(plugin.get("version").is_none(), "a file has no version locked: {text}");
        } else {
            assert_eq!(plugin["version"].as_str(), inspect["version"].as_str(), "{source}");
        }
    }
    assert_eq!(site.emulator.requests(), Vec::<Value>::new(), "locking sends nothing");
}

/// Once locked, a component file swapped for another build makes `check`, `plan` and `apply`
/// exit 2 naming the workflow, the step, the plugin, both digests, the lock file and the fix,
/// with not one request sent; `plugins lock` again makes `apply` run.
#[tokio::test]
async fn a_plugin_that_differs_from_the_lock_is_refused_until_locked_again() {
    let (site, component) = site_with_a_file_plugin().await;
    let file = site.file();
    let locked = lock(&file, &[]);
    assert_eq!(locked.code, 0, "{locked:?}");
    let before = sha256(&component);

    rebuild(&component);
    let after = sha256(&component);
    assert_ne!(before, after);
    let said = format!(
        "{}: step `custom`: plugin plugins/org-step.wasm has SHA-256 {}…, not {}… as locked in {}: if the change \
         is intended, run `switchyard plugins lock {}` and commit the lock file",
        file.display(),
        &after[..12],
        &before[..12],
        lock_file(&file).display(),
        file.display()
    );
    for command in ["check", "plan", "apply"] {
        site.clear_log();
        let refused = site.switchyard(command);
        assert_eq!(refused.code, 2, "{command}: {refused:?}");
        assert_eq!(
            refused.json()["error"].as_str(),
            Some(said.as_str()),
            "{command}: {refused:?}"
        );
        assert_eq!(site.emulator.requests(), Vec::<Value>::new(), "{command} sent nothing");
    }
    assert_eq!(site.emulator.writes(), Vec::<Value>::new());

    // The change is intended: lock again, and the workflow runs.
    let relocked = lock(&file, &[]);
    assert_eq!(relocked.code, 0, "{relocked:?}");
    assert_eq!(
        relocked.stdout,
        format!("wrote {}: 6 plugins\n", lock_file(&file).display()),
        "{relocked:?}"
    );
    let text = std::fs::read_to_string(lock_file(&file)).expect("read the lock");
    assert!(text.contains(&after) && !text.contains(&before), "{text}");
    let applied = site.apply();
    assert_eq!(outputs(&applied, "custom")["value"], "locked", "{applied:#}");
}

/// A step whose plugin is not in the lock file is refused (exit 2) naming the lock file and
/// the fix; a locked plugin no step runs any more is no error; a lock file that does not
/// read is refused naming it. All offline.
#[test]
fn a_plugin_missing_from_the_lock_is_refused_and_an_unused_entry_is_not() {
    let one = format!("[workflow]\nname = \"w\"\n{}", CUSTOM.replace("\"custom\"", "\"one\""));
    let (dir, file) = workflow(&one);
    std::fs::create_dir(dir.path().join("plugins")).expect("plugins folder");
    std::fs::copy(guests::MISBEHAVE, dir.path().join("plugins/org-step.wasm")).expect("copy");
    std::fs::copy(guests::MISBEHAVE, dir.path().join("plugins/second.wasm")).expect("copy");
    let locked = lock(&file, &[]);
    assert_eq!(locked.code, 0, "{locked:?}");
    assert_eq!(
        locked.stdout,
        format!("wrote {}: 1 plugin\n", lock_file(&file).display())
    );
    let path = file.to_str().expect("utf-8");
    let checked = switchyard().run(["check", path]);
    assert_eq!(checked.code, 0, "{checked:?}");

    let second = CUSTOM
        .replace("\"custom\"", "\"two\"")
        .replace("org-step.wasm", "second.wasm");
    std::fs::write(&file, format!("{one}{second}")).expect("write");
    let refused = switchyard().run(["check", "--output", "json", path]);
    assert_eq!(refused.code, 2, "{refused:?}");
    let error = refused.json()["error"].as_str().unwrap_or_default().to_owned();
    let sha = sha256(&dir.path().join("plugins/second.wasm"));
    assert_eq!(
        error,
        format!(
            "{path}: step `two`: plugin plugins/second.wasm (SHA-256 {}…) is not in the lock file {}: if the \
             change is intended, run `switchyard plugins lock {path}` and commit the lock file",
            &sha[..12],
            lock_file(&file).display()
        )
    );

    // Both locked, then the first step removed: its entry is left, unused, and that is fine.
    assert_eq!(lock(&file, &[]).code, 0);
    let only_second = format!("[workflow]\nname = \"w\"\n{second}");
    std::fs::write(&file, only_second).expect("write");
    let checked = switchyard().run(["check", path]);
    assert_eq!(checked.code, 0, "{checked:?}");

    std::fs::write(lock_file(&file), "version = 7\n").expect("write");
    let damaged = switchyard().run(["check", path]);
    assert_eq!(damaged.code, 2, "{damaged:?}");
    assert!(
        damaged.stderr.contains(&format!(
            "{}: version: format 7 is not one this switchyard reads",
            lock_file(&file).display()
        )),
        "{damaged:?}"
    );
}
