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

/// The chain as the host linked it: which certificate signed which.
struct Links<'a> {
    certs: &'a [CertificateFacts],
    links: &'a [Link],
    /// The chain index that signed the leaf.
    leaf_signer: Option<usize>,
}

impl Links<'_> {
    fn link(&self, i: usize) -> Link {
        self.links.get(i).cloned().unwrap_or(Link {
            signed_by: None,
            self_signed: false,
        })
    }

    fn signer_of(&self, i: usize) -> Option<usize> {
        signer(&self.link(i), Some(i), self.certs.len())
    }

    fn is_root(&self, i: usize) -> bool {
        self.link(i).self_signed
    }

    /// The path from the leaf's signer up, to a root or the end of the links.
    fn path(&self) -> Vec<usize> {
        let mut path = Vec::new();
        let mut cur = self.leaf_signer;
        while let Some(i) = cur {
            if path.contains(&i) {
                break;
            }
            path.push(i);
            if self.is_root(i) {
                break;
            }
            cur = self.signer_of(i);
        }
        path
    }

    /// Whether the certificate `i` signs the leaf or another certificate of the chain.
    fn signs(&self, i: usize) -> bool {
        self.leaf_signer == Some(i) || (0..self.certs.len()).any(|k| k != i && self.signer_of(k) == Some(i))
    }
}

/// The findings about the chain. The host's path check (webpki) decides whether the path holds;
/// the facts name the certificate at fault, for the problem webpki found. The order of the
/// chain file is the facts' alone (webpki does not mind it; CloudFront does).
pub(super) fn check(input: &Input, bundle: Loaded<'_>, out: &mut Vec<Finding>) {
    let (facts, v) = (bundle.facts, bundle.verification);
    let links = Links {
        certs: &facts.chain,
        links: &v.chain,
        leaf_signer: signer(&v.leaf, None, facts.chain.len()),
    };
    let problem = bundle.path.problem.as_ref().map(|p| p.code.as_str());
    leaf_signer(input, &facts.leaf, &links, v.leaf.self_signed, problem, out);
    order(&links, out);
    for (i, cert) in links.certs.iter().enumerate().filter(|(i, _)| !links.is_root(*i)) {
        if problem == Some("bad-signature")
            && links.signer_of(i).is_none()
            && let Some(j) = links
                .certs
                .iter()
                .position(|c| c.subject == cert.issuer && c.sha256_fingerprint != cert.sha256_fingerprint)
        {
            out.push(bad_signature(cert, &links.certs[j]));
        }
        if problem == Some("intermediate-not-ca") && links.signs(i) && !cert.is_ca {
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
        if matches!(problem, Some("expired" | "not-yet-valid")) {
            dates(cert, v.checked_at, out);
        }
    }
    for (_, cert) in links.certs.iter().enumerate().filter(|(i, _)| links.is_root(*i)) {
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

/// Who signed the leaf: itself (`self-signed`), a certificate of that name that does not verify
/// its signature (`bad-signature`), or nothing of the chain (`chain-incomplete`).
fn leaf_signer(
    input: &Input,
    leaf: &CertificateFacts,
    links: &Links<'_>,
    self_signed: bool,
    problem: Option<&str>,
    out: &mut Vec<Finding>,
) {
    if self_signed {
        out.push(error(
            "self-signed",
            format!(
                "the certificate {} is self-signed: browsers will not trust it. Use a certificate \
                 issued by a public certificate authority (ACM, Let's Encrypt or a commercial CA)",
                q(leaf)
            ),
        ));
        return;
    }
    // The path holds (a root of the trust store signed the leaf), or its problem is elsewhere.
    if links.leaf_signer.is_some() || !matches!(problem, Some("untrusted-root" | "bad-signature")) {
        return;
    }
    if let Some(i) = links.certs.iter().position(|c| c.subject == leaf.issuer) {
        if problem == Some("bad-signature") {
            out.push(bad_signature(leaf, &links.certs[i]));
        }
        return;
    }
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

/// Each certificate must be followed by its signer, and the chain hold nothing else.
fn order(links: &Links<'_>, out: &mut Vec<Finding>) {
    let certs = links.certs;
    let mut wrong = Vec::new();
    if let Some(j) = links.leaf_signer
        && j != 0
    {
        wrong.push(format!(
            "the certificate is signed by {}, which must come first",
            q(&certs[j])
        ));
    }
    for (i, cert) in certs.iter().enumerate().filter(|(i, _)| !links.is_root(*i)) {
        if let Some(j) = links.signer_of(i)
            && j != i + 1
        {
            wrong.push(format!(
                "{} is signed by {}, which must come right after it",
                q(cert),
                q(&certs[j])
            ));
        }
    }
    let path = links.path();
    let extras: Vec<usize> = if links.leaf_signer.is_some() {
        (0..certs.len())
            .filter(|i| !path.contains(i) && !links.is_root(*i))
            .collect()
    } else {
        Vec::new()
    };
    if wrong.is_empty() && extras.is_empty() {
        return;
    }
    let mut msg = if wrong.is_empty() {
        "the chain holds certificates that are not part of the certificate's chain".to_owned()
    } else {
        format!("the chain is out of order: {}", wrong.join("; "))
    };
    let right: Vec<String> = path
        .iter()
        .filter(|i| !links.is_root(**i))
        .enumerate()
        .map(|(k, i)| format!("{}. {}", k + 1, q(&certs[*i])))
        .collect();
    if right.is_empty() {
        msg.push_str(". Order the chain file so that each certificate is followed by the one that signed it");
    } else {
        msg.push_str(&format!(
            ". Put the intermediates in the chain file in this order, the leaf's issuer first: {}",
            right.join(", ")
        ));
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
