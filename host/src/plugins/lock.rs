//! Lock files: the SHA-256 of every plugin a workflow runs, written by `switchyard plugins lock`
//! next to the workflow (`site.toml` → `site.toml.lock`). When a workflow has one, `check`,
//! `plan` and `apply` refuse a step whose plugin is not the one locked, before anything runs.
//!
//! ```toml
//! version = 1
//!
//! [[plugin]]
//! source = "attach-cert"          # the step's `plugin`: a built-in's name, or a file's path
//! sha256 = "9f86d081884c7d65…"    # the component's digest, 64 hex digits
//! wit = "0.3.0"                   # the `switchyard:step` version it was built against
//! version = "0.3.0"               # a built-in's own version
//! ```

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::PluginRef;

/// The lock file format this host writes and reads.
pub const LOCK_FORMAT: u32 = 1;

/// What a lock file says of itself, above its entries.
const HEADER: &str = "\
# Written by `switchyard plugins lock`: the SHA-256 of every plugin this workflow runs.
# `switchyard check`, `plan` and `apply` refuse a plugin that differs from it.
# Commit it with the workflow; after an intended change, run `switchyard plugins lock` again.

";

/// A workflow's lock file: the plugins it runs, each by digest.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Lock {
    /// The file's format, [`LOCK_FORMAT`].
    pub version: u32,
    /// One entry per plugin, sorted by source.
    #[serde(default, rename = "plugin")]
    pub plugins: Vec<LockedPlugin>,
}

/// One plugin in a lock file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LockedPlugin {
    /// The steps' `plugin`: a built-in's name, or the component file's path relative to the
    /// workflow's folder (see [`source`]).
    pub source: String,
    /// The component's SHA-256, lowercase hex.
    pub sha256: String,
    /// The version of `switchyard:step` it was built against.
    pub wit: String,
    /// A built-in's version, as it describes itself; none for a file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
}

/// A lock file does not read or cannot be written, or a step's plugin is not the one locked.
#[derive(Debug, thiserror::Error)]
pub enum LockError {
    /// The lock file exists but could not be read.
    #[error("cannot read the lock file {}: {error}", path.display())]
    Read {
        /// The lock file.
        path: PathBuf,
        /// Why.
        error: std::io::Error,
    },
    /// The lock file is not one this host reads.
    #[error(
        "{}: {field}: {message}: fix it, or write it again with `switchyard plugins lock {}`",
        path.display(),
        workflow.display()
    )]
    Invalid {
        /// The lock file.
        path: PathBuf,
        /// Its workflow.
        workflow: PathBuf,
        /// Where in it: `line 3, column 1`, `version`, `plugin[2].sha256`.
        field: String,
        /// What is wrong.
        message: String,
    },
    /// The lock file could not be written.
    #[error("cannot write the lock file {}: {error}", path.display())]
    Write {
        /// The lock file.
        path: PathBuf,
        /// Why.
        error: std::io::Error,
    },
    /// A step's plugin has another digest than the lock file says.
    #[error(transparent)]
    Changed(Box<Changed>),
    /// A step's plugin is not in the lock file.
    #[error(
        "{}: step `{step}`: plugin {plugin} (SHA-256 {}) is not in the lock file {}: if the change is intended, run `switchyard plugins lock {}` and commit the lock file",
        workflow.display(),
        short(.actual),
        lock.display(),
        workflow.display()
    )]
    NotLocked {
        /// The workflow file.
        workflow: PathBuf,
        /// Its lock file.
        lock: PathBuf,
        /// The step.
        step: String,
        /// The step's plugin, as a lock file would name it (`source`).
        plugin: String,
        /// The plugin's digest.
        actual: String,
    },
}

/// A step's plugin has another digest than the lock file says.
#[derive(Debug, thiserror::Error)]
#[error(
    "{}: step `{step}`: {} {plugin} has SHA-256 {}, not {} as locked in {}{}: if the change is intended, run `switchyard plugins lock {}` and commit the lock file",
    workflow.display(),
    kind(.version),
    short(.actual),
    short(.locked),
    lock.display(),
    locked_at(.version),
    workflow.display()
)]
pub struct Changed {
    /// The workflow file.
    pub workflow: PathBuf,
    /// Its lock file.
    pub lock: PathBuf,
    /// The step.
    pub step: String,
    /// The step's plugin, as the lock file names it (`source`).
    pub plugin: String,
    /// The digest the lock file holds.
    pub locked: String,
    /// The plugin's digest.
    pub actual: String,
    /// The locked version of a built-in.
    pub version: Option<String>,
}

/// A digest's first 12 hex digits, enough to tell two apart.
fn short(sha256: &str) -> String {
    match sha256.get(..12) {
        Some(head) if sha256.len() > 12 => format!("{head}…"),
        _ => sha256.to_owned(),
    }
}

/// How to name a locked plugin: a built-in (it has a version) or a file.
fn kind(version: &Option<String>) -> &'static str {
    if version.is_some() { "built-in plugin" } else { "plugin" }
}

/// A built-in's locked version, to say switchyard changed since.
fn locked_at(version: &Option<String>) -> String {
    version
        .as_ref()
        .map(|v| format!(" (version {v}; a built-in changes with switchyard)"))
        .unwrap_or_default()
}

/// The lock file of the workflow file `workflow`: its name with `.lock` added, in its folder.
pub fn path_for(workflow: &Path) -> PathBuf {
    let mut name = workflow.as_os_str().to_owned();
    name.push(".lock");
    PathBuf::from(name)
}

/// How a lock file names a step's plugin: a built-in's name, or the component file's path
/// relative to the workflow's folder `dir` (as written in the workflow, with `./` dropped),
/// absolute if the file is outside it.
pub fn source(plugin: &PluginRef, dir: &Path) -> String {
    match plugin {
        PluginRef::Builtin(name) => name.clone(),
        PluginRef::File { path, .. } => path.strip_prefix(dir).unwrap_or(path).display().to_string(),
    }
}

impl Lock {
    /// A lock of `plugins`, one entry per source (the last given wins), sorted by source.
    pub fn new(plugins: impl IntoIterator<Item = LockedPlugin>) -> Self {
        let by_source: BTreeMap<String, LockedPlugin> = plugins.into_iter().map(|p| (p.source.clone(), p)).collect();
        Self {
            version: LOCK_FORMAT,
            plugins: by_source.into_values().collect(),
        }
    }

    /// The lock file of the workflow file `workflow`, if it has one.
    pub fn read(workflow: &Path) -> Result<Option<Self>, LockError> {
        let path = path_for(workflow);
        match std::fs::read_to_string(&path) {
            Ok(text) => Self::parse(&text, &path, workflow).map(Some),
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(error) => Err(LockError::Read { path, error }),
        }
    }

    /// Reads the text of the lock file `path` of `workflow`, strictly: unknown keys, another
    /// format, a digest that is not one and a source locked twice are refused.
    pub fn parse(text: &str, path: &Path, workflow: &Path) -> Result<Self, LockError> {
        let invalid = |field: String, message: String| LockError::Invalid {
            path: path.to_owned(),
            workflow: workflow.to_owned(),
            field,
            message,
        };
        let mut lock: Lock = toml::from_str(text).map_err(|e| {
            let field = e.span().map_or_else(
                || "file".to_owned(),
                |span| {
                    let before = text.get(..span.start).unwrap_or(text);
                    format!("line {}", before.matches('\n').count() + 1)
                },
            );
            invalid(field, e.message().trim().to_owned())
        })?;
        if lock.version != LOCK_FORMAT {
            return Err(invalid(
                "version".into(),
                format!(
                    "format {} is not one this switchyard reads (it reads {LOCK_FORMAT})",
                    lock.version
                ),
            ));
        }
        let mut seen = std::collections::HashSet::new();
        for (i, plugin) in lock.plugins.iter_mut().enumerate() {
            if plugin.sha256.len() != 64 || !plugin.sha256.bytes().all(|b| b.is_ascii_hexdigit()) {
                return Err(invalid(
                    format!("plugin[{i}].sha256"),
                    "is not a SHA-256 (64 hex digits)".into(),
                ));
            }
            plugin.sha256.make_ascii_lowercase();
            if !seen.insert(plugin.source.clone()) {
                return Err(invalid(
                    format!("plugin[{i}].source"),
                    format!("`{}` is locked twice", plugin.source),
                ));
            }
        }
        Ok(lock)
    }

    /// The lock file's text: a header saying what it is, then the entries.
    pub fn to_text(&self) -> Result<String, toml::ser::Error> {
        Ok(format!("{HEADER}{}", toml::to_string(self)?))
    }

    /// The entry for `source`.
    pub fn get(&self, source: &str) -> Option<&LockedPlugin> {
        self.plugins.iter().find(|p| p.source == source)
    }

    /// Checks that step `step` of the workflow file `workflow` runs the plugin locked for
    /// `source`: that it is locked, with the digest `actual`.
    pub fn check(&self, workflow: &Path, step: &str, source: &str, actual: &str) -> Result<(), LockError> {
        match self.get(source) {
            Some(locked) if locked.sha256 == actual => Ok(()),
            Some(locked) => Err(LockError::Changed(Box::new(Changed {
                workflow: workflow.to_owned(),
                lock: path_for(workflow),
                step: step.to_owned(),
                plugin: source.to_owned(),
                locked: locked.sha256.clone(),
                actual: actual.to_owned(),
                version: locked.version.clone(),
            }))),
            None => Err(LockError::NotLocked {
                workflow: workflow.to_owned(),
                lock: path_for(workflow),
                step: step.to_owned(),
                plugin: source.to_owned(),
                actual: actual.to_owned(),
            }),
        }
    }

    /// Writes this as the lock file of the workflow file `workflow`, atomically: into a file
    /// beside it, flushed to disk, then renamed over it. Returns the lock file's path.
    pub fn write(&self, workflow: &Path) -> Result<PathBuf, LockError> {
        let path = path_for(workflow);
        let fail = |error: std::io::Error| LockError::Write {
            path: path.clone(),
            error,
        };
        let text = self.to_text().map_err(|e| fail(std::io::Error::other(e)))?;
        let mut temporary = path.as_os_str().to_owned();
        temporary.push(format!(".{}.tmp", std::process::id()));
        let temporary = PathBuf::from(temporary);
        let written = std::fs::File::create(&temporary)
            .and_then(|mut file| {
                file.write_all(text.as_bytes())?;
                file.sync_all()
            })
            .and_then(|()| std::fs::rename(&temporary, &path));
        if let Err(error) = written {
            let _ = std::fs::remove_file(&temporary);
            return Err(fail(error));
        }
        // The rename itself is durable once the folder is flushed (best effort: not every
        // system lets a folder be opened).
        let folder = match path.parent() {
            Some(p) if !p.as_os_str().is_empty() => p,
            _ => Path::new("."),
        };
        if let Ok(dir) = std::fs::File::open(folder) {
            let _ = dir.sync_all();
        }
        Ok(path)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const A: &str = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
    const B: &str = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";

    fn lock() -> Lock {
        Lock::new([
            LockedPlugin {
                source: "plugins/org-step.wasm".into(),
                sha256: B.into(),
                wit: "0.3.0".into(),
                version: None,
            },
            LockedPlugin {
                source: "attach-cert".into(),
                sha256: A.into(),
                wit: "0.3.0".into(),
                version: Some("0.3.0".into()),
            },
        ])
    }

    #[test]
    fn a_lock_is_written_sorted_and_reads_back_the_same() {
        let dir = tempfile::tempdir().expect("temp dir");
        let workflow = dir.path().join("site.toml");
        let written = lock().write(&workflow).expect("write");
        assert_eq!(written, dir.path().join("site.toml.lock"));
        let text = std::fs::read_to_string(&written).expect("read");
        assert!(text.starts_with("# Written by `switchyard plugins lock`"), "{text}");
        assert!(text.contains("version = 1\n"), "{text}");
        assert_eq!(text.matches("[[plugin]]").count(), 2, "{text}");
        let attach = text.find("source = \"attach-cert\"").expect("attach-cert");
        let file = text.find("source = \"plugins/org-step.wasm\"").expect("the file");
        assert!(attach < file, "sorted by source: {text}");
        assert_eq!(Lock::read(&workflow).expect("reads"), Some(lock()));
        let leftovers: Vec<_> = std::fs::read_dir(dir.path()).expect("list").collect();
        assert_eq!(leftovers.len(), 1, "only the lock file is left: {leftovers:?}");
    }

    #[test]
    fn no_lock_file_is_no_lock() {
        let dir = tempfile::tempdir().expect("temp dir");
        assert_eq!(Lock::read(&dir.path().join("site.toml")).expect("reads"), None);
    }

    #[test]
    fn a_plugin_with_another_digest_is_refused_naming_both_and_the_fix() {
        let workflow = Path::new("site.toml");
        let lock = lock();
        lock.check(workflow, "attach", "attach-cert", A)
            .expect("the locked digest passes");
        let err = lock
            .check(workflow, "custom", "plugins/org-step.wasm", A)
            .expect_err("another digest");
        assert_eq!(
            err.to_string(),
            "site.toml: step `custom`: plugin plugins/org-step.wasm has SHA-256 aaaaaaaaaaaa…, not \
             bbbbbbbbbbbb… as locked in site.toml.lock: if the change is intended, run \
             `switchyard plugins lock site.toml` and commit the lock file"
        );
        let err = lock
            .check(workflow, "attach", "attach-cert", B)
            .expect_err("another digest");
        assert!(
            err.to_string().contains(
                "built-in plugin attach-cert has SHA-256 bbbbbbbbbbbb…, not aaaaaaaaaaaa… as locked in \
                 site.toml.lock (version 0.3.0; a built-in changes with switchyard)"
            ),
            "{err}"
        );
    }

    #[test]
    fn a_plugin_missing_from_the_lock_is_refused_with_the_fix() {
        let err = lock()
            .check(Path::new("dir/site.toml"), "extra", "failover", A)
            .expect_err("not locked");
        assert_eq!(
            err.to_string(),
            "dir/site.toml: step `extra`: plugin failover (SHA-256 aaaaaaaaaaaa…) is not in the lock file \
             dir/site.toml.lock: if the change is intended, run `switchyard plugins lock dir/site.toml` and \
             commit the lock file"
        );
    }

    #[test]
    fn a_damaged_lock_file_is_refused_naming_where() {
        let path = Path::new("site.toml.lock");
        let workflow = Path::new("site.toml");
        let err = |text: &str| Lock::parse(text, path, workflow).expect_err("refused").to_string();
        let wrong_type = err("version = 1\n[[plugin]]\nsource = 3\n");
        assert!(
            wrong_type.starts_with("site.toml.lock: ") && wrong_type.contains("fix it, or write it again"),
            "{wrong_type}"
        );
        assert!(err("version = 2\n").contains("version: format 2 is not one this switchyard reads"));
        let bad_digest = "version = 1\n[[plugin]]\nsource = \"x\"\nsha256 = \"abc\"\nwit = \"0.3.0\"\n";
        assert!(err(bad_digest).contains("plugin[0].sha256: is not a SHA-256"));
        let unknown = format!("version = 1\n[[plugin]]\nsource = \"x\"\nsha256 = \"{A}\"\nwit = \"0.3.0\"\nsha = 1\n");
        assert!(err(&unknown).contains("unknown field `sha`"), "{}", err(&unknown));
        assert!(err("").contains("write it again with `switchyard plugins lock site.toml`"));
    }

    #[test]
    fn a_file_is_named_relative_to_the_workflow_folder() {
        let dir = Path::new("/work/site");
        let file = PluginRef::parse("./plugins/org-step.wasm", None, dir);
        assert_eq!(source(&file, dir), "plugins/org-step.wasm");
        let outside = PluginRef::parse("/opt/steps/x.wasm", None, dir);
        assert_eq!(source(&outside, dir), "/opt/steps/x.wasm");
        let up = PluginRef::parse("../shared/x.wasm", None, dir);
        assert_eq!(source(&up, dir), "../shared/x.wasm");
        assert_eq!(source(&PluginRef::parse("attach-cert", None, dir), dir), "attach-cert");
    }
}
