//! Switchyard's host: runs workflow steps as sandboxed WebAssembly components against AWS.
//!
//! A plugin reaches the host only through the WIT interfaces ([`wit`]: one module per version,
//! the latest holding the one implementation of each interface), and every such call passes
//! the step's [`gate`]: the grant check, the mode (plan or apply), the journal. The host works
//! in its own [`model`]; every call to AWS is in the [`provider`] layer; every change it makes
//! is a kind of [`changes`]. Each step runs in a fresh store with limits ([`runtime`]). A
//! workflow file ([`workflow`]) is run step by step by the [`runner`].
#![deny(missing_docs)]

pub mod certs;
pub mod changes;
pub mod error;
pub mod files;
pub mod gate;
pub mod grants;
pub mod interrupt;
pub mod journal;
pub mod model;
pub mod plan;
pub mod plugins;
pub mod provider;
pub mod report;
pub mod rollback;
pub mod runner;
pub mod runtime;
pub mod secrets;
pub mod session;
mod state;
#[cfg(test)]
mod testing;
pub mod wit;
pub mod workflow;

pub use state::LimitExceeded;
