//! Certificate bundles: PEM files parsed on the host. The private key is kept here and never
//! leaves; plugins see [`Bundle::facts`] and [`Bundle::verify`].

mod facts;
mod files;
mod key;
mod path;
mod signature;

use std::path::Path;

use x509_parser::prelude::{FromDer, X509Certificate};

use crate::error::HostError;
use crate::model::{BundleFacts, BundleSource, CertificateFacts, Link, PathCheck, Verification};
pub use facts::{fingerprint, is_public_suffix};
use key::PrivateKey;
pub use path::TrustStore;

/// The most a certificate or chain file may hold (IAM's limit for a chain is 2 MiB).
pub const MAX_CERTIFICATE_FILE: u64 = 2 * 1024 * 1024;
/// The most a private key file may hold; an RSA 4096 key is about 3.3 KiB.
pub const MAX_KEY_FILE: u64 = 64 * 1024;

/// A loaded bundle as a step's handle holds it: shared with the changes that upload it.
pub type SharedBundle = std::sync::Arc<Bundle>;

/// A loaded certificate bundle: leaf, chain and private key.
pub struct Bundle {
    leaf: Vec<u8>,
    chain: Vec<Vec<u8>>,
    certificates_in_certificate_file: u32,
    key: PrivateKey,
}

impl std::fmt::Debug for Bundle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Bundle")
            .field("leaf", &fingerprint(&self.leaf))
            .field("chain", &self.chain.len())
            .field("key", &"<redacted>")
            .finish()
    }
}

impl Bundle {
    /// About how many bytes the host holds for it (its certificates and key, and what is
    /// derived from them), counted against its step's memory.
    pub fn held_bytes(&self) -> usize {
        let certificates: usize = self.chain.iter().map(Vec::len).sum::<usize>() + self.leaf.len();
        // The facts and a path check parse the certificates again: count them twice.
        2 * certificates + 4096
    }

    /// Reads and parses the files of `source`, naming the file and the problem when one is
    /// unusable.
    pub fn load(source: &BundleSource) -> Result<Self, HostError> {
        let cert_path = Path::new(&source.certificate);
        let mut certs = files::read_certificates(cert_path)?;
        let certificates_in_certificate_file = u32::try_from(certs.len()).unwrap_or(u32::MAX);
        let leaf = certs.remove(0);
        let mut chain = certs;
        if let Some(chain_path) = &source.chain {
            chain.extend(files::read_certificates(Path::new(chain_path))?);
        }
        let key = files::read_private_key(Path::new(&source.private_key))?;
        Ok(Self {
            leaf,
            chain,
            certificates_in_certificate_file,
            key,
        })
    }

    /// The bundle of a certificate whose public parts were kept (its PEM `body` and `chain`,
    /// as IAM returns them) and whose private key is in one of `key_files`: the first whose key
    /// is the certificate's. `None` when none is; an error when a file is unusable.
    pub fn restore(
        body: &str,
        chain: Option<&str>,
        key_files: &[std::path::PathBuf],
    ) -> Result<Option<Self>, HostError> {
        // Kept in a journal, which may have been edited: parsed again, never trusted.
        let damaged = |why: String| HostError::Internal(format!("a certificate kept in the journal {why}"));
        let ders = |text: &str| -> Result<Vec<Vec<u8>>, HostError> {
            let blocks = pem::parse_many(text).map_err(|e| damaged(format!("is not PEM ({e})")))?;
            let mut ders = Vec::with_capacity(blocks.len());
            for block in blocks.into_iter().filter(|b| b.tag() == "CERTIFICATE") {
                match X509Certificate::from_der(block.contents()) {
                    Ok(([], _)) => ders.push(block.into_contents()),
                    _ => return Err(damaged("is not a valid X.509 certificate".into())),
                }
            }
            Ok(ders)
        };
        let mut certs = ders(body)?;
        if certs.len() != 1 {
            return Err(damaged(format!("has {} certificates, not one", certs.len())));
        }
        let leaf = certs.remove(0);
        let chain = chain.map(ders).transpose()?.unwrap_or_default();
        for path in key_files {
            let key = files::read_private_key(path)?;
            if key.matches(&parse(&leaf)) {
                return Ok(Some(Self {
                    leaf,
                    chain,
                    certificates_in_certificate_file: 1,
                    key,
                }));
            }
        }
        Ok(None)
    }

    /// Refuses a private key file a rollback is given (`--key`) that holds no usable key, naming
    /// the file and the problem, before anything is undone.
    pub fn check_key_file(path: &Path) -> Result<(), HostError> {
        files::read_private_key(path).map(drop)
    }

    /// The public facts.
    pub fn facts(&self) -> BundleFacts {
        BundleFacts {
            leaf: facts::certificate_facts(&parse(&self.leaf)),
            chain: self
                .chain
                .iter()
                .map(|der| facts::certificate_facts(&parse(der)))
                .collect(),
            certificates_in_certificate_file: self.certificates_in_certificate_file,
        }
    }

    /// Verifies the key against the leaf and how each certificate is signed, at `now`
    /// (seconds since the Unix epoch).
    pub fn verify(&self, now: i64) -> Verification {
        let leaf = parse(&self.leaf);
        let chain: Vec<(&[u8], X509Certificate<'_>)> =
            self.chain.iter().map(|der| (der.as_slice(), parse(der))).collect();
        // Signed by `issuer`: its name is the issuer's and its key verifies the signature.
        let signed = |(der, cert): (&[u8], &X509Certificate<'_>),
                      (issuer_der, issuer): (&[u8], &X509Certificate<'_>)| {
            cert.issuer().as_raw() == issuer.subject().as_raw() && signature::verifies(der, issuer_der)
        };
        let link = |cert: (&[u8], &X509Certificate<'_>)| Link {
            signed_by: chain
                .iter()
                .position(|(der, issuer)| signed(cert, (der, issuer)))
                .and_then(|i| u32::try_from(i).ok()),
            self_signed: signed(cert, cert),
        };
        Verification {
            key_matches_leaf: self.key.matches(&leaf),
            leaf: link((&self.leaf, &leaf)),
            chain: chain.iter().map(|(der, cert)| link((der, cert))).collect(),
            checked_at: now,
        }
    }

    /// How the leaf chains to a root of `store` through the chain, at `now` (seconds since the
    /// Unix epoch), checked as browsers check it.
    pub fn check_path(&self, store: &TrustStore, now: i64) -> PathCheck {
        let validity = parse(&self.leaf).validity().clone();
        let validity = (validity.not_before.timestamp(), validity.not_after.timestamp());
        path::check(&self.leaf, &self.chain, store, now, validity)
    }

    /// Whether the private key is the leaf's key. AWS refuses a bundle whose key does not match.
    pub fn key_matches(&self) -> bool {
        self.key.matches(&parse(&self.leaf))
    }

    /// Refuses, as AWS would, to send a bundle whose key is not the leaf's.
    pub fn check_key_matches(&self) -> Result<(), HostError> {
        if self.key_matches() {
            return Ok(());
        }
        Err(HostError::invalid(
            "bundle",
            "key-mismatch",
            "the private key is not the certificate's key; AWS would reject the bundle: give the key the certificate was issued for",
        ))
    }

    /// Refuses, as IAM and ACM do ("the certificate chain must be in order"; ACM's
    /// ImportCertificate and IAM's UploadServerCertificate both reject it), a chain whose
    /// certificates are present but out of order: the leaf is signed by the first, each by the
    /// next. A chain that is merely incomplete is the validate step's to report.
    pub fn check_chain_order(&self) -> Result<(), HostError> {
        let links = self.verify(0);
        let misplaced = std::iter::once((0usize, &links.leaf))
            .chain(links.chain.iter().enumerate().map(|(i, l)| (i + 1, l)))
            // A root at the end signs itself; it is in its place.
            .filter(|(_, link)| !link.self_signed)
            .find_map(|(position, link)| {
                let by = usize::try_from(link.signed_by?).ok()?;
                (by != position).then_some((position, by))
            });
        let Some((position, by)) = misplaced else { return Ok(()) };
        let who = if position == 0 {
            "the certificate".to_owned()
        } else {
            format!("certificate {position} of the chain")
        };
        Err(HostError::invalid(
            "bundle",
            "chain-order",
            format!(
                "the chain is not in order: {who} is signed by certificate {} of the chain, which must come {}; AWS would reject the bundle: list the leaf's issuer first, then each certificate's issuer",
                by + 1,
                if position == 0 {
                    "first".to_owned()
                } else {
                    format!("right after it (as certificate {})", position + 1)
                }
            ),
        ))
    }

    /// The leaf as PEM, for upload.
    pub fn leaf_pem(&self) -> String {
        files::to_pem(std::slice::from_ref(&self.leaf))
    }

    /// The chain as PEM, for upload; `None` when empty.
    pub fn chain_pem(&self) -> Option<String> {
        (!self.chain.is_empty()).then(|| files::to_pem(&self.chain))
    }

    /// The private key as PEM, for upload to AWS. The only way out of the host is to AWS.
    pub fn private_key_pem(&self) -> &str {
        self.key.pem()
    }

    /// The leaf's SHA-256 fingerprint, lowercase hex.
    pub fn fingerprint(&self) -> String {
        fingerprint(&self.leaf)
    }
}

/// The facts of one PEM certificate given as text (public data, such as an IAM certificate body).
pub fn parse_facts(text: &str) -> Result<CertificateFacts, HostError> {
    let invalid = |message: String| HostError::invalid("pem", "malformed", message);
    let blocks = pem::parse_many(text).map_err(|e| invalid(format!("not PEM: {e}")))?;
    let [block] = blocks.as_slice() else {
        return Err(invalid(format!("expected one PEM block, found {}", blocks.len())));
    };
    if block.tag() != "CERTIFICATE" {
        return Err(invalid(format!("expected a CERTIFICATE block, found {}", block.tag())));
    }
    let (_, cert) =
        X509Certificate::from_der(block.contents()).map_err(|e| invalid(format!("not an X.509 certificate: {e}")))?;
    Ok(facts::certificate_facts(&cert))
}

/// Parses DER that [`files`] already parsed once successfully.
fn parse(der: &[u8]) -> X509Certificate<'_> {
    match X509Certificate::from_der(der) {
        Ok((_, cert)) => cert,
        // `files::read_certificates` keeps only DER that parsed.
        Err(e) => unreachable!("certificate parsed when loaded, not now: {e}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bundle(dir: &Path, chain: &[&str]) -> Bundle {
        let pem: String = chain
            .iter()
            .map(|f| std::fs::read_to_string(dir.join(f)).expect("read"))
            .collect();
        std::fs::write(dir.join("given.pem"), pem).expect("write");
        let at = |f: &str| dir.join(f).display().to_string();
        Bundle::load(&BundleSource {
            certificate: at("site.pem"),
            private_key: at("site.key"),
            chain: Some(at("given.pem")),
        })
        .expect("loads")
    }

    #[test]
    fn a_chain_is_in_order_when_each_is_signed_by_the_next_and_a_root_may_end_it() {
        let dir = tempfile::tempdir().expect("temp dir");
        crate::testing::site_certificates(dir.path());
        assert!(bundle(dir.path(), &["chain.pem"]).check_chain_order().is_ok());
        assert!(
            bundle(dir.path(), &["chain.pem", "root.pem"])
                .check_chain_order()
                .is_ok(),
            "a root at the end"
        );
        match bundle(dir.path(), &["root.pem", "chain.pem"]).check_chain_order() {
            Err(HostError::InvalidInput { reason, message, .. }) => {
                assert_eq!(reason, "chain-order");
                assert!(
                    message.starts_with("the chain is not in order: the certificate is signed by certificate 2"),
                    "{message}"
                );
            }
            other => panic!("{other:?}"),
        }
    }
}
