//! `switchyard validate`: runs the built-in `validate-cert` step alone, offline.

use std::fmt::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use serde_json::{Value, json};
use switchyard::gate::{Capability, Grant, Mode};
use switchyard::plugins::PluginRef;
use switchyard::report::Reporter;
use switchyard::runner::Status;
use switchyard::runtime::Limits;
use switchyard::workflow::{Step, Workflow, normalise};

use super::{FAILED, Global, USAGE};

/// Check a certificate, its key and chain before uploading them (offline).
///
/// Exits 1 when any finding is an error, 0 otherwise.
#[derive(Debug, clap::Args)]
pub struct Validate {
    /// The server certificate (PEM).
    #[arg(long)]
    pub cert: PathBuf,
    /// Its private key (PEM, unencrypted).
    #[arg(long)]
    pub key: PathBuf,
    /// The intermediate chain (PEM), the leaf's issuer first.
    #[arg(long)]
    pub chain: Option<PathBuf>,
    /// A name the certificate must cover; repeat for several.
    #[arg(long = "domain")]
    pub domains: Vec<String>,
    /// Warn when the certificate expires in fewer days than this.
    #[arg(long, default_value_t = 30)]
    pub min_days: u32,
    /// Where the certificate will go.
    #[arg(long, value_parser = ["iam", "acm"], default_value = "iam")]
    pub target: String,
}

impl Validate {
    pub async fn execute(self, global: &Global) -> anyhow::Result<ExitCode> {
        let cwd = std::env::current_dir()?;
        let files: Vec<PathBuf> = [Some(&self.cert), Some(&self.key), self.chain.as_ref()]
            .into_iter()
            .flatten()
            .map(|p| normalise(&cwd.join(p)))
            .collect();
        let path = |p: &PathBuf| Value::String(escape(&normalise(&cwd.join(p)).display().to_string()));
        let mut with = json!({
            "certificate": path(&self.cert),
            "private_key": path(&self.key),
            "domains": self.domains.iter().map(|d| escape(d)).collect::<Vec<_>>(),
            "min_days": self.min_days,
            "target": self.target,
        });
        if let Some(chain) = &self.chain {
            with["chain"] = path(chain);
        }
        let step = Step {
            id: "validate".into(),
            plugin: PluginRef::Builtin("validate-cert".into()),
            with,
            grants: files
                .iter()
                .map(|f| Grant {
                    capability: Capability::CertificatesLoad,
                    resource: Some(f.display().to_string()),
                })
                .collect(),
            limits: Limits::default(),
        };
        let workflow = Workflow {
            file: cwd.join("validate"),
            name: "validate".into(),
            account: None,
            region: None,
            vars: Default::default(),
            steps: vec![step],
        };
        // The report is the output: plugin log lines only with -v.
        let reporter = if global.verbose > 0 {
            global.reporter()
        } else {
            Reporter::new(None)
        };
        let runner = global.runner(reporter)?;
        let steps = runner.prepare(&workflow).await?;
        let report = runner.execute(&workflow, &steps, String::new(), Mode::Offline).await;
        let step = report
            .steps
            .into_iter()
            .next()
            .ok_or_else(|| anyhow::anyhow!("validate-cert did not run"))?;
        let validation = match (step.status, step.outputs, step.failure) {
            (Status::Succeeded, Some(outputs), _) => outputs,
            (_, _, Some(f)) if f.code == "validation-failed" && f.details.is_some() => f.details.unwrap_or_default(),
            (_, _, Some(f)) => {
                let code = if f.code == "invalid-input" { USAGE } else { FAILED };
                anyhow::bail!(Failed(code, format!("validate-cert: {}", f.message)));
            }
            _ => anyhow::bail!("validate-cert returned neither a report nor an error"),
        };
        global.print(&validation, || human(&validation))?;
        let ok = validation.get("ok").and_then(Value::as_bool).unwrap_or(false);
        Ok(if ok { ExitCode::SUCCESS } else { ExitCode::from(FAILED) })
    }
}

/// A failure of the step itself (not a finding), with its exit code.
#[derive(Debug, thiserror::Error)]
#[error("{1}")]
pub struct Failed(pub u8, pub String);

/// Keeps a literal `${` from being read as a reference.
fn escape(text: &str) -> String {
    text.replace("${", "$${")
}

fn human(report: &Value) -> String {
    let mut out = String::new();
    if let Some(c) = report.get("certificate") {
        let field = |k: &str| {
            c.get(k)
                .map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_owned))
                .unwrap_or_default()
        };
        let _ = writeln!(out, "certificate  {}", field("subject"));
        let _ = writeln!(out, "issuer       {}", field("issuer"));
        let _ = writeln!(
            out,
            "names        {}",
            c.get("dns_names")
                .and_then(Value::as_array)
                .map(|a| a.iter().filter_map(Value::as_str).collect::<Vec<_>>().join(", "))
                .unwrap_or_default()
        );
        let _ = writeln!(out, "key          {}", field("key"));
        let _ = writeln!(
            out,
            "expires      {} ({} days left)",
            field("not_after"),
            field("days_left")
        );
        let _ = writeln!(out, "sha256       {}", field("sha256_fingerprint"));
        out.push('\n');
    }
    let findings = report
        .get("findings")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let (mut errors, mut warnings) = (0, 0);
    for f in &findings {
        let severity = f.get("severity").and_then(Value::as_str).unwrap_or("error");
        if severity == "error" {
            errors += 1
        } else {
            warnings += 1
        }
        let code = f.get("code").and_then(Value::as_str).unwrap_or("");
        let message = f.get("message").and_then(Value::as_str).unwrap_or("");
        let _ = writeln!(out, "{severity:<8} {code:<28} {message}");
    }
    let _ = writeln!(
        out,
        "{}: {errors} error(s), {warnings} warning(s)",
        if errors == 0 { "ok" } else { "invalid" }
    );
    out
}
