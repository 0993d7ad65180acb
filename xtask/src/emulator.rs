//! Starts and stops the AWS emulator for the demo.

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};

use anyhow::{Context, bail};

use crate::root;

/// The virtual environment's Python.
pub fn python() -> PathBuf {
    root().join(".venv/bin/python")
}

/// A running emulator; stopped when dropped.
pub struct Emulator {
    child: Child,
    /// Its endpoint, e.g. `http://127.0.0.1:38123`.
    pub endpoint: String,
}

impl Emulator {
    /// Starts the emulator on a free loopback port.
    pub fn start() -> anyhow::Result<Self> {
        let mut child = Command::new(python())
            .arg(root().join("emulator/launch.py"))
            .args(["--host", "127.0.0.1", "--port", "0"])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .context("cannot start the emulator (run `cargo xtask setup`)")?;
        let stdout = child.stdout.take().context("no emulator stdout")?;
        let mut line = String::new();
        BufReader::new(stdout).read_line(&mut line)?;
        let Some(endpoint) = line.trim().strip_prefix("READY ") else {
            let _ = child.kill();
            bail!("the emulator did not start (it said {line:?})");
        };
        Ok(Self {
            endpoint: endpoint.to_owned(),
            child,
        })
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
