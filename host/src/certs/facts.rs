//! The public facts of X.509 certificates.

use std::net::IpAddr;

use sha2::{Digest, Sha256};
use x509_parser::der_parser::oid;
use x509_parser::extensions::{ExtendedKeyUsage, KeyUsage, ParsedExtension};
use x509_parser::oid_registry::{
    OID_EC_P256, OID_KEY_TYPE_DSA, OID_KEY_TYPE_EC_PUBLIC_KEY, OID_NIST_EC_P384, OID_NIST_EC_P521,
    OID_PKIX_AUTHORITY_INFO_ACCESS, OID_SIG_ED25519, OID_X509_EXT_SUBJECT_ALT_NAME, OidRegistry,
};
use x509_parser::prelude::{GeneralName, X509Certificate};
use x509_parser::public_key::PublicKey as ParsedKey;

use super::signature::element;
use crate::model::{CertificateFacts, KeyAlgorithm, PublicKey, SanState};

/// The SHA-256 fingerprint of DER bytes, lowercase hex.
pub fn fingerprint(der: &[u8]) -> String {
    hex::encode(Sha256::digest(der))
}

/// The facts of one certificate.
pub(super) fn certificate_facts(cert: &X509Certificate<'_>) -> CertificateFacts {
    let names = names(cert);
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
        x509_version: u8::try_from(cert.version().0 + 1).unwrap_or(u8::MAX),
        public_suffix_wildcards: names.dns.iter().filter(|n| under_public_suffix(n)).cloned().collect(),
        san: names.state,
        dns_names: names.dns,
        ip_addresses: names.ips,
        extended_key_usage: extension(cert, |e| match e {
            ParsedExtension::ExtendedKeyUsage(eku) => Some(eku_names(eku)),
            _ => None,
        }),
        key_usage: extension(cert, |e| match e {
            ParsedExtension::KeyUsage(ku) => Some(key_usage_names(ku)),
            _ => None,
        }),
        problems: problems(cert),
        key: public_key(cert),
        signature_algorithm: signature_algorithm(cert),
        sha256_fingerprint: fingerprint(cert.as_ref()),
        is_ca: cert.basic_constraints().ok().flatten().is_some_and(|bc| bc.value.ca),
    }
}

struct Names {
    state: SanState,
    dns: Vec<String>,
    ips: Vec<String>,
}

/// The subject alternative names: none, malformed, or the DNS names and IP addresses.
fn names(cert: &X509Certificate<'_>) -> Names {
    let mut names = Names {
        state: SanState::Absent,
        dns: Vec::new(),
        ips: Vec::new(),
    };
    let Some(ext) = cert
        .extensions()
        .iter()
        .find(|e| e.oid == OID_X509_EXT_SUBJECT_ALT_NAME)
    else {
        return names;
    };
    match ext.parsed_extension() {
        ParsedExtension::SubjectAlternativeName(san) => {
            names.state = SanState::Present;
            for name in &san.general_names {
                match name {
                    GeneralName::DNSName(dns) => names.dns.push((*dns).to_owned()),
                    GeneralName::IPAddress(bytes) => names.ips.push(ip(bytes)),
                    _ => {}
                }
            }
        }
        ParsedExtension::ParseError { error } => names.state = SanState::Malformed(error.to_string()),
        _ => names.state = SanState::Malformed("it is not a list of names".into()),
    }
    names
}

fn ip(bytes: &[u8]) -> String {
    match bytes.len() {
        4 => IpAddr::from(<[u8; 4]>::try_from(bytes).unwrap_or_default()).to_string(),
        16 => IpAddr::from(<[u8; 16]>::try_from(bytes).unwrap_or_default()).to_string(),
        _ => hex::encode(bytes),
    }
}

/// Whether `name` is a wildcard directly under a public suffix (`*.co.uk`, `*.com`), which
/// browsers never match: the Public Suffix List, compiled in (`psl`).
fn under_public_suffix(name: &str) -> bool {
    name.strip_prefix("*.").is_some_and(is_public_suffix)
}

/// Whether `name` is a public suffix (`com`, `co.uk`, `s3.amazonaws.com`), by the Public Suffix
/// List compiled in (`psl`), its default rule included: a name of an unknown top-level domain
/// is its own suffix too.
pub fn is_public_suffix(name: &str) -> bool {
    let name = name.trim_end_matches('.').to_ascii_lowercase();
    psl::suffix(name.as_bytes()).is_some_and(|s| s.as_bytes() == name.as_bytes())
}

/// The value one extension gives, if the certificate has it and it parses.
fn extension<T>(cert: &X509Certificate<'_>, read: impl Fn(&ParsedExtension<'_>) -> Option<T>) -> Option<T> {
    cert.extensions().iter().find_map(|e| read(e.parsed_extension()))
}

fn eku_names(eku: &ExtendedKeyUsage<'_>) -> Vec<String> {
    let known = [
        (eku.any, "anyExtendedKeyUsage"),
        (eku.server_auth, "serverAuth"),
        (eku.client_auth, "clientAuth"),
        (eku.code_signing, "codeSigning"),
        (eku.email_protection, "emailProtection"),
        (eku.time_stamping, "timeStamping"),
        (eku.ocsp_signing, "OCSPSigning"),
    ];
    let mut names: Vec<String> = known
        .iter()
        .filter(|(on, _)| *on)
        .map(|(_, n)| (*n).to_owned())
        .collect();
    names.extend(eku.other.iter().map(|o| o.to_id_string()));
    names
}

fn key_usage_names(ku: &KeyUsage) -> Vec<String> {
    [
        (ku.digital_signature(), "digitalSignature"),
        (ku.non_repudiation(), "nonRepudiation"),
        (ku.key_encipherment(), "keyEncipherment"),
        (ku.data_encipherment(), "dataEncipherment"),
        (ku.key_agreement(), "keyAgreement"),
        (ku.key_cert_sign(), "keyCertSign"),
        (ku.crl_sign(), "cRLSign"),
        (ku.encipher_only(), "encipherOnly"),
        (ku.decipher_only(), "decipherOnly"),
    ]
    .iter()
    .filter(|(on, _)| *on)
    .map(|(_, n)| (*n).to_owned())
    .collect()
}

/// What is malformed among the extensions: one that appears twice, a critical one this host
/// does not know (RFC 5280, 4.2: a verifier must refuse it), one that does not parse.
fn problems(cert: &X509Certificate<'_>) -> Vec<String> {
    let registry = OidRegistry::default().with_x509();
    let name = |oid: &x509_parser::der_parser::oid::Oid<'_>| {
        registry
            .get(oid)
            .map_or_else(|| oid.to_id_string(), |e| format!("{} ({oid})", e.sn()))
    };
    let mut problems = Vec::new();
    let extensions = cert.extensions();
    for (i, e) in extensions.iter().enumerate() {
        if extensions[..i].iter().any(|earlier| earlier.oid == e.oid) {
            problems.push(format!("the extension {} appears more than once", name(&e.oid)));
        }
        match e.parsed_extension() {
            ParsedExtension::UnsupportedExtension { .. } if e.critical => {
                problems.push(format!(
                    "the critical extension {} is not one browsers know",
                    name(&e.oid)
                ));
            }
            ParsedExtension::ParseError { error } if e.oid == OID_PKIX_AUTHORITY_INFO_ACCESS => {
                problems.push(format!(
                    "the authority information access extension does not parse: {error}"
                ));
            }
            ParsedExtension::ParseError { error } if e.oid != OID_X509_EXT_SUBJECT_ALT_NAME => {
                problems.push(format!("the extension {} does not parse: {error}", name(&e.oid)));
            }
            _ => {}
        }
    }
    problems
}

fn public_key(cert: &X509Certificate<'_>) -> PublicKey {
    let spki = cert.public_key();
    let curve = || spki.algorithm.parameters.as_ref().and_then(|p| p.as_oid().ok());
    let of = |algorithm, bits| PublicKey { algorithm, bits };
    if spki.algorithm.algorithm == OID_KEY_TYPE_DSA {
        // The size is the prime p's: the parameters are SEQUENCE { p, q, g }.
        let p = spki
            .algorithm
            .parameters
            .as_ref()
            .and_then(|params| element(params.data, 0x02));
        return of(KeyAlgorithm::Dsa, p.map_or(0, |(p, _)| bits(p)));
    }
    match spki.parsed() {
        Ok(ParsedKey::RSA(rsa)) => of(KeyAlgorithm::Rsa, bits(rsa.modulus)),
        Ok(ParsedKey::EC(_)) if spki.algorithm.algorithm == OID_KEY_TYPE_EC_PUBLIC_KEY => match curve() {
            Some(c) if c == OID_EC_P256 => of(KeyAlgorithm::EcP256, 256),
            Some(c) if c == OID_NIST_EC_P384 => of(KeyAlgorithm::EcP384, 384),
            Some(c) if c == OID_NIST_EC_P521 => of(KeyAlgorithm::EcP521, 521),
            Some(c) if c == oid!(1.2.840.10045.3.1.1) => of(KeyAlgorithm::EcP192, 192),
            Some(c) if c == oid!(1.3.132.0.33) => of(KeyAlgorithm::EcP224, 224),
            _ => of(KeyAlgorithm::Other, 0),
        },
        _ if spki.algorithm.algorithm == OID_SIG_ED25519 => of(KeyAlgorithm::Ed25519, 256),
        _ => of(KeyAlgorithm::Other, 0),
    }
}

/// The size in bits of a big-endian unsigned integer: an RSA modulus of 2052 bits is 2052
/// (`x509-parser`'s `key_size` counts whole bytes after the first, and says 2048).
fn bits(n: &[u8]) -> u32 {
    let n = &n[n.iter().take_while(|b| **b == 0).count()..];
    n.first().map_or(0, |first| {
        u32::try_from(n.len() * 8).unwrap_or(u32::MAX) - first.leading_zeros()
    })
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bits_count_from_the_highest_set_bit() {
        assert_eq!(bits(&[]), 0);
        assert_eq!(bits(&[0, 0]), 0);
        assert_eq!(bits(&[1]), 1);
        assert_eq!(bits(&[0x80, 0]), 16);
        // DER adds a zero byte before a modulus whose top bit is set.
        assert_eq!(bits(&[0, 0x80, 0]), 16);
        let mut modulus = vec![0x0f];
        modulus.extend([0xff; 256]);
        assert_eq!(bits(&modulus), 2052);
    }

    #[test]
    fn public_suffixes_by_the_list() {
        for suffix in ["com", "co.uk", "s3.amazonaws.com", "CO.UK.", "unknown-tld"] {
            assert!(is_public_suffix(suffix), "{suffix}");
        }
        for name in ["example.com", "example.co.uk", "bucket.s3.amazonaws.com"] {
            assert!(!is_public_suffix(name), "{name}");
        }
        assert!(under_public_suffix("*.co.uk"));
        assert!(!under_public_suffix("*.example.co.uk"));
        assert!(!under_public_suffix("co.uk"));
    }
}
