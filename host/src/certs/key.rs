//! Private keys: parsed only to learn their public half, so it can be matched to the leaf.
//! The key's text is kept for upload to AWS and never printed.

use aws_lc_rs::signature::{self, EcdsaKeyPair, Ed25519KeyPair, KeyPair};
use pkcs8::ObjectIdentifier;
use x509_parser::prelude::X509Certificate;
use x509_parser::public_key::PublicKey;

const RSA_ENCRYPTION: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.1");
const EC_PUBLIC_KEY: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.2.1");
const ED25519: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.101.112");
const DSA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10040.4.1");

/// Curves this host reads keys on, and others it names when it refuses them.
const CURVES: &[(&str, &str)] = &[
    ("1.2.840.10045.3.1.7", "P-256"),
    ("1.3.132.0.34", "P-384"),
    ("1.3.132.0.35", "P-521"),
    ("1.2.840.10045.3.1.1", "P-192"),
    ("1.3.132.0.33", "P-224"),
    ("1.3.132.0.10", "secp256k1"),
];

/// Why a private key cannot be used: `malformed` (it does not parse) or `unsupported-key` (it
/// parses, but it is of a kind AWS does not take), and what to do.
pub(super) type KeyError = (&'static str, String);

fn unsupported(what: &str) -> KeyError {
    (
        "unsupported-key",
        format!(
            "the private key is {what}: IAM and ACM take RSA and ECDSA (P-256, P-384, P-521) keys only, and CloudFront RSA (1024 to 4096 bits) and ECDSA P-256 only; have the certificate issued for an RSA 2048 or ECDSA P-256 key"
        ),
    )
}

fn malformed(message: String) -> KeyError {
    ("malformed", message)
}

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
    pub(super) fn parse(tag: &str, der: &[u8], pem: String) -> Result<Self, KeyError> {
        let public = match tag {
            "RSA PRIVATE KEY" => rsa_public(der)?,
            "EC PRIVATE KEY" => {
                let curve = sec1::EcPrivateKey::try_from(der)
                    .ok()
                    .and_then(|k| k.parameters)
                    .and_then(|p| p.named_curve());
                check_curve(curve)?;
                ec_public(der)?
            }
            "DSA PRIVATE KEY" => return Err(unsupported("a DSA key")),
            "PRIVATE KEY" => {
                let info = pkcs8::PrivateKeyInfo::try_from(der)
                    .map_err(|e| malformed(format!("the PKCS#8 private key does not parse ({e}): export it again")))?;
                match info.algorithm.oid {
                    RSA_ENCRYPTION => rsa_public(info.private_key)?,
                    EC_PUBLIC_KEY => {
                        check_curve(info.algorithm.parameters_oid().ok())?;
                        ec_public(der)?
                    }
                    ED25519 => Public::Raw(
                        Ed25519KeyPair::from_pkcs8_maybe_unchecked(der)
                            .map_err(|e| malformed(format!("the Ed25519 key does not parse: {e}")))?
                            .public_key()
                            .as_ref()
                            .to_vec(),
                    ),
                    DSA => return Err(unsupported("a DSA key")),
                    other => return Err(unsupported(&format!("of algorithm {other}, neither RSA nor ECDSA"))),
                }
            }
            other => {
                return Err(malformed(format!(
                    "a `{other}` block is not a private key this tool reads: use PKCS#8 (`openssl pkey -in KEY -out KEY.pk8`)"
                )));
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

/// Refuses an EC key on a curve this host does not read, naming it.
fn check_curve(curve: Option<ObjectIdentifier>) -> Result<(), KeyError> {
    let Some(curve) = curve else { return Ok(()) };
    let oid = curve.to_string();
    match CURVES.iter().find(|(o, _)| *o == oid) {
        Some((_, "P-256" | "P-384" | "P-521")) => Ok(()),
        Some((_, name)) => Err(unsupported(&format!("an ECDSA key on curve {name}"))),
        None => Err(unsupported(&format!("an ECDSA key on curve {oid}"))),
    }
}

fn rsa_public(pkcs1_der: &[u8]) -> Result<Public, KeyError> {
    let key = pkcs1::RsaPrivateKey::try_from(pkcs1_der)
        .map_err(|e| malformed(format!("the RSA private key does not parse ({e}): export it again")))?;
    Ok(Public::Rsa {
        modulus: key.modulus.as_bytes().to_vec(),
        exponent: key.public_exponent.as_bytes().to_vec(),
    })
}

/// The public point of an EC key in SEC1 or PKCS#8 form, on whichever curve it is.
fn ec_public(der: &[u8]) -> Result<Public, KeyError> {
    [
        &signature::ECDSA_P256_SHA256_ASN1_SIGNING,
        &signature::ECDSA_P384_SHA384_ASN1_SIGNING,
        &signature::ECDSA_P521_SHA512_ASN1_SIGNING,
    ]
    .into_iter()
    .find_map(|alg| EcdsaKeyPair::from_private_key_der(alg, der).ok())
    .map(|pair| Public::Raw(pair.public_key().as_ref().to_vec()))
    .ok_or_else(|| malformed("the EC private key does not parse".to_owned()))
}

fn trim(bytes: &[u8]) -> &[u8] {
    let start = bytes.iter().position(|&b| b != 0).unwrap_or(bytes.len());
    &bytes[start..]
}
