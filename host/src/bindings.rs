//! The generated bindings for `switchyard:step`. The rest of the crate uses the re-exports
//! below, never generated paths.

wasmtime::component::bindgen!({
    path: "../wit",
    world: "switchyard:step/step",
    imports: { default: async | trappable },
    exports: { default: async },
    trappable_error_type: {
        "switchyard:step/types.error" => crate::error::HostError,
    },
    additional_derives: [serde::Serialize, serde::Deserialize, PartialEq],
    with: {
        "switchyard:step/certificates.bundle": crate::certs::Bundle,
    },
});

pub use self::switchyard::step::{certificates, distributions, dns, identity, log, storage, types};
