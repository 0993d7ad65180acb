//! Names: the base name of an IAM server certificate, without the `-YYYYMMDD-SERIAL` suffix that
//! upload-cert appends, so that the renewals of one certificate fall into one group.

/// The longest serial part of the suffix: upload-cert keeps the first 8 hex digits.
const SERIAL_DIGITS: usize = 8;

/// Whether `s` is `YYYYMMDD`: 8 ASCII digits, a month 01–12 and a day 01–31.
fn is_compact_date(s: &str) -> bool {
    let month = s.get(4..6).and_then(|m| m.parse::<u32>().ok());
    let day = s.get(6..8).and_then(|d| d.parse::<u32>().ok());
    s.len() == 8
        && s.bytes().all(|b| b.is_ascii_digit())
        && month.is_some_and(|m| (1..=12).contains(&m))
        && day.is_some_and(|d| (1..=31).contains(&d))
}

/// Whether `s` is 1–8 lowercase hex digits, as upload-cert writes a serial.
fn is_short_serial(s: &str) -> bool {
    (1..=SERIAL_DIGITS).contains(&s.len()) && s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

/// The base name of an IAM server certificate: `name` without a trailing `-YYYYMMDD-HEX` (1–8
/// lowercase hex digits, what upload-cert appends), or the whole name when it has no such suffix
/// (or nothing before it).
pub fn base_name(name: &str) -> &str {
    let Some((rest, serial)) = name.rsplit_once('-') else {
        return name;
    };
    let Some((base, date)) = rest.rsplit_once('-') else {
        return name;
    };
    if !base.is_empty() && is_compact_date(date) && is_short_serial(serial) {
        base
    } else {
        name
    }
}

/// The key certificates are grouped by: the base name, lowercase (IAM names are unique whatever
/// their case).
pub fn group_key(name: &str) -> String {
    base_name(name).to_ascii_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_upload_cert_suffix_is_removed() {
        assert_eq!(base_name("www.example.com-20260501-a1b2c3d4"), "www.example.com");
        assert_eq!(base_name("site-20260501-3e8"), "site");
        assert_eq!(base_name("site-20260501-0"), "site");
        // A base name may hold dashes and even dates of its own.
        assert_eq!(base_name("my-site-20250101-20260501-ff"), "my-site-20250101");
        assert_eq!(base_name("a-b-c-20991231-abcdef01"), "a-b-c");
    }

    #[test]
    fn names_without_the_suffix_are_their_own_base() {
        for name in [
            "legacy",
            "site-2026",
            "site-20260501",
            "site-20260501-",
            "site-20260501-a1b2c3d4e",
            "site-20260501-A1B2",
            "site-20261301-ab",
            "site-20260500-ab",
            "site-2026050x-ab",
            "site_20260501_ab",
            "-20260501-ab",
            "20260501-ab",
            "",
        ] {
            assert_eq!(base_name(name), name, "{name}");
        }
    }

    #[test]
    fn groups_ignore_case() {
        assert_eq!(group_key("Site-20260501-ab"), "site");
        assert_eq!(group_key("SITE"), "site");
        assert_eq!(group_key("site-20270501-cd"), group_key("Site-20260501-ab"));
    }
}
