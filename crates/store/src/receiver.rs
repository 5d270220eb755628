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

/// Version 2: the audit head each imported batch stated (a later batch's log must hold it), and
/// why a conflict is held (`kind`, with its parameters as a JSON object). Batches imported
/// before carry their head in their payload, from which it is filled in.
const MIGRATION_2: &str = "
CREATE TABLE audit_heads (
    election TEXT NOT NULL,
    region TEXT NOT NULL,
    number INTEGER NOT NULL,
    sequence INTEGER NOT NULL,
    audit_seq INTEGER NOT NULL,
    audit_hash TEXT NOT NULL,
    PRIMARY KEY (election, region, number, sequence)
) STRICT;
INSERT INTO audit_heads (election, region, number, sequence, audit_seq, audit_hash)
    SELECT election, region, number, sequence,
        json_extract(CAST(payload AS TEXT), '$.audit_head.seq'),
        json_extract(CAST(payload AS TEXT), '$.audit_head.hash')
    FROM batches;
CREATE TRIGGER audit_heads_no_update BEFORE UPDATE ON audit_heads BEGIN SELECT RAISE(ABORT, 'imported audit heads are never changed'); END;
CREATE TRIGGER audit_heads_no_delete BEFORE DELETE ON audit_heads BEGIN SELECT RAISE(ABORT, 'imported audit heads are never deleted'); END;
ALTER TABLE conflicts ADD COLUMN kind TEXT NOT NULL DEFAULT 'conflict';
ALTER TABLE conflicts ADD COLUMN params TEXT NOT NULL DEFAULT '{}';
";

/// The receiver schema version this build writes.
const RECEIVER_VERSION: i32 = 2;

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
    /// The file was written by a newer build.
    #[error("the receiver database has schema version {0}, newer than this build's")]
    Newer(i32),
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
    let mut version: i32 = if exists {
        conn.pragma_query_value(None, "user_version", |row| row.get(0))?
    } else {
        0
    };
    if RECEIVER_VERSION < version {
        return Err(ReceiverError::Newer(version));
    }
    while version < RECEIVER_VERSION {
        let tx = conn.unchecked_transaction()?;
        if version == 0 {
            tx.execute_batch(SCHEMA)?;
            tx.pragma_update(None, "application_id", RECEIVER_APPLICATION_ID)?;
        } else {
            tx.execute_batch(MIGRATION_2)?;
        }
        version += 1;
        tx.pragma_update(None, "user_version", version)?;
        tx.commit()?;
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
    /// The audit head the batch states: sequence number and hash.
    pub audit_head: (u64, &'a str),
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

/// A batch imported before, as the next import's decisions need it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportedBatch {
    /// Sequence number.
    pub sequence: u64,
    /// Batch hash.
    pub hash: String,
    /// The audit head it stated: sequence number and hash.
    pub audit_head: (u64, String),
    /// The protocol versions it brought in (first imported from it).
    pub protocols: Vec<ProtocolRecord>,
}

/// Every batch imported for the election, per precinct, in sequence order, with the protocol
/// versions each brought in. Read once before an import, so deciding on each batch needs no
/// query.
pub fn histories(
    conn: &Connection,
    election: &str,
) -> Result<HashMap<PrecinctId, Vec<ImportedBatch>>, ReceiverError> {
    let mut statement = conn.prepare(
        "SELECT b.region, b.number, b.sequence, b.hash, h.audit_seq, h.audit_hash
         FROM batches b JOIN audit_heads h USING (election, region, number, sequence)
         WHERE b.election = ?1 ORDER BY b.region, b.number, b.sequence",
    )?;
    let rows = statement.query_map(params![election], |row| {
        Ok((
            precinct_at(row)?,
            row.get::<_, i64>(2)?,
            row.get::<_, String>(3)?,
            row.get::<_, i64>(4)?,
            row.get::<_, String>(5)?,
        ))
    })?;
    let mut out: HashMap<PrecinctId, Vec<ImportedBatch>> = HashMap::new();
    let mut by_hash: HashMap<String, (PrecinctId, usize)> = HashMap::new();
    for row in rows {
        let (precinct, sequence, hash, audit_seq, audit_hash) = row?;
        let sequence = u64::try_from(sequence)
            .map_err(|_| ReceiverError::Damaged(format!("negative sequence {sequence}")))?;
        let audit_seq = u64::try_from(audit_seq)
            .map_err(|_| ReceiverError::Damaged(format!("negative audit seq {audit_seq}")))?;
        let batches = out.entry(precinct.clone()).or_default();
        by_hash.insert(hash.clone(), (precinct, batches.len()));
        batches.push(ImportedBatch {
            sequence,
            hash,
            audit_head: (audit_seq, audit_hash),
            protocols: Vec::new(),
        });
    }
    let mut statement = conn.prepare(
        "SELECT batch_hash, contest, version, template, \"values\" FROM protocols
         WHERE election = ?1 ORDER BY region, number, contest, version",
    )?;
    let rows = statement.query_map(params![election], |row| {
        Ok((
            row.get::<_, String>(0)?,
            ProtocolRecord {
                contest: row.get(1)?,
                version: row.get(2)?,
                template: row.get(3)?,
                values: Vec::new(),
            },
            row.get::<_, String>(4)?,
        ))
    })?;
    for row in rows {
        let (batch_hash, mut protocol, values) = row?;
        protocol.values = serde_json::from_str(&values)
            .map_err(|error| ReceiverError::Damaged(error.to_string()))?;
        let batch = by_hash
            .get(&batch_hash)
            .and_then(|(precinct, idx)| out.get_mut(precinct)?.get_mut(*idx))
            .ok_or_else(|| {
                ReceiverError::Damaged(format!("a protocol of unknown batch {batch_hash}"))
            })?;
        batch.protocols.push(protocol);
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
    tx.prepare_cached("INSERT INTO audit_heads (election, region, number, sequence, audit_seq, audit_hash) VALUES (?1, ?2, ?3, ?4, ?5, ?6)")?
        .execute(params![
            batch.election,
            batch.precinct.region,
            batch.precinct.number,
            i64::try_from(batch.sequence).unwrap_or(i64::MAX),
            i64::try_from(batch.audit_head.0).unwrap_or(i64::MAX),
            batch.audit_head.1
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

/// Why a batch is held: the decision's code and its parameters.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HeldFor {
    /// The decision's code: `conflict`, `history_rewritten`, `values_differ`, `final_not_in_log`.
    pub kind: String,
    /// Its parameters, `(name, value)`.
    pub params: Vec<(String, String)>,
}

/// Holds a batch that conflicts with an imported one, for a person to decide, with why; a batch
/// already held is not held twice. Nothing imported changes.
pub fn record_conflict(
    tx: &Transaction<'_>,
    batch: &BatchRecord<'_>,
    existing_hash: &str,
    held_for: &HeldFor,
) -> Result<(), ReceiverError> {
    let params_json: serde_json::Map<String, serde_json::Value> = held_for
        .params
        .iter()
        .map(|(name, value)| (name.clone(), serde_json::Value::String(value.clone())))
        .collect();
    let params_json = serde_json::Value::Object(params_json).to_string();
    let already: i64 = tx.query_row(
        "SELECT count(*) FROM conflicts WHERE hash = ?1",
        params![batch.hash],
        |row| row.get(0),
    )?;
    if already == 0 {
        tx.execute(
            "INSERT INTO conflicts (election, region, number, sequence, hash, existing_hash, key_id, payload, signature, received_at, kind, params) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
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
                batch.at,
                held_for.kind,
                params_json
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
    /// The hash of the imported batch it is held beside (empty when there is none).
    pub existing_hash: String,
    /// Why it is held, with the parameters.
    pub held_for: HeldFor,
}

/// Conflicts held for a person.
pub fn conflicts(conn: &Connection, election: &str) -> Result<Vec<Conflict>, ReceiverError> {
    let mut statement = conn.prepare("SELECT region, number, sequence, hash, existing_hash, kind, params FROM conflicts WHERE election = ?1 ORDER BY id")?;
    let rows = statement.query_map(params![election], |row| {
        Ok((
            Conflict {
                precinct: precinct_at(row)?,
                sequence: u64::try_from(row.get::<_, i64>(2)?).unwrap_or(0),
                hash: row.get(3)?,
                existing_hash: row.get(4)?,
                held_for: HeldFor {
                    kind: row.get(5)?,
                    params: Vec::new(),
                },
            },
            row.get::<_, String>(6)?,
        ))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (mut conflict, params_json) = row?;
        let params: serde_json::Map<String, serde_json::Value> = serde_json::from_str(&params_json)
            .map_err(|error| ReceiverError::Damaged(error.to_string()))?;
        conflict.held_for.params = params
            .into_iter()
            .map(|(name, value)| (name, value.as_str().unwrap_or_default().to_owned()))
            .collect();
        out.push(conflict);
    }
    Ok(out)
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_version_1_receiver_database_keeps_its_batches_and_gains_their_audit_heads() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("receiver.db");
        {
            let conn = Connection::open(&path).expect("created");
            conn.execute_batch(SCHEMA).expect("schema 1");
            conn.pragma_update(None, "application_id", RECEIVER_APPLICATION_ID)
                .expect("id");
            conn.pragma_update(None, "user_version", 1)
                .expect("version");
            conn.execute(
                "INSERT INTO batches VALUES ('e', 'abai', 1, 1, 'h1', 'k', ?1, 's', 't')",
                [br#"{"audit_head": {"seq": 57, "hash": "ab"}}"#.as_slice()],
            )
            .expect("batch");
            conn.execute(
                "INSERT INTO conflicts (election, region, number, sequence, hash, existing_hash, key_id, payload, signature, received_at) VALUES ('e', 'abai', 1, 1, 'h2', 'h1', 'k', x'', 's', 't')",
                [],
            )
            .expect("conflict");
        }
        let conn = open_receiver(&path).expect("migrated");
        let version: i32 = conn
            .pragma_query_value(None, "user_version", |row| row.get(0))
            .expect("version");
        assert_eq!(version, RECEIVER_VERSION);
        let histories = histories(&conn, "e").expect("histories");
        let precinct = PrecinctId {
            region: "abai".into(),
            number: 1,
        };
        assert_eq!(histories[&precinct][0].audit_head, (57, "ab".to_owned()));
        let held = conflicts(&conn, "e").expect("conflicts");
        assert_eq!(held[0].held_for.kind, "conflict");
        assert!(held[0].held_for.params.is_empty());
        drop(conn);
        // Opened again: nothing more to do.
        assert!(open_receiver(&path).is_ok());
    }
}
