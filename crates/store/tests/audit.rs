//! Tampering with the audit log (or with the values it records) through raw SQL, as someone
//! with the file and an SQLite shell could, is detected by `verify_audit`.

pub mod common;

use std::path::Path;

use hattama_store::{BreakKind, EntryNo, Store};

use common::{NOW, P1, differing_on};

/// A finalized protocol plus a few saves on another; returns the temp dir, the path and the
/// head seq.
fn populated() -> (tempfile::TempDir, std::path::PathBuf, i64) {
    let mut p = differing_on("L1", 1001);
    p.store
        .reconcile(&p.chair, P1, "L1", "1000", false, NOW)
        .expect("test helper");
    p.store.finalize(&p.chair, P1, NOW).expect("test helper");
    p.store
        .save_value(&p.ana, "abai-list", EntryNo::First, "L1", "5", NOW)
        .expect("test helper");
    let (head, _) = p.store.audit_head().expect("test helper");
    assert!(p.store.verify_audit().expect("test helper").is_ok());
    p.store.close().expect("test helper");
    (p.dir, p.path, head)
}

/// Runs `sql` on the file as an outsider would: triggers dropped first.
fn tamper(path: &Path, sql: &str) {
    let conn = rusqlite::Connection::open(path).expect("test helper");
    conn.execute_batch(
        "DROP TRIGGER audit_no_update; DROP TRIGGER audit_no_delete;
         DROP TRIGGER audit_head_no_delete; DROP TRIGGER final_values_no_update;
         DROP TRIGGER entry_values_final_no_update; DROP TRIGGER entry_values_no_delete;",
    )
    .expect("test helper");
    conn.execute_batch(sql).expect("test helper");
    conn.close().expect("test helper");
}

fn assert_broken(sql: &str, seq: i64, kind: BreakKind) {
    let (_dir, path, _) = populated();
    tamper(&path, sql);
    let store = Store::open(&path).expect("test helper");
    let report = store.verify_audit().expect("test helper");
    assert!(!report.is_ok(), "a broken log is not ok: {sql}");
    let broken = report
        .broken
        .unwrap_or_else(|| panic!("not detected: {sql}"));
    assert_eq!((broken.seq, broken.kind), (seq, kind), "{sql}");
}

#[test]
fn the_chain_a_batch_carries_is_every_row_with_hashes_that_recompute_to_the_head() {
    let (_dir, path, head) = populated();
    let store = Store::open(&path).expect("test helper");
    let chain = store.audit_chain().expect("test helper");
    let report = store.verify_audit().expect("test helper");
    assert_eq!(report.rows, head, "verify counts every row");
    assert_eq!(i64::try_from(chain.entries.len()).unwrap(), head);
    let mut prev = [0u8; 32];
    for (expected_seq, (entry, stored)) in (1..).zip(&chain.entries) {
        assert_eq!(entry.seq, expected_seq);
        let link = hattama_protocol::audit_chain::Link {
            seq: entry.seq,
            at: entry.at.0,
            user: entry.user.map(|user| user.0),
            action: &entry.action,
            payload: &entry.payload,
        };
        let hash = hattama_protocol::audit_chain::link_hash(&link, &prev);
        assert_eq!(&hattama_protocol::audit_chain::hex(&hash), stored);
        prev = hash;
    }
    assert_eq!(
        chain.head,
        (head, hattama_protocol::audit_chain::hex(&prev))
    );
    assert_eq!(store.audit_head().expect("test helper"), chain.head);
}

#[test]
fn an_edited_payload_is_detected() {
    assert_broken(
        "UPDATE audit SET payload = replace(payload, '\"raw\":\"', '\"raw\":\"9') WHERE seq = 10",
        10,
        BreakKind::Edited,
    );
}

#[test]
fn an_edited_time_user_or_action_is_detected() {
    assert_broken(
        "UPDATE audit SET at = at + 1 WHERE seq = 7",
        7,
        BreakKind::Edited,
    );
    assert_broken(
        "UPDATE audit SET user_id = user_id + 1 WHERE seq = 7",
        7,
        BreakKind::Edited,
    );
    assert_broken(
        "UPDATE audit SET action = 'value.clear' WHERE seq = 7",
        7,
        BreakKind::Edited,
    );
}

#[test]
fn a_deleted_row_is_detected() {
    assert_broken("DELETE FROM audit WHERE seq = 12", 12, BreakKind::Missing);
    assert_broken("DELETE FROM audit WHERE seq = 1", 1, BreakKind::Missing);
}

#[test]
fn deleted_last_rows_are_detected() {
    let (_dir, path, head) = populated();
    tamper(
        &path,
        &format!("DELETE FROM audit WHERE seq >= {}", head - 1),
    );
    let store = Store::open(&path).unwrap();
    let broken = store.verify_audit().unwrap().broken.unwrap();
    assert_eq!((broken.seq, broken.kind), (head - 1, BreakKind::Truncated));
}

#[test]
fn reordered_rows_are_detected() {
    // Swap the contents of rows 8 and 9, keeping their seq numbers.
    assert_broken(
        "CREATE TEMP TABLE swap AS SELECT * FROM audit WHERE seq IN (8, 9);
         UPDATE audit SET at = (SELECT at FROM swap WHERE seq = 9),
             user_id = (SELECT user_id FROM swap WHERE seq = 9),
             action = (SELECT action FROM swap WHERE seq = 9),
             payload = (SELECT payload FROM swap WHERE seq = 9),
             prev_hash = (SELECT prev_hash FROM swap WHERE seq = 9),
             hash = (SELECT hash FROM swap WHERE seq = 9) WHERE seq = 8;
         UPDATE audit SET at = (SELECT at FROM swap WHERE seq = 8),
             user_id = (SELECT user_id FROM swap WHERE seq = 8),
             action = (SELECT action FROM swap WHERE seq = 8),
             payload = (SELECT payload FROM swap WHERE seq = 8),
             prev_hash = (SELECT prev_hash FROM swap WHERE seq = 8),
             hash = (SELECT hash FROM swap WHERE seq = 8) WHERE seq = 9;",
        8,
        BreakKind::Unlinked,
    );
    // Renumber two rows' seq so they trade places.
    assert_broken(
        "UPDATE audit SET seq = 1000000 WHERE seq = 8; UPDATE audit SET seq = 8 WHERE seq = 9;
         UPDATE audit SET seq = 9 WHERE seq = 1000000;",
        8,
        BreakKind::Unlinked,
    );
}

#[test]
fn a_value_edited_outside_the_log_is_detected() {
    let (_dir, path, _) = populated();
    tamper(
        &path,
        "UPDATE entry_values SET value = 7 WHERE line = 'L1' AND entry = 1
         AND protocol = (SELECT id FROM protocols WHERE contest = 'abai-list')",
    );
    let store = Store::open(&path).unwrap();
    let broken = store.verify_audit().unwrap().broken.unwrap();
    assert!(
        matches!(broken.kind, BreakKind::TableMismatch { .. }),
        "{broken:?}"
    );

    let (_dir, path, _) = populated();
    tamper(
        &path,
        "UPDATE final_values SET value = 999 WHERE line = 'L9'",
    );
    let store = Store::open(&path).unwrap();
    let broken = store.verify_audit().unwrap().broken.unwrap();
    assert!(
        matches!(broken.kind, BreakKind::TableMismatch { ref what } if what.starts_with("final_values")),
        "{broken:?}"
    );
}

#[test]
fn a_head_that_names_the_last_row_with_another_hash_is_detected() {
    // The seq agrees with the chain's end; only the hash is changed.
    let (_dir, path, head) = populated();
    tamper(&path, "UPDATE audit_head SET hash = zeroblob(32)");
    let store = Store::open(&path).expect("test helper");
    let report = store.verify_audit().expect("test helper");
    let broken = report.broken.expect("a head hash that differs is detected");
    assert_eq!((broken.seq, broken.kind), (head + 1, BreakKind::Truncated));
}

#[test]
fn a_protocol_added_in_sql_for_a_contest_the_precinct_does_not_hold_takes_no_value() {
    let (_dir, path, _) = populated();
    // abai-smd-2 is in the definition, for abai/2: not a contest of abai/1.
    tamper(
        &path,
        "INSERT INTO protocols (contest, version, state, started_at) VALUES ('abai-smd-2', 1, 'empty', 0);",
    );
    let mut store = Store::open_with(&path, common::test_config()).unwrap();
    let ana = common::sign_in(&mut store, "Ana", common::ANA_PIN);
    let error = store
        .save_value(&ana, "abai-smd-2", EntryNo::First, "L1", "5", NOW)
        .unwrap_err();
    assert_eq!(error.code(), "store.unknown_contest", "{error}");
    assert!(store.status("abai-smd-2").is_err());
}
