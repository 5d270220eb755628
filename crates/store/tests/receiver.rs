//! The territorial commission's receiver database, through the functions the commission calls:
//! a new file made with its own id, another program's file refused, batches and their protocols
//! recorded and read back per precinct, a version already recorded kept as it was, a held batch
//! held once with why, and rows that are never changed.

#![expect(
    clippy::unwrap_used,
    reason = "test helpers unwrap: a panic there is a failed test"
)]

pub mod common;

use hattama_protocol::PrecinctId;
use hattama_store::receiver::{
    BatchRecord, Connection, HeldFor, ImportedBatch, ProtocolRecord, RECEIVER_APPLICATION_ID,
    ReceiverError, conflicts, histories, latest_protocols, open_receiver, record_batch,
    record_conflict,
};

const ELECTION: &str = "majilis-2023";

fn precinct(number: u32) -> PrecinctId {
    PrecinctId {
        region: "abai".into(),
        number,
    }
}

fn protocol(contest: &str, version: u32, first: u32) -> ProtocolRecord {
    ProtocolRecord {
        contest: contest.into(),
        version,
        template: format!("{contest}-template"),
        values: vec![("L1".into(), first), ("L2".into(), first + 1)],
    }
}

fn batch<'a>(
    election: &'a str,
    precinct: &'a PrecinctId,
    sequence: u64,
    hash: &'a str,
) -> BatchRecord<'a> {
    BatchRecord {
        election,
        precinct,
        sequence,
        hash,
        key_id: "0123456789ABCDEF",
        audit_head: (40 + sequence, hash),
        payload: b"{}",
        signature: "signature",
        at: "2023-03-19T20:00:00Z",
    }
}

fn record(conn: &mut Connection, batch: &BatchRecord<'_>, protocols: &[ProtocolRecord]) {
    let tx = conn.transaction().unwrap();
    record_batch(&tx, batch, protocols).unwrap();
    tx.commit().unwrap();
}

fn pragma<T: rusqlite::types::FromSql>(conn: &Connection, name: &str) -> T {
    conn.pragma_query_value(None, name, |row| row.get(0))
        .unwrap()
}

#[test]
fn a_new_receiver_database_is_made_with_its_own_id_and_another_file_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("receiver.db");
    let conn = open_receiver(&path).unwrap();
    assert_eq!(
        pragma::<i32>(&conn, "application_id"),
        RECEIVER_APPLICATION_ID
    );
    assert_eq!(pragma::<i32>(&conn, "user_version"), 2);
    assert_eq!(pragma::<String>(&conn, "journal_mode"), "delete");
    assert_eq!(pragma::<i32>(&conn, "synchronous"), 2, "FULL");
    drop(conn);
    assert!(open_receiver(&path).is_ok());

    // A precinct's store is no receiver database.
    let (_store_dir, store_path) = common::fresh_copy();
    let error = open_receiver(&store_path).unwrap_err();
    assert!(
        matches!(&error, ReceiverError::NotReceiver(named) if named == &store_path.display().to_string()),
        "{error}"
    );

    // A newer build's receiver database is not opened.
    let conn = Connection::open(&path).unwrap();
    conn.pragma_update(None, "user_version", 3).unwrap();
    drop(conn);
    assert!(matches!(open_receiver(&path), Err(ReceiverError::Newer(3))));
}

#[test]
fn imported_batches_come_back_per_precinct_in_sequence_with_the_protocols_they_brought() {
    let dir = tempfile::tempdir().unwrap();
    let mut conn = open_receiver(&dir.path().join("receiver.db")).unwrap();
    let (one, two) = (precinct(1), precinct(2));
    record(
        &mut conn,
        &batch(ELECTION, &one, 1, "h1"),
        &[protocol("p1", 1, 100)],
    );
    record(
        &mut conn,
        &batch(ELECTION, &two, 1, "h3"),
        &[protocol("p1", 1, 300)],
    );
    // The second batch of precinct 1 repeats P1 v1 with other values and brings P1 v2 and P2:
    // the version recorded first is kept as it was.
    record(
        &mut conn,
        &batch(ELECTION, &one, 2, "h2"),
        &[
            protocol("p1", 1, 999),
            protocol("p1", 2, 110),
            protocol("p2", 1, 200),
        ],
    );
    // Another election's batch is none of this one's.
    record(
        &mut conn,
        &batch("senate-2023", &one, 1, "h9"),
        &[protocol("p1", 1, 900)],
    );
    let found = histories(&conn, ELECTION).unwrap();
    assert_eq!(found.len(), 2);
    assert_eq!(
        found[&one],
        vec![
            ImportedBatch {
                sequence: 1,
                hash: "h1".into(),
                audit_head: (41, "h1".into()),
                protocols: vec![protocol("p1", 1, 100)],
            },
            ImportedBatch {
                sequence: 2,
                hash: "h2".into(),
                audit_head: (42, "h2".into()),
                protocols: vec![protocol("p1", 2, 110), protocol("p2", 1, 200)],
            },
        ]
    );
    assert_eq!(found[&two][0].protocols, vec![protocol("p1", 1, 300)]);
    // The newest version of each precinct's protocol of each contest.
    assert_eq!(
        latest_protocols(&conn, ELECTION).unwrap(),
        vec![
            (one.clone(), protocol("p1", 2, 110)),
            (one, protocol("p2", 1, 200)),
            (two, protocol("p1", 1, 300)),
        ]
    );
}

#[test]
fn a_held_batch_is_held_once_with_why_and_nothing_imported_changes() {
    let dir = tempfile::tempdir().unwrap();
    let mut conn = open_receiver(&dir.path().join("receiver.db")).unwrap();
    let one = precinct(1);
    record(
        &mut conn,
        &batch(ELECTION, &one, 1, "h1"),
        &[protocol("p1", 1, 100)],
    );
    let held_for = HeldFor {
        kind: "values_differ".into(),
        params: vec![
            ("contest".into(), "p1".into()),
            ("version".into(), "1".into()),
        ],
    };
    for _ in 0..2 {
        let tx = conn.transaction().unwrap();
        record_conflict(&tx, &batch(ELECTION, &one, 1, "h1x"), "h1", &held_for).unwrap();
        tx.commit().unwrap();
    }
    let held = conflicts(&conn, ELECTION).unwrap();
    assert_eq!(held.len(), 1, "held once");
    assert_eq!(held[0].precinct, one);
    assert_eq!(held[0].sequence, 1);
    assert_eq!(held[0].hash, "h1x");
    assert_eq!(held[0].existing_hash, "h1");
    assert_eq!(held[0].held_for, held_for);
    assert!(conflicts(&conn, "senate-2023").unwrap().is_empty());
    assert_eq!(histories(&conn, ELECTION).unwrap()[&one].len(), 1);
}

#[test]
fn imported_rows_are_never_changed_or_deleted() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("receiver.db");
    let mut conn = open_receiver(&path).unwrap();
    let one = precinct(1);
    record(
        &mut conn,
        &batch(ELECTION, &one, 1, "h1"),
        &[protocol("p1", 1, 100)],
    );
    for sql in [
        "UPDATE batches SET hash = 'forged'",
        "DELETE FROM batches",
        "UPDATE protocols SET \"values\" = '[]'",
        "DELETE FROM protocols",
        "UPDATE audit_heads SET audit_hash = 'forged'",
        "DELETE FROM audit_heads",
    ] {
        assert!(conn.execute(sql, []).is_err(), "{sql}");
    }
    assert_eq!(
        latest_protocols(&conn, ELECTION).unwrap(),
        vec![(one, protocol("p1", 1, 100))]
    );
}
