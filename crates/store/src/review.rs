//! The `reconciliations`, `acknowledgements` and `acts` tables: what the commission decided on
//! the way to a final protocol. A reconciliation settles one differing line with the value on
//! the paper; an acknowledgement says a failing warning was checked against the paper; an act
//! explains a failing error. Each records who and when.

use std::collections::{BTreeMap, BTreeSet};

use rusqlite::{Connection, OptionalExtension, Transaction, params};
use serde::Serialize;

use hattama_protocol::Count;

use crate::error::StoreError;
use crate::types::{Timestamp, UserId};
use crate::values::count_of;

/// Records (or, while the protocol still differs, corrects) the paper value of a line.
pub fn settle(
    tx: &Transaction<'_>,
    protocol: i64,
    line: &str,
    value: Count,
    user: UserId,
    at: Timestamp,
    audit_seq: i64,
) -> Result<(), StoreError> {
    tx.prepare_cached(
        "INSERT INTO reconciliations (protocol, line, value, user_id, settled_at, audit_seq)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)
         ON CONFLICT (protocol, line) DO UPDATE SET value = excluded.value,
         user_id = excluded.user_id, settled_at = excluded.settled_at,
         audit_seq = excluded.audit_seq",
    )?
    .execute(params![
        protocol,
        line,
        i64::from(value.get()),
        user.0,
        at.0,
        audit_seq
    ])?;
    Ok(())
}

/// The settled lines of a protocol and their paper values.
pub fn settled(conn: &Connection, protocol: i64) -> Result<BTreeMap<String, Count>, StoreError> {
    let mut stmt =
        conn.prepare_cached("SELECT line, value FROM reconciliations WHERE protocol = ?1")?;
    let rows = stmt.query_map([protocol], |row| {
        Ok((row.get::<_, String>(0)?, row.get::<_, i64>(1)?))
    })?;
    let mut out = BTreeMap::new();
    for row in rows {
        let (line, value) = row?;
        out.insert(line, count_of(value)?);
    }
    Ok(out)
}

/// Records that a failing warning was checked against the paper.
pub fn acknowledge(
    tx: &Transaction<'_>,
    protocol: i64,
    code: &str,
    user: UserId,
    at: Timestamp,
) -> Result<(), StoreError> {
    let exists: Option<i64> = tx
        .query_row(
            "SELECT 1 FROM acknowledgements WHERE protocol = ?1 AND code = ?2",
            params![protocol, code],
            |row| row.get(0),
        )
        .optional()?;
    if exists.is_some() {
        return Err(StoreError::AlreadyAcknowledged(code.to_owned()));
    }
    tx.execute(
        "INSERT INTO acknowledgements (protocol, code, user_id, at) VALUES (?1, ?2, ?3, ?4)",
        params![protocol, code, user.0, at.0],
    )?;
    Ok(())
}

/// The acknowledged warning codes of a protocol.
pub fn acknowledged(conn: &Connection, protocol: i64) -> Result<BTreeSet<String>, StoreError> {
    let mut stmt = conn.prepare_cached("SELECT code FROM acknowledgements WHERE protocol = ?1")?;
    let rows = stmt.query_map([protocol], |row| row.get::<_, String>(0))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// An acknowledgement as recorded: which warning, who checked it, when.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Acknowledgement {
    /// The warning's code.
    pub code: String,
    /// Who checked it against the paper.
    pub user: UserId,
    /// When.
    pub at: Timestamp,
}

/// The acknowledgements of a protocol with who and when, by code.
pub fn acknowledgements(
    conn: &Connection,
    protocol: i64,
) -> Result<Vec<Acknowledgement>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT code, user_id, at FROM acknowledgements WHERE protocol = ?1 ORDER BY code",
    )?;
    let rows = stmt.query_map([protocol], |row| {
        Ok(Acknowledgement {
            code: row.get(0)?,
            user: UserId(row.get(1)?),
            at: Timestamp(row.get(2)?),
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// An act of the commission explaining a failing error.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Act {
    /// The error's code.
    pub code: String,
    /// The act's number on paper (`None` for acts recorded before numbers were kept).
    pub paper_number: Option<String>,
    /// The act's text.
    pub text: String,
    /// Who recorded it.
    pub user: UserId,
    /// When.
    pub at: Timestamp,
}

/// Attaches an act to an error code.
pub fn attach_act(tx: &Transaction<'_>, protocol: i64, act: &Act) -> Result<(), StoreError> {
    tx.execute(
        "INSERT INTO acts (protocol, code, paper_number, text, user_id, at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![
            protocol,
            act.code,
            act.paper_number,
            act.text,
            act.user.0,
            act.at.0
        ],
    )?;
    Ok(())
}

/// The acts of a protocol, in the order recorded.
pub fn acts(conn: &Connection, protocol: i64) -> Result<Vec<Act>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT code, paper_number, text, user_id, at FROM acts WHERE protocol = ?1 ORDER BY id",
    )?;
    let rows = stmt.query_map([protocol], |row| {
        Ok(Act {
            code: row.get(0)?,
            paper_number: row.get(1)?,
            text: row.get(2)?,
            user: UserId(row.get(3)?),
            at: Timestamp(row.get(4)?),
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}
