//! The `exports` and `export_writes` tables: every signed batch exactly as signed, and each
//! place it was written to and read back from. Both only grow (triggers refuse changes).

use rusqlite::{Connection, Transaction, params};

use crate::error::StoreError;
use crate::types::Timestamp;

/// A signed batch as recorded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExportRow {
    /// The batch sequence number, from 1.
    pub sequence: u64,
    /// The batch hash (SHA-256 of the payload bytes, lowercase hex).
    pub hash: String,
    /// The previous batch's hash, from sequence 2 on.
    pub previous: Option<String>,
    /// The file base name.
    pub base_name: String,
    /// The payload bytes.
    pub payload: Vec<u8>,
    /// The signature file's text.
    pub signature: String,
    /// The protocol versions it carries: (contest, version).
    pub protocols: Vec<(String, u32)>,
    /// When it was signed.
    pub created_at: Timestamp,
}

fn sql_sequence(sequence: u64) -> Result<i64, StoreError> {
    i64::try_from(sequence)
        .map_err(|_| StoreError::Inconsistent(format!("export sequence {sequence} out of range")))
}

/// Records a signed batch with the audit row that logged it.
pub fn insert(tx: &Transaction<'_>, export: &ExportRow, audit_seq: i64) -> Result<(), StoreError> {
    let protocols = serde_json::to_string(&export.protocols)
        .map_err(|error| StoreError::Inconsistent(format!("export protocols: {error}")))?;
    tx.execute(
        "INSERT INTO exports (sequence, hash, previous, base_name, payload, signature, protocols, created_at, audit_seq)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        params![
            sql_sequence(export.sequence)?,
            export.hash,
            export.previous,
            export.base_name,
            export.payload,
            export.signature,
            protocols,
            export.created_at.0,
            audit_seq
        ],
    )?;
    Ok(())
}

/// Every recorded batch, oldest first.
pub fn all(conn: &Connection) -> Result<Vec<ExportRow>, StoreError> {
    let mut statement = conn.prepare_cached(
        "SELECT sequence, hash, previous, base_name, payload, signature, protocols, created_at
         FROM exports ORDER BY sequence",
    )?;
    let rows = statement.query_map([], |row| {
        Ok((
            row.get::<_, i64>(0)?,
            ExportRow {
                sequence: 0,
                hash: row.get(1)?,
                previous: row.get(2)?,
                base_name: row.get(3)?,
                payload: row.get(4)?,
                signature: row.get(5)?,
                protocols: Vec::new(),
                created_at: Timestamp(row.get(7)?),
            },
            row.get::<_, String>(6)?,
        ))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (sequence, mut export, protocols) = row?;
        export.sequence = u64::try_from(sequence)
            .map_err(|_| StoreError::Inconsistent(format!("export sequence {sequence}")))?;
        export.protocols = serde_json::from_str(&protocols)
            .map_err(|error| StoreError::Inconsistent(format!("export {sequence}: {error}")))?;
        out.push(export);
    }
    Ok(out)
}

/// Records that batch `sequence` was written and read back at `place`.
pub fn insert_write(
    tx: &Transaction<'_>,
    sequence: u64,
    place: &str,
    at: Timestamp,
) -> Result<(), StoreError> {
    tx.execute(
        "INSERT INTO export_writes (sequence, place, at) VALUES (?1, ?2, ?3)",
        params![sql_sequence(sequence)?, place, at.0],
    )?;
    Ok(())
}
