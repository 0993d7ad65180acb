//! Whether a bundle's leaf chains to a trusted root, checked as browsers check it: by
//! `rustls-webpki` (path building, signatures, validity of every certificate, basic
//! constraints, path length, name constraints, the `serverAuth` extended key usage), against
//! Mozilla's roots (`webpki-roots`) or a trust store file.

use std::path::Path;
use std::time::Duration;

use rustls_pki_types::{CertificateDer, TrustAnchor, UnixTime};
use webpki::{EndEntityCert, Error, KeyUsage};

use super::files;
use crate::error::HostError;
use crate::model::{PathCheck, PathProblem};

/// The roots a path must reach.
#[derive(Debug)]
pub enum TrustStore {
    /// Mozilla's, as compiled into the host: the CAs CloudFront and browsers trust.
    Mozilla,
    /// The roots of a PEM file (a private PKI).
    File {
        /// The file.
        path: String,
        /// Its roots.
        anchors: Vec<TrustAnchor<'static>>,
    },
}

impl TrustStore {
    /// Reads the roots of the PEM file `path`.
    pub fn load(path: &Path) -> Result<Self, HostError> {
        let field = path.display().to_string();
        let anchors = files::read_certificates(path)?
            .iter()
            .map(|der| {
                webpki::anchor_from_trusted_cert(&CertificateDer::from(der.as_slice()))
                    .map(|a| a.to_owned())
                    .map_err(|e| HostError::invalid(&field, "malformed", format!("a root does not parse: {e:?}")))
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Self::File { path: field, anchors })
    }

    fn anchors(&self) -> &[TrustAnchor<'static>] {
        match self {
            Self::Mozilla => webpki_roots::TLS_SERVER_ROOTS,
            Self::File { anchors, .. } => anchors,
        }
    }

    /// The file, or `None` for Mozilla's roots.
    fn file(&self) -> Option<String> {
        match self {
            Self::Mozilla => None,
            Self::File { path, .. } => Some(path.clone()),
        }
    }
}

/// Checks the path from `leaf` through `chain` to a root of `store`, at `now` (seconds since
/// the Unix epoch). `leaf_validity` is the leaf's `(not_before, not_after)`.
///
/// webpki stops at the first problem, and checks the leaf's own dates first: when the leaf is
/// out of date (which the facts already say), the path is checked again at a time inside the
/// leaf's validity, so that an untrusted root or a bad signature is still found.
pub(super) fn check(
    leaf: &[u8],
    chain: &[Vec<u8>],
    store: &TrustStore,
    now: i64,
    leaf_validity: (i64, i64),
) -> PathCheck {
    let leaf = CertificateDer::from(leaf);
    let chain: Vec<CertificateDer<'_>> = chain.iter().map(|c| CertificateDer::from(c.as_slice())).collect();
    let at = |t: i64| {
        let time = UnixTime::since_unix_epoch(Duration::from_secs(u64::try_from(t).unwrap_or(0)));
        EndEntityCert::try_from(&leaf).and_then(|ee| {
            ee.verify_for_usage(
                webpki::ALL_VERIFICATION_ALGS,
                store.anchors(),
                &chain,
                time,
                KeyUsage::server_auth(),
                None,
                None,
            )
            .map(drop)
        })
    };
    let dated = |r: &Result<(), Error>| matches!(r, Err(Error::CertExpired { .. } | Error::CertNotValidYet { .. }));
    let mut verified = at(now);
    let (not_before, not_after) = leaf_validity;
    let inside = now.clamp(not_before, not_after.max(not_before));
    if dated(&verified) && inside != now {
        let again = at(inside);
        if again.is_err() && !dated(&again) {
            verified = again;
        }
    }
    PathCheck {
        trusted: verified.is_ok(),
        problem: verified.err().map(|e| problem(&e, store)),
        trust_store: store.file(),
    }
}

/// A webpki error as a stable code and a sentence.
fn problem(e: &Error, store: &TrustStore) -> PathProblem {
    let (code, message) = match e {
        Error::UnknownIssuer => (
            "untrusted-root",
            match store {
                TrustStore::Mozilla => {
                    "the chain does not reach a root that browsers trust (Mozilla's root program)".to_owned()
                }
                TrustStore::File { path, .. } => format!("the chain does not reach a root of the trust store {path}"),
            },
        ),
        Error::CertDistrusted => (
            "untrusted-root",
            "a certificate of the path is distrusted by browsers".into(),
        ),
        Error::InvalidSignatureForPublicKey | Error::SignatureAlgorithmMismatch => (
            "bad-signature",
            "a signature on the path does not verify with its issuer's key".into(),
        ),
        Error::CaUsedAsEndEntity => (
            "leaf-is-ca",
            "the leaf is a CA certificate (basic constraints cA)".into(),
        ),
        Error::EndEntityUsedAsCa => (
            "intermediate-not-ca",
            "a certificate of the chain signs another but is not a CA (basic constraints)".into(),
        ),
        Error::RequiredEkuNotFoundContext(_) | Error::EmptyEkuExtension => (
            "wrong-eku",
            "a certificate of the path does not allow TLS server authentication (extended key usage serverAuth)".into(),
        ),
        Error::NameConstraintViolation => (
            "name-constraint-violation",
            "a name of the leaf is outside the name constraints of a CA on the path".into(),
        ),
        Error::PathLenConstraintViolated => (
            "path-length-exceeded",
            "the path is longer than a CA's path length constraint allows".into(),
        ),
        Error::MaximumPathDepthExceeded => (
            "path-length-exceeded",
            "the path has more intermediates than browsers follow (webpki stops at 6)".into(),
        ),
        Error::MaximumSignatureChecksExceeded | Error::MaximumPathBuildCallsExceeded => (
            "untrusted-root",
            "no path to a trusted root was found before the verifier's limits: the chain holds too many \
             candidate certificates"
                .into(),
        ),
        Error::CertExpired { .. } => ("expired", "a certificate of the path has expired".into()),
        Error::CertNotValidYet { .. } => ("not-yet-valid", "a certificate of the path is not valid yet".into()),
        Error::UnsupportedSignatureAlgorithmContext(_) | Error::UnsupportedSignatureAlgorithmForPublicKeyContext(_) => {
            (
                "unsupported-algorithm",
                "a certificate of the path is signed with an algorithm or key browsers do not accept".into(),
            )
        }
        Error::UnsupportedCertVersion => (
            "malformed-certificate",
            "a certificate of the path is not an X.509 v3 certificate".into(),
        ),
        Error::UnsupportedCriticalExtension => (
            "malformed-certificate",
            "a certificate of the path has a critical extension browsers do not know".into(),
        ),
        Error::BadDer | Error::BadDerTime | Error::TrailingData(_) => (
            "malformed-certificate",
            "a certificate of the path is not valid DER".into(),
        ),
        // webpki's errors are `non_exhaustive`; its Display is a sentence.
        other => (
            "malformed-certificate",
            format!("a certificate of the path is refused: {other}"),
        ),
    };
    PathProblem {
        code: code.to_owned(),
        message,
    }
}
