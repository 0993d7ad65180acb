//! One module per WIT interface, each implementing its generated `Host` trait on
//! [`StepState`](crate::state::StepState). Every call that reaches AWS or the file system
//! passes [`Gate`](crate::gate::Gate).

pub(crate) mod certificates;
pub(crate) mod distributions;
pub(crate) mod dns;
mod identity;
mod log;
pub(crate) mod storage;
mod types;

use wasmtime::component::{HasSelf, Linker};

use crate::bindings::Step;
use crate::state::StepState;

/// Adds WASI (with nothing granted) and every switchyard interface to `linker`.
pub(crate) fn add_to_linker(linker: &mut Linker<StepState>) -> wasmtime::Result<()> {
    wasmtime_wasi::p2::add_to_linker_async(linker)?;
    Step::add_to_linker::<_, HasSelf<_>>(linker, |state| state)
}
