//! `switchyard:step/run`: whether the step is planned or applied, and what in a plan is a
//! placeholder.

use super::wit::run::{Host, RunMode as Mode};
use crate::gate;
use crate::state::StepState;

impl Host for StepState {
    async fn mode(&mut self) -> wasmtime::Result<Mode> {
        Ok(match self.gate.mode() {
            gate::Mode::Offline => Mode::Offline,
            gate::Mode::Plan(_) => Mode::Plan,
            gate::Mode::Apply(_) => Mode::Apply,
        })
    }

    async fn placeholder(&mut self, value: String) -> wasmtime::Result<Option<String>> {
        Ok(self.gate.placeholder_of(&value))
    }
}
