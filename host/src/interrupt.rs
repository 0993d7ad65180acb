//! Stopping a run on request (Ctrl-C) at a safe point: never between a change's intent and
//! its outcome. The command line asks ([`request`]); the gate, the runner, waits and rollbacks
//! look ([`requested`]) before their next call, and stop the step with [`Interrupted`].

use std::sync::atomic::{AtomicBool, Ordering};

static REQUESTED: AtomicBool = AtomicBool::new(false);

/// Asks the run to stop at its next safe point. Returns whether it had been asked already.
pub fn request() -> bool {
    REQUESTED.swap(true, Ordering::SeqCst)
}

/// Whether a stop was asked for.
pub fn requested() -> bool {
    REQUESTED.load(Ordering::SeqCst)
}

/// Why a step stopped: a stop was asked for. A trap for the guest (it does not get to go on).
#[derive(Debug, Clone, Copy, thiserror::Error)]
#[error("interrupted (Ctrl-C) before its next call to the host")]
pub struct Interrupted;

/// Fails with [`Interrupted`], as a trap, when a stop was asked for.
pub fn check() -> Result<(), crate::error::HostError> {
    if requested() {
        return Err(crate::error::HostError::Trap(wasmtime::Error::new(Interrupted)));
    }
    Ok(())
}
