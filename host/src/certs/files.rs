//! Reading PEM files, with an error for each way they go wrong.

use std::path::Path;

use x509_parser::prelude::{FromDer, X509Certificate};

use super::key::PrivateKey;
use super::{MAX_CERTIFICATE_FILE, MAX_KEY_FILE};
use crate::error::HostError;

/// Reads every certificate of a PEM file, as DER.
pub(super) fn read_certificates(path: &Path) -> Result<Vec<Vec<u8>>, HostError> {
    let blocks = read_pem(path, MAX_CERTIFICATE_FILE)?;
    let field = path.display().to_string();
    let mut certs = Vec::new();
    for block in blocks.iter().filter(|b| b.tag() == "CERTIFICATE") {
        match X509Certificate::from_der(block.contents()) {
            Ok(([], _)) => certs.push(block.contents().to_vec()),
            Ok(_) => {
                return Err(HostError::invalid(
                    field,
                    "malformed",
                    "a CERTIFICATE block has bytes after the certificate: the file is damaged; export it again",
                ));
            }
            Err(e) => {
                return Err(HostError::invalid(
                    field,
                    "malformed",
                    format!(
                        "a CERTIFICATE block is not a valid X.509 certificate ({e}): the file is damaged; export it again"
                    ),
                ));
            }
        }
    }
    if certs.is_empty() {
        let found: Vec<&str> = blocks.iter().map(|b| b.tag()).collect();
        return Err(HostError::invalid(
            field,
            "no-certificate",
            format!(
                "holds no CERTIFICATE block (found: {}): give the certificate file here, not the key",
                found.join(", ")
            ),
        ));
    }
    Ok(certs)
}

/// Reads the private key of a PEM file.
pub(super) fn read_private_key(path: &Path) -> Result<PrivateKey, HostError> {
    let blocks = read_pem(path, MAX_KEY_FILE)?;
    let field = path.display().to_string();
    let encrypted = blocks.iter().any(|b| {
        b.tag() == "ENCRYPTED PRIVATE KEY" || b.headers().get("Proc-Type").is_some_and(|v| v.contains("ENCRYPTED"))
    });
    if encrypted {
        return Err(HostError::invalid(
            field,
            "encrypted-key",
            format!(
                "the private key is encrypted; AWS needs it unencrypted: decrypt it with \
             `openssl pkey -in {0} -out {0}.decrypted` and keep that file private",
                path.display()
            ),
        ));
    }
    let mut keys = blocks.iter().filter(|b| b.tag().ends_with("PRIVATE KEY"));
    let (Some(block), None) = (keys.next(), keys.next()) else {
        let count = blocks.iter().filter(|b| b.tag().ends_with("PRIVATE KEY")).count();
        let what = if count == 0 {
            "holds no PRIVATE KEY block: give the key file here, not the certificate"
        } else {
            "holds more than one private key: keep only the certificate's key in it"
        };
        return Err(HostError::invalid(field, "no-key", what));
    };
    PrivateKey::parse(block.tag(), block.contents(), pem::encode(block))
        .map_err(|(reason, message)| HostError::invalid(field, reason, message))
}

/// Reads a PEM file of at most `limit` bytes into its blocks.
fn read_pem(path: &Path, limit: u64) -> Result<Vec<pem::Pem>, HostError> {
    let field = path.display().to_string();
    let bytes = crate::files::read(path, &field, limit).map_err(|e| match e {
        HostError::InvalidInput { field, reason, message } if reason == "oversized" => HostError::InvalidInput {
            field,
            reason,
            message: format!("{message}: this is not a certificate or key file"),
        },
        other => other,
    })?;
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(HostError::invalid(
            field,
            "empty",
            "is empty: export the certificate or key again",
        ));
    }
    let Ok(text) = std::str::from_utf8(&bytes) else {
        let hint = if bytes.first() == Some(&0x30) {
            format!(
                "looks like DER (binary); convert it to PEM with `openssl x509 -inform der -in {0} -out {0}.pem` (or `openssl pkey -inform der` for a key)",
                path.display()
            )
        } else {
            "is binary, not PEM text".to_owned()
        };
        return Err(HostError::invalid(field, "not-pem", hint));
    };
    let begins = text.matches("-----BEGIN ").count();
    if begins == 0 {
        return Err(HostError::invalid(
            field,
            "not-pem",
            "has no `-----BEGIN …-----` line: it is not a PEM file",
        ));
    }
    if text.matches("-----END ").count() < begins {
        return Err(HostError::invalid(
            field,
            "truncated",
            "a PEM block has no `-----END …-----` line: the file is cut short; copy it again whole",
        ));
    }
    pem::parse_many(text).map_err(|e| {
        HostError::invalid(
            field,
            "malformed",
            format!("is not valid PEM ({e}): copy it again whole"),
        )
    })
}

/// Encodes DER certificates as PEM.
pub(super) fn to_pem(ders: &[Vec<u8>]) -> String {
    let blocks: Vec<pem::Pem> = ders
        .iter()
        .map(|der| pem::Pem::new("CERTIFICATE", der.clone()))
        .collect();
    pem::encode_many(&blocks)
}
