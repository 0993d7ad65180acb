//! The public facts of X.509 certificates.

use sha2::{Digest, Sha256};
use x509_parser::oid_registry::{
    OID_EC_P256, OID_KEY_TYPE_EC_PUBLIC_KEY, OID_NIST_EC_P384, OID_NIST_EC_P521, OID_SIG_ED25519, OidRegistry,
};
use x509_parser::prelude::{GeneralName, X509Certificate};
use x509_parser::public_key::PublicKey as ParsedKey;

use crate::model::{CertificateFacts, KeyAlgorithm, PublicKey};

/// The SHA-256 fingerprint of DER bytes, lowercase hex.
pub fn fingerprint(der: &[u8]) -> String {
    hex::encode(Sha256::digest(der))
}

/// The facts of one certificate.
pub(super) fn certificate_facts(cert: &X509Certificate<'_>) -> CertificateFacts {
    CertificateFacts {
        subject: cert.subject().to_string(),
        common_name: cert
            .subject()
            .iter_common_name()
            .next()
            .and_then(|cn| cn.as_str().ok())
            .map(str::to_owned),
        issuer: cert.issuer().to_string(),
        serial: hex::encode(cert.raw_serial()),
        not_before: cert.validity().not_before.timestamp(),
        not_after: cert.validity().not_after.timestamp(),
        dns_names: dns_names(cert),
        key: public_key(cert),
        signature_algorithm: signature_algorithm(cert),
        sha256_fingerprint: fingerprint(cert.as_ref()),
        is_ca: cert.basic_constraints().ok().flatten().is_some_and(|bc| bc.value.ca),
    }
}

/// Whether `issuer`'s name and key account for `cert`'s signature.
pub(super) fn signed_by(cert: &X509Certificate<'_>, issuer: &X509Certificate<'_>) -> bool {
    cert.issuer().as_raw() == issuer.subject().as_raw() && cert.verify_signature(Some(issuer.public_key())).is_ok()
}

fn dns_names(cert: &X509Certificate<'_>) -> Vec<String> {
    let Ok(Some(san)) = cert.subject_alternative_name() else {
        return Vec::new();
    };
    san.value
        .general_names
        .iter()
        .filter_map(|name| match name {
            GeneralName::DNSName(dns) => Some((*dns).to_owned()),
            _ => None,
        })
        .collect()
}

fn public_key(cert: &X509Certificate<'_>) -> PublicKey {
    let spki = cert.public_key();
    let curve = || spki.algorithm.parameters.as_ref().and_then(|p| p.as_oid().ok());
    match spki.parsed() {
        Ok(ParsedKey::RSA(rsa)) => PublicKey {
            algorithm: KeyAlgorithm::Rsa,
            bits: u32::try_from(rsa.key_size()).unwrap_or(0),
        },
        Ok(ParsedKey::EC(_)) if spki.algorithm.algorithm == OID_KEY_TYPE_EC_PUBLIC_KEY => match curve() {
            Some(oid) if oid == OID_EC_P256 => PublicKey {
                algorithm: KeyAlgorithm::EcP256,
                bits: 256,
            },
            Some(oid) if oid == OID_NIST_EC_P384 => PublicKey {
                algorithm: KeyAlgorithm::EcP384,
                bits: 384,
            },
            Some(oid) if oid == OID_NIST_EC_P521 => PublicKey {
                algorithm: KeyAlgorithm::EcP521,
                bits: 521,
            },
            _ => PublicKey {
                algorithm: KeyAlgorithm::Other,
                bits: 0,
            },
        },
        _ if spki.algorithm.algorithm == OID_SIG_ED25519 => PublicKey {
            algorithm: KeyAlgorithm::Ed25519,
            bits: 256,
        },
        _ => PublicKey {
            algorithm: KeyAlgorithm::Other,
            bits: 0,
        },
    }
}

fn signature_algorithm(cert: &X509Certificate<'_>) -> String {
    let oid = &cert.signature_algorithm.algorithm;
    OidRegistry::default()
        .with_crypto()
        .with_x509()
        .get(oid)
        .map(|entry| entry.sn().to_owned())
        .unwrap_or_else(|| oid.to_id_string())
}
