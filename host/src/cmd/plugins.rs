//! `switchyard plugins list|inspect|lock`.

use std::fmt::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use serde::Serialize;
use switchyard::plugins::lock::LockedPlugin;
use switchyard::plugins::{PluginRef, builtin_names};
use switchyard::report::visible;
use switchyard::runner::Runner;
use switchyard::runtime::Limits;

use super::{Global, load_workflow};

/// List or inspect plugins, or lock a workflow's.
#[derive(Debug, clap::Subcommand)]
pub enum Plugins {
    /// List the built-in plugins.
    List,
    /// Show a plugin's description, input schema and the capabilities it needs.
    Inspect {
        /// A built-in plugin's name, or a path to a `.wasm` component.
        plugin: String,
    },
    /// Write a workflow's lock file, `FILE.lock`: the SHA-256 of every plugin it runs.
    ///
    /// Commit it with the workflow: `check`, `plan` and `apply` then refuse a plugin that differs
    /// from it, before anything runs. Run it again after an intended change of a plugin (or an
    /// upgrade of switchyard, which changes its built-ins).
    Lock {
        /// The workflow file (TOML).
        file: PathBuf,
    },
}

/// What `plugins lock` wrote.
#[derive(Serialize)]
struct Locked {
    ok: bool,
    /// The lock file.
    lock: String,
    plugins: Vec<LockedPlugin>,
}

#[derive(Serialize)]
struct Info {
    name: String,
    version: String,
    description: String,
    capabilities: Vec<String>,
    source: String,
    /// The version of `switchyard:step` it was built against.
    wit: &'static str,
    sha256: String,
    size: usize,
    input_schema: serde_json::Value,
}

impl Plugins {
    pub async fn execute(self, global: &Global) -> anyhow::Result<ExitCode> {
        let runner = global.runner(global.reporter())?;
        let refs: Vec<PluginRef> = match &self {
            Plugins::List => builtin_names()
                .into_iter()
                .map(|n| PluginRef::Builtin(n.to_owned()))
                .collect(),
            Plugins::Inspect { plugin } => vec![PluginRef::parse(plugin, None, &std::env::current_dir()?)],
            Plugins::Lock { file } => return lock(global, &runner, file).await,
        };
        let mut infos = Vec::new();
        for plugin_ref in refs {
            let bytes = plugin_ref.read()?;
            let plugin = runner.runtime().load(&bytes, Limits::default().compile)?;
            let d = runner
                .describe(&plugin, Limits::default())
                .await
                .with_context(|| format!("{} cannot describe itself", bytes.label))?;
            let input_schema =
                serde_json::from_str(&d.input_schema).unwrap_or(serde_json::Value::String(d.input_schema.clone()));
            infos.push(Info {
                name: d.name,
                version: d.version,
                description: d.description,
                capabilities: d.capabilities,
                source: bytes.label,
                wit: plugin.wit_version(),
                sha256: bytes.sha256,
                size: bytes.bytes.len(),
                input_schema,
            });
        }
        match self {
            Plugins::List => global.print(&infos, || {
                let mut out = String::new();
                for i in &infos {
                    let _ = writeln!(
                        out,
                        "{:<16} {:<8} {:>7} KiB  needs: {}",
                        visible(&i.name),
                        visible(&i.version),
                        i.size / 1024,
                        visible(&i.capabilities.join(", "))
                    );
                    let _ = writeln!(out, "    {}", visible(&i.description));
                }
                out
            })?,
            // Done above.
            Plugins::Lock { .. } => {}
            Plugins::Inspect { .. } => {
                let i = &infos[0];
                global.print(i, || {
                    format!(
                        "name          {}\nversion       {}\nsource        {}\nwit           switchyard:step@{}\nsha256        {}\nsize          {} bytes\ncapabilities  {}\n\n{}\n\ninput schema:\n{}\n",
                        visible(&i.name),
                        visible(&i.version),
                        i.source,
                        i.wit,
                        i.sha256,
                        i.size,
                        visible(&i.capabilities.join(", ")),
                        visible(&i.description),
                        serde_json::to_string_pretty(&i.input_schema).unwrap_or_default()
                    )
                })?;
            }
        }
        Ok(ExitCode::SUCCESS)
    }
}

/// `plugins lock FILE`: the lock of the workflow in `file`, written next to it.
async fn lock(global: &Global, runner: &Runner, file: &Path) -> anyhow::Result<ExitCode> {
    let workflow = load_workflow(file)?;
    let lock = runner.lock(&workflow).await?;
    let path = lock.write(&workflow.file)?;
    let locked = Locked {
        ok: true,
        lock: path.display().to_string(),
        plugins: lock.plugins,
    };
    global.print(&locked, || {
        let n = locked.plugins.len();
        format!("wrote {}: {n} plugin{}\n", locked.lock, if n == 1 { "" } else { "s" })
    })?;
    Ok(ExitCode::SUCCESS)
}
