//! Small value types shared by the store's API: who acts ([`UserId`], [`Role`]), which entry
//! ([`EntryNo`]) and when ([`Timestamp`]).
//!
//! The store never reads the clock: every call that writes takes a [`Timestamp`] from its caller,
//! so tests are deterministic and the laptop clock is recorded, not trusted.

use std::fmt;
use std::time::{SystemTime, UNIX_EPOCH};

use serde::Serialize;

/// Milliseconds since 1970-01-01 UTC, as the caller's clock said.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Timestamp(pub i64);

impl Timestamp {
    /// Converts a system time (the CLI and the app pass `SystemTime::now()`); times before 1970
    /// or beyond the `i64` range become 0.
    pub fn from_system(time: SystemTime) -> Timestamp {
        let millis = time
            .duration_since(UNIX_EPOCH)
            .ok()
            .and_then(|since| i64::try_from(since.as_millis()).ok())
            .unwrap_or(0);
        Timestamp(millis)
    }

    /// The time as RFC 3339 in UTC with seconds (`2023-03-20T02:15:00Z`), for files people read.
    pub fn to_rfc3339(self) -> String {
        let seconds = self.0.div_euclid(1000);
        let days = seconds.div_euclid(86_400);
        let of_day = seconds.rem_euclid(86_400);
        // Civil date from days since 1970-01-01 (proleptic Gregorian calendar).
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let day_of_era = z.rem_euclid(146_097);
        let year_of_era =
            (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
        let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
        let shifted_month = (5 * day_of_year + 2) / 153;
        let day = day_of_year - (153 * shifted_month + 2) / 5 + 1;
        let month = if shifted_month < 10 {
            shifted_month + 3
        } else {
            shifted_month - 9
        };
        let year = year_of_era + era * 400 + i64::from(month <= 2);
        format!(
            "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
            of_day / 3600,
            of_day % 3600 / 60,
            of_day % 60
        )
    }
}

/// A user of this installation (a row of the `users` table).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct UserId(pub i64);

impl fmt::Display for UserId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "user {}", self.0)
    }
}

/// What a user may do. Every role may type an entry; only the chair's PIN finalizes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Types protocols.
    Clerk,
    /// The commission's secretary: types, reconciles, records acts.
    Secretary,
    /// The commission's chair: the PIN that finalizes a protocol.
    Chair,
}

impl Role {
    /// The role as stored and as typed on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Clerk => "clerk",
            Role::Secretary => "secretary",
            Role::Chair => "chair",
        }
    }

    /// Parses `clerk`, `secretary` or `chair`.
    pub fn parse(text: &str) -> Option<Role> {
        match text {
            "clerk" => Some(Role::Clerk),
            "secretary" => Some(Role::Secretary),
            "chair" => Some(Role::Chair),
            _ => None,
        }
    }
}

/// Which of the two independent entries of a paper protocol.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum EntryNo {
    /// The first clerk's entry.
    First,
    /// The second clerk's entry, typed blind.
    Second,
}

impl EntryNo {
    /// 1 or 2, as stored.
    pub fn number(self) -> i64 {
        match self {
            EntryNo::First => 1,
            EntryNo::Second => 2,
        }
    }

    /// The entry numbered 1 or 2.
    pub fn from_number(number: i64) -> Option<EntryNo> {
        match number {
            1 => Some(EntryNo::First),
            2 => Some(EntryNo::Second),
            _ => None,
        }
    }
}

impl fmt::Display for EntryNo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "entry {}", self.number())
    }
}

#[cfg(test)]
mod time_tests {
    use super::Timestamp;

    #[test]
    fn formats_rfc3339_in_utc() {
        assert_eq!(Timestamp(0).to_rfc3339(), "1970-01-01T00:00:00Z");
        assert_eq!(
            Timestamp(1_679_245_200_000).to_rfc3339(),
            "2023-03-19T17:00:00Z"
        );
        assert_eq!(
            Timestamp(951_782_400_000).to_rfc3339(),
            "2000-02-29T00:00:00Z"
        );
        assert_eq!(Timestamp(-1000).to_rfc3339(), "1969-12-31T23:59:59Z");
    }
}
