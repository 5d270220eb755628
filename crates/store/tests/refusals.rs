//! Every refused step returns a typed error and leaves the database byte-for-byte unchanged:
//! the files are hashed with the store closed, the step is tried through a fresh open, and the
//! files are hashed again after closing.

pub mod common;

use std::path::Path;

use hattama_store::{EntryNo, Session, Store, StoreError};

use common::{
    NOW, P1, Precinct, agreed_with, clean_p1, differing_on, file_hashes, precinct, set_up_demo,
    type_entry, with,
};

/// Closes the precinct's store, then asserts that `step` on a fresh open fails with `code` and
/// changes no byte of the database files.
fn assert_refused(p: Precinct, code: &str, step: impl FnOnce(&mut Store, &Ids) -> StoreError) {
    let ids = Ids {
        ana: p.ana,
        bek: p.bek,
        chair: p.chair,
    };
    let path = p.path.clone();
    p.store.close().expect("test helper");
    let before = file_hashes(&path);
    assert_eq!(
        before.len(),
        1,
        "only the database file once closed: {before:?}"
    );
    let error = {
        let mut store = Store::open(&path).expect("test helper");
        let error = step(&mut store, &ids);
        store.close().expect("test helper");
        error
    };
    assert_eq!(error.code(), code, "{error}");
    assert_eq!(
        file_hashes(&path),
        before,
        "the refused step changed the file"
    );
    drop(p.dir);
}

struct Ids {
    ana: Session,
    bek: Session,
    chair: Session,
}

fn first_done() -> Precinct {
    let mut p = precinct();
    type_entry(&mut p.store, P1, EntryNo::First, &p.ana, &clean_p1());
    p
}

fn finalized() -> Precinct {
    let mut p = agreed_with(&clean_p1());
    p.store.finalize(&p.chair, P1, NOW).expect("test helper");
    p
}

fn save(store: &mut Store, entry: EntryNo, user: &Session, line: &str, raw: &str) -> StoreError {
    store
        .save_value(user, P1, entry, line, raw, NOW)
        .expect_err("refused")
}

#[test]
fn second_entry_by_the_same_user() {
    assert_refused(
        first_done(),
        "store.same_user_second_entry",
        |store, ids| save(store, EntryNo::Second, &ids.ana, "L1", "1000"),
    );
}

#[test]
fn editing_a_finalized_protocol() {
    assert_refused(finalized(), "store.already_final", |store, ids| {
        save(store, EntryNo::First, &ids.ana, "L1", "1001")
    });
    assert_refused(finalized(), "store.already_final", |store, ids| {
        save(store, EntryNo::Second, &ids.bek, "L9", "")
    });
    assert_refused(finalized(), "store.already_final", |store, ids| {
        store
            .reconcile(&ids.chair, P1, "L1", "5", true, NOW)
            .unwrap_err()
    });
    assert_refused(finalized(), "store.already_final", |store, ids| {
        store.finalize(&ids.chair, P1, NOW).unwrap_err()
    });
}

#[test]
fn finalizing_with_an_unacknowledged_warning() {
    // L5 = 790 of L3 = 800 is more than 1 % short (W02); L7 = 770 keeps E04 and E05 whole.
    let values = with(&with(&with(&clean_p1(), "L5", 790), "L7", 770), "L9", 70);
    assert_refused(
        agreed_with(&values),
        "store.unacknowledged_warnings",
        |store, ids| store.finalize(&ids.chair, P1, NOW).unwrap_err(),
    );
}

#[test]
fn finalizing_with_an_error_without_an_act() {
    let values = with(&clean_p1(), "L4", 199);
    assert_refused(
        agreed_with(&values),
        "store.errors_without_act",
        |store, ids| store.finalize(&ids.chair, P1, NOW).unwrap_err(),
    );
}

#[test]
fn finalizing_as_a_clerk() {
    assert_refused(
        agreed_with(&clean_p1()),
        "store.not_permitted",
        |store, ids| store.finalize(&ids.ana, P1, NOW).unwrap_err(),
    );
}

#[test]
fn a_value_out_of_range_or_not_a_number() {
    for raw in ["10000000", "-5", "12a", "1 000", "1.5"] {
        assert_refused(precinct(), "store.bad_value", |store, ids| {
            save(store, EntryNo::First, &ids.ana, "L1", raw)
        });
    }
}

#[test]
fn an_unknown_line_or_contest() {
    for line in ["L99", "L8.8", "L8.0", "L8", ""] {
        assert_refused(precinct(), "store.unknown_line", |store, ids| {
            save(store, EntryNo::First, &ids.ana, line, "1")
        });
    }
    assert_refused(precinct(), "store.unknown_contest", |store, ids| {
        store
            .save_value(&ids.ana, "astana-list", EntryNo::First, "L1", "1", NOW)
            .unwrap_err()
    });
}

#[test]
fn steps_out_of_order() {
    assert_refused(precinct(), "store.first_entry_not_done", |store, ids| {
        save(store, EntryNo::Second, &ids.bek, "L1", "1")
    });
    assert_refused(first_done(), "store.entry_closed", |store, ids| {
        save(store, EntryNo::First, &ids.ana, "L1", "1")
    });
    assert_refused(first_done(), "store.not_agreed", |store, ids| {
        store.acknowledge(&ids.chair, P1, "W01", NOW).unwrap_err()
    });
    assert_refused(
        agreed_with(&clean_p1()),
        "store.nothing_to_reconcile",
        |store, ids| {
            store
                .reconcile(&ids.chair, P1, "L1", "1000", true, NOW)
                .unwrap_err()
        },
    );
    assert_refused(agreed_with(&clean_p1()), "store.not_final", |store, ids| {
        store.repeat(&ids.chair, P1, "why", NOW).unwrap_err()
    });
    assert_refused(finalized(), "store.empty_reason", |store, ids| {
        store.repeat(&ids.chair, P1, " ", NOW).unwrap_err()
    });
    let mut p = first_done();
    p.store
        .save_value(&p.bek, P1, EntryNo::Second, "L1", "1000", NOW)
        .unwrap();
    assert_refused(p, "store.not_your_entry", |store, ids| {
        save(store, EntryNo::Second, &ids.chair, "L1", "1")
    });
}

#[test]
fn reconciling_a_line_the_entries_agree_on() {
    assert_refused(
        differing_on("L9", 81),
        "store.line_not_differing",
        |store, ids| {
            store
                .reconcile(&ids.chair, P1, "L1", "1000", true, NOW)
                .unwrap_err()
        },
    );
}

#[test]
fn setting_up_twice() {
    assert_refused(precinct(), "store.already_set_up", |store, _| {
        set_up_demo(store, "Other", "480263").unwrap_err()
    });
}

#[test]
fn final_rows_cannot_be_changed_even_with_raw_sql_through_the_app() {
    let p = finalized();
    let path = p.path.clone();
    p.store.close().unwrap();
    let before = file_hashes(&path);
    let conn = rusqlite::Connection::open(&path).unwrap();
    for sql in [
        "UPDATE final_values SET value = value + 1",
        "DELETE FROM final_values",
        "UPDATE protocols SET state = 'agreed' WHERE state = 'final'",
        "UPDATE entry_values SET value = 1",
        "INSERT INTO acts (protocol, code, text, user_id, at) VALUES (1, 'E01', 'x', 1, 0)",
        "UPDATE audit SET payload = '{}' WHERE seq = 1",
        "DELETE FROM audit",
        "DELETE FROM value_history",
    ] {
        let error = conn.execute(sql, []).unwrap_err();
        assert!(
            error.to_string().contains("never") || error.to_string().contains("append-only"),
            "{sql}: {error}"
        );
    }
    conn.close().unwrap();
    assert_eq!(file_hashes(&path), before);
    assert!(Path::new(&path).exists());
}

#[test]
fn the_comparison_sees_a_step_that_did_write() {
    let p = precinct();
    let path = p.path.clone();
    let ana = p.ana;
    p.store.close().unwrap();
    let before = file_hashes(&path);
    let mut store = Store::open(&path).unwrap();
    store
        .save_value(&ana, P1, EntryNo::First, "L1", "1000", NOW)
        .unwrap();
    store.close().unwrap();
    assert_ne!(file_hashes(&path), before);
}
