//! Whether one certificate's key verifies another's signature, with the algorithms of the path
//! check (`rustls-webpki` over aws-lc-rs: RSA PKCS#1 and PSS with SHA-256/384/512, ECDSA P-256,
//! P-384 and P-521, Ed25519). SHA-1 and other algorithms browsers refuse verify nothing.

use rustls_pki_types::CertificateDer;
use webpki::{EndEntityCert, Error};

/// Whether the key of `issuer` (a certificate, DER) verifies the signature of `cert` (DER).
pub(super) fn verifies(cert: &[u8], issuer: &[u8]) -> bool {
    let Some(signed) = Signed::split(cert) else {
        return false;
    };
    let issuer = CertificateDer::from(issuer);
    let Ok(issuer) = EndEntityCert::try_from(&issuer) else {
        return false;
    };
    webpki::ALL_VERIFICATION_ALGS
        .iter()
        .filter(|alg| alg.signature_alg_id().as_ref() == signed.algorithm)
        .map(|alg| issuer.verify_signature(*alg, signed.data, signed.signature))
        // An algorithm of the right name but for another kind of key: try the next.
        .find(|r| !matches!(r, Err(Error::UnsupportedSignatureAlgorithmForPublicKeyContext(_))))
        .is_some_and(|r| r.is_ok())
}

/// A certificate's three parts: `SEQUENCE { tbsCertificate, signatureAlgorithm, signature }`.
struct Signed<'a> {
    /// The signed bytes: the whole `tbsCertificate`, header included.
    data: &'a [u8],
    /// The content of the `signatureAlgorithm` SEQUENCE (what webpki's algorithm ids hold).
    algorithm: &'a [u8],
    /// The signature, without the bit string's unused-bits octet.
    signature: &'a [u8],
}

impl<'a> Signed<'a> {
    fn split(der: &'a [u8]) -> Option<Self> {
        let (outer, _) = element(der, 0x30)?;
        let (_, rest) = element(outer, 0x30)?;
        let data = &outer[..outer.len() - rest.len()];
        let (algorithm, rest) = element(rest, 0x30)?;
        let (bits, rest) = element(rest, 0x03)?;
        let signature = bits.strip_prefix(&[0])?;
        rest.is_empty().then_some(Self {
            data,
            algorithm,
            signature,
        })
    }
}

/// The content of the DER element at the start of `input` with tag `tag`, and what follows it.
pub(super) fn element(input: &[u8], tag: u8) -> Option<(&[u8], &[u8])> {
    let (&first, input) = input.split_first()?;
    if first != tag {
        return None;
    }
    let (&len, input) = input.split_first()?;
    let (len, input) = if len < 0x80 {
        (usize::from(len), input)
    } else {
        let n = usize::from(len & 0x7f);
        if n == 0 || n > 4 || input.len() < n {
            return None;
        }
        let (bytes, input) = input.split_at(n);
        (bytes.iter().fold(0usize, |acc, b| (acc << 8) | usize::from(*b)), input)
    };
    (input.len() >= len).then(|| input.split_at(len))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn elements_split_short_and_long_forms() {
        assert_eq!(
            element(&[0x30, 0x01, 0xaa, 0xbb], 0x30),
            Some((&[0xaa][..], &[0xbb][..]))
        );
        let long = [&[0x30, 0x81, 0x02][..], &[1, 2, 3]].concat();
        assert_eq!(element(&long, 0x30), Some((&[1, 2][..], &[3][..])));
        assert_eq!(element(&[0x30, 0x05, 0x01], 0x30), None, "runs past the end");
        assert_eq!(element(&[0x31, 0x00], 0x30), None, "another tag");
        assert_eq!(element(&[0x30, 0x80], 0x30), None, "indefinite length is not DER");
    }

    #[test]
    fn a_ca_verifies_what_it_signed_only() {
        use rcgen::{BasicConstraints, CertificateParams, IsCa, Issuer, KeyPair, PKCS_ECDSA_P384_SHA384};
        let mut ca = CertificateParams::new(Vec::<String>::new()).expect("params");
        ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        let ca_key = KeyPair::generate_for(&PKCS_ECDSA_P384_SHA384).expect("key");
        let ca_cert = ca.self_signed(&ca_key).expect("root");
        let issuer = Issuer::new(ca, ca_key);
        let leaf_key = KeyPair::generate().expect("key");
        let leaf = CertificateParams::new(vec!["example.com".to_owned()])
            .expect("params")
            .signed_by(&leaf_key, &issuer)
            .expect("leaf");
        assert!(verifies(leaf.der(), ca_cert.der()));
        assert!(verifies(ca_cert.der(), ca_cert.der()));
        assert!(!verifies(ca_cert.der(), leaf.der()));
        let mut damaged = leaf.der().to_vec();
        let last = damaged.len() - 1;
        damaged[last] ^= 1;
        assert!(!verifies(&damaged, ca_cert.der()));
    }
}
