//! Names: the IAM server certificate's derived name, serial numbers compared as numbers, and the
//! short name of an ACM certificate.

use switchyard_sdk::date;

/// How many hex digits of the serial go into a derived name.
const SERIAL_DIGITS: usize = 8;

/// A serial number as a canonical string: lowercase hex, without `:` separators and without
/// leading zeros (`0` for zero). DER adds a `00` byte in front of a serial whose first bit is
/// set and ACM may or may not show it: compare serials in this form.
pub fn serial_key(serial: &str) -> String {
    let hex: String = serial
        .chars()
        .filter(|c| *c != ':')
        .map(|c| c.to_ascii_lowercase())
        .collect();
    match hex.trim_start_matches('0') {
        "" => "0".to_owned(),
        digits => digits.to_owned(),
    }
}

/// The IAM server certificate name for a certificate: `<base>-<YYYYMMDD of not_after, UTC>-<first
/// 8 hex digits of the serial>` (the serial without leading zeros), so that renewals never
/// collide and the same certificate always gets the same name.
pub fn derived_name(base: &str, not_after: i64, serial: &str) -> String {
    let serial = serial_key(serial);
    let short: String = serial.chars().take(SERIAL_DIGITS).collect();
    format!("{base}-{}-{short}", date::compact(not_after))
}

/// The last segment of an ACM ARN: the certificate's id.
pub fn acm_name(arn: &str) -> &str {
    arn.rsplit(['/', ':']).next().unwrap_or(arn)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serials_compare_without_padding_case_or_colons() {
        assert_eq!(serial_key("00a1b2c3"), "a1b2c3");
        assert_eq!(serial_key("A1:B2:C3"), "a1b2c3");
        assert_eq!(serial_key("00:A1:b2:c3"), "a1b2c3");
        assert_eq!(serial_key("0100"), "100");
        assert_eq!(serial_key("00"), "0");
        assert_eq!(serial_key(""), "0");
    }

    #[test]
    fn derived_names() {
        // 2026-05-01T12:00:00Z.
        let not_after = 1_777_636_800;
        assert_eq!(
            derived_name("www.example.com", not_after, "0a1b2c3d4e5f60718293"),
            "www.example.com-20260501-a1b2c3d4"
        );
        // A DER sign byte is not part of the number.
        assert_eq!(
            derived_name("site", not_after, "00f1e2d3c4b5a69788"),
            "site-20260501-f1e2d3c4"
        );
        // Short serials are used whole.
        assert_eq!(derived_name("site", not_after, "03e8"), "site-20260501-3e8");
        // The longest base still fits IAM's 128 characters.
        let longest = derived_name(&"a".repeat(crate::input::MAX_NAME), not_after, "ff".repeat(20).as_str());
        assert!(longest.len() <= 128, "{}", longest.len());
    }

    #[test]
    fn renewals_get_new_names() {
        let a = derived_name("site", 1_777_636_800, "0a1b2c3d");
        let renewed_same_day = derived_name("site", 1_777_636_800, "0b1b2c3d");
        let renewed_later = derived_name("site", 1_809_172_800, "0a1b2c3d");
        assert_ne!(a, renewed_same_day);
        assert_ne!(a, renewed_later);
    }

    #[test]
    fn acm_names_are_the_certificate_id() {
        assert_eq!(
            acm_name("arn:aws:acm:us-east-1:123456789012:certificate/12345678-aaaa-bbbb-cccc-1234567890ab"),
            "12345678-aaaa-bbbb-cccc-1234567890ab"
        );
        assert_eq!(acm_name("plain"), "plain");
    }
}
