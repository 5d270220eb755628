//! The `device_key` table: the installation's one signing key, its secret part encrypted with
//! the chair's passphrase. Written once, never replaced (triggers refuse it). Making and
//! unlocking the key is not this module's job: the store only keeps what it is given.

use rusqlite::{Connection, OptionalExtension, Transaction, params};

use crate::error::StoreError;
use crate::types::Timestamp;

/// A device key as stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredKey {
    /// The key id (16 hex digits).
    pub key_id: String,
    /// The public key, minisign base64.
    pub public_key: String,
    /// The secret key file, encrypted with the chair's passphrase.
    pub secret_key: String,
    /// When it was made.
    pub created_at: Timestamp,
}

/// Stores the device key.
pub fn insert(tx: &Transaction<'_>, key: &StoredKey) -> Result<(), StoreError> {
    tx.execute(
        "INSERT INTO device_key (id, key_id, public_key, secret_key, created_at) VALUES (1, ?1, ?2, ?3, ?4)",
        params![key.key_id, key.public_key, key.secret_key, key.created_at.0],
    )?;
    Ok(())
}

/// The device key, if made.
pub fn get(conn: &Connection) -> Result<Option<StoredKey>, StoreError> {
    Ok(conn
        .query_row(
            "SELECT key_id, public_key, secret_key, created_at FROM device_key WHERE id = 1",
            [],
            |row| {
                Ok(StoredKey {
                    key_id: row.get(0)?,
                    public_key: row.get(1)?,
                    secret_key: row.get(2)?,
                    created_at: Timestamp(row.get(3)?),
                })
            },
        )
        .optional()?)
}
