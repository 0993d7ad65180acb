//! Whether a certificate covers every alias of a distribution (RFC 6125, via
//! [`switchyard_sdk::names`]).

use switchyard_sdk::StepError;
use switchyard_sdk::names;

/// The names a certificate is valid for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CertificateNames {
    /// The certificate, for a person: `IAM server certificate `site-…``.
    pub label: String,
    /// Its DNS names (subject alternative names) that browsers match: without any wildcard
    /// directly under a public suffix. The common name is never used.
    pub dns_names: Vec<String>,
}

/// The aliases the certificate does not cover, in the distribution's order.
pub fn uncovered<'a>(aliases: &'a [String], cert: &CertificateNames) -> Vec<&'a str> {
    aliases
        .iter()
        .filter(|a| !names::covers(&cert.dns_names, a))
        .map(String::as_str)
        .collect()
}

/// Refuses (`not-covered`) a certificate that does not cover every alias of distribution `id`,
/// naming each uncovered alias; the details list them and the certificate's names.
pub fn check(id: &str, aliases: &[String], cert: &CertificateNames) -> Result<(), StepError> {
    let missing = uncovered(aliases, cert);
    if missing.is_empty() {
        return Ok(());
    }
    let quoted = |v: &[&str]| v.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", ");
    let has: Vec<&str> = cert.dns_names.iter().map(String::as_str).collect();
    let has = if has.is_empty() {
        "no names".to_owned()
    } else {
        quoted(&has)
    };
    let (them, alias_s) = if missing.len() == 1 {
        ("it", "alias")
    } else {
        ("them", "aliases")
    };
    Err(StepError {
        code: "not-covered".into(),
        message: format!(
            "the {} does not cover the {alias_s} {} of distribution {id} (it covers {has}): \
             CloudFront refuses a viewer certificate that does not cover every alternate domain \
             name of the distribution (InvalidViewerCertificate). Use a certificate whose names \
             include {them}, or remove {them} from the distribution; nothing was changed",
            cert.label,
            quoted(&missing),
        ),
        details: Some(
            serde_json::json!({
                "distribution_id": id,
                "uncovered_aliases": missing,
                "certificate_names": cert.dns_names,
            })
            .to_string(),
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cert(dns: &[&str]) -> CertificateNames {
        CertificateNames {
            label: "IAM server certificate `site`".into(),
            dns_names: dns.iter().map(|n| (*n).to_owned()).collect(),
        }
    }

    fn aliases(a: &[&str]) -> Vec<String> {
        a.iter().map(|n| (*n).to_owned()).collect()
    }

    #[test]
    fn wildcards_and_case_follow_rfc_6125() {
        let c = cert(&["example.com", "*.example.com"]);
        let a = aliases(&["example.com", "WWW.example.com", "a.b.example.com", "example.org"]);
        assert_eq!(uncovered(&a, &c), ["a.b.example.com", "example.org"]);
        assert!(uncovered(&[], &c).is_empty());
        // Without subject alternative names nothing is covered: no common-name fallback.
        assert_eq!(
            uncovered(&aliases(&["www.example.com"]), &cert(&[])),
            ["www.example.com"]
        );
    }

    #[test]
    fn refusal_names_each_uncovered_alias() {
        let c = cert(&["www.example.com"]);
        assert!(check("E1", &aliases(&["www.example.com"]), &c).is_ok());
        let e = check(
            "E1",
            &aliases(&["www.example.com", "example.com", "api.example.com"]),
            &c,
        )
        .expect_err("refused");
        assert_eq!(e.code, "not-covered");
        assert!(
            e.message.starts_with(
                "the IAM server certificate `site` does not cover the aliases `example.com`, \
                 `api.example.com` of distribution E1 (it covers `www.example.com`)"
            ),
            "{}",
            e.message
        );
        let details: serde_json::Value =
            serde_json::from_str(e.details.as_deref().expect("details")).expect("details are JSON");
        assert_eq!(
            details["uncovered_aliases"],
            serde_json::json!(["example.com", "api.example.com"])
        );
        let e = check("E1", &aliases(&["example.com"]), &cert(&[])).expect_err("refused");
        assert!(e.message.contains("the alias `example.com`"), "{}", e.message);
        assert!(e.message.contains("(it covers no names)"), "{}", e.message);
    }
}
