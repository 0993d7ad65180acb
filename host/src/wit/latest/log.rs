//! `switchyard:step/log`: a plugin's log lines and progress, tagged with its step id (and
//! `(plan)` in a plan).

use super::wit::log::{Host, Level};
use crate::state::StepState;

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
        // In a plan the host answers writes without making them: a plugin's "uploaded …" did
        // not happen, so say whose plan it is.
        if self.gate.is_plan() {
            self.reporter
                .log(&format!("{} (plan)", self.step_id), level, truncate(&message));
        } else {
            self.reporter.log(&self.step_id, level, truncate(&message));
        }
        Ok(())
    }

    async fn progress(&mut self, message: String, done: u64, total: u64) -> wasmtime::Result<()> {
        self.reporter.progress(&self.step_id, truncate(&message), done, total);
        Ok(())
    }
}

fn truncate(message: &str) -> &str {
    match message.char_indices().nth(MAX_LINE) {
        Some((end, _)) => &message[..end],
        None => message,
    }
}
