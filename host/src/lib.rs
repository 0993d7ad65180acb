//! Switchyard's host: runs workflow steps as sandboxed WebAssembly components against AWS.
//!
//! The host holds the AWS credentials ([`aws`]) and every call to AWS; a plugin reaches it only
//! through the WIT interfaces (`interfaces`, one module each), and every such call passes the
//! one [`gate`]. Each step runs in a fresh store with limits ([`runtime`]). A workflow file
//! ([`workflow`]) is run step by step by the [`runner`].
#![deny(missing_docs)]

pub mod aws;
mod bindings;
pub mod certs;
pub mod error;
pub mod gate;
mod interfaces;
pub mod journal;
pub mod plan;
pub mod plugins;
pub mod report;
pub mod rollback;
pub mod runner;
pub mod runtime;
mod state;
pub mod workflow;

pub use bindings::identity::CallerIdentity;
pub use bindings::types::{Description, StepContext, StepError};
pub use state::LimitExceeded;
