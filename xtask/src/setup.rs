//! Installs what the tests and the demo need: the wasm target and the emulator.

use std::fs;
use std::process::Command;

use anyhow::{Context, bail};

use crate::{emulator, root, run_cmd};

const WASM_TARGET: &str = "wasm32-wasip2";

/// Installs the wasm target and the emulator's virtual environment, if missing.
pub fn run() -> anyhow::Result<()> {
    wasm_target()?;
    venv()
}

fn wasm_target() -> anyhow::Result<()> {
    let sysroot = Command::new("rustc")
        .args(["--print", "sysroot"])
        .output()
        .context("cannot run rustc")?;
    let sysroot = String::from_utf8_lossy(&sysroot.stdout).trim().to_owned();
    if std::path::Path::new(&sysroot)
        .join("lib/rustlib")
        .join(WASM_TARGET)
        .exists()
    {
        return Ok(());
    }
    eprintln!("xtask: installing the Rust target {WASM_TARGET}");
    run_cmd(Command::new("rustup").args(["target", "add", WASM_TARGET])).with_context(|| {
        format!(
            "cannot install the Rust target {WASM_TARGET}: install rustup, or add the target to your toolchain by hand"
        )
    })
}

/// Creates `.venv` with the pinned emulator, re-installing when the pins change.
fn venv() -> anyhow::Result<()> {
    let root = root();
    let requirements = root.join("emulator/requirements.txt");
    let wanted =
        fs::read_to_string(&requirements).with_context(|| format!("cannot read {}", requirements.display()))?;
    let stamp = root.join(".venv/.switchyard-requirements");
    if fs::read_to_string(&stamp).is_ok_and(|have| have == wanted) && emulator::python().exists() {
        return Ok(());
    }
    eprintln!("xtask: creating .venv with {}", wanted.trim());
    let python = std::env::var("PYTHON").unwrap_or_else(|_| "python3".into());
    run_cmd(Command::new(&python).args(["-m", "venv", "--clear"]).arg(root.join(".venv")))
        .with_context(|| format!("cannot create a Python virtual environment with `{python} -m venv`: install Python 3.9+ with venv (Debian: apt-get install python3-venv), or set PYTHON"))?;
    let pip = root.join(".venv/bin/pip");
    let installed = run_cmd(
        Command::new(&pip)
            .args(["install", "--quiet", "--disable-pip-version-check", "-r"])
            .arg(&requirements),
    );
    if let Err(e) = installed {
        bail!(
            "cannot install the emulator ({}) into .venv: {e:#}; check that PyPI is reachable",
            wanted.trim()
        );
    }
    fs::write(&stamp, wanted).context("cannot write the .venv stamp")?;
    Ok(())
}
