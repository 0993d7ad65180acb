//! Dates from Unix seconds, without a date crate.

/// Seconds in a day.
pub const DAY: i64 = 86_400;

/// The proleptic Gregorian (year, month, day) of `days` since 1970-01-01 (Howard Hinnant's
/// `civil_from_days`).
pub fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097); // [0, 146096]
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365; // [0, 399]
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100); // [0, 365]
    let mp = (5 * doy + 2) / 153; // [0, 11], March first
    let day = doy - (153 * mp + 2) / 5 + 1; // [1, 31]
    let month = if mp < 10 { mp + 3 } else { mp - 9 }; // [1, 12]
    let year = yoe + era * 400 + i64::from(month <= 2);
    // Both are small and positive by construction.
    (year, month as u32, day as u32)
}

/// `YYYY-MM-DD` (UTC) of a Unix time.
pub fn date(secs: i64) -> String {
    let (y, m, d) = civil_from_days(secs.div_euclid(DAY));
    format!("{y:04}-{m:02}-{d:02}")
}

/// `YYYYMMDD` (UTC) of a Unix time, for names.
pub fn compact(secs: i64) -> String {
    date(secs).replace('-', "")
}

/// RFC 3339 UTC (`YYYY-MM-DDTHH:MM:SSZ`) of a Unix time.
pub fn rfc3339(secs: i64) -> String {
    let s = secs.rem_euclid(DAY);
    format!("{}T{:02}:{:02}:{:02}Z", date(secs), s / 3_600, s / 60 % 60, s % 60)
}

/// Whole days from `now` to `then`, rounded down (negative once `then` is past).
pub fn days_between(now: i64, then: i64) -> i64 {
    then.saturating_sub(now).div_euclid(DAY)
}

#[cfg(test)]
mod tests {
    #[test]
    fn compact_dates_have_no_dashes() {
        assert_eq!(super::compact(1_750_000_000), "20250615");
    }

    use super::*;

    #[test]
    fn known_dates() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(-1), "1969-12-31T23:59:59Z");
        assert_eq!(rfc3339(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(rfc3339(1_709_210_096), "2024-02-29T12:34:56Z");
        assert_eq!(rfc3339(4_107_542_400), "2100-03-01T00:00:00Z");
        assert_eq!(rfc3339(253_402_300_799), "9999-12-31T23:59:59Z");
        assert_eq!(date(1_709_210_096), "2024-02-29");
    }

    #[test]
    fn every_day_follows_the_previous() {
        // Walk 1900..2200 day by day: the calendar must advance by exactly one day each time.
        let mut prev = civil_from_days(-25_567 - 1); // 1899-12-31
        assert_eq!(prev, (1899, 12, 31));
        for days in -25_567..84_000 {
            let cur = civil_from_days(days);
            let (py, pm, pd) = prev;
            let expected = if cur.2 == 1 {
                if pm == 12 { (py + 1, 1, 1) } else { (py, pm + 1, 1) }
            } else {
                (py, pm, pd + 1)
            };
            assert_eq!(cur, expected, "day {days}");
            prev = cur;
        }
    }

    #[test]
    fn days_round_down() {
        assert_eq!(days_between(0, DAY), 1);
        assert_eq!(days_between(0, DAY - 1), 0);
        assert_eq!(days_between(0, -1), -1);
        assert_eq!(days_between(0, -DAY), -1);
        assert_eq!(days_between(0, -DAY - 1), -2);
    }
}
