//! Where plugins come from: built into `switchyard`, or a `.wasm` component on disk, optionally
//! pinned by SHA-256; and the lock file that holds a workflow to the plugins it was locked with.

pub mod lock;

use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

include!(concat!(env!("OUT_DIR"), "/builtin.rs"));

/// A plugin as named in a workflow or on the command line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PluginRef {
    /// A plugin built into `switchyard`, by name.
    Builtin(String),
    /// A component file, with the SHA-256 it must have.
    File {
        /// The file.
        path: PathBuf,
        /// The lowercase hex SHA-256 the file must have.
        sha256: Option<String>,
    },
}

/// A plugin's bytes could not be had.
#[derive(Debug, thiserror::Error)]
pub enum SourceError {
    /// No built-in has that name.
    #[error("no built-in plugin is named `{0}` (built in: {known}); to use a file, give a path ending in .wasm", known = builtin_names().join(", "))]
    UnknownBuiltin(String),
    /// The file could not be read.
    #[error("cannot read plugin {path}: {error}")]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        error: std::io::Error,
    },
    /// The file is larger than its step lets a plugin be.
    #[error(
        "plugin {path} is {size} bytes, over the limit of {limit} bytes (`limits.plugin_mib`): raise the step's limit if the plugin is meant to be this large"
    )]
    TooLarge {
        /// The file.
        path: PathBuf,
        /// Its size, or at least how much was read.
        size: u64,
        /// The limit.
        limit: u64,
    },
    /// The file is not the one pinned.
    #[error(
        "plugin {path} has SHA-256 {actual}, not the pinned {expected}: the file changed; check it and update `sha256`"
    )]
    Sha256Mismatch {
        /// The file.
        path: PathBuf,
        /// The pinned digest.
        expected: String,
        /// The file's digest.
        actual: String,
    },
}

/// A plugin's bytes and where they came from.
#[derive(Clone, Debug)]
pub struct PluginBytes {
    /// How to name it to a person: the built-in name or the path.
    pub label: String,
    /// The component.
    pub bytes: Vec<u8>,
    /// Its SHA-256, lowercase hex.
    pub sha256: String,
}

/// The names of the built-in plugins.
pub fn builtin_names() -> Vec<&'static str> {
    BUILTIN.iter().map(|(name, _)| *name).collect()
}

impl PluginRef {
    /// Reads a plugin reference as written: a path if it ends in `.wasm` or holds a `/`,
    /// else a built-in name. Relative paths are relative to `base`.
    pub fn parse(text: &str, sha256: Option<String>, base: &Path) -> Self {
        if text.ends_with(".wasm") || text.contains('/') {
            PluginRef::File {
                path: base.join(text),
                sha256: sha256.map(|s| s.to_ascii_lowercase()),
            }
        } else {
            PluginRef::Builtin(text.to_owned())
        }
    }

    /// Reads the plugin's bytes, checking a pinned SHA-256, within the default size limit.
    pub fn read(&self) -> Result<PluginBytes, SourceError> {
        self.read_within(crate::runtime::Limits::default().plugin_bytes)
    }

    /// Reads the plugin's bytes, checking a pinned SHA-256; a file larger than `limit` bytes is
    /// refused before it is read.
    pub fn read_within(&self, limit: u64) -> Result<PluginBytes, SourceError> {
        match self {
            PluginRef::Builtin(name) => {
                let (_, bytes) = BUILTIN
                    .iter()
                    .find(|(n, _)| n == name)
                    .ok_or_else(|| SourceError::UnknownBuiltin(name.clone()))?;
                Ok(PluginBytes {
                    label: name.clone(),
                    bytes: bytes.to_vec(),
                    sha256: sha256(bytes),
                })
            }
            PluginRef::File { path, sha256: pinned } => {
                let bytes = read_at_most(path, limit)?;
                let actual = sha256(&bytes);
                if let Some(expected) = pinned
                    && *expected != actual
                {
                    return Err(SourceError::Sha256Mismatch {
                        path: path.clone(),
                        expected: expected.clone(),
                        actual,
                    });
                }
                Ok(PluginBytes {
                    label: path.display().to_string(),
                    bytes,
                    sha256: actual,
                })
            }
        }
    }
}

/// The file at `path`, if it holds at most `limit` bytes (checked before reading, and while
/// reading, for a file that grows).
fn read_at_most(path: &Path, limit: u64) -> Result<Vec<u8>, SourceError> {
    use std::io::Read;
    let read_error = |error| SourceError::Read {
        path: path.to_owned(),
        error,
    };
    let too_large = |size| SourceError::TooLarge {
        path: path.to_owned(),
        size,
        limit,
    };
    let file = std::fs::File::open(path).map_err(read_error)?;
    let size = file.metadata().map_err(read_error)?.len();
    if size > limit {
        return Err(too_large(size));
    }
    let mut bytes = Vec::with_capacity(usize::try_from(size).unwrap_or(0));
    file.take(limit + 1).read_to_end(&mut bytes).map_err(read_error)?;
    if bytes.len() as u64 > limit {
        return Err(too_large(bytes.len() as u64));
    }
    Ok(bytes)
}

fn sha256(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}
