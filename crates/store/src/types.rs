//! Small value types shared by the store's API: who acts ([`Session`], [`UserId`], [`Role`]), which entry
//! ([`EntryNo`]) and when ([`Timestamp`]).
//!
//! The store never reads the clock: every call that writes takes a [`Timestamp`] from its caller,
//! so tests are deterministic and the laptop clock is recorded, not trusted.

use std::fmt;
use std::time::{SystemTime, UNIX_EPOCH};

use chrono::{DateTime, SecondsFormat, Utc};
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

    /// The instant as a UTC date and time; out of `chrono`'s range (beyond ±262,000 years,
    /// which no laptop clock gives) it is clamped to the nearest end.
    pub fn to_utc(self) -> DateTime<Utc> {
        DateTime::<Utc>::from_timestamp_millis(self.0).unwrap_or(if self.0.is_negative() {
            DateTime::<Utc>::MIN_UTC
        } else {
            DateTime::<Utc>::MAX_UTC
        })
    }

    /// The time as RFC 3339 in UTC with seconds (`2023-03-20T02:15:00Z`), for files people read.
    pub fn to_rfc3339(self) -> String {
        self.to_utc().to_rfc3339_opts(SecondsFormat::Secs, true)
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

/// Someone signed in with their PIN: the only way to act on the store. Made only by
/// [`Store::sign_in`](crate::Store::sign_in) and first-run setup; it cannot be copied or built
/// elsewhere. Every action re-reads the user's row, so a role changed or a user removed since
/// signing in counts at once.
#[derive(Debug, PartialEq, Eq)]
pub struct Session {
    user: UserId,
    name: String,
    role: Role,
}

impl Session {
    pub(crate) fn new(user: UserId, name: String, role: Role) -> Session {
        Session { user, name, role }
    }

    /// Who signed in.
    pub fn user(&self) -> UserId {
        self.user
    }

    /// Their name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Their role when they signed in (the store checks the current one).
    pub fn role(&self) -> Role {
        self.role
    }
}

/// What a user may do; the permission table (`permissions`) says which role does what.
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
        // Milliseconds are dropped, not rounded.
        assert_eq!(
            Timestamp(1_679_245_200_999).to_rfc3339(),
            "2023-03-19T17:00:00Z"
        );
    }

    #[test]
    fn converts_to_utc_and_local_time_without_moving_the_instant() {
        let at = Timestamp(1_796_151_813_000);
        assert_eq!(at.to_rfc3339(), "2026-12-01T19:03:33Z");
        let almaty = chrono::FixedOffset::east_opt(5 * 3600).unwrap();
        let local = at.to_utc().with_timezone(&almaty);
        assert_eq!(local.to_rfc3339(), "2026-12-02T00:03:33+05:00");
        assert_eq!(local.timestamp_millis(), at.0);
        assert_eq!(
            Timestamp(i64::MAX).to_utc(),
            chrono::DateTime::<chrono::Utc>::MAX_UTC
        );
        assert_eq!(
            Timestamp(i64::MIN).to_utc(),
            chrono::DateTime::<chrono::Utc>::MIN_UTC
        );
    }
}

#[cfg(test)]
mod tests {
    use super::{EntryNo, Role, Session, UserId};

    #[test]
    fn an_entry_is_numbered_1_or_2_and_named_by_its_number() {
        for entry in [EntryNo::First, EntryNo::Second] {
            assert_eq!(EntryNo::from_number(entry.number()), Some(entry));
        }
        assert_eq!(EntryNo::First.number(), 1);
        assert_eq!(EntryNo::from_number(2), Some(EntryNo::Second));
        for other in [0, 3, -1] {
            assert_eq!(EntryNo::from_number(other), None, "{other}");
        }
        assert_eq!(EntryNo::Second.to_string(), "entry 2");
        assert_eq!(UserId(7).to_string(), "user 7");
    }

    #[test]
    fn a_session_names_who_signed_in_and_their_role_then() {
        let session = Session::new(UserId(3), "Ana".into(), Role::Clerk);
        assert_eq!(session.user(), UserId(3));
        assert_eq!(session.name(), "Ana");
        assert_eq!(session.role(), Role::Clerk);
    }
}
