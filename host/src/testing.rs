//! What the host's unit tests share: AWS in memory, a certificate bundle, a distribution spec.

use std::sync::Arc;

use crate::certs::Bundle;
use crate::model::{
    BundleSource, CertificateSource, DistributionSpec, ErrorResponse, Origin, RecordSet, S3Origin, SslSupportMethod,
    ViewerCertificate,
};
use crate::provider::memory::Memory;

/// The account the fake AWS answers for.
pub const ACCOUNT: &str = "123456789012";
/// The zone the fake AWS has.
pub const ZONE: &str = "ZFAKE";

/// An empty fake AWS account in us-east-1 with zone `example.com` ([`ZONE`]).
pub fn fake() -> Arc<Memory> {
    let aws = Memory::fake(ACCOUNT, "us-east-1");
    aws.add_zone(ZONE, "example.com");
    Arc::new(aws)
}

/// A self-signed certificate for `names` with its key, loaded.
pub fn bundle(names: &[&str]) -> Arc<Bundle> {
    let key = rcgen::KeyPair::generate().expect("a key");
    let params =
        rcgen::CertificateParams::new(names.iter().map(|n| (*n).to_owned()).collect::<Vec<_>>()).expect("names");
    let cert = params.self_signed(&key).expect("a certificate");
    let dir = tempfile::tempdir().expect("temp dir");
    let (certificate, private_key) = (dir.path().join("site.pem"), dir.path().join("site.key"));
    std::fs::write(&certificate, cert.pem()).expect("write the certificate");
    std::fs::write(&private_key, key.serialize_pem()).expect("write the key");
    let source = BundleSource {
        certificate: certificate.display().to_string(),
        private_key: private_key.display().to_string(),
        chain: None,
    };
    Arc::new(Bundle::load(&source).expect("the bundle loads"))
}

/// An IAM viewer certificate for certificate `id`.
pub fn iam_viewer(id: &str) -> ViewerCertificate {
    ViewerCertificate {
        source: CertificateSource::Iam,
        certificate: Some(id.to_owned()),
        ssl_support_method: Some(SslSupportMethod::SniOnly),
        minimum_protocol_version: "TLSv1.2_2021".into(),
    }
}

/// A maintenance distribution's spec for `www.example.com`, with IAM certificate `id`.
pub fn spec(reference: &str, id: &str) -> DistributionSpec {
    DistributionSpec {
        caller_reference: reference.to_owned(),
        comment: "maintenance".into(),
        aliases: vec!["www.example.com".into()],
        origin: Origin::S3(S3Origin {
            domain_name: "b.s3.us-east-1.amazonaws.com".into(),
            oac_id: "EOAC1".into(),
        }),
        default_root_object: String::new(),
        error_responses: vec![ErrorResponse {
            error_code: 404,
            response_code: 503,
            response_page_path: "/maintenance.html".into(),
            caching_min_ttl: 0,
        }],
        viewer_certificate: iam_viewer(id),
        response_headers: Vec::new(),
        enabled: true,
    }
}

/// Writes a CA-issued certificate for `www.example.com` and `example.com` into `dir` as
/// `site.pem`, `site.key`, `chain.pem` (the intermediate) and `root.pem` (the root).
pub fn site_certificates(dir: &std::path::Path) {
    use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair};
    let ca = |name: &str| {
        let mut params = CertificateParams::new(Vec::<String>::new()).expect("params");
        params.distinguished_name.push(DnType::CommonName, name);
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        params
    };
    let root_key = KeyPair::generate().expect("a key");
    let root_cert = ca("Test Root").self_signed(&root_key).expect("self-signed");
    let root = Issuer::new(ca("Test Root"), root_key);
    let int_key = KeyPair::generate().expect("a key");
    let int_params = ca("Test Intermediate");
    let intermediate = int_params.signed_by(&int_key, &root).expect("signed");
    let int_issuer = Issuer::new(int_params, int_key);
    let leaf_key = KeyPair::generate().expect("a key");
    let names = vec!["www.example.com".to_owned(), "example.com".to_owned()];
    let leaf = CertificateParams::new(names)
        .expect("params")
        .signed_by(&leaf_key, &int_issuer)
        .expect("signed");
    std::fs::write(dir.join("site.pem"), leaf.pem()).expect("write");
    std::fs::write(dir.join("site.key"), leaf_key.serialize_pem()).expect("write");
    std::fs::write(dir.join("chain.pem"), intermediate.pem()).expect("write");
    std::fs::write(dir.join("root.pem"), root_cert.pem()).expect("write");
}

/// A plain `A` record with a TTL of 300.
pub fn a_record(name: &str, value: &str) -> RecordSet {
    RecordSet {
        name: name.into(),
        record_type: "A".into(),
        ttl: Some(300),
        values: vec![value.into()],
        alias: None,
        set_identifier: None,
        failover: None,
        health_check_id: None,
    }
}
