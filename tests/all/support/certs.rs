//! Certificates made for the tests: a CA hierarchy and leaves with every defect the validator
//! must find.

use std::path::{Path, PathBuf};

use rcgen::{
    BasicConstraints, Certificate, CertificateParams, DnType, IsCa, Issuer, KeyPair, PKCS_ECDSA_P256_SHA256,
    PKCS_RSA_SHA256, RsaKeySize, SignatureAlgorithm,
};
use time::{Duration, OffsetDateTime};

/// A certificate and the key it was made with.
pub struct Made {
    pub cert: Certificate,
    pub key: KeyPair,
    params: CertificateParams,
}

impl Made {
    pub fn pem(&self) -> String {
        self.cert.pem()
    }

    pub fn key_pem(&self) -> String {
        self.key.serialize_pem()
    }

    pub fn issuer(&self) -> Issuer<'_, &KeyPair> {
        Issuer::from_params(&self.params, &self.key)
    }
}

/// A key of the kind `alg`.
pub fn key(alg: &'static SignatureAlgorithm) -> KeyPair {
    if alg == &PKCS_RSA_SHA256 {
        KeyPair::generate_rsa_for(alg, RsaKeySize::_2048).expect("RSA key")
    } else {
        KeyPair::generate_for(alg).expect("key")
    }
}

/// A CA named `name`, self-signed (`issuer` none) or signed by `issuer`.
pub fn ca(name: &str, issuer: Option<&Made>) -> Made {
    ca_edited(name, issuer, |_| {})
}

/// A CA as [`ca`] makes it, its parameters changed by `edit` first.
pub fn ca_edited(name: &str, issuer: Option<&Made>, edit: impl FnOnce(&mut CertificateParams)) -> Made {
    ca_keyed(name, issuer, &PKCS_ECDSA_P256_SHA256, edit)
}

/// A CA as [`ca_edited`] makes it, with a key of the kind `alg`.
pub fn ca_keyed(
    name: &str,
    issuer: Option<&Made>,
    alg: &'static SignatureAlgorithm,
    edit: impl FnOnce(&mut CertificateParams),
) -> Made {
    let key = key(alg);
    let mut params = CertificateParams::new(Vec::<String>::new()).expect("params");
    params.distinguished_name.push(DnType::CommonName, name);
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    params.not_before = OffsetDateTime::now_utc() - Duration::days(30);
    params.not_after = OffsetDateTime::now_utc() + Duration::days(3650);
    edit(&mut params);
    let cert = match issuer {
        Some(issuer) => params.signed_by(&key, &issuer.issuer()).expect("sign CA"),
        None => params.self_signed(&key).expect("self-sign CA"),
    };
    Made { cert, key, params }
}

/// How a leaf is made.
pub struct LeafSpec {
    pub names: Vec<String>,
    pub alg: &'static SignatureAlgorithm,
    /// Days from now: validity starts at `from` and ends at `to`.
    pub from: i64,
    pub to: i64,
}

impl Default for LeafSpec {
    fn default() -> Self {
        Self {
            names: vec!["www.example.com".into(), "example.com".into()],
            alg: &PKCS_ECDSA_P256_SHA256,
            from: -1,
            to: 90,
        }
    }
}

/// A leaf signed by `issuer`, or self-signed.
pub fn leaf(spec: LeafSpec, issuer: Option<&Made>) -> Made {
    leaf_edited(spec, issuer, |_| {})
}

/// A leaf as [`leaf`] makes it, its parameters changed by `edit` first.
pub fn leaf_edited(spec: LeafSpec, issuer: Option<&Made>, edit: impl FnOnce(&mut CertificateParams)) -> Made {
    let key = key(spec.alg);
    let mut params = CertificateParams::new(spec.names.clone()).expect("params");
    params
        .distinguished_name
        .push(DnType::CommonName, spec.names.first().cloned().unwrap_or_default());
    params.not_before = OffsetDateTime::now_utc() + Duration::days(spec.from);
    params.not_after = OffsetDateTime::now_utc() + Duration::days(spec.to);
    edit(&mut params);
    let cert = match issuer {
        Some(issuer) => params.signed_by(&key, &issuer.issuer()).expect("sign leaf"),
        None => params.self_signed(&key).expect("self-sign leaf"),
    };
    Made { cert, key, params }
}

/// A root, an intermediate, and files for a good bundle in `dir`.
pub struct Pki {
    pub root: Made,
    pub intermediate: Made,
}

impl Pki {
    pub fn new() -> Self {
        let root = ca("Test Root CA", None);
        let intermediate = ca("Test Intermediate CA", Some(&root));
        Self { root, intermediate }
    }

    /// A leaf under the intermediate.
    pub fn leaf(&self, spec: LeafSpec) -> Made {
        leaf(spec, Some(&self.intermediate))
    }

    /// Writes the leaves rcgen cannot make to `dir` (`support/odd_certs.py`: `dsa`, `p192`,
    /// `rsa1024`, `rsa2052`, `sha1`, `v1`, each `NAME.pem` and `NAME.key`), under the
    /// intermediate.
    pub fn odd_leaves(&self, dir: &Path) {
        let issuer = write(dir, "issuer.pem", self.intermediate.pem());
        let key = write(dir, "issuer.key", self.intermediate.key_pem());
        let out = std::process::Command::new(super::python())
            .arg(super::root().join("tests/all/support/odd_certs.py"))
            .args([dir, &issuer, &key])
            .output()
            .expect("run odd_certs.py");
        assert!(
            out.status.success(),
            "odd_certs.py: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

/// Writes `text` to `dir/name` and returns the path.
pub fn write(dir: &Path, name: &str, text: impl AsRef<[u8]>) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).expect("write test file");
    path
}

pub use rcgen::{PKCS_ECDSA_P256_SHA256 as P256, PKCS_ECDSA_P384_SHA384 as P384, PKCS_RSA_SHA256 as RSA};
