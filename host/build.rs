//! Builds the built-in plugins (`plugins/*`) and the test guests (`tests/guests/*`) for
//! `wasm32-wasip2`, so that a freshly built `switchyard` carries its plugins inside it.
//!
//! The nested build uses its own target directory inside `OUT_DIR` (so it does not wait on the
//! outer build's lock) and does not inherit the outer build's flags.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::{env, fs};

const TARGET: &str = "wasm32-wasip2";

fn main() {
    let manifest_dir = PathBuf::from(env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let root = manifest_dir
        .parent()
        .expect("host/ is inside the workspace")
        .to_path_buf();
    let out_dir = PathBuf::from(env::var("OUT_DIR").expect("cargo sets OUT_DIR"));
    for dir in ["wit", "plugins", "tests/guests"] {
        println!("cargo:rerun-if-changed={}", root.join(dir).display());
    }

    let builtins = guest_crates(&root.join("plugins"));
    let guests = guest_crates(&root.join("tests/guests"));
    check_target_installed();

    let target_dir = out_dir.join("wasm");
    let mut cargo = Command::new(env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    cargo
        .current_dir(&root)
        .args([
            "build",
            "--quiet",
            "--target",
            TARGET,
            "--profile",
            "plugin",
            "--target-dir",
        ])
        .arg(&target_dir);
    for name in builtins.iter().chain(&guests) {
        cargo.args(["-p", name]);
    }
    for var in [
        "CARGO_ENCODED_RUSTFLAGS",
        "RUSTFLAGS",
        "CARGO_TARGET_DIR",
        "CARGO_BUILD_TARGET",
        "CARGO_PROFILE_RELEASE_DEBUG",
        "RUSTC_WORKSPACE_WRAPPER",
        "RUSTC_WRAPPER",
    ] {
        cargo.env_remove(var);
    }
    let status = cargo.status().expect("cannot run cargo for the plugins");
    assert!(
        status.success(),
        "building the plugins for {TARGET} failed (see the errors above)"
    );

    let wasm = |name: &str| {
        target_dir
            .join(TARGET)
            .join("plugin")
            .join(format!("{}.wasm", name.replace('-', "_")))
    };
    let mut code =
        String::from("/// The built-in plugins: name and component bytes.\npub const BUILTIN: &[(&str, &[u8])] = &[\n");
    for name in &builtins {
        code.push_str(&format!("    ({name:?}, include_bytes!({:?})),\n", wasm(name)));
    }
    code.push_str("];\n");
    fs::write(out_dir.join("builtin.rs"), code).expect("cannot write builtin.rs");

    let mut code = String::from("// Paths of the test guests, for the end-to-end tests.\n");
    for name in &guests {
        code.push_str(&format!(
            "pub const {}: &str = {:?};\n",
            name.to_uppercase().replace('-', "_"),
            wasm(name)
        ));
    }
    fs::write(out_dir.join("guests.rs"), code).expect("cannot write guests.rs");
}

/// The names of the `cdylib` crates directly under `dir`.
fn guest_crates(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .map(|entries| entries.flatten().map(|e| e.path()).collect::<Vec<_>>())
        .unwrap_or_default()
        .into_iter()
        .filter_map(|path| {
            let manifest = fs::read_to_string(path.join("Cargo.toml")).ok()?;
            manifest
                .contains("cdylib")
                .then(|| path.file_name()?.to_str().map(str::to_owned))?
        })
        .collect();
    names.sort();
    names
}

fn check_target_installed() {
    let rustc = env::var("RUSTC").unwrap_or_else(|_| "rustc".into());
    let sysroot = Command::new(rustc)
        .args(["--print", "sysroot"])
        .output()
        .expect("cannot run rustc");
    let sysroot = PathBuf::from(String::from_utf8_lossy(&sysroot.stdout).trim());
    if !sysroot.join("lib/rustlib").join(TARGET).exists() {
        panic!("the Rust target {TARGET} is not installed: run `cargo xtask setup` (or `rustup target add {TARGET}`)");
    }
}
