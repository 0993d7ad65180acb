//! `cargo xtask setup|test|demo`: everything a newcomer runs, set-up included.

mod demo;
mod emulator;
mod setup;

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

use anyhow::{Context, bail};

const USAGE: &str = "usage: cargo xtask <setup|test|demo>

  setup   install the wasm32-wasip2 target and the AWS emulator (moto, in .venv/)
  test    set up, then run every test (the emulator's, unit, and end to end against the emulator)
  demo    set up, start the emulator, run whoami, validate and the maintenance-failover workflow
          (plan, apply, apply again, runs, rollback)";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("setup") => setup::run(),
        Some("test") => setup::run().and_then(|()| test(&args[1..])),
        Some("demo") => setup::run().and_then(|()| demo::run()),
        _ => {
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("xtask: error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

/// The workspace root.
fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask/ is in the workspace")
        .to_path_buf()
}

/// Runs a command, failing with its name when it fails.
fn run_cmd(cmd: &mut Command) -> anyhow::Result<()> {
    let status = cmd.status().with_context(|| format!("cannot run {cmd:?}"))?;
    if !status.success() {
        bail!("{cmd:?} failed ({status})");
    }
    Ok(())
}

fn cargo() -> Command {
    let mut cmd = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    cmd.current_dir(root());
    cmd
}

/// The emulator's own tests (Python, in process), then the unit tests of every crate that has
/// them, then the end-to-end suite.
fn test(extra: &[String]) -> anyhow::Result<()> {
    run_cmd(
        Command::new(emulator::python())
            .args(["-m", "pytest", "emulator", "-q", "-p", "no:cacheprovider"])
            .current_dir(root()),
    )
    .context("the emulator's tests failed")?;
    run_cmd(
        cargo()
            .args(["test", "--locked", "--workspace"])
            .args(extra)
            .env("SWITCHYARD_PYTHON", emulator::python()),
    )
}
