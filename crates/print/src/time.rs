//! The time printed on the documents: the local date and time of the laptop that signed, with
//! its offset from UTC, as `20.03.2023 02:40 (UTC+06:00)`.
//!
//! Kazakh official papers write a date as day, month and year with points (`ДД.ММ.ГГГГ`) and the
//! time on a 24-hour clock; the offset in brackets says which clock, since a territorial
//! commission may receive papers from two time zones (and Kazakhstan moved its clocks in 2024).
//! Minutes are enough on paper: the seconds live in the signed batch.
//!
//! This module reads no clock and no time zone. The caller passes the instant already carrying
//! the offset that was in force at that instant (the app and the CLI take it from the laptop's
//! local time zone); the store keeps every timestamp in UTC.

use chrono::{DateTime, FixedOffset, NaiveDate};

/// The instant `at` as the paper prints it: `ДД.ММ.ГГГГ ЧЧ:ММ (UTC±ЧЧ:ММ)`, in `at`'s offset.
pub fn paper(at: &DateTime<FixedOffset>) -> String {
    at.format("%d.%m.%Y %H:%M (UTC%:z)").to_string()
}

/// A calendar date as the paper prints it: `ДД.ММ.ГГГГ`.
pub fn paper_date(date: NaiveDate) -> String {
    date.format("%d.%m.%Y").to_string()
}

#[cfg(test)]
mod tests {
    use chrono::{FixedOffset, TimeZone, Utc};

    use super::{paper, paper_date};

    fn at(offset_seconds: i32, utc: &str) -> String {
        let utc = utc.parse::<chrono::DateTime<Utc>>().unwrap();
        paper(&utc.with_timezone(&FixedOffset::east_opt(offset_seconds).unwrap()))
    }

    #[test]
    fn prints_the_local_date_and_time_with_the_offset() {
        // Almaty since 1 March 2024 (+05:00): a protocol signed after local midnight carries
        // the local date, not the UTC one.
        assert_eq!(
            at(5 * 3600, "2026-12-01T19:03:33Z"),
            "02.12.2026 00:03 (UTC+05:00)"
        );
        assert_eq!(
            at(5 * 3600, "2026-12-02T06:03:33Z"),
            "02.12.2026 11:03 (UTC+05:00)"
        );
        // Almaty on election night 2023 (+06:00).
        assert_eq!(
            at(6 * 3600, "2023-03-19T20:40:00Z"),
            "20.03.2023 02:40 (UTC+06:00)"
        );
        assert_eq!(
            at(0, "2023-03-19T20:40:59Z"),
            "19.03.2023 20:40 (UTC+00:00)"
        );
        assert_eq!(
            at(-(3 * 3600 + 30 * 60), "2023-03-19T02:00:00Z"),
            "18.03.2023 22:30 (UTC-03:30)"
        );
        assert_eq!(
            paper_date(chrono::NaiveDate::from_ymd_opt(2023, 3, 10).unwrap()),
            "10.03.2023"
        );
        let utc = Utc.with_ymd_and_hms(2024, 2, 29, 23, 59, 0).unwrap();
        assert_eq!(paper(&utc.fixed_offset()), "29.02.2024 23:59 (UTC+00:00)");
    }
}
