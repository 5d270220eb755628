//! The `commission_key` table: the commission's public key as the operator confirmed it against
//! the commission's paper at first run. Written once, never replaced (triggers refuse it); every
//! definition file is verified with it from then on. Reading key files, computing fingerprints
//! and checking the operator's confirmation are not this module's job: the precinct crate does
//! them with `hattama-batch`, and the store keeps what it is given.

use rusqlite::{Connection, OptionalExtension, Transaction, params};

use crate::error::StoreError;
use crate::types::Timestamp;

/// A commission key to pin: what the precinct crate read and the operator confirmed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CommissionKey {
    /// The key id (16 hex digits).
    pub key_id: String,
    /// The public key, minisign base64 (the bare key line).
    pub public_key: String,
    /// Its fingerprint as printed on the commission's paper (groups of four hex digits).
    pub fingerprint: String,
}

/// The pinned commission key, as stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PinnedKey {
    /// The key.
    pub key: CommissionKey,
    /// When it was pinned, by the laptop clock.
    pub pinned_at: Timestamp,
    /// The audit row that records the pinning.
    pub audit_seq: i64,
}

/// Stores the pinned key.
pub fn insert(
    tx: &Transaction<'_>,
    key: &CommissionKey,
    pinned_at: Timestamp,
    audit_seq: i64,
) -> Result<(), StoreError> {
    tx.execute(
        "INSERT INTO commission_key (id, key_id, public_key, fingerprint, pinned_at, audit_seq)
         VALUES (1, ?1, ?2, ?3, ?4, ?5)",
        params![
            key.key_id,
            key.public_key,
            key.fingerprint,
            pinned_at.0,
            audit_seq
        ],
    )?;
    Ok(())
}

/// The pinned key, if any.
pub fn get(conn: &Connection) -> Result<Option<PinnedKey>, StoreError> {
    Ok(conn
        .query_row(
            "SELECT key_id, public_key, fingerprint, pinned_at, audit_seq
             FROM commission_key WHERE id = 1",
            [],
            |row| {
                Ok(PinnedKey {
                    key: CommissionKey {
                        key_id: row.get(0)?,
                        public_key: row.get(1)?,
                        fingerprint: row.get(2)?,
                    },
                    pinned_at: Timestamp(row.get(3)?),
                    audit_seq: row.get(4)?,
                })
            },
        )
        .optional()?)
}
