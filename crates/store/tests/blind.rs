//! Blind entry everywhere, and nothing vouched for that the chain does not record (issue 12,
//! findings 3 and 4), as the people in the room would try it: the second clerk reading the
//! first entry in the audit log, the reconciler picking an entry's number instead of reading
//! the paper, and someone with the file and an SQLite shell changing a final value overnight.

#![expect(
    clippy::unwrap_used,
    reason = "test helpers unwrap: a panic there is a failed test"
)]

pub mod common;

use std::path::Path;

use hattama_protocol::Count;
use hattama_store::audit;
use hattama_store::{EntryNo, Matched, Phase, Reconciled, Session, Store, Timestamp, UserId};

use common::{
    NOW, P1, Precinct, clean_p1, differing_on, file_hashes, precinct, test_config, type_entry, with,
};

/// Every audit row `viewer` sees for `contest`, as (action, payload JSON, hidden).
fn view_of(
    store: &Store,
    viewer: &Session,
    contest: &str,
) -> Vec<(String, serde_json::Value, bool)> {
    store
        .audit_view(viewer, 1)
        .expect("test helper")
        .into_iter()
        .filter_map(|row| {
            let payload: serde_json::Value =
                serde_json::from_str(&row.entry.payload).expect("test helper");
            (payload["contest"] == contest).then_some((row.entry.action, payload, row.hidden))
        })
        .collect()
}

/// Whether any payload `viewer` sees for `contest` carries a number key.
fn shows_numbers(store: &Store, viewer: &Session, contest: &str) -> bool {
    view_of(store, viewer, contest)
        .iter()
        .any(|(_, payload, _)| {
            ["value", "raw", "values"]
                .iter()
                .any(|key| payload.get(key).is_some())
        })
}

#[test]
fn the_audit_view_hides_entry_values_until_the_entries_agree() {
    let mut p = precinct();
    type_entry(&mut p.store, P1, EntryNo::First, &p.ana, &clean_p1());
    p.store
        .save_value(&p.bek, P1, EntryNo::Second, "L1", "1000", NOW)
        .unwrap();
    // While entry 2 is typed, nobody (the second clerk least of all) reads entry 1 in the log.
    for viewer in [&p.ana, &p.bek, &p.chair] {
        let rows = view_of(&p.store, viewer, P1);
        let saves: Vec<_> = rows
            .iter()
            .filter(|(action, _, _)| action == "value.save")
            .collect();
        assert_eq!(saves.len(), clean_p1().len() + 1, "every save row stays");
        assert!(saves.iter().all(|(_, payload, hidden)| *hidden
            && payload.get("value").is_none()
            && payload.get("raw").is_none()
            && payload["line"].is_string()));
        assert!(!shows_numbers(&p.store, viewer, P1));
    }
    // The chain is verified over the real payloads.
    assert!(p.store.verify_audit().unwrap().is_ok());
    // A session that is no longer valid (the user signed out or removed) sees nothing: the
    // permission check comes first, as for every other action.

    // Both done but differing: still hidden, or the reconciler would read both entries there.
    for (line, value) in with(&clean_p1(), "L9", 81).into_iter().skip(1) {
        p.store
            .save_value(&p.bek, P1, EntryNo::Second, line, &value.to_string(), NOW)
            .unwrap();
    }
    p.store
        .finish_entry(&p.bek, P1, EntryNo::Second, NOW)
        .unwrap();
    assert_eq!(p.store.status(P1).unwrap().state.phase(), Phase::Differ);
    assert!(!shows_numbers(&p.store, &p.chair, P1));

    // Agreed: everything is shown, the reconcile row with the value typed and the entry matched.
    p.store
        .reconcile(&p.chair, P1, "L9", "81", false, NOW)
        .unwrap();
    let rows = view_of(&p.store, &p.chair, P1);
    assert!(rows.iter().all(|(_, _, hidden)| !hidden));
    let reconcile = rows
        .iter()
        .find(|(action, _, _)| action == "line.reconcile")
        .unwrap();
    assert_eq!(reconcile.1["value"], 81);
    assert_eq!(reconcile.1["raw"], "81");
    assert_eq!(reconcile.1["matched"], "second");

    // Another protocol being typed stays hidden meanwhile.
    p.store
        .save_value(&p.ana, "abai-list", EntryNo::First, "L1", "5", NOW)
        .unwrap();
    assert!(!shows_numbers(&p.store, &p.bek, "abai-list"));
    assert!(
        view_of(&p.store, &p.bek, "abai-list")
            .iter()
            .any(|(action, _, hidden)| action == "value.save" && *hidden)
    );
}

#[test]
fn an_entry_is_blind_to_everyone_but_its_clerk_while_the_entries_differ() {
    let p = differ_on_l9();
    assert_eq!(
        p.store
            .entry_values(&p.chair, P1, EntryNo::First)
            .unwrap_err()
            .code(),
        "store.entry_blind"
    );
    assert_eq!(
        p.store
            .entry_values(&p.ana, P1, EntryNo::Second)
            .unwrap_err()
            .code(),
        "store.entry_blind"
    );
    assert_eq!(
        p.store
            .history(&p.chair, P1, EntryNo::First, "L9")
            .unwrap_err()
            .code(),
        "store.entry_blind"
    );
    assert!(p.store.entry_values(&p.ana, P1, EntryNo::First).is_ok());
}

/// Entry 1 clean (L9 = 80), entry 2 the same but L9 = 81: only L9 differs.
fn differ_on_l9() -> Precinct {
    differing_on("L9", 81)
}

#[test]
fn reconcile_is_blind_and_says_which_entry_the_paper_matched() {
    for (typed, matched) in [("80", Matched::First), ("81", Matched::Second)] {
        let mut p = differ_on_l9();
        let differences = p.store.differences(P1).unwrap();
        assert_eq!(differences.len(), 1);
        assert_eq!(
            (
                differences[0].line.as_str(),
                differences[0].settled,
                differences[0].matched
            ),
            ("L9", None, None)
        );
        let reconciled = p
            .store
            .reconcile(&p.chair, P1, "L9", typed, false, NOW)
            .unwrap();
        let Reconciled::Settled {
            matched: got,
            state,
        } = reconciled
        else {
            panic!("{typed} is on an entry: {reconciled:?}");
        };
        assert_eq!((got, state.phase()), (matched, Phase::Agreed));
        let differences = p.store.differences(P1).unwrap();
        assert_eq!(differences[0].matched, Some(matched));
    }
}

#[test]
fn a_paper_value_on_neither_entry_needs_a_confirmation_and_stores_nothing_until_then() {
    let Precinct {
        dir: _dir,
        path,
        store,
        chair,
        ..
    } = differ_on_l9();
    store.close().unwrap();
    let before = file_hashes(&path);
    // A session names the user; the store checks their row on every action, so it holds across
    // reopening the file.
    let mut store = Store::open_with(&path, test_config()).unwrap();
    assert_eq!(
        store.reconcile(&chair, P1, "L9", "79", false, NOW).unwrap(),
        Reconciled::NeedsConfirmation
    );
    store.close().unwrap();
    assert_eq!(
        file_hashes(&path),
        before,
        "nothing stored before confirming"
    );

    let mut store = Store::open_with(&path, test_config()).unwrap();
    let reconciled = store.reconcile(&chair, P1, "L9", "079", true, NOW).unwrap();
    let Reconciled::Settled { matched, state } = reconciled else {
        panic!("confirmed: {reconciled:?}");
    };
    assert_eq!((matched, state.phase()), (Matched::Neither, Phase::Agreed));
    // Stored exactly as typed and parsed like an entry field: "079" is 79, the raw text kept.
    let differences = store.differences(P1).unwrap();
    assert_eq!(differences[0].settled.map(Count::get), Some(79));
    assert_eq!(differences[0].matched, Some(Matched::Neither));
    let row = store
        .audit_view(&chair, 1)
        .unwrap()
        .into_iter()
        .find(|row| row.entry.action == "line.reconcile")
        .unwrap();
    let payload: serde_json::Value = serde_json::from_str(&row.entry.payload).unwrap();
    assert_eq!(
        (&payload["value"], &payload["raw"], &payload["matched"]),
        (
            &serde_json::json!(79),
            &serde_json::json!("079"),
            &serde_json::json!("neither")
        )
    );
    assert!(store.verify_audit().unwrap().is_ok());
}

#[test]
fn a_refused_paper_value_is_never_reinterpreted() {
    let mut p = differ_on_l9();
    for raw in ["8O", "-80", "", " ", "80.0", "10000000"] {
        let error = p
            .store
            .reconcile(&p.chair, P1, "L9", raw, true, NOW)
            .unwrap_err();
        assert_eq!(error.code(), "store.bad_value", "{raw:?}");
    }
    assert!(p.store.differences(P1).unwrap()[0].settled.is_none());
}

// ---- Vouching: nothing signed that the chain does not vouch for (finding 4) ----

/// A precinct with P1 finalized, closed; returns it and the path.
fn finalized() -> (tempfile::TempDir, std::path::PathBuf) {
    let mut p = differ_on_l9();
    p.store
        .reconcile(&p.chair, P1, "L9", "80", false, NOW)
        .unwrap();
    p.store.finalize(&p.chair, P1, NOW).unwrap();
    p.store.vouch().unwrap();
    p.store.close().unwrap();
    (p.dir, p.path)
}

/// Runs `sql` on the file as someone with an SQLite shell would, triggers dropped first.
fn tamper(path: &Path, sql: &str) {
    let conn = rusqlite::Connection::open(path).unwrap();
    conn.execute_batch("DROP TRIGGER final_values_no_update; DROP TRIGGER audit_no_update;")
        .unwrap();
    conn.execute_batch(sql).unwrap();
    conn.close().unwrap();
}

/// Asserts that `vouch` refuses with `code` and that refusing wrote nothing.
fn assert_not_vouched(path: &Path, code: &str) -> hattama_store::StoreError {
    let before = file_hashes(path);
    let store = Store::open(path).unwrap();
    let error = store.vouch().unwrap_err();
    store.close().unwrap();
    assert_eq!(error.code(), code, "{error}");
    assert_eq!(file_hashes(path), before, "vouching only reads");
    error
}

#[test]
fn a_final_value_edited_at_rest_is_not_vouched_for() {
    let (_dir, path) = finalized();
    tamper(
        &path,
        "UPDATE final_values SET value = value + 500 WHERE line = 'L8.1';",
    );
    let error = assert_not_vouched(&path, "store.final_not_vouched");
    let params = error.params();
    assert_eq!(
        (
            params["contest"].as_str(),
            params["version"].as_str(),
            params["line"].as_str()
        ),
        (P1, "1", "L8.1")
    );
}

#[test]
fn a_final_value_deleted_or_added_at_rest_is_not_vouched_for() {
    let (_dir, path) = finalized();
    tamper(
        &path,
        "DROP TRIGGER final_values_no_delete; DELETE FROM final_values WHERE line = 'L9';",
    );
    assert_not_vouched(&path, "store.final_not_vouched");
}

#[test]
fn final_values_added_at_rest_to_a_protocol_never_finalized_are_not_vouched_for() {
    let (_dir, path) = finalized();
    // abai-list was never finalized: values written into its final table by hand.
    tamper(
        &path,
        "INSERT INTO final_values (protocol, line, value)
         SELECT id, 'L1', 1000 FROM protocols WHERE contest = 'abai-list';",
    );
    let error = assert_not_vouched(&path, "store.final_not_vouched");
    assert_eq!(error.params()["contest"], "abai-list");
}

#[test]
fn an_edited_audit_row_is_not_vouched_for() {
    let (_dir, path) = finalized();
    tamper(
        &path,
        "UPDATE audit SET payload = replace(payload, '\"L8.1\":', '\"L8.1\":1') \
         WHERE action = 'protocol.finalize';
         UPDATE final_values SET value = CAST('1' || value AS INTEGER) WHERE line = 'L8.1';",
    );
    // The final value now matches the (edited) finalize row, but that row no longer hashes.
    let error = assert_not_vouched(&path, "store.audit_broken");
    assert_eq!(error.params()["problem"], "edited");
}

#[test]
fn a_damaged_index_fails_the_integrity_check() {
    let (_dir, path) = finalized();
    // An index whose entries no longer match its table: `quick_check` (run at open) does not
    // look inside indexes, `integrity_check` does.
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.execute_batch(
        "CREATE INDEX tamper_idx ON final_values (value);
         PRAGMA writable_schema = ON;
         UPDATE sqlite_schema SET sql = 'CREATE INDEX tamper_idx ON final_values (line)'
           WHERE name = 'tamper_idx';
         PRAGMA writable_schema = OFF;",
    )
    .unwrap();
    conn.close().unwrap();
    let store = match Store::open(&path) {
        Ok(store) => store,
        Err(error) => panic!("opened: {error}"),
    };
    let error = store.vouch().unwrap_err();
    assert_eq!(error.code(), "store.integrity_failed", "{error}");
}

#[test]
fn a_chain_rewritten_consistently_passes_the_local_check() {
    // What the laptop alone cannot see: the value and its finalize row changed, and every hash
    // from that row on recomputed with the head. The commission catches it against the audit
    // head of the earlier batch; here we pin today's local result.
    let (_dir, path) = finalized();
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.execute_batch("DROP TRIGGER final_values_no_update; DROP TRIGGER audit_no_update;")
        .unwrap();
    conn.execute(
        "UPDATE audit SET payload = replace(payload, '\"L8.1\":', '\"L8.1\":1') \
         WHERE action = 'protocol.finalize'",
        [],
    )
    .unwrap();
    conn.execute(
        "UPDATE final_values SET value = CAST('1' || value AS INTEGER) WHERE line = 'L8.1'",
        [],
    )
    .unwrap();
    let rows: Vec<(i64, i64, Option<i64>, String, String)> = conn
        .prepare("SELECT seq, at, user_id, action, payload FROM audit ORDER BY seq")
        .unwrap()
        .query_map([], |row| {
            Ok((
                row.get(0)?,
                row.get(1)?,
                row.get(2)?,
                row.get(3)?,
                row.get(4)?,
            ))
        })
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let mut prev = [0u8; 32];
    for (seq, at, user, action, payload) in rows {
        let encoding = audit::encode(
            seq,
            Timestamp(at),
            user.map(UserId),
            &action,
            &payload,
            &prev,
        );
        let hash: [u8; 32] = sha256(&encoding);
        conn.execute(
            "UPDATE audit SET prev_hash = ?1, hash = ?2 WHERE seq = ?3",
            rusqlite::params![&prev[..], &hash[..], seq],
        )
        .unwrap();
        conn.execute(
            "UPDATE audit_head SET seq = ?1, hash = ?2 WHERE id = 1",
            rusqlite::params![seq, &hash[..]],
        )
        .unwrap();
        prev = hash;
    }
    conn.close().unwrap();
    let store = Store::open(&path).unwrap();
    assert!(
        store.vouch().is_ok(),
        "a consistent local rewrite passes here; the receiver compares audit heads"
    );
}

fn sha256(bytes: &[u8]) -> [u8; 32] {
    let hex = hattama_protocol::definition::sha256_hex(bytes);
    let mut out = [0u8; 32];
    for (index, byte) in out.iter_mut().enumerate() {
        *byte = u8::from_str_radix(&hex[index * 2..index * 2 + 2], 16).unwrap();
    }
    out
}
