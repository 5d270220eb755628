//! The `protocols` table: one row per protocol version of each contest of the precinct, holding
//! its [`State`]. A final row is frozen by a trigger; a repeated protocol is a new row.

use rusqlite::{Connection, OptionalExtension, Row, Transaction, params};

use crate::error::StoreError;
use crate::state::{Phase, State};
use crate::types::{Timestamp, UserId};

/// One protocol version.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProtocolRow {
    /// The row id.
    pub id: i64,
    /// The contest.
    pub contest: String,
    /// 1 for the first protocol, 2 and up for repeated ones.
    pub version: i64,
    /// Where it stands.
    pub state: State,
    /// Why it was repeated (versions from 2 on).
    pub reason: Option<String>,
    /// When it was finalized.
    pub finalized_at: Option<Timestamp>,
}

const COLUMNS: &str =
    "id, contest, version, state, first_user, second_user, finalized_by, reason, finalized_at";

/// A row as stored, before its state parts are checked to fit together.
struct Stored {
    id: i64,
    contest: String,
    version: i64,
    phase: String,
    users: [Option<UserId>; 3],
    reason: Option<String>,
    finalized_at: Option<Timestamp>,
}

fn from_row(row: &Row<'_>) -> rusqlite::Result<Stored> {
    Ok(Stored {
        id: row.get(0)?,
        contest: row.get(1)?,
        version: row.get(2)?,
        phase: row.get(3)?,
        users: [
            row.get::<_, Option<i64>>(4)?.map(UserId),
            row.get::<_, Option<i64>>(5)?.map(UserId),
            row.get::<_, Option<i64>>(6)?.map(UserId),
        ],
        reason: row.get(7)?,
        finalized_at: row.get::<_, Option<i64>>(8)?.map(Timestamp),
    })
}

fn checked(found: Option<Stored>, contest: &str) -> Result<ProtocolRow, StoreError> {
    let Some(stored) = found else {
        return Err(StoreError::UnknownContest(contest.to_owned()));
    };
    let [first, second, chair] = stored.users;
    let Some(state) = Phase::parse(&stored.phase)
        .and_then(|phase| State::from_parts(phase, first, second, chair))
    else {
        return Err(StoreError::Inconsistent(format!(
            "protocol {} v{} has state `{}` with users that do not fit it",
            stored.contest, stored.version, stored.phase
        )));
    };
    Ok(ProtocolRow {
        id: stored.id,
        contest: stored.contest,
        version: stored.version,
        state,
        reason: stored.reason,
        finalized_at: stored.finalized_at,
    })
}

/// Adds version `version` of `contest`, empty.
pub fn insert(
    tx: &Transaction<'_>,
    contest: &str,
    version: i64,
    reason: Option<&str>,
    now: Timestamp,
) -> Result<i64, StoreError> {
    tx.execute(
        "INSERT INTO protocols (contest, version, state, reason, started_at)
         VALUES (?1, ?2, 'empty', ?3, ?4)",
        params![contest, version, reason, now.0],
    )?;
    Ok(tx.last_insert_rowid())
}

/// The newest version of `contest`.
pub fn current(conn: &Connection, contest: &str) -> Result<ProtocolRow, StoreError> {
    let found = conn
        .prepare_cached(&format!(
            "SELECT {COLUMNS} FROM protocols WHERE contest = ?1 ORDER BY version DESC LIMIT 1"
        ))?
        .query_row([contest], from_row)
        .optional()?;
    checked(found, contest)
}

/// Version `version` of `contest`.
pub fn version(
    conn: &Connection,
    contest: &str,
    version: i64,
) -> Result<Option<ProtocolRow>, StoreError> {
    let found = conn
        .prepare_cached(&format!(
            "SELECT {COLUMNS} FROM protocols WHERE contest = ?1 AND version = ?2"
        ))?
        .query_row(params![contest, version], from_row)
        .optional()?;
    match found {
        None => Ok(None),
        found => checked(found, contest).map(Some),
    }
}

/// Every version of every contest, by contest then version.
pub fn all(conn: &Connection) -> Result<Vec<ProtocolRow>, StoreError> {
    let mut stmt = conn.prepare(&format!("SELECT {COLUMNS} FROM protocols ORDER BY id"))?;
    let rows = stmt.query_map([], from_row)?;
    let mut out = Vec::new();
    for row in rows {
        let stored = row?;
        let contest = stored.contest.clone();
        out.push(checked(Some(stored), &contest)?);
    }
    Ok(out)
}

/// Stores `state` for the protocol `id`.
pub fn set_state(
    tx: &Transaction<'_>,
    id: i64,
    state: State,
    now: Timestamp,
) -> Result<(), StoreError> {
    let finalized_at = state.chair().map(|_| now.0);
    tx.prepare_cached(
        "UPDATE protocols SET state = ?2, first_user = ?3, second_user = ?4, finalized_by = ?5,
         finalized_at = ?6 WHERE id = ?1",
    )?
    .execute(params![
        id,
        state.phase().as_str(),
        state.first().map(|user| user.0),
        state.second().map(|user| user.0),
        state.chair().map(|user| user.0),
        finalized_at
    ])?;
    Ok(())
}
