//! The subcommands, one module each, and what they share.

mod alone;
mod apply;
mod audit;
mod check;
mod plan;
mod plugins;
mod rollback;
mod run;
mod runs;
mod validate;
mod whoami;

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use clap::{Parser, Subcommand, ValueEnum};
use serde::Serialize;
use switchyard::journal::JournalError;
use switchyard::plugins::SourceError;
use switchyard::provider::aws::{Aws, AwsOptions, AwsSetupError};
use switchyard::report::Reporter;
use switchyard::runner::{PrepareError, Runner};
use switchyard::runtime::Runtime;
use switchyard::secrets;
use switchyard::session::{SavedPlanError, SessionError};
use switchyard::workflow::{Workflow, WorkflowError};

/// Exit code: a step or a validation failed.
pub const FAILED: u8 = 1;
/// Exit code: bad usage or a bad workflow file; nothing ran.
pub const USAGE: u8 = 2;

/// Plans and applies AWS certificate and failover workflows made of sandboxed WebAssembly steps.
///
/// Exit codes: 0 success, 1 a step or validation failed, 2 usage or workflow-file error.
#[derive(Debug, Parser)]
#[command(name = "switchyard", version, about, long_about = None)]
pub struct Cli {
    #[command(flatten)]
    pub global: Global,
    #[command(subcommand)]
    pub command: Command,
}

/// Options every subcommand takes.
#[derive(Debug, clap::Args)]
pub struct Global {
    /// The AWS profile to use (default: the standard chain: environment, profile, SSO, instance role).
    #[arg(long, global = true, env = "AWS_PROFILE")]
    pub profile: Option<String>,
    /// The AWS region (overrides the environment and profile; must agree with the workflow's).
    #[arg(long, global = true)]
    pub region: Option<String>,
    /// How to print results: for people, or one JSON document on standard output.
    #[arg(long, global = true, value_enum, default_value = "human")]
    pub output: Output,
    /// Where runs are journaled (default: `.switchyard/runs` next to the workflow file; for
    /// `runs` and `rollback`, in the current directory).
    #[arg(long, global = true, env = "SWITCHYARD_RUNS_DIR", value_name = "DIR")]
    pub runs_dir: Option<PathBuf>,
    /// Seconds to wait for a connection to AWS before a call fails.
    #[arg(long, global = true, env = "SWITCHYARD_CONNECT_TIMEOUT", value_name = "SECONDS", default_value_t = 60, value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub connect_timeout: u64,
    /// Seconds to wait for AWS's answer to a call before that try fails (reads are tried again).
    #[arg(long, global = true, env = "SWITCHYARD_READ_TIMEOUT", value_name = "SECONDS", default_value_t = 60, value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub read_timeout: u64,
    /// More detail on standard error (-v, -vv).
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,
}

/// How results are printed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Output {
    /// For people.
    Human,
    /// One JSON document.
    Json,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Show what a workflow would change, changing nothing.
    Plan(plan::Plan),
    /// Run a workflow, journaling every change; resumes an interrupted run.
    Apply(apply::Apply),
    /// List runs, or show one run's changes.
    Runs(runs::Runs),
    /// Undo a run's changes.
    Rollback(rollback::Rollback),
    /// Show which AWS account and identity the credentials belong to.
    Whoami(whoami::Whoami),
    /// List or inspect plugins, or lock a workflow's.
    #[command(subcommand)]
    Plugins(plugins::Plugins),
    /// Check a certificate, its key and chain before uploading them (offline).
    Validate(validate::Validate),
    /// Check a workflow's plugins, grants, inputs and files before anything runs (offline).
    Check(check::Check),
    /// Audit the account's access keys, X.509 signing certificates and MFA (reads only).
    Audit(audit::Audit),
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    #[test]
    fn the_cli_definition_is_consistent() {
        super::Cli::command().debug_assert();
    }
}

impl Command {
    /// Whether every error is to exit 1 (`plan --detailed-exitcode`, where 2 means changes).
    pub fn errors_exit_one(&self) -> bool {
        matches!(self, Command::Plan(p) if p.detailed_exitcode)
    }

    pub async fn execute(self, global: &Global) -> anyhow::Result<ExitCode> {
        match self {
            Command::Plan(c) => c.execute(global).await,
            Command::Apply(c) => c.execute(global).await,
            Command::Runs(c) => c.execute(global).await,
            Command::Rollback(c) => c.execute(global).await,
            Command::Whoami(c) => c.execute(global).await,
            Command::Plugins(c) => c.execute(global).await,
            Command::Validate(c) => c.execute(global).await,
            Command::Check(c) => c.execute(global).await,
            Command::Audit(c) => c.execute(global).await,
        }
    }
}

/// Standard error with every secret redacted (`secrets::redact`), for the log: the AWS SDK's
/// own traces (`SWITCHYARD_LOG=trace`) print what AWS answered, access key ids included.
struct RedactedStderr;

impl std::io::Write for RedactedStderr {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        // The log writes each event whole, so no secret is split between two writes.
        let text = String::from_utf8_lossy(buf);
        std::io::Write::write_all(&mut std::io::stderr(), secrets::redact(&text).as_bytes())?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        std::io::Write::flush(&mut std::io::stderr())
    }
}

impl Global {
    pub fn init_tracing(&self) {
        let level = match self.verbose {
            0 => "warn",
            1 => "info",
            _ => "debug",
        };
        // SWITCHYARD_LOG, else RUST_LOG (tracing's directives, e.g. `switchyard=debug,aws=info`),
        // else -v's level.
        let filter = tracing_subscriber::EnvFilter::try_from_env("SWITCHYARD_LOG")
            .or_else(|_| tracing_subscriber::EnvFilter::try_from_default_env())
            .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(format!("switchyard={level}")));
        tracing_subscriber::fmt()
            .with_env_filter(filter)
            .with_writer(|| RedactedStderr)
            .with_target(false)
            .init();
    }

    pub fn reporter(&self) -> Reporter {
        Reporter::new(Some(match self.verbose {
            0 => tracing::Level::INFO,
            1 => tracing::Level::DEBUG,
            _ => tracing::Level::TRACE,
        }))
    }

    /// Resolves credentials and region. A workflow's region must agree with `--region`.
    pub async fn aws(&self, workflow_region: Option<&str>) -> anyhow::Result<Arc<Aws>> {
        if let (Some(flag), Some(pinned)) = (&self.region, workflow_region)
            && flag != pinned
        {
            return Err(UsageError(format!(
                "--region {flag} disagrees with the workflow's region {pinned}: drop --region or change the workflow"
            ))
            .into());
        }
        let options = AwsOptions {
            profile: self.profile.clone(),
            region: self.region.clone().or(workflow_region.map(str::to_owned)),
            connect_timeout: Duration::from_secs(self.connect_timeout),
            read_timeout: Duration::from_secs(self.read_timeout),
        };
        Ok(Arc::new(Aws::load(&options).await?))
    }

    /// Where runs are journaled: `--runs-dir`, else `.switchyard/runs` under `base`.
    pub fn runs_dir(&self, base: &Path) -> PathBuf {
        self.runs_dir
            .clone()
            .unwrap_or_else(|| switchyard::journal::default_dir(base))
    }

    pub fn runner(&self, reporter: Reporter) -> anyhow::Result<Runner> {
        let runtime = Runtime::new(cache_dir()).context("cannot start the plugin runtime")?;
        Ok(Runner::new(runtime, reporter))
    }

    /// Prints `value` as JSON, or `human` for people.
    /// Prints `value` as JSON or as `human` text, with every secret redacted.
    pub fn print<T: Serialize>(&self, value: &T, human: impl FnOnce() -> String) -> anyhow::Result<()> {
        match self.output {
            Output::Json => {
                let mut value = serde_json::to_value(value)?;
                secrets::redact_value(&mut value);
                println!("{}", serde_json::to_string_pretty(&value)?);
            }
            Output::Human => print!("{}", secrets::redact(&human())),
        }
        Ok(())
    }
}

/// Whether a person is at a terminal (stdin and stderr), to be asked before writes.
pub fn on_terminal() -> bool {
    use std::io::IsTerminal;
    std::io::stdin().is_terminal() && std::io::stderr().is_terminal()
}

/// Asks `question` on the terminal and says whether the answer was yes. Without a terminal
/// (stdin and stderr), never asks and says no: the caller refuses or takes `--yes`.
pub fn confirm(question: &str) -> std::io::Result<bool> {
    use std::io::{BufRead, Write};
    if !on_terminal() {
        return Ok(false);
    }
    let mut err = std::io::stderr().lock();
    write!(err, "{question} [y/N] ")?;
    err.flush()?;
    let mut answer = String::new();
    std::io::stdin().lock().read_line(&mut answer)?;
    Ok(matches!(answer.trim().to_ascii_lowercase().as_str(), "y" | "yes"))
}

/// Exit code: stopped by Ctrl-C (128 + SIGINT, as shells report it).
pub const INTERRUPTED: u8 = 130;

/// Makes Ctrl-C stop the run at its next safe point (after the call in flight, which is
/// journaled); a second Ctrl-C ends the process at once (the journal still says what was in
/// flight). For `apply` and `rollback`; other commands end at the first Ctrl-C.
pub fn stop_on_ctrl_c() {
    tokio::spawn(async {
        while tokio::signal::ctrl_c().await.is_ok() {
            if switchyard::interrupt::request() {
                eprintln!("\ninterrupted again: stopping now; the journal says what was in flight");
                std::process::exit(i32::from(INTERRUPTED));
            }
            eprintln!("\ninterrupted: stopping after the call in flight (Ctrl-C again to stop at once)");
        }
    });
}

/// A usage error found after parsing.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct UsageError(pub String);

/// Loads a workflow file, with the process environment for `${env.…}`.
pub fn load_workflow(file: &Path) -> Result<Workflow, WorkflowError> {
    Workflow::load(file, &|name| std::env::var(name).ok())
}

/// Where compiled plugins are cached: `SWITCHYARD_CACHE_DIR`, else the user's cache directory.
fn cache_dir() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os("SWITCHYARD_CACHE_DIR") {
        return Some(PathBuf::from(dir));
    }
    let base = std::env::var_os("XDG_CACHE_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache")))?;
    Some(base.join("switchyard").join("components"))
}

/// The exit code for an error: usage and workflow-file errors, and whatever was refused before
/// anything ran, are 2; the rest 1.
pub fn exit_code(err: &anyhow::Error) -> u8 {
    if let Some(alone::Failed(code, _)) = err.downcast_ref() {
        return *code;
    }
    let prepare = |e: &PrepareError| !matches!(e, PrepareError::Identity(_));
    // Refused before anything ran: another process holds it, no such run, a damaged run.
    let refused = |e: &JournalError| {
        matches!(
            e,
            JournalError::Locked { .. }
                | JournalError::Busy { .. }
                | JournalError::NoSuchRun { .. }
                | JournalError::RunDamaged { .. }
                | JournalError::Unrepairable { .. }
                | JournalError::OrphanUndo { .. }
        )
    };
    let usage = err.downcast_ref::<WorkflowError>().is_some()
        || err.downcast_ref::<JournalError>().is_some_and(refused)
        || err.downcast_ref::<SourceError>().is_some()
        || err.downcast_ref::<UsageError>().is_some()
        || err.downcast_ref::<AwsSetupError>().is_some()
        || err.downcast_ref::<PrepareError>().is_some_and(prepare)
        || err.downcast_ref::<SessionError>().is_some_and(|e| match e {
            SessionError::Prepare(e) => prepare(e),
            SessionError::Journal(e) => refused(e),
            SessionError::Refused(_) | SessionError::SavedPlan(SavedPlanError::Refused { .. }) => true,
            _ => false,
        });
    if usage { USAGE } else { FAILED }
}
