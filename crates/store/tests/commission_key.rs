//! The installation's keys. The pinned commission key: written once before setup, in the audit
//! chain, never replaced. Which key to pin and whether the operator confirmed it is the precinct
//! crate's job; here the store keeps it, refuses another, and `verify_audit` notices an outside
//! edit. The device key: kept once, across a restart, and a second one refused.

#![expect(
    clippy::unwrap_used,
    reason = "test helpers unwrap: a panic there is a failed test"
)]

pub mod common;

use hattama_protocol::builtin;
use hattama_store::{BreakKind, CommissionKey, FirstChair, Store, StoreError, StoredKey};

use common::{
    CHAIR_PIN, NOW, abai_1, file_hashes, placeholder_key, precinct, sign_in, test_config,
};

fn first_chair() -> FirstChair<'static> {
    FirstChair {
        name: "Chair",
        pin: CHAIR_PIN,
    }
}

fn key(name: &str) -> CommissionKey {
    CommissionKey {
        key_id: format!("{name:0>16}"),
        public_key: format!("RWS{name}"),
        fingerprint: format!("{name} 0000"),
    }
}

fn fresh() -> (tempfile::TempDir, std::path::PathBuf, Store) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("hattama.db");
    let store = Store::open(&path).unwrap();
    (dir, path, store)
}

#[test]
fn a_pinned_key_persists_and_is_audited() {
    let (_dir, path, mut store) = fresh();
    let pinned = store.pin_commission_key(&key("a"), NOW).unwrap();
    assert_eq!(pinned.key, key("a"));
    store.close().unwrap();

    let mut store = Store::open_with(&path, test_config()).unwrap();
    assert_eq!(store.commission_key().unwrap(), Some(pinned.clone()));
    let chair = store
        .setup_precinct(builtin::DEMO_JSON, &abai_1(), &first_chair(), NOW)
        .unwrap();
    let entries = store.audit_entries(&chair, 1).unwrap();
    assert_eq!(entries[0].seq, pinned.audit_seq);
    assert_eq!(pinned.audit_seq, 1);
    assert_eq!(entries[0].action, "commission_key.pin");
    assert!(
        entries[0].payload.contains("RWSa"),
        "{}",
        entries[0].payload
    );
    assert!(store.verify_audit().unwrap().is_ok());
}

#[test]
fn pinning_the_same_key_again_changes_nothing() {
    let (_dir, path, mut store) = fresh();
    let first = store.pin_commission_key(&key("a"), NOW).unwrap();
    store.close().unwrap();
    let before = file_hashes(&path);
    let mut store = Store::open(&path).unwrap();
    let again = store.pin_commission_key(&key("a"), NOW).unwrap();
    assert_eq!(again, first);
    store.close().unwrap();
    assert_eq!(file_hashes(&path), before);
}

#[test]
fn another_key_is_refused_once_one_is_pinned() {
    let (_dir, path, mut store) = fresh();
    store.pin_commission_key(&key("a"), NOW).unwrap();
    store.close().unwrap();
    let before = file_hashes(&path);
    let mut store = Store::open(&path).unwrap();
    let refused = store.pin_commission_key(&key("b"), NOW).unwrap_err();
    assert!(
        matches!(&refused, StoreError::CommissionKeyPinned { pinned, offered }
            if *pinned == key("a").key_id && *offered == key("b").key_id),
        "{refused:?}"
    );
    assert_eq!(refused.code(), "store.commission_key_pinned");
    assert_eq!(
        store.commission_key().unwrap().map(|pinned| pinned.key),
        Some(key("a"))
    );
    store.close().unwrap();
    assert_eq!(file_hashes(&path), before);
}

#[test]
fn no_key_is_pinned_once_the_precinct_is_set_up() {
    let (_dir, _path, mut store) = fresh();
    store
        .setup_precinct(builtin::DEMO_JSON, &abai_1(), &first_chair(), NOW)
        .unwrap();
    let refused = store.pin_commission_key(&key("a"), NOW).unwrap_err();
    assert!(matches!(refused, StoreError::AlreadySetUp), "{refused:?}");
    assert_eq!(store.commission_key().unwrap(), None);
}

#[test]
fn the_pinned_key_cannot_be_replaced_in_sql_and_an_outside_edit_is_detected() {
    let (_dir, path, mut store) = fresh();
    let pinned = store.pin_commission_key(&key("a"), NOW).unwrap();
    store.close().unwrap();

    let conn = rusqlite::Connection::open(&path).unwrap();
    let refused = conn.execute("UPDATE commission_key SET public_key = 'RWSb'", []);
    assert!(refused.is_err(), "the trigger let an update through");
    assert!(conn.execute("DELETE FROM commission_key", []).is_err());
    conn.execute_batch(
        "DROP TRIGGER commission_key_no_update;
         UPDATE commission_key SET public_key = 'RWSforged';",
    )
    .unwrap();
    conn.close().unwrap();

    let store = Store::open(&path).unwrap();
    let broken = store.verify_audit().unwrap().broken.unwrap();
    assert_eq!(broken.seq, pinned.audit_seq);
    assert_eq!(
        broken.kind,
        BreakKind::TableMismatch {
            what: "commission_key".into()
        }
    );
}

#[test]
fn the_device_key_is_kept_once_across_a_restart_and_a_second_is_refused() {
    let mut p = precinct();
    assert_eq!(p.store.device_key().unwrap(), None);
    let key = placeholder_key();
    p.store.save_device_key(&p.chair, &key).unwrap();
    p.store.close().unwrap();
    let mut store = Store::open_with(&p.path, test_config()).unwrap();
    assert_eq!(store.device_key().unwrap(), Some(key.clone()));
    let chair = sign_in(&mut store, "Chair", CHAIR_PIN);
    let another = StoredKey {
        key_id: "FEDCBA9876543210".into(),
        public_key: "another public".into(),
        ..key.clone()
    };
    let error = store.save_device_key(&chair, &another).unwrap_err();
    assert_eq!(error.code(), "store.device_key_exists");
    assert_eq!(store.device_key().unwrap(), Some(key));
}
