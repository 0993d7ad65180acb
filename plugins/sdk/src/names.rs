//! Whether a certificate covers a domain name (RFC 6125, section 6.4).
//!
//! Pure functions, the same on every target: [`matches()`] compares one certificate name with one
//! domain, [`covers`] applies it to a certificate's subject alternative names. The common name is
//! never used: browsers have matched only subject alternative names since 2017 (RFC 9525).

/// Lowercase (ASCII), without one trailing dot.
fn normalize(name: &str) -> String {
    name.strip_suffix('.').unwrap_or(name).to_ascii_lowercase()
}

/// Whether `name` is a DNS name of at least two non-empty labels without wildcards.
fn is_wildcard_base(name: &str) -> bool {
    name.contains('.') && !name.contains('*') && name.split('.').all(|l| !l.is_empty())
}

/// Whether the certificate name `pattern` (a SAN `dNSName` or a common name) matches `domain`.
///
/// Case-insensitive (ASCII: internationalised names are compared as A-labels, `xn--…`), ignoring
/// a trailing dot. A wildcard is only a whole left-most label followed by at least two labels
/// (`*.example.com`) and stands for exactly one non-empty label; a partial wildcard
/// (`w*.example.com`, `*w.example.com`) or a wildcard elsewhere never matches. A `domain` that
/// is itself a wildcard name matches only the same wildcard.
pub fn matches(pattern: &str, domain: &str) -> bool {
    let p = normalize(pattern);
    let d = normalize(domain);
    if p.is_empty() || d.is_empty() {
        return false;
    }
    match p.strip_prefix("*.") {
        Some(base) => {
            if !is_wildcard_base(base) {
                return false;
            }
            if d == p {
                return true;
            }
            match d.split_once('.') {
                Some((label, rest)) => !label.is_empty() && !label.contains('*') && rest == base,
                None => false,
            }
        }
        None => !p.contains('*') && p == d,
    }
}

/// Whether a certificate with these subject alternative DNS names covers `domain`. Leave out the
/// names browsers never match (a wildcard directly under a public suffix: the host lists them,
/// `certificate-facts.public-suffix-wildcards`).
pub fn covers(dns_names: &[String], domain: &str) -> bool {
    dns_names.iter().any(|n| matches(n, domain))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exact_names() {
        assert!(matches("www.example.com", "www.example.com"));
        assert!(matches("WWW.Example.COM", "www.example.com"));
        assert!(matches("www.example.com", "WWW.EXAMPLE.COM"));
        assert!(matches("www.example.com.", "www.example.com"));
        assert!(matches("www.example.com", "www.example.com."));
        assert!(matches("xn--bcher-kva.example", "XN--BCHER-KVA.example"));
        assert!(!matches("www.example.com", "example.com"));
        assert!(!matches("example.com", "www.example.com"));
        assert!(!matches("www.example.com", "www.example.co"));
        assert!(!matches("www.example.com", "www.example.com.."));
        assert!(!matches("", ""));
        assert!(!matches("www.example.com", ""));
    }

    #[test]
    fn wildcards_match_one_left_most_label() {
        assert!(matches("*.example.com", "www.example.com"));
        assert!(matches("*.example.com", "WWW.EXAMPLE.COM."));
        assert!(matches("*.Example.com.", "api.example.com"));
        assert!(matches("*.example.com", "xn--bcher-kva.example.com"));
        assert!(!matches("*.example.com", "example.com"));
        assert!(!matches("*.example.com", "a.b.example.com"));
        assert!(!matches("*.example.com", ".example.com"));
        assert!(!matches("*.example.com", "wwwexample.com"));
        assert!(!matches("*.example.com", "www.example.org"));
        assert!(!matches("*.example.com", "www.notexample.com"));
    }

    #[test]
    fn wildcard_names_asked_for() {
        assert!(matches("*.example.com", "*.example.com"));
        assert!(matches("*.example.com", "*.EXAMPLE.com."));
        assert!(!matches("www.example.com", "*.example.com"));
        assert!(!matches("*.example.com", "*.b.example.com"));
        assert!(!matches("*.b.example.com", "*.example.com"));
    }

    #[test]
    fn partial_and_misplaced_wildcards_never_match() {
        assert!(!matches("w*.example.com", "www.example.com"));
        assert!(!matches("*w.example.com", "www.example.com"));
        assert!(!matches("w*w.example.com", "www.example.com"));
        assert!(!matches("w*.example.com", "w*.example.com"));
        assert!(!matches("www.*.example.com", "www.a.example.com"));
        assert!(!matches("*.*.example.com", "a.b.example.com"));
        assert!(!matches("*", "com"));
        assert!(!matches("*.", "com"));
        assert!(!matches("*.com", "example.com"));
        assert!(!matches("*..com", "a..com"));
        assert!(!matches("**.example.com", "www.example.com"));
    }

    #[test]
    fn only_subject_alternative_names_cover() {
        let none: Vec<String> = Vec::new();
        let sans = vec!["www.example.com".to_owned(), "*.api.example.com".to_owned()];
        assert!(covers(&sans, "www.example.com"));
        assert!(covers(&sans, "v1.api.example.com"));
        assert!(!covers(&sans, "api.example.com"));
        assert!(
            !covers(&none, "example.com"),
            "no names, no match: there is no common-name fallback"
        );
    }
}
