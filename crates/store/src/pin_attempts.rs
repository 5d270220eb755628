//! The `pin_attempts` table: wrong PINs in a row per user, how many times they were locked out,
//! and until when. In the database, so a lockout survives a restart; each change is audited
//! (`pin.failed`, `user.locked`, `user.unlocked`) by the store in the same transaction.
//!
//! The rule: after [`FAILURES_BEFORE_LOCK`] wrong PINs in a row the user is locked for
//! [`FIRST_LOCK_MINUTES`], each further lock twice as long up to [`LONGEST_LOCK_MINUTES`]
//! (5, 10, 20, 40, 60 minutes). A right PIN ends the row of failures; a chair's unlock also
//! forgets the earlier locks.

use rusqlite::{Connection, OptionalExtension, Transaction, params};

use crate::error::StoreError;
use crate::types::{Timestamp, UserId};

/// Wrong PINs in a row that lock a user out.
pub const FAILURES_BEFORE_LOCK: u32 = 5;
/// The first lockout, in minutes.
pub const FIRST_LOCK_MINUTES: i64 = 5;
/// The longest lockout, in minutes.
pub const LONGEST_LOCK_MINUTES: i64 = 60;

/// A user's attempt counter.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Attempts {
    /// Wrong PINs since the last right one (or the last lock).
    pub failures: u32,
    /// Lockouts so far (since the last unlock by a chair).
    pub locks: u32,
    /// Locked until this time, if a lockout was ever set.
    pub locked_until: Option<Timestamp>,
}

impl Attempts {
    /// Until when the user is locked at `now`, if they are.
    pub fn locked_at(&self, now: Timestamp) -> Option<Timestamp> {
        self.locked_until.filter(|until| now < *until)
    }
}

/// How long the `nth` lockout (from 1) lasts, in minutes: 5, 10, 20, 40, then 60.
pub fn lock_minutes(nth: u32) -> i64 {
    let mut minutes = FIRST_LOCK_MINUTES;
    for _ in 1..nth {
        minutes = (minutes * 2).min(LONGEST_LOCK_MINUTES);
    }
    minutes.min(LONGEST_LOCK_MINUTES)
}

/// The counter of `user` (all zero when none is stored).
pub fn get(conn: &Connection, user: UserId) -> Result<Attempts, StoreError> {
    let row: Option<(i64, i64, Option<i64>)> = conn
        .prepare_cached(
            "SELECT failures, locks, locked_until FROM pin_attempts WHERE user_id = ?1",
        )?
        .query_row([user.0], |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)))
        .optional()?;
    let Some((failures, locks, locked_until)) = row else {
        return Ok(Attempts::default());
    };
    let count = |value: i64| {
        u32::try_from(value)
            .map_err(|_| StoreError::Inconsistent("a PIN attempt counter out of range".into()))
    };
    Ok(Attempts {
        failures: count(failures)?,
        locks: count(locks)?,
        locked_until: locked_until.map(Timestamp),
    })
}

/// Stores the counter of `user`.
pub fn set(tx: &Transaction<'_>, user: UserId, attempts: &Attempts) -> Result<(), StoreError> {
    tx.prepare_cached(
        "INSERT INTO pin_attempts (user_id, failures, locks, locked_until) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (user_id) DO UPDATE SET failures = excluded.failures,
         locks = excluded.locks, locked_until = excluded.locked_until",
    )?
    .execute(params![
        user.0,
        i64::from(attempts.failures),
        i64::from(attempts.locks),
        attempts.locked_until.map(|until| until.0)
    ])?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lockouts_double_from_five_minutes_up_to_an_hour() {
        let minutes: Vec<i64> = (1..=7).map(lock_minutes).collect();
        assert_eq!(minutes, [5, 10, 20, 40, 60, 60, 60]);
    }
}
