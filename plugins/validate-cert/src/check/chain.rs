//! The chain: complete, in order, without the root, every intermediate a CA valid now, every
//! signature verifying.

use switchyard_sdk::certificates::{CertificateFacts, Link};
use switchyard_sdk::date;

use super::{Finding, Loaded, error, q, warning};
use crate::input::Input;

/// The chain index that signed a certificate, when it is in range and not the certificate
/// itself.
fn signer(link: &Link, own: Option<usize>, len: usize) -> Option<usize> {
    let j = usize::try_from(link.signed_by?).ok()?;
    (j < len && Some(j) != own).then_some(j)
}

pub(super) fn check(input: &Input, bundle: Loaded<'_>, out: &mut Vec<Finding>) {
    let (facts, v) = (bundle.facts, bundle.verification);
    let leaf = &facts.leaf;
    let certs = &facts.chain;
    let n = certs.len();
    let unlinked = Link {
        signed_by: None,
        self_signed: false,
    };
    let link = |i: usize| v.chain.get(i).unwrap_or(&unlinked);
    let leaf_signer = signer(&v.leaf, None, n);
    // A signature made with an algorithm the host does not verify (SHA-1) links nothing, but
    // is not known to be bad: the path's `unsupported-signature` says what is wrong.
    let unverifiable = bundle
        .path
        .problem
        .as_ref()
        .is_some_and(|p| p.code == "unsupported-algorithm");

    if v.leaf.self_signed {
        out.push(error(
            "self-signed",
            format!(
                "the certificate {} is self-signed: browsers will not trust it. Use a certificate \
                 issued by a public certificate authority (ACM, Let's Encrypt or a commercial CA)",
                q(leaf)
            ),
        ));
    } else if leaf_signer.is_none()
        && let Some(i) = certs.iter().position(|c| c.subject == leaf.issuer)
    {
        if !unverifiable {
            out.push(bad_signature(leaf, &certs[i]));
        }
    } else if leaf_signer.is_none() {
        let where_ = match &input.chain {
            Some(path) => format!("add it to the chain file `{path}`, first"),
            None => "give it in a chain file (`chain`), the leaf's issuer first".to_owned(),
        };
        out.push(error(
            "chain-incomplete",
            format!(
                "nothing in the chain signed the certificate: its issuer `{}` is missing. Get the \
                 intermediate certificate(s) from your certificate authority (often sent as the \
                 \"chain\", \"bundle\" or \"intermediate\" file) and {where_}",
                leaf.issuer
            ),
        ));
    }

    // Each certificate must be followed by its signer.
    let mut wrong = Vec::new();
    if let Some(j) = leaf_signer
        && j != 0
    {
        wrong.push(format!(
            "the certificate is signed by {}, which must come first",
            q(&certs[j])
        ));
    }
    for (i, cert) in certs.iter().enumerate() {
        let l = link(i);
        if l.self_signed {
            continue;
        }
        if let Some(j) = signer(l, Some(i), n)
            && j != i + 1
        {
            wrong.push(format!(
                "{} is signed by {}, which must come right after it",
                q(cert),
                q(&certs[j])
            ));
        }
    }

    // The right order: from the leaf's signer up, without roots.
    let mut path = Vec::new();
    let mut cur = leaf_signer;
    while let Some(i) = cur {
        if path.contains(&i) {
            break;
        }
        path.push(i);
        if link(i).self_signed {
            break;
        }
        cur = signer(link(i), Some(i), n);
    }
    let extras: Vec<usize> = if leaf_signer.is_some() {
        (0..n).filter(|i| !path.contains(i) && !link(*i).self_signed).collect()
    } else {
        Vec::new()
    };

    if !wrong.is_empty() || !extras.is_empty() {
        let mut msg = if wrong.is_empty() {
            "the chain holds certificates that are not part of the certificate's chain".to_owned()
        } else {
            format!("the chain is out of order: {}", wrong.join("; "))
        };
        let order: Vec<String> = path
            .iter()
            .filter(|i| !link(**i).self_signed)
            .enumerate()
            .map(|(k, i)| format!("{}. {}", k + 1, q(&certs[*i])))
            .collect();
        if !order.is_empty() {
            msg.push_str(&format!(
                ". Put the intermediates in the chain file in this order, the leaf's issuer first: {}",
                order.join(", ")
            ));
        } else {
            msg.push_str(". Order the chain file so that each certificate is followed by the one that signed it");
        }
        // A certificate given twice links only its first copy.
        let (copies, unrelated): (Vec<usize>, Vec<usize>) = extras.iter().partition(|i| {
            path.iter()
                .any(|p| certs[*p].sha256_fingerprint == certs[**i].sha256_fingerprint)
        });
        if !copies.is_empty() {
            let names: Vec<String> = copies.iter().map(|i| q(&certs[*i])).collect();
            msg.push_str(&format!("; remove the second copy of {}", names.join(", ")));
        }
        if !unrelated.is_empty() {
            let names: Vec<String> = unrelated.iter().map(|i| q(&certs[*i])).collect();
            msg.push_str(&format!(
                "; remove {}: {} no certificate of this chain",
                names.join(", "),
                if unrelated.len() == 1 { "it signs" } else { "they sign" }
            ));
        }
        out.push(error("chain-order", msg));
    }

    for (i, cert) in certs.iter().enumerate() {
        let named = certs
            .iter()
            .position(|c| c.subject == cert.issuer && c.sha256_fingerprint != cert.sha256_fingerprint);
        if !unverifiable
            && !link(i).self_signed
            && signer(link(i), Some(i), n).is_none()
            && let Some(j) = named
        {
            out.push(bad_signature(cert, &certs[j]));
        }
        let signs = leaf_signer == Some(i) || (0..n).any(|k| k != i && signer(link(k), Some(k), n) == Some(i));
        if signs && !cert.is_ca {
            out.push(error(
                "intermediate-not-ca",
                format!(
                    "{} signs certificates of the chain but is not a CA certificate (basic \
                     constraints): browsers refuse the path. Get the right intermediate from your \
                     certificate authority",
                    q(cert)
                ),
            ));
        }
        dates(cert, v.checked_at, out);
    }

    for (i, cert) in certs.iter().enumerate() {
        if link(i).self_signed {
            out.push(warning(
                "chain-includes-root",
                format!(
                    "the chain includes the root certificate {} (self-signed): remove it from the \
                     chain file; CloudFront and IAM do not need the root, browsers already have it",
                    q(cert)
                ),
            ));
        }
    }
}

/// `cert` names `issuer` as its issuer, but `issuer`'s key does not verify its signature.
fn bad_signature(cert: &CertificateFacts, issuer: &CertificateFacts) -> Finding {
    error(
        "bad-signature",
        format!(
            "the chain holds {} with the name of the issuer of {}, but its key does not verify that \
             certificate's signature: the certificate was damaged, or issued by another certificate \
             of the same name. Get the matching intermediate (or the certificate again) from your \
             certificate authority",
            q(issuer),
            q(cert)
        ),
    )
}

/// An intermediate that is expired or not valid yet at `now`.
fn dates(cert: &CertificateFacts, now: i64, out: &mut Vec<Finding>) {
    if now > cert.not_after {
        out.push(error(
            "intermediate-expired",
            format!(
                "the chain's {} expired on {}: browsers refuse the whole path. Get the current \
                 intermediate from your certificate authority and put it in the chain file",
                q(cert),
                date::rfc3339(cert.not_after)
            ),
        ));
    } else if now < cert.not_before {
        out.push(error(
            "intermediate-not-yet-valid",
            format!(
                "the chain's {} is not valid before {}: browsers refuse the path until then. Use \
                 the intermediate your certificate authority gives for this certificate",
                q(cert),
                date::rfc3339(cert.not_before)
            ),
        ));
    }
}
