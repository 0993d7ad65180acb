//! `switchyard:step/log`: a plugin's log lines and progress, tagged with its step id (and
//! `(plan)` in a plan).

use super::wit::log::{Host, Level};
use crate::state::{LogLine, StepState};

/// The longest log line kept; a plugin cannot flood the terminal.
const MAX_LINE: usize = 4096;

impl Host for StepState {
    async fn write(&mut self, level: Level, message: String) -> wasmtime::Result<()> {
        let level = match level {
            Level::Trace => tracing::Level::TRACE,
            Level::Debug => tracing::Level::DEBUG,
            Level::Info => tracing::Level::INFO,
            Level::Warn => tracing::Level::WARN,
            Level::Error => tracing::Level::ERROR,
        };
        let line = truncate(&message);
        let (line, level) = match self.logged.admit(line.len(), &self.limits) {
            LogLine::Show => (line.to_owned(), level),
            LogLine::Drop => return Ok(()),
            LogLine::LimitReached => (self.log_limit_reached(), tracing::Level::WARN),
        };
        // In a plan the host answers writes without making them: a plugin's "uploaded …" did
        // not happen, so say whose plan it is.
        if self.gate.is_plan() {
            self.reporter.log(&format!("{} (plan)", self.step_id), level, &line);
        } else {
            self.reporter.log(&self.step_id, level, &line);
        }
        Ok(())
    }

    async fn progress(&mut self, message: String, done: u64, total: u64) -> wasmtime::Result<()> {
        let line = truncate(&message);
        match self.logged.admit(line.len(), &self.limits) {
            LogLine::Show => self.reporter.progress(&self.step_id, line, done, total),
            LogLine::Drop => {}
            LogLine::LimitReached => {
                let notice = self.log_limit_reached();
                self.reporter.log(&self.step_id, tracing::Level::WARN, &notice);
            }
        }
        Ok(())
    }
}

impl StepState {
    /// Said once, by the host, when a step's log lines pass its limit.
    fn log_limit_reached(&self) -> String {
        format!(
            "log limit of {} lines or {} KiB reached (`limits.log_lines`, `limits.log_kib`): the rest of this step's log lines and progress are dropped",
            self.limits.log_lines,
            self.limits.log_bytes / 1024
        )
    }
}

fn truncate(message: &str) -> &str {
    match message.char_indices().nth(MAX_LINE) {
        Some((end, _)) => &message[..end],
        None => message,
    }
}
