//! Private keys: parsed only to learn their public half, so it can be matched to the leaf.
//! The key's text is kept for upload to AWS and never printed.

use aws_lc_rs::signature::{self, EcdsaKeyPair, Ed25519KeyPair, KeyPair};
use pkcs8::ObjectIdentifier;
use x509_parser::prelude::X509Certificate;
use x509_parser::public_key::PublicKey;

const RSA_ENCRYPTION: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.1");
const EC_PUBLIC_KEY: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.2.1");
const ED25519: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.101.112");

/// The public half of a private key.
enum Public {
    Rsa {
        modulus: Vec<u8>,
        exponent: Vec<u8>,
    },
    /// The raw public key as it appears in a certificate's SubjectPublicKeyInfo bit string
    /// (an uncompressed EC point, or an Ed25519 key).
    Raw(Vec<u8>),
}

/// A private key. Deliberately neither `Debug` nor `Clone`.
pub(super) struct PrivateKey {
    pem: String,
    public: Public,
}

impl PrivateKey {
    /// Parses a PEM block's DER (`tag` is the PEM label); `pem` is the block as text.
    pub(super) fn parse(tag: &str, der: &[u8], pem: String) -> Result<Self, String> {
        let public = match tag {
            "RSA PRIVATE KEY" => rsa_public(der)?,
            "EC PRIVATE KEY" => ec_public(der)?,
            "PRIVATE KEY" => {
                let info = pkcs8::PrivateKeyInfo::try_from(der)
                    .map_err(|e| format!("the PKCS#8 private key does not parse ({e}): export it again"))?;
                match info.algorithm.oid {
                    RSA_ENCRYPTION => rsa_public(info.private_key)?,
                    EC_PUBLIC_KEY => ec_public(der)?,
                    ED25519 => Public::Raw(
                        Ed25519KeyPair::from_pkcs8_maybe_unchecked(der)
                            .map_err(|e| format!("the Ed25519 key does not parse: {e}"))?
                            .public_key()
                            .as_ref()
                            .to_vec(),
                    ),
                    other => {
                        return Err(format!(
                            "the private key's algorithm ({other}) is not RSA, ECDSA or Ed25519"
                        ));
                    }
                }
            }
            other => {
                return Err(format!(
                    "a `{other}` block is not a private key this tool reads: use PKCS#8 (`openssl pkey -in KEY -out KEY.pk8`)"
                ));
            }
        };
        Ok(Self { pem, public })
    }

    /// Whether this is the private key of `cert`'s public key.
    pub(super) fn matches(&self, cert: &X509Certificate<'_>) -> bool {
        let spki = cert.public_key();
        match &self.public {
            Public::Rsa { modulus, exponent } => match spki.parsed() {
                Ok(PublicKey::RSA(rsa)) => trim(rsa.modulus) == trim(modulus) && trim(rsa.exponent) == trim(exponent),
                _ => false,
            },
            Public::Raw(raw) => spki.subject_public_key.data.as_ref() == raw.as_slice(),
        }
    }

    /// The key as PEM text.
    pub(super) fn pem(&self) -> &str {
        &self.pem
    }
}

fn rsa_public(pkcs1_der: &[u8]) -> Result<Public, String> {
    let key = pkcs1::RsaPrivateKey::try_from(pkcs1_der)
        .map_err(|e| format!("the RSA private key does not parse ({e}): export it again"))?;
    Ok(Public::Rsa {
        modulus: key.modulus.as_bytes().to_vec(),
        exponent: key.public_exponent.as_bytes().to_vec(),
    })
}

/// The public point of an EC key in SEC1 or PKCS#8 form, on whichever curve it is.
fn ec_public(der: &[u8]) -> Result<Public, String> {
    [
        &signature::ECDSA_P256_SHA256_ASN1_SIGNING,
        &signature::ECDSA_P384_SHA384_ASN1_SIGNING,
        &signature::ECDSA_P521_SHA512_ASN1_SIGNING,
    ]
    .into_iter()
    .find_map(|alg| EcdsaKeyPair::from_private_key_der(alg, der).ok())
    .map(|pair| Public::Raw(pair.public_key().as_ref().to_vec()))
    .ok_or_else(|| "the EC private key does not parse, or is not on P-256, P-384 or P-521".to_owned())
}

fn trim(bytes: &[u8]) -> &[u8] {
    let start = bytes.iter().position(|&b| b != 0).unwrap_or(bytes.len());
    &bytes[start..]
}
