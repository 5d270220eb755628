//! The `audit` and `audit_head` tables: a hash-chained, append-only log of every change, written
//! in the same transaction as the change it records, and the check that walks it.
//!
//! # Encoding
//!
//! Row `seq` stores `hash = SHA-256(encoding)`, by the one rule in
//! `hattama_protocol::audit_chain` (the commission recomputes the same hashes over the log a
//! batch carries): the domain tag, `seq`, `at`, the user, the action, the payload and the
//! previous row's hash.
//!
//! `audit_head` holds the last row's `seq` and `hash`, updated in the same transaction.
//!
//! [`verify`] walks the chain and compares the tables with it (`audit::verify`); [`Action`]
//! names each kind of row (`audit::action`); `audit::view` is what the audit view shows.

mod action;
mod verify;
mod view;

use rusqlite::{Connection, OptionalExtension, Row, Transaction, params};
use serde::Serialize;
use sha2::{Digest, Sha256};

use hattama_protocol::audit_chain::{self, Link};

use crate::error::StoreError;
use crate::types::{Timestamp, UserId};

pub use crate::audit::action::Action;
pub use crate::audit::verify::{AuditReport, Break, BreakKind, verify};
pub use crate::audit::view::{AuditViewRow, protocol_of, redact};

/// One row of the audit log.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct AuditEntry {
    /// Position in the chain, from 1.
    pub seq: i64,
    /// When, by the caller's clock.
    pub at: Timestamp,
    /// Who, or `None` for the installation itself (setup, adding users).
    pub user: Option<UserId>,
    /// What kind of change, e.g. `value.save`.
    pub action: String,
    /// The change itself, as JSON.
    pub payload: String,
}

/// The encoding that row hashes are computed over (`hattama_protocol::audit_chain::encode`).
pub fn encode(
    seq: i64,
    at: Timestamp,
    user: Option<UserId>,
    action: &str,
    payload: &str,
    prev_hash: &[u8; 32],
) -> Vec<u8> {
    audit_chain::encode(&link(seq, at, user, action, payload), prev_hash)
}

fn link<'a>(
    seq: i64,
    at: Timestamp,
    user: Option<UserId>,
    action: &'a str,
    payload: &'a str,
) -> Link<'a> {
    Link {
        seq,
        at: at.0,
        user: user.map(|user| user.0),
        action,
        payload,
    }
}

fn hash(encoding: &[u8]) -> [u8; 32] {
    Sha256::digest(encoding).into()
}

/// The chain head: the last row's seq (0 for an empty log) and hash (zeros for an empty log).
pub fn head(conn: &Connection) -> Result<(i64, [u8; 32]), StoreError> {
    let (seq, hash): (i64, Vec<u8>) = conn
        .prepare_cached("SELECT seq, hash FROM audit_head WHERE id = 1")?
        .query_row([], |row| Ok((row.get(0)?, row.get(1)?)))?;
    let hash = <[u8; 32]>::try_from(hash.as_slice())
        .map_err(|_| StoreError::Inconsistent("the audit head hash is not 32 bytes".into()))?;
    Ok((seq, hash))
}

/// Appends a row for a change made in `tx`, and moves the head; returns its seq.
pub fn append(
    tx: &Transaction<'_>,
    at: Timestamp,
    user: Option<UserId>,
    action: Action,
    payload: &serde_json::Value,
) -> Result<i64, StoreError> {
    let action = action.as_str();
    let payload = payload.to_string();
    let (prev_seq, prev_hash) = head(tx)?;
    let seq = prev_seq + 1;
    let row_hash = hash(&encode(seq, at, user, action, &payload, &prev_hash));
    tx.prepare_cached(
        "INSERT INTO audit (seq, at, user_id, action, payload, prev_hash, hash)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?
    .execute(params![
        seq,
        at.0,
        user.map(|user| user.0),
        action,
        payload,
        &prev_hash[..],
        &row_hash[..]
    ])?;
    tx.prepare_cached("UPDATE audit_head SET seq = ?1, hash = ?2 WHERE id = 1")?
        .execute(params![seq, &row_hash[..]])?;
    Ok(seq)
}

/// The rows from `from_seq` on, in order.
pub fn entries(conn: &Connection, from_seq: i64) -> Result<Vec<AuditEntry>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT seq, at, user_id, action, payload FROM audit WHERE ?1 <= seq ORDER BY seq",
    )?;
    let rows = stmt.query_map([from_seq], entry_of)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// The entry in a row whose first five columns are `seq, at, user_id, action, payload`.
fn entry_of(row: &Row<'_>) -> rusqlite::Result<AuditEntry> {
    Ok(AuditEntry {
        seq: row.get(0)?,
        at: Timestamp(row.get(1)?),
        user: row.get::<_, Option<i64>>(2)?.map(UserId),
        action: row.get(3)?,
        payload: row.get(4)?,
    })
}

/// The whole audit log with each row's stored hash, and the stored head: what a results batch
/// carries, so that the commission can recompute the chain.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AuditChain {
    /// Every row in order, with its stored hash (lowercase hex).
    pub entries: Vec<(AuditEntry, String)>,
    /// The stored head: last seq and its hash (lowercase hex).
    pub head: (i64, String),
}

/// Every row in order with its stored hash (lowercase hex): the log a results batch carries, so
/// that the commission can recompute the chain.
pub fn chain(conn: &Connection) -> Result<Vec<(AuditEntry, String)>, StoreError> {
    let mut stmt = conn
        .prepare_cached("SELECT seq, at, user_id, action, payload, hash FROM audit ORDER BY seq")?;
    let rows = stmt.query_map([], |row| {
        Ok((entry_of(row)?, hex(&row.get::<_, Vec<u8>>(5)?)))
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Lowercase hex of `bytes`.
pub fn hex(bytes: &[u8]) -> String {
    audit_chain::hex(bytes)
}

/// Looks up one row.
pub fn entry(conn: &Connection, seq: i64) -> Result<Option<AuditEntry>, StoreError> {
    Ok(conn
        .prepare_cached("SELECT seq, at, user_id, action, payload FROM audit WHERE seq = ?1")?
        .query_row([seq], entry_of)
        .optional()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encoding_is_stable() {
        // Golden: changing the encoding breaks every existing chain. A new encoding is a new tag.
        let encoding = encode(1, Timestamp(2), Some(UserId(3)), "a", "{}", &[0; 32]);
        assert_eq!(
            hex(&hash(&encoding)),
            "6fdf2162178a8a2a27d832f064e094ac130d2f16260efa3992694cb2bcf7990c"
        );
        let none = encode(1, Timestamp(2), None, "a", "{}", &[0; 32]);
        assert_ne!(encoding, none);
    }
}
