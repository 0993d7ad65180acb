//! `switchyard:step@0.3.0`, the latest WIT version: its bindings, and the host's one
//! implementation of every interface, one module each. Older versions forward here.
//!
//! Each module converts the generated types to and from the host's model (`crate::model`) at
//! its edge, checks its arguments as AWS would, and reaches AWS only through the step's gate.

mod certificates;
mod distributions;
mod dns;
mod identity;
mod log;
mod run;
mod storage;
mod types;

use wasmtime::component::{HasSelf, Linker};

use crate::state::StepState;

pub(crate) mod bindings {
    wasmtime::component::bindgen!({
        path: "../wit/step@0.3.0",
        world: "switchyard:step/step",
        imports: { default: async | trappable },
        exports: { default: async },
        trappable_error_type: {
            "switchyard:step/types.error" => crate::error::HostError,
        },
        with: {
            "switchyard:step/certificates.bundle": crate::certs::SharedBundle,
        },
    });
}

pub(crate) use bindings::switchyard::step as wit;
pub(crate) use bindings::{Step, StepPre};
pub(crate) use types::to_guest;

/// Adds the latest version's interfaces to `linker`.
pub(crate) fn add_to_linker(linker: &mut Linker<StepState>) -> wasmtime::Result<()> {
    Step::add_to_linker::<_, HasSelf<_>>(linker, |state| state)
}
