//! `switchyard:step@0.1.0`, frozen: its bindings, and every interface forwarding to the latest
//! version's (`super::latest`), converting the types on the way.

use wasmtime::component::Resource;

use super::latest::wit as new;
use super::shared::{bindings, cast_facts_down, cast_unchanged, forward, forward_unchanged};
use crate::certs::SharedBundle;
use crate::error::HostError;

bindings!("../wit/step@0.1.0", "0.1.0");

use bindings::switchyard::step as old;

forward_unchanged!();
cast_unchanged!();
cast_facts_down!();

forward! {
    impl old::certificates::Host => new::certificates::Host {
        fn load(source: old::certificates::BundleSource) -> Result<Resource<SharedBundle>, HostError>;
        fn upload_server_certificate(bundle: Resource<SharedBundle>, name: String, path: String)
            -> Result<old::certificates::ServerCertificate, HostError>;
        fn get_server_certificate(name: String) -> Result<old::certificates::ServerCertificateDetail, HostError>;
        fn list_server_certificates(path_prefix: String)
            -> Result<Vec<old::certificates::ServerCertificate>, HostError>;
        fn delete_server_certificate(name: String) -> Result<(), HostError>;
        fn import_certificate(bundle: Resource<SharedBundle>, existing_arn: Option<String>)
            -> Result<String, HostError>;
        fn describe_certificate(arn: String) -> Result<old::certificates::AcmCertificate, HostError>;
        fn list_certificates() -> Result<Vec<old::certificates::AcmCertificate>, HostError>;
        fn delete_certificate(arn: String) -> Result<(), HostError>;
    }
    impl old::distributions::Host => new::distributions::Host {
        fn get_distribution(id: String) -> Result<old::distributions::Distribution, HostError>;
        fn list_distributions() -> Result<Vec<old::distributions::Distribution>, HostError>;
        fn find_by_alias(alias: String) -> Result<Option<old::distributions::Distribution>, HostError>;
        fn set_viewer_certificate(id: String, certificate: old::distributions::ViewerCertificate, if_match: String)
            -> Result<old::distributions::Distribution, HostError>;
        fn wait_until_deployed(id: String, timeout_seconds: u32) -> Result<old::distributions::Distribution, HostError>;
    }
}
