//! The `definition` and `precinct` tables: which election this installation serves (the
//! definition's exact bytes and hash) and which precinct it is. Both are written once, at setup.

use rusqlite::{Connection, OptionalExtension, Transaction, params};

use hattama_protocol::PrecinctId;

use crate::error::StoreError;
use crate::types::Timestamp;

/// The stored definition: its bytes and the hash recorded at setup.
#[derive(Clone, Debug)]
pub struct StoredDefinition {
    /// The exact bytes of the definition file.
    pub bytes: Vec<u8>,
    /// SHA-256 of the bytes, lowercase hex, as computed at setup.
    pub hash: String,
}

/// Writes the definition and the precinct.
pub fn insert(
    tx: &Transaction<'_>,
    election: &str,
    bytes: &[u8],
    hash: &str,
    precinct: &PrecinctId,
    now: Timestamp,
) -> Result<(), StoreError> {
    tx.execute(
        "INSERT INTO definition (id, election, hash, bytes, loaded_at) VALUES (1, ?1, ?2, ?3, ?4)",
        params![election, hash, bytes, now.0],
    )?;
    tx.execute(
        "INSERT INTO precinct (id, region, number, set_up_at) VALUES (1, ?1, ?2, ?3)",
        params![precinct.region, precinct.number, now.0],
    )?;
    Ok(())
}

/// The stored definition and precinct, or `None` before setup.
pub fn load(conn: &Connection) -> Result<Option<(StoredDefinition, PrecinctId)>, StoreError> {
    let definition = conn
        .query_row(
            "SELECT bytes, hash FROM definition WHERE id = 1",
            [],
            |row| {
                Ok(StoredDefinition {
                    bytes: row.get(0)?,
                    hash: row.get(1)?,
                })
            },
        )
        .optional()?;
    let precinct = conn
        .query_row(
            "SELECT region, number FROM precinct WHERE id = 1",
            [],
            |row| {
                Ok(PrecinctId {
                    region: row.get(0)?,
                    number: row.get(1)?,
                })
            },
        )
        .optional()?;
    match (definition, precinct) {
        (Some(definition), Some(precinct)) => Ok(Some((definition, precinct))),
        (None, None) => Ok(None),
        _ => Err(StoreError::Inconsistent(
            "a definition without a precinct, or a precinct without a definition".into(),
        )),
    }
}
