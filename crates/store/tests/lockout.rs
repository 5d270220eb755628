//! Wrong PINs: five in a row lock a user out for 5 minutes, each further lock twice as long up
//! to an hour; a locked user is refused before the PIN is checked, the lock survives a restart,
//! and a chair lifts a clerk's or a secretary's lock. The chair's PIN asked again when adding a
//! chair goes through the same counter.

#![expect(
    clippy::unwrap_used,
    reason = "test helpers unwrap: a panic there is a failed test"
)]

pub mod common;

use hattama_store::{Role, Store, StoreError, Timestamp};

use common::{ANA_PIN, CHAIR_PIN, NOW, precinct, test_config};

const MINUTE: i64 = 60_000;

fn at(minutes: i64) -> Timestamp {
    Timestamp(NOW.0 + minutes * MINUTE)
}

/// Five wrong PINs for Ana at `when`: four answer `wrong_pin`, the fifth locks her out.
fn five_wrong(store: &mut Store, when: Timestamp) -> Timestamp {
    for _ in 0..4 {
        assert_eq!(
            store.sign_in("Ana", "480263", when).unwrap_err().code(),
            "store.wrong_pin"
        );
    }
    match store.sign_in("Ana", "480263", when) {
        Err(StoreError::Locked { until }) => until,
        other => panic!("the fifth wrong PIN did not lock: {other:?}"),
    }
}

fn locked_until(store: &mut Store, when: Timestamp) -> Option<Timestamp> {
    match store.sign_in("Ana", ANA_PIN, when) {
        Err(StoreError::Locked { until }) => Some(until),
        Ok(_) => None,
        Err(other) => panic!("{other}"),
    }
}

#[test]
fn five_wrong_lock_restart_still_locked_unlock_by_the_chair_and_doubling() {
    let p = precinct();
    let mut store = p.store;
    let chair = p.chair;
    let ana = p.ana.user();

    // 5 wrong: locked for 5 minutes; the right PIN is refused unchecked while locked.
    let until = five_wrong(&mut store, NOW);
    assert_eq!(until, at(5));
    assert_eq!(locked_until(&mut store, at(4)), Some(at(5)));

    // A restart: the lock is in the database.
    store.close().unwrap();
    let mut store = Store::open_with(&p.path, test_config()).unwrap();
    assert_eq!(locked_until(&mut store, at(4)), Some(at(5)));

    // It ends by itself; the next lock is twice as long, then twice again.
    assert_eq!(locked_until(&mut store, at(5)), None);
    assert_eq!(five_wrong(&mut store, at(6)), at(16));
    assert_eq!(five_wrong(&mut store, at(16)), at(36));
    assert_eq!(five_wrong(&mut store, at(36)), at(76));
    assert_eq!(five_wrong(&mut store, at(76)), at(136));
    assert_eq!(five_wrong(&mut store, at(136)), at(196));
    assert_eq!(store.pin_attempts(ana).unwrap().locks, 6);

    // A chair lifts it and the doubling starts again; a clerk cannot.
    let bek = store.sign_in("Bek", common::BEK_PIN, at(137)).unwrap();
    assert_eq!(
        store.unlock_user(&bek, ana, at(137)).unwrap_err().code(),
        "store.not_permitted"
    );
    store.unlock_user(&chair, ana, at(137)).unwrap();
    assert_eq!(locked_until(&mut store, at(137)), None);
    assert_eq!(five_wrong(&mut store, at(138)), at(143));

    // A right PIN ends a row of failures: four wrong, a right one, four wrong lock nobody.
    let mut store = store;
    for _ in 0..4 {
        store.sign_in("Bek", "480263", at(150)).unwrap_err();
    }
    store.sign_in("Bek", common::BEK_PIN, at(150)).unwrap();
    for _ in 0..4 {
        assert_eq!(
            store.sign_in("Bek", "480263", at(150)).unwrap_err().code(),
            "store.wrong_pin"
        );
    }

    // Every failure, lock and unlock is in the chain, which still holds.
    let actions: Vec<String> = store
        .audit_entries(&chair, 0)
        .unwrap()
        .into_iter()
        .map(|entry| entry.action)
        .collect();
    let count = |name: &str| actions.iter().filter(|action| *action == name).count();
    assert_eq!(count("pin.failed"), 35 + 8);
    assert_eq!(count("user.locked"), 7);
    assert_eq!(count("user.unlocked"), 1);
    assert!(store.verify_audit().unwrap().is_ok());
}

#[test]
fn a_chair_waits_out_a_lock_and_the_pin_asked_again_counts_too() {
    let p = precinct();
    let mut store = p.store;
    let chair = p.chair;
    // The chair adds another chair, Dana, giving `pin` as the PIN asked again.
    let add_dana = |store: &mut Store, pin: Option<&str>, time: Timestamp| {
        store
            .add_user(&chair, "Dana", Role::Chair, "480263", pin, time)
            .map(drop)
            .map_err(|error| error.code())
    };
    for _ in 0..4 {
        assert_eq!(
            add_dana(&mut store, Some("268135"), NOW),
            Err("store.wrong_pin")
        );
    }
    assert_eq!(
        add_dana(&mut store, Some("268135"), NOW),
        Err("store.locked")
    );
    // Locked: the right PIN is not even checked, at sign-in or when asked again.
    assert_eq!(
        store.sign_in("Chair", CHAIR_PIN, at(1)).unwrap_err().code(),
        "store.locked"
    );
    assert_eq!(
        add_dana(&mut store, Some(CHAIR_PIN), at(1)),
        Err("store.locked")
    );
    // Nobody unlocks a chair; another chair would need to be signed in, and chairs wait.
    assert_eq!(
        store
            .unlock_user(&chair, chair.user(), at(1))
            .unwrap_err()
            .code(),
        "store.not_permitted"
    );
    assert_eq!(add_dana(&mut store, None, at(6)), Err("store.pin_needed"));
    add_dana(&mut store, Some(CHAIR_PIN), at(6)).unwrap();
}

#[test]
fn an_unknown_name_answers_as_a_wrong_pin_and_counts_nothing() {
    let mut p = precinct();
    assert_eq!(
        p.store.sign_in("Nobody", ANA_PIN, NOW).unwrap_err().code(),
        "store.wrong_pin"
    );
}

#[test]
fn the_right_pin_with_no_wrong_one_before_writes_nothing() {
    let (_dir, path) = common::fresh_copy();
    let before = common::file_hashes(&path);
    let mut store = Store::open_with(&path, test_config()).unwrap();
    store.sign_in("Ana", ANA_PIN, NOW).unwrap();
    store.close().unwrap();
    assert_eq!(common::file_hashes(&path), before);
    // After a wrong one, the right PIN clears the count: that is written.
    let mut store = Store::open_with(&path, test_config()).unwrap();
    assert!(store.sign_in("Ana", "480263", NOW).is_err());
    store.close().unwrap();
    let counted = common::file_hashes(&path);
    let mut store = Store::open_with(&path, test_config()).unwrap();
    store.sign_in("Ana", ANA_PIN, NOW).unwrap();
    store.close().unwrap();
    assert_ne!(common::file_hashes(&path), counted);
}
