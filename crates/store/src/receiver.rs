//! The territorial commission's receiver database: imported batches, conflicts held for a person,
//! and the final protocols they carry, from which tallies are made.
//!
//! A separate SQLite file from a precinct's store, with its own `application_id` ("HTMR"), so
//! neither program can open the other's file by mistake. What to import is decided by
//! `hattama_batch::receive::decide` (the caller passes its outcome); this module only records.
//! Rows are never updated or deleted: triggers refuse it.

use std::collections::HashMap;
use std::path::Path;
use std::time::Duration;

pub use rusqlite::{Connection, Transaction};
use rusqlite::{OpenFlags, params};

use hattama_protocol::PrecinctId;

/// `PRAGMA application_id` of a receiver database: "HTMR" in ASCII.
pub const RECEIVER_APPLICATION_ID: i32 = 0x4854_4D52;

const SCHEMA: &str = "
CREATE TABLE batches (
    election TEXT NOT NULL,
    region TEXT NOT NULL,
    number INTEGER NOT NULL,
    sequence INTEGER NOT NULL,
    hash TEXT NOT NULL,
    key_id TEXT NOT NULL,
    payload BLOB NOT NULL,
    signature TEXT NOT NULL,
    imported_at TEXT NOT NULL,
    PRIMARY KEY (election, region, number, sequence)
) STRICT;
CREATE TABLE protocols (
    election TEXT NOT NULL,
    region TEXT NOT NULL,
    number INTEGER NOT NULL,
    contest TEXT NOT NULL,
    version INTEGER NOT NULL,
    template TEXT NOT NULL,
    batch_hash TEXT NOT NULL,
    \"values\" TEXT NOT NULL,
    PRIMARY KEY (election, region, number, contest, version)
) STRICT;
CREATE TABLE conflicts (
    id INTEGER PRIMARY KEY,
    election TEXT NOT NULL,
    region TEXT NOT NULL,
    number INTEGER NOT NULL,
    sequence INTEGER NOT NULL,
    hash TEXT NOT NULL,
    existing_hash TEXT NOT NULL,
    key_id TEXT NOT NULL,
    payload BLOB NOT NULL,
    signature TEXT NOT NULL,
    received_at TEXT NOT NULL
) STRICT;
CREATE TRIGGER batches_no_update BEFORE UPDATE ON batches BEGIN SELECT RAISE(ABORT, 'imported batches are never changed'); END;
CREATE TRIGGER batches_no_delete BEFORE DELETE ON batches BEGIN SELECT RAISE(ABORT, 'imported batches are never deleted'); END;
CREATE TRIGGER protocols_no_update BEFORE UPDATE ON protocols BEGIN SELECT RAISE(ABORT, 'imported protocols are never changed'); END;
CREATE TRIGGER protocols_no_delete BEFORE DELETE ON protocols BEGIN SELECT RAISE(ABORT, 'imported protocols are never deleted'); END;
";

/// Why the receiver database cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum ReceiverError {
    /// The file is not a receiver database (another program's, or a precinct store).
    #[error("{0} is not a Hattama receiver database")]
    NotReceiver(String),
    /// SQLite failed.
    #[error("receiver database: {0}")]
    Sql(#[from] rusqlite::Error),
    /// A stored value list is not readable.
    #[error("receiver database holds damaged values: {0}")]
    Damaged(String),
}

/// Opens (creating if missing) a receiver database.
pub fn open_receiver(path: &Path) -> Result<Connection, ReceiverError> {
    let exists = path.exists();
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_CREATE
            | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    conn.busy_timeout(Duration::from_secs(10))?;
    let not_receiver = || ReceiverError::NotReceiver(path.display().to_string());
    if exists {
        let id: i32 = conn
            .pragma_query_value(None, "application_id", |row| row.get(0))
            .map_err(|_| not_receiver())?;
        if id != RECEIVER_APPLICATION_ID {
            return Err(not_receiver());
        }
    }
    // A rollback journal rather than WAL: an import is one large transaction of new rows, which
    // WAL would write twice (into the log, then into the file at the checkpoint).
    conn.pragma_update(None, "journal_mode", "DELETE")?;
    conn.pragma_update(None, "synchronous", "FULL")?;
    conn.pragma_update(None, "foreign_keys", true)?;
    if !exists {
        conn.execute_batch(SCHEMA)?;
        conn.pragma_update(None, "application_id", RECEIVER_APPLICATION_ID)?;
        conn.pragma_update(None, "user_version", 1)?;
    }
    Ok(conn)
}

/// A batch to record, as plain values.
#[derive(Clone, Debug)]
pub struct BatchRecord<'a> {
    /// Election id.
    pub election: &'a str,
    /// Precinct.
    pub precinct: &'a PrecinctId,
    /// Sequence number.
    pub sequence: u64,
    /// Batch hash.
    pub hash: &'a str,
    /// Signing key id.
    pub key_id: &'a str,
    /// The payload bytes as received.
    pub payload: &'a [u8],
    /// The signature text as received.
    pub signature: &'a str,
    /// When it was received (the receiver's clock).
    pub at: &'a str,
}

/// A final protocol carried by a batch.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProtocolRecord {
    /// Contest id.
    pub contest: String,
    /// Protocol version.
    pub version: u32,
    /// Template id.
    pub template: String,
    /// Line values in paper order.
    pub values: Vec<(String, u32)>,
}

/// The (sequence, hash) of every batch imported for the election, per precinct, in sequence order.
/// Read once before an import, so deciding on each batch needs no query.
pub fn histories(
    conn: &Connection,
    election: &str,
) -> Result<HashMap<PrecinctId, Vec<(u64, String)>>, ReceiverError> {
    let mut statement = conn.prepare(
        "SELECT region, number, sequence, hash FROM batches WHERE election = ?1 ORDER BY region, number, sequence",
    )?;
    let rows = statement.query_map(params![election], |row| {
        Ok((
            precinct_at(row)?,
            row.get::<_, i64>(2)?,
            row.get::<_, String>(3)?,
        ))
    })?;
    let mut out: HashMap<PrecinctId, Vec<(u64, String)>> = HashMap::new();
    for row in rows {
        let (precinct, sequence, hash) = row?;
        let sequence = u64::try_from(sequence)
            .map_err(|_| ReceiverError::Damaged(format!("negative sequence {sequence}")))?;
        out.entry(precinct).or_default().push((sequence, hash));
    }
    Ok(out)
}

/// The precinct in a row's first two columns (region, number).
fn precinct_at(row: &rusqlite::Row<'_>) -> rusqlite::Result<PrecinctId> {
    Ok(PrecinctId {
        region: row.get(0)?,
        number: row.get(1)?,
    })
}

/// Records an imported batch and its protocols (a version already recorded is kept as it is).
pub fn record_batch(
    tx: &Transaction<'_>,
    batch: &BatchRecord<'_>,
    protocols: &[ProtocolRecord],
) -> Result<(), ReceiverError> {
    tx.prepare_cached("INSERT INTO batches (election, region, number, sequence, hash, key_id, payload, signature, imported_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)")?
        .execute(params![
            batch.election,
            batch.precinct.region,
            batch.precinct.number,
            i64::try_from(batch.sequence).unwrap_or(i64::MAX),
            batch.hash,
            batch.key_id,
            batch.payload,
            batch.signature,
            batch.at
        ])?;
    let mut insert = tx.prepare_cached(
        "INSERT OR IGNORE INTO protocols (election, region, number, contest, version, template, batch_hash, \"values\") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?;
    for protocol in protocols {
        let values = serde_json::to_string(&protocol.values)
            .map_err(|error| ReceiverError::Damaged(error.to_string()))?;
        insert.execute(params![
            batch.election,
            batch.precinct.region,
            batch.precinct.number,
            protocol.contest,
            protocol.version,
            protocol.template,
            batch.hash,
            values
        ])?;
    }
    Ok(())
}

/// Holds a batch that conflicts with an imported one, for a person to decide. Nothing imported changes.
pub fn record_conflict(
    tx: &Transaction<'_>,
    batch: &BatchRecord<'_>,
    existing_hash: &str,
) -> Result<(), ReceiverError> {
    let already: i64 = tx.query_row(
        "SELECT count(*) FROM conflicts WHERE hash = ?1",
        params![batch.hash],
        |row| row.get(0),
    )?;
    if already == 0 {
        tx.execute(
            "INSERT INTO conflicts (election, region, number, sequence, hash, existing_hash, key_id, payload, signature, received_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
            params![
                batch.election,
                batch.precinct.region,
                batch.precinct.number,
                i64::try_from(batch.sequence).unwrap_or(i64::MAX),
                batch.hash,
                existing_hash,
                batch.key_id,
                batch.payload,
                batch.signature,
                batch.at
            ],
        )?;
    }
    Ok(())
}

/// A conflict held for a person.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Conflict {
    /// Precinct.
    pub precinct: PrecinctId,
    /// Sequence.
    pub sequence: u64,
    /// The held batch's hash.
    pub hash: String,
    /// The imported batch's hash.
    pub existing_hash: String,
}

/// Conflicts held for a person.
pub fn conflicts(conn: &Connection, election: &str) -> Result<Vec<Conflict>, ReceiverError> {
    let mut statement = conn.prepare("SELECT region, number, sequence, hash, existing_hash FROM conflicts WHERE election = ?1 ORDER BY id")?;
    let rows = statement.query_map(params![election], |row| {
        Ok(Conflict {
            precinct: precinct_at(row)?,
            sequence: u64::try_from(row.get::<_, i64>(2)?).unwrap_or(0),
            hash: row.get(3)?,
            existing_hash: row.get(4)?,
        })
    })?;
    Ok(rows.collect::<Result<Vec<_>, _>>()?)
}

/// The newest version of every precinct's protocol of every contest: `(precinct, protocol)`.
pub fn latest_protocols(
    conn: &Connection,
    election: &str,
) -> Result<Vec<(PrecinctId, ProtocolRecord)>, ReceiverError> {
    let mut statement = conn.prepare(
        "SELECT p.region, p.number, p.contest, p.version, p.template, p.\"values\" FROM protocols p
         WHERE p.election = ?1 AND p.version = (SELECT max(version) FROM protocols q
             WHERE q.election = p.election AND q.region = p.region AND q.number = p.number AND q.contest = p.contest)
         ORDER BY p.region, p.number, p.contest",
    )?;
    let rows = statement.query_map(params![election], |row| {
        Ok((
            precinct_at(row)?,
            row.get::<_, String>(2)?,
            row.get::<_, u32>(3)?,
            row.get::<_, String>(4)?,
            row.get::<_, String>(5)?,
        ))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (precinct, contest, version, template, values) = row?;
        let values: Vec<(String, u32)> = serde_json::from_str(&values)
            .map_err(|error| ReceiverError::Damaged(error.to_string()))?;
        out.push((
            precinct,
            ProtocolRecord {
                contest,
                version,
                template,
                values,
            },
        ));
    }
    Ok(out)
}
