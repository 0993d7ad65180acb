//! `switchyard:step@0.3.1`, the latest WIT version: its bindings, and the host's one
//! implementation of every interface, one module each. Older versions forward here.
//!
//! Each module converts the generated types to and from the host's model (`crate::model`) at
//! its edge, checks its arguments as AWS would, and reaches AWS only through the step's gate.

mod certificates;
mod credentials;
mod distributions;
mod dns;
mod domain_names;
mod identity;
mod log;
mod run;
mod storage;
mod types;

crate::wit::shared::bindings!("../wit/step@0.3.1", "0.3.1");

pub(crate) use bindings::switchyard::step as wit;
pub(crate) use types::to_guest;
