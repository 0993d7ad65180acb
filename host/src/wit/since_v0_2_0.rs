//! `switchyard:step@0.2.0`, frozen: its bindings, and every interface forwarding to the latest
//! version's (`super::latest`), converting the types on the way.

use wasmtime::component::Resource;

use super::latest::wit as new;
use super::shared::{bindings, cast_facts_down, cast_unchanged, forward, forward_unchanged};
use crate::certs::SharedBundle;
use crate::error::HostError;

bindings!("../wit/step@0.2.0", "0.2.0");

use bindings::switchyard::step as old;

forward_unchanged!();
cast_unchanged!();
cast_facts_down!();

forward! {
    impl old::certificates::Host => new::certificates::Host {
        fn load(source: old::certificates::BundleSource) -> Result<Resource<SharedBundle>, HostError>;
        fn parse_certificate(pem: String) -> Result<old::certificates::CertificateFacts, HostError>;
        fn server_certificate_quota() -> Result<old::certificates::AccountQuota, HostError>;
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
        fn create_distribution(spec: old::distributions::DistributionSpec)
            -> Result<old::distributions::Distribution, HostError>;
        fn get_distribution_spec(id: String) -> Result<(old::distributions::DistributionSpec, String), HostError>;
        fn update_distribution(id: String, spec: old::distributions::DistributionSpec, if_match: String)
            -> Result<old::distributions::Distribution, HostError>;
        fn ensure_origin_access_control(name: String) -> Result<String, HostError>;
        fn wait_until_deployed(id: String, timeout_seconds: u32) -> Result<old::distributions::Distribution, HostError>;
    }
    impl old::storage::Host => new::storage::Host {
        fn ensure_bucket(name: String) -> Result<old::storage::Bucket, HostError>;
        fn head_object(bucket: String, key: String) -> Result<Option<old::storage::ObjectInfo>, HostError>;
        fn put_file(bucket: String, key: String, path: String, content_type: String)
            -> Result<(old::storage::ObjectInfo, bool), HostError>;
        fn delete_object(bucket: String, key: String) -> Result<(), HostError>;
        fn delete_bucket(name: String) -> Result<(), HostError>;
        fn allow_distribution_read(bucket: String, distribution_arn: String) -> Result<(), HostError>;
    }
}

super::cast::variant! {
    old::distributions::Origin = new::distributions::Origin { S3, Https }
}

super::cast::record! {
    old::certificates::AccountQuota = new::certificates::AccountQuota { used, limit }
    old::distributions::S3Origin = new::distributions::S3Origin { domain_name, oac_id }
    old::distributions::ErrorResponse = new::distributions::ErrorResponse {
        error_code, response_code, response_page_path, caching_min_ttl,
    }
    old::distributions::DistributionSpec = new::distributions::DistributionSpec {
        caller_reference, comment, aliases, origin, default_root_object, error_responses,
        viewer_certificate, response_headers, enabled,
    }
    old::storage::Bucket = new::storage::Bucket { name, region, domain_name }
    old::storage::ObjectInfo = new::storage::ObjectInfo { key, size, md5, content_type }
}
