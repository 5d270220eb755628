//! The insider's attempts of issue 12 that the store stops, each written as the person in the
//! room would try it, each shown refused with a typed error, the database byte-for-byte
//! unchanged where a step is refused:
//!
//! - finding 1, anyone can become the chair: a clerk adds a chair or a puppet clerk, finalizes,
//!   acknowledges, attaches an act, reconciles, makes the device key, exports;
//! - finding 2, PINs fall at once: weak PINs, guessing online, finalize as a PIN oracle;
//! - finding 5, users outside the chain: a role edited in SQLite, a PIN hash copied over, a
//!   user slipped in;
//! - finding 8 (file modes): the data folder, database, WAL, backups are the owner's only.

#![expect(
    clippy::unwrap_used,
    reason = "test helpers unwrap: a panic there is a failed test"
)]

pub mod common;

use std::path::Path;

use hattama_store::{BreakKind, EntryNo, Permission, Role, Session, Store, StoreError};

use common::{
    CHAIR_PIN, NOW, P1, Precinct, agreed_with, clean_p1, differing_on, file_hashes, fresh_copy,
    placeholder_export, placeholder_key, precinct, set_up_demo, sign_in, test_config, type_entry,
    with,
};

/// Which of the precinct's signed-in people acts.
#[derive(Clone, Copy)]
enum Who {
    Ana,
    Bek,
    Chair,
}

/// Closes the store, runs `step` on a fresh open as `who`, and asserts it is refused with
/// `code` and changed no byte of the database.
fn assert_refused_unchanged(
    p: Precinct,
    who: Who,
    code: &str,
    step: impl FnOnce(&mut Store, &Session) -> Result<(), StoreError>,
) {
    p.store.close().unwrap();
    let actor = match who {
        Who::Ana => p.ana,
        Who::Bek => p.bek,
        Who::Chair => p.chair,
    };
    let path = p.path;
    let before = file_hashes(&path);
    let mut store = Store::open_with(&path, test_config()).unwrap();
    let outcome = step(&mut store, &actor);
    store.close().unwrap();
    let error = outcome.expect_err("the attack was not refused");
    assert_eq!(error.code(), code, "{error}");
    assert_eq!(
        file_hashes(&path),
        before,
        "a refused step changed the file"
    );
    drop(p.dir);
}

#[test]
fn finding_1_a_clerk_cannot_add_a_chair_or_a_puppet() {
    for role in [Role::Chair, Role::Clerk, Role::Secretary] {
        assert_refused_unchanged(precinct(), Who::Bek, "store.not_permitted", |store, bek| {
            store
                .add_user(bek, "FakeChair", role, "480263", Some(common::BEK_PIN), NOW)
                .map(drop)
        });
    }
    assert_refused_unchanged(precinct(), Who::Bek, "store.not_permitted", |store, bek| {
        store.add_member(bek, "Fake", "chair", NOW).map(drop)
    });
    assert_refused_unchanged(precinct(), Who::Bek, "store.not_permitted", |store, bek| {
        let chair = store.user_by_name("Chair")?.id;
        store.remove_user(bek, chair, NOW)
    });
    assert_refused_unchanged(precinct(), Who::Bek, "store.not_permitted", |store, bek| {
        store.change_role(bek, bek.user(), Role::Chair, Some(common::BEK_PIN), NOW)
    });
}

#[test]
fn finding_1_a_clerk_cannot_settle_acknowledge_act_or_finalize() {
    // A clerk who typed neither entry, so only the role stands in the way: Carl, signed in
    // where Ana's session was.
    let with_carl = |mut p: Precinct| -> Precinct {
        p.store
            .add_user(&p.chair, "Carl", Role::Clerk, "480263", None, NOW)
            .unwrap();
        let carl = sign_in(&mut p.store, "Carl", "480263");
        Precinct { ana: carl, ..p }
    };
    let p = with_carl(differing_on("L9", 81));
    assert_refused_unchanged(p, Who::Ana, "store.not_permitted", |store, carl| {
        store.reconcile(carl, P1, "L9", "80", false, NOW).map(drop)
    });

    // W05 fails and E04 fails on these values (L6 = 50 of L5 = 800; L7 stays 780).
    let values = with(&clean_p1(), "L6", 50);
    let p = with_carl(agreed_with(&values));
    assert_refused_unchanged(p, Who::Ana, "store.not_permitted", |store, carl| {
        store.acknowledge(carl, P1, "W05", NOW)
    });
    let p = with_carl(agreed_with(&values));
    assert_refused_unchanged(p, Who::Ana, "store.not_permitted", |store, carl| {
        store.attach_act(carl, P1, "E04", "1", "x", NOW)
    });
    assert_refused_unchanged(
        agreed_with(&clean_p1()),
        Who::Ana,
        "store.not_permitted",
        |store, ana| store.finalize(ana, P1, NOW).map(drop),
    );
    // The one-letter act of the report is refused even for the secretary.
    let mut p = agreed_with(&values);
    let sara = sign_in(&mut p.store, "Sara", common::SARA_PIN);
    let p = Precinct { ana: sara, ..p };
    assert_refused_unchanged(p, Who::Ana, "store.act_too_short", |store, sara| {
        store.attach_act(sara, P1, "E04", "1", "x", NOW)
    });
}

#[test]
fn finding_1_a_clerk_cannot_make_the_device_key_or_export() {
    assert_refused_unchanged(precinct(), Who::Bek, "store.not_permitted", |store, bek| {
        store.save_device_key(bek, &placeholder_key())
    });
    let mut p = agreed_with(&clean_p1());
    p.store.finalize(&p.chair, P1, NOW).unwrap();
    assert_refused_unchanged(p, Who::Bek, "store.not_permitted", |store, bek| {
        store.record_export(bek, &placeholder_export(vec![(P1.to_owned(), 1)]))
    });
    assert_refused_unchanged(precinct(), Who::Bek, "store.not_permitted", |store, bek| {
        store.require(bek, Permission::Export).map(drop)
    });
}

#[test]
fn finding_2_weak_pins_are_refused() {
    for (pin, code) in [
        ("0000", "store.pin_format"),
        ("9999", "store.pin_format"),
        ("12345", "store.pin_format"),
        ("1234567890123", "store.pin_format"),
        ("12a456", "store.pin_format"),
        ("111111", "store.weak_pin"),
        ("000000000000", "store.weak_pin"),
        ("123456", "store.weak_pin"),
        ("654321", "store.weak_pin"),
        ("234567", "store.weak_pin"),
        ("987654", "store.weak_pin"),
        ("3456789", "store.weak_pin"),
    ] {
        assert_refused_unchanged(precinct(), Who::Chair, code, |store, chair| {
            store
                .add_user(chair, "Dana", Role::Clerk, pin, None, NOW)
                .map(drop)
        });
    }
    // The first chair too: setup refuses a weak PIN and writes nothing.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("hattama.db");
    let store = Store::open_with(&path, test_config()).unwrap();
    store.close().unwrap();
    let before = file_hashes(&path);
    let mut store = Store::open_with(&path, test_config()).unwrap();
    let refused = set_up_demo(&mut store, "Chair", "123456").unwrap_err();
    store.close().unwrap();
    assert_eq!(refused.code(), "store.weak_pin");
    assert_eq!(file_hashes(&path), before);
    // Good PINs pass the same rule.
    for pin in ["590417", "135790", "121212", "123455", "024680"] {
        hattama_store::users::check_pin(pin).unwrap();
    }
}

#[test]
fn finding_2_guessing_online_locks_the_user_and_the_right_pin_then_fails() {
    let mut p = precinct();
    let mut answers = Vec::new();
    for guess in ["000001", "000002", "000003", "000004", "000005", "000006"] {
        answers.push(p.store.sign_in("Chair", guess, NOW).unwrap_err().code());
    }
    assert_eq!(
        answers,
        [
            "store.wrong_pin",
            "store.wrong_pin",
            "store.wrong_pin",
            "store.wrong_pin",
            "store.locked",
            "store.locked"
        ]
    );
    assert_eq!(
        p.store.sign_in("Chair", CHAIR_PIN, NOW).unwrap_err().code(),
        "store.locked"
    );
}

#[test]
fn finding_2_finalize_is_no_pin_oracle() {
    // Finalize asks for no PIN at all: it takes the chair's own session. Anyone else learns only
    // that they may not, whatever the protocol's state.
    for contest in [P1, "no-such-contest"] {
        assert_refused_unchanged(precinct(), Who::Ana, "store.not_permitted", |store, ana| {
            store.finalize(ana, contest, NOW).map(drop)
        });
    }
}

/// Runs `sql` on the closed database as an outsider with an SQLite shell would, and returns
/// what `audit verify` then reports.
fn tampered(sql: &str) -> Option<BreakKind> {
    let (_dir, path) = fresh_copy();
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.execute_batch(sql).unwrap();
    conn.close().unwrap();
    let store = Store::open_with(&path, test_config()).unwrap();
    store
        .verify_audit()
        .unwrap()
        .broken
        .map(|broken| broken.kind)
}

fn mismatch(what: &str) -> Option<BreakKind> {
    Some(BreakKind::TableMismatch { what: what.into() })
}

#[test]
fn finding_5_the_users_table_is_in_the_chain() {
    // The app's own connection cannot edit users at all.
    let (_dir, path) = fresh_copy();
    let conn = rusqlite::Connection::open(&path).unwrap();
    for sql in [
        "UPDATE users SET role = 'chair' WHERE name = 'Bek'",
        "UPDATE users SET pin_hash = (SELECT pin_hash FROM users WHERE name = 'Bek') WHERE name = 'Chair'",
        "DELETE FROM users WHERE name = 'Sara'",
    ] {
        let error = conn.execute(sql, []).unwrap_err().to_string();
        assert!(
            error.contains("never") || error.contains("audit row"),
            "{sql}: {error}"
        );
    }
    conn.close().unwrap();

    // With the triggers dropped, `audit verify` reports each edit.
    let drop_triggers = "DROP TRIGGER users_fixed; DROP TRIGGER users_change_audited;
        DROP TRIGGER users_no_delete;";
    let bek = 3;
    assert_eq!(
        tampered(&format!(
            "{drop_triggers} UPDATE users SET role = 'chair' WHERE name = 'Bek'"
        )),
        mismatch(&format!("users {bek}"))
    );
    assert_eq!(
        tampered(&format!(
            "{drop_triggers} UPDATE users SET pin_hash =
             (SELECT pin_hash FROM users WHERE name = 'Bek') WHERE name = 'Chair'"
        )),
        mismatch("users 1")
    );
    assert_eq!(
        tampered(
            "INSERT INTO users (name, role, pin_hash, created_at)
             SELECT 'FakeChair', 'chair', pin_hash, 0 FROM users WHERE name = 'Bek'"
        ),
        mismatch("users 5 (not in the log)")
    );
    assert_eq!(
        tampered(&format!(
            "{drop_triggers} DELETE FROM pin_attempts; DELETE FROM users WHERE name = 'Sara'"
        )),
        mismatch("users 4 (missing)")
    );
    // Changes made through the app stay in step with the chain.
    let mut p = precinct();
    p.store
        .change_role(&p.chair, p.bek.user(), Role::Secretary, None, NOW)
        .unwrap();
    p.store.remove_user(&p.chair, p.ana.user(), NOW).unwrap();
    p.store
        .add_user(
            &p.chair,
            "Dana",
            Role::Chair,
            "480263",
            Some(CHAIR_PIN),
            NOW,
        )
        .unwrap();
    assert!(p.store.verify_audit().unwrap().is_ok());
}

#[cfg(unix)]
fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[cfg(unix)]
#[test]
fn finding_8_the_data_folder_database_wal_and_backups_are_the_owners_only() {
    let root = tempfile::tempdir().unwrap();
    let folder = root.path().join("data").join("hattama");
    let path = folder.join("hattama.db");
    let mut store = Store::open_with(&path, test_config()).unwrap();
    let chair = set_up_demo(&mut store, "Chair", CHAIR_PIN).unwrap();
    assert_eq!(mode(&folder), 0o700, "the data folder");
    assert_eq!(
        mode(&root.path().join("data")),
        0o700,
        "a folder created for it"
    );
    assert_eq!(mode(&path), 0o600, "the database");
    let mut wal = path.as_os_str().to_owned();
    wal.push("-wal");
    let mut shm = path.as_os_str().to_owned();
    shm.push("-shm");
    assert_eq!(mode(Path::new(&wal)), 0o600, "the write-ahead log");
    assert_eq!(mode(Path::new(&shm)), 0o600, "the shared memory file");

    for (name, pin) in [("Ana", common::ANA_PIN), ("Bek", common::BEK_PIN)] {
        store
            .add_user(&chair, name, Role::Clerk, pin, None, NOW)
            .unwrap();
    }
    let ana = sign_in(&mut store, "Ana", common::ANA_PIN);
    let bek = sign_in(&mut store, "Bek", common::BEK_PIN);
    type_entry(&mut store, P1, EntryNo::First, &ana, &clean_p1());
    type_entry(&mut store, P1, EntryNo::Second, &bek, &clean_p1());
    let backup = store.finalize(&chair, P1, NOW).unwrap().backup.unwrap();
    assert_eq!(mode(backup.parent().unwrap()), 0o700, "the backups folder");
    assert_eq!(mode(&backup), 0o600, "a backup");
    store.close().unwrap();

    let restored = hattama_store::restore(&backup, &path, NOW).unwrap();
    assert_eq!(mode(&path), 0o600, "a restored database");
    for aside in &restored.moved_aside {
        assert_eq!(mode(aside) & 0o077, 0, "{}", aside.display());
    }

    // A database an older build left readable by all is made the owner's at the next open.
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
    }
    drop(Store::open_with(&path, test_config()).unwrap());
    assert_eq!(mode(&path), 0o600, "an old 0644 database");
}

#[test]
fn new_pins_get_the_installation_cost() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("hattama.db");
    let mut store = Store::open(&path).unwrap();
    set_up_demo(&mut store, "Chair", CHAIR_PIN).unwrap();
    store.close().unwrap();
    let conn = rusqlite::Connection::open(&path).unwrap();
    let phc: String = conn
        .query_row("SELECT pin_hash FROM users", [], |row| row.get(0))
        .unwrap();
    assert!(phc.starts_with("$argon2id$v=19$m=131072,t=3,p=1$"), "{phc}");
    assert!(hattama_store::users::pin_matches(&phc, CHAIR_PIN));
}
