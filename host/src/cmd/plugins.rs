//! `switchyard plugins list|inspect`.

use std::fmt::Write;
use std::process::ExitCode;

use anyhow::Context;
use serde::Serialize;
use switchyard::plugins::{PluginRef, builtin_names};
use switchyard::report::visible;

use super::Global;

/// List or inspect plugins.
#[derive(Debug, clap::Subcommand)]
pub enum Plugins {
    /// List the built-in plugins.
    List,
    /// Show a plugin's description, input schema and the capabilities it needs.
    Inspect {
        /// A built-in plugin's name, or a path to a `.wasm` component.
        plugin: String,
    },
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
        };
        let mut infos = Vec::new();
        for plugin_ref in refs {
            let bytes = plugin_ref.read()?;
            let plugin = runner.runtime().load(&bytes)?;
            let d = runner
                .describe(&plugin)
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
