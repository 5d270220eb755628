//! The database file itself: damaged files, files of other programs, restoring a backup, and
//! upgrading from every earlier schema version.

pub mod common;

use std::fs;
use std::path::{Path, PathBuf};

use hattama_store::schema::{self, APPLICATION_ID};
use hattama_store::{Config, EntryNo, Phase, Store, StoreError, Timestamp, backup, paths, restore};

use common::{
    ANA_PIN, BEK_PIN, CHAIR_PIN, NOW, P1, clean_p1, file_names, fresh_copy, precinct, set_up_demo,
    sign_in, test_config, type_entry,
};

/// A database with one finalized protocol (so one automatic backup) and one more save after it.
fn with_backup() -> (tempfile::TempDir, PathBuf) {
    let mut p = precinct();
    type_entry(&mut p.store, P1, EntryNo::First, &p.ana, &clean_p1());
    type_entry(&mut p.store, P1, EntryNo::Second, &p.bek, &clean_p1());
    p.store.finalize(&p.chair, P1, NOW).expect("test helper");
    p.store
        .save_value(&p.ana, "abai-list", EntryNo::First, "L1", "5", NOW)
        .expect("test helper");
    p.store.close().expect("test helper");
    (p.dir, p.path)
}

/// The clerks type the clean P1 twice and the chair finalizes it; the automatic backup's path.
fn finalize_p1(store: &mut Store) -> PathBuf {
    let ana = sign_in(store, "Ana", ANA_PIN);
    let bek = sign_in(store, "Bek", BEK_PIN);
    let chair = sign_in(store, "Chair", CHAIR_PIN);
    type_entry(store, P1, EntryNo::First, &ana, &clean_p1());
    type_entry(store, P1, EntryNo::Second, &bek, &clean_p1());
    let finalized = store.finalize(&chair, P1, NOW).expect("test helper");
    finalized.backup.expect("test helper")
}

#[test]
fn a_finalize_keeps_the_newest_backups_and_leaves_other_files_alone() {
    let (_dir, path) = fresh_copy();
    let folder = paths::backups_dir(&path);
    fs::create_dir_all(&folder).unwrap();
    let strays = [
        "hattama-notes.txt",
        "other.db",
        "hattama-000000000004-4.db.partial",
    ];
    for name in [
        "hattama-000000000001-1.db",
        "hattama-000000000002-2.db",
        "hattama-000000000003-3.db",
    ]
    .iter()
    .chain(&strays)
    {
        fs::write(folder.join(name), b"an older file").unwrap();
    }
    let config = Config {
        backups_kept: 2,
        ..test_config()
    };
    let mut store = Store::open_with(&path, config).unwrap();
    let made = finalize_p1(&mut store);
    // The two newest backups, newest first; the older ones removed; the rest left as it was.
    let kept = folder.join("hattama-000000000003-3.db");
    assert_eq!(backup::list(&path), vec![made.clone(), kept]);
    let mut left: Vec<String> = strays.iter().map(|name| (*name).to_owned()).collect();
    left.push("hattama-000000000003-3.db".to_owned());
    left.push(made.file_name().unwrap().to_string_lossy().into_owned());
    left.sort();
    assert_eq!(file_names(&folder), left);
}

/// Deterministic noise.
fn noise(len: usize, mut seed: u64) -> Vec<u8> {
    let mut out = Vec::with_capacity(len);
    while out.len() < len {
        seed = seed
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        out.push(seed.to_be_bytes()[3]);
    }
    out
}

/// Opens `path`, expecting a refusal with `code`; the file must be left exactly as it was and
/// nothing created in its place.
fn assert_refused(path: &Path, code: &str) -> StoreError {
    let before = fs::read(path).expect("test helper");
    let error = Store::open(path).expect_err("refused");
    assert_eq!(error.code(), code, "{error}");
    assert!(!error.to_string().is_empty());
    assert_eq!(
        fs::read(path).expect("test helper"),
        before,
        "the refused file was changed"
    );
    error
}

#[test]
fn a_truncated_database_is_refused_and_the_backup_offered() {
    let (_dir, path) = with_backup();
    let len = fs::metadata(&path).unwrap().len();
    fs::File::options()
        .write(true)
        .open(&path)
        .unwrap()
        .set_len(len / 2)
        .unwrap();
    let error = assert_refused(&path, "store.corrupt");
    let params = error.params();
    let StoreError::Corrupt { backups, .. } = error else {
        panic!("{error:?}");
    };
    assert_eq!(backups.len(), 1);
    assert!(backups[0].exists());
    // The message names the file, what is wrong with it, and the backup to restore.
    assert_eq!(params["path"], path.display().to_string());
    assert!(!params["detail"].is_empty());
    assert_eq!(params["backup"], backups[0].display().to_string());
}

#[test]
fn overwritten_pages_are_refused() {
    let (_dir, path) = with_backup();
    let mut bytes = fs::read(&path).unwrap();
    let page = 4096;
    bytes[2 * page..5 * page].copy_from_slice(&noise(3 * page, 7));
    fs::write(&path, &bytes).unwrap();
    assert_refused(&path, "store.corrupt");
}

#[test]
fn random_bytes_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("hattama.db");
    fs::write(&path, noise(16_384, 42)).unwrap();
    assert_refused(&path, "store.not_hattama");
}

#[test]
fn a_file_of_another_program_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let png = dir.path().join("picture.db");
    let mut bytes = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
    bytes.extend(noise(500, 3));
    fs::write(&png, bytes).unwrap();
    assert_refused(&png, "store.not_hattama");

    let other = dir.path().join("other.db");
    let conn = rusqlite::Connection::open(&other).unwrap();
    conn.execute_batch("CREATE TABLE notes (text TEXT); INSERT INTO notes VALUES ('hello');")
        .unwrap();
    conn.close().unwrap();
    assert_refused(&other, "store.not_hattama");

    let empty = dir.path().join("empty.db");
    fs::write(&empty, b"").unwrap();
    assert_refused(&empty, "store.not_hattama");

    let folder = dir.path().join("folder.db");
    fs::create_dir(&folder).unwrap();
    assert_eq!(
        Store::open(&folder).unwrap_err().code(),
        "store.not_hattama"
    );
}

#[test]
fn a_newer_schema_is_refused() {
    let (_dir, path) = with_backup();
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.pragma_update(None, "user_version", schema::current_version() + 1)
        .unwrap();
    conn.close().unwrap();
    assert_refused(&path, "store.too_new");
}

#[test]
fn a_backup_is_restored_over_a_damaged_file() {
    let (_dir, path) = with_backup();
    fs::write(&path, noise(8192, 1)).unwrap();
    let error = Store::open(&path).unwrap_err();
    let params = error.params();
    let StoreError::NotHattama { backups, .. } = error else {
        panic!("{error:?}");
    };
    assert_eq!(params["path"], path.display().to_string());
    assert_eq!(params["backup"], backups[0].display().to_string());
    let restored = restore(&backups[0], &path, Timestamp(5)).unwrap();
    assert_eq!(restored.moved_aside.len(), 1);
    assert_eq!(fs::read(&restored.moved_aside[0]).unwrap(), noise(8192, 1));
    let store = Store::open(&path).unwrap();
    assert!(store.integrity_check().unwrap().is_empty());
    assert!(store.verify_audit().unwrap().is_ok());
    assert_eq!(store.status(P1).unwrap().state.phase(), Phase::Final);
    // The save made after the backup is not in it.
    assert_eq!(
        store.status("abai-list").unwrap().state.phase(),
        Phase::Empty
    );
    assert_eq!(store.final_values(P1, 1).unwrap().unwrap().len(), 18);
    store.close().unwrap();
    // A backup is a rollback-journal file (`VACUUM INTO` writes one); restored, the database
    // is in WAL mode again, as every save expects (header bytes 18 and 19 are 2 for WAL).
    assert_eq!(fs::read(&backups[0]).unwrap()[18..20], [1, 1]);
    assert_eq!(fs::read(&path).unwrap()[18..20], [2, 2]);
}

#[test]
fn an_unusable_backup_is_not_restored() {
    let (dir, path) = with_backup();
    let before = fs::read(&path).unwrap();
    let bogus = dir.path().join("bogus.db");
    fs::write(&bogus, noise(4096, 9)).unwrap();
    let error = restore(&bogus, &path, Timestamp(5)).unwrap_err();
    assert_eq!(error.code(), "store.bad_backup");
    assert_eq!(fs::read(&path).unwrap(), before);
    assert!(Store::open(&path).is_ok());
}

#[test]
fn no_file_creates_a_complete_database_and_no_leftovers() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sub").join("hattama.db");
    let store = Store::open(&path).unwrap();
    assert!(store.integrity_check().unwrap().is_empty());
    assert_eq!(store.status(P1).unwrap_err().code(), "store.not_set_up");
    store.close().unwrap();
    let names: Vec<String> = fs::read_dir(path.parent().unwrap())
        .unwrap()
        .map(|entry| entry.unwrap().file_name().into_string().unwrap())
        .collect();
    assert_eq!(names, ["hattama.db"]);
}

/// Builds a database at schema `version` the way that version's build would have left it.
fn database_at(path: &Path, version: i64) {
    let mut conn = rusqlite::Connection::open(path).expect("test helper");
    let _: String = conn
        .query_row("PRAGMA journal_mode = WAL", [], |row| row.get(0))
        .expect("test helper");
    let tx = conn.transaction().expect("test helper");
    tx.pragma_update(None, "application_id", APPLICATION_ID)
        .expect("test helper");
    // Data every version since 1 can hold: a user, there before the users joined the chain
    // (migration 4 vouches for the users it finds).
    schema::migrate_between(&tx, 0, version.min(1)).expect("test helper");
    if 1 <= version {
        tx.execute(
            "INSERT INTO users (name, role, pin_hash, created_at) VALUES ('Old', 'clerk', 'x', 0)",
            [],
        )
        .expect("test helper");
    }
    schema::migrate_between(&tx, 1, version).expect("test helper");
    tx.commit().expect("test helper");
    conn.close().expect("test helper");
}

#[test]
fn every_earlier_schema_version_upgrades_with_its_data() {
    for version in 0..schema::current_version() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("hattama.db");
        database_at(&path, version);
        let mut store = Store::open(&path).unwrap();
        if 1 <= version {
            assert_eq!(
                store.users().unwrap()[0].name,
                "Old",
                "from version {version}"
            );
            assert_eq!(store.backups().len(), 1, "a backup before migrating");
        }
        let setup = set_up_demo(&mut store, "Chair", CHAIR_PIN);
        if 1 <= version {
            // The users it held entered the chain with the migration; setup is for an
            // installation with no user.
            assert_eq!(setup.unwrap_err().code(), "store.already_set_up");
        } else {
            setup.unwrap();
        }
        assert!(
            store.verify_audit().unwrap().is_ok(),
            "from version {version}"
        );
        store.close().unwrap();
        let conn = rusqlite::Connection::open(&path).unwrap();
        let user_version: i64 = conn
            .pragma_query_value(None, "user_version", |row| row.get(0))
            .unwrap();
        assert_eq!(user_version, schema::current_version());
    }
}

#[test]
fn migration_6_keeps_every_entry_value_and_history_row_and_their_triggers() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("hattama.db");
    database_at(&path, 5);
    let mut conn = rusqlite::Connection::open(&path).unwrap();
    conn.execute_batch(
        "INSERT INTO protocols (id, contest, version, state, first_user, started_at)
             VALUES (1, 'majilis-list', 1, 'first_in_progress', 1, 5);
         INSERT INTO entry_values VALUES (1, 1, 'L1', 1000, 1, 10, 7), (1, 1, 'L2', NULL, 1, 11, 9);
         INSERT INTO value_history (id, protocol, entry, line, value, raw, user_id, saved_at, audit_seq)
             VALUES (1, 1, 1, 'L1', 100, '100', 1, 9, 5), (2, 1, 1, 'L1', 1000, '1000', 1, 10, 7),
                    (3, 1, 1, 'L2', NULL, '', 1, 11, 9);",
    )
    .unwrap();
    let rows = |conn: &rusqlite::Connection, sql: &str| -> Vec<String> {
        let mut stmt = conn.prepare(sql).unwrap();
        stmt.query_map([], |row| {
            let mut cells = Vec::new();
            for idx in 0..row.as_ref().column_count() {
                cells.push(format!("{:?}", row.get_ref(idx)?));
            }
            Ok(cells.join(","))
        })
        .unwrap()
        .map(Result::unwrap)
        .collect()
    };
    let values_sql = "SELECT protocol, entry, line, value, user_id, saved_at, audit_seq FROM entry_values ORDER BY line";
    let history_sql = "SELECT audit_seq, protocol, entry, line, value, raw, user_id, saved_at FROM value_history ORDER BY audit_seq";
    let (values, history) = (rows(&conn, values_sql), rows(&conn, history_sql));
    let tx = conn.transaction().unwrap();
    schema::migrate_between(&tx, 5, 6).unwrap();
    tx.commit().unwrap();
    assert_eq!(rows(&conn, values_sql), values);
    assert_eq!(rows(&conn, history_sql), history);
    // The tables are one b-tree each now, and keep their guards.
    let without_rowid: String = conn
        .query_row(
            "SELECT sql FROM sqlite_master WHERE name = 'entry_values'",
            [],
            |row| row.get(0),
        )
        .unwrap();
    assert!(without_rowid.contains("WITHOUT ROWID"), "{without_rowid}");
    for refused in [
        "DELETE FROM entry_values",
        "DELETE FROM value_history",
        "UPDATE value_history SET value = 1",
    ] {
        assert!(conn.execute(refused, []).is_err(), "{refused} is refused");
    }
    conn.execute("UPDATE protocols SET state = 'final' WHERE id = 1", [])
        .unwrap();
    assert!(
        conn.execute("UPDATE entry_values SET value = 1", [])
            .is_err(),
        "a final protocol's values are never edited"
    );
}

/// Run by `a_backup_and_a_restore_reach_the_disk` in a child under strace: makes a backup by
/// finalizing P1 in the database at `HATTAMA_BACKUP_DB`, then restores it. Does nothing when run
/// on its own.
#[test]
fn backup_child() {
    let Ok(path) = std::env::var("HATTAMA_BACKUP_DB") else {
        return;
    };
    let path = PathBuf::from(path);
    let mut store = Store::open_with(&path, test_config()).unwrap();
    let made = finalize_p1(&mut store);
    store.close().unwrap();
    restore(&made, &path, Timestamp(5)).unwrap();
}

/// The paths (as `strace -y` prints them) that `fsync` was called on in `trace`, in the order of
/// the calls, after the first rename whose line holds `renamed` (all of them for `None`).
fn fsynced_after(trace: &str, renamed: Option<&str>) -> Vec<String> {
    let mut lines = trace.lines();
    if let Some(renamed) = renamed {
        lines
            .by_ref()
            .find(|line| line.contains("rename") && line.contains(renamed))
            .unwrap_or_else(|| panic!("no rename of {renamed} in the trace:\n{trace}"));
    }
    lines
        .filter_map(|line| {
            let rest = &line[line.find("fsync(")? + "fsync(".len()..];
            let start = rest.find('<')? + 1;
            let end = rest[start..].find('>')? + start;
            Some(rest[start..end].to_owned())
        })
        .collect()
}

/// Says a test did not run and why: a skip is never silent.
#[expect(clippy::print_stderr, reason = "the skip message is the test's output")]
fn skip(why: &str) {
    eprintln!("SKIPPED a_backup_and_a_restore_reach_the_disk: {why}");
}

#[test]
fn a_backup_and_a_restore_reach_the_disk() {
    if std::process::Command::new("strace")
        .arg("-V")
        .stdout(std::process::Stdio::null())
        .status()
        .is_err()
    {
        skip("strace is not installed");
        return;
    }
    let (dir, path) = fresh_copy();
    let trace_file = dir.path().join("trace.txt");
    let status = std::process::Command::new("strace")
        .args([
            "-f",
            "-y",
            "-e",
            "trace=fsync,rename,renameat,renameat2",
            "-o",
        ])
        .arg(&trace_file)
        .arg(std::env::current_exe().unwrap())
        .args(["--exact", "backup_child", "--test-threads=1"])
        .env("HATTAMA_BACKUP_DB", &path)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .unwrap();
    let trace = fs::read_to_string(&trace_file).unwrap_or_default();
    if !status.success() && trace.is_empty() {
        skip(&format!("strace cannot trace here ({status})"));
        return;
    }
    assert!(status.success(), "the traced backup failed: {status}");
    let folder = fs::canonicalize(dir.path()).unwrap().display().to_string();
    let backups = format!("{folder}/backups");
    // The backup's file under its temporary name; its folder after the rename gives it its name.
    let synced = fsynced_after(&trace, None);
    assert!(
        synced
            .iter()
            .any(|file| file.starts_with(&format!("{backups}/hattama-"))
                && file.ends_with(".db.partial")),
        "the backup was never flushed: {synced:?}"
    );
    let after_backup = fsynced_after(&trace, Some(".db.partial\""));
    assert!(
        after_backup.contains(&backups),
        "the backups folder was not flushed after the rename: {after_backup:?}"
    );
    // The restored copy under its temporary name; the database's folder after its rename.
    assert!(
        synced.contains(&format!("{folder}/hattama.db.restoring")),
        "the restored copy was never flushed: {synced:?}"
    );
    let after_restore = fsynced_after(&trace, Some("hattama.db.restoring\""));
    assert!(
        after_restore.contains(&folder),
        "the database's folder was not flushed after the restore: {after_restore:?}"
    );
}

/// Run by `the_database_path_comes_from_the_flag_then_hattama_db_then_the_data_folder` in a child
/// with the environment under test: writes where `db_path` puts the database, without a flag and
/// with one. Does nothing when run on its own.
#[test]
fn db_path_child() {
    let Ok(out) = std::env::var("HATTAMA_PATHS_OUT") else {
        return;
    };
    let unflagged = hattama_store::db_path(None).unwrap();
    let flagged = hattama_store::db_path(Some(Path::new("/flag/hattama.db"))).unwrap();
    fs::write(
        out,
        format!("{}\n{}\n", unflagged.display(), flagged.display()),
    )
    .unwrap();
}

#[test]
fn the_database_path_comes_from_the_flag_then_hattama_db_then_the_data_folder() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("paths.txt");
    let run = |hattama_db: Option<&str>| {
        let mut child = std::process::Command::new(std::env::current_exe().unwrap());
        child
            .args(["--exact", "db_path_child", "--test-threads=1"])
            .env("HATTAMA_PATHS_OUT", &out)
            .env("XDG_DATA_HOME", "/xdg/data")
            .stdout(std::process::Stdio::null());
        match hattama_db {
            Some(value) => child.env(hattama_store::DB_ENV, value),
            None => child.env_remove(hattama_store::DB_ENV),
        };
        assert!(child.status().unwrap().success());
        fs::read_to_string(&out).unwrap()
    };
    let data_folder = "/xdg/data/hattama/hattama.db\n/flag/hattama.db\n";
    assert_eq!(
        run(Some("/elsewhere/precinct.db")),
        "/elsewhere/precinct.db\n/flag/hattama.db\n"
    );
    assert_eq!(run(Some("")), data_folder, "an empty HATTAMA_DB is not set");
    assert_eq!(run(None), data_folder);
}

#[test]
fn a_database_path_below_a_file_is_refused_by_its_own_name_and_nothing_is_made() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("notes.txt");
    fs::write(&file, b"not a folder").unwrap();
    let path = file.join("hattama.db");
    let error = Store::open(&path).unwrap_err();
    assert_eq!(error.code(), "store.io", "{error}");
    assert_eq!(error.params()["path"], path.display().to_string());
    assert_eq!(fs::read(&file).unwrap(), b"not a folder");
    assert_eq!(file_names(dir.path()), ["notes.txt"]);
}

#[test]
fn a_database_with_a_single_fault_is_refused_as_damaged() {
    let (_dir, path) = with_backup();
    // One row that breaks its table's CHECK constraint, written past it: `quick_check` finds
    // exactly one fault, and one is enough to refuse the file.
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.execute_batch(
        "PRAGMA ignore_check_constraints = ON;
         DROP TRIGGER protocols_final_no_update;
         UPDATE protocols SET version = 0 WHERE contest = 'abai-list';",
    )
    .unwrap();
    let problems: Vec<String> = conn
        .prepare("PRAGMA quick_check")
        .unwrap()
        .query_map([], |row| row.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(problems.len(), 1, "{problems:?}");
    conn.close().unwrap();
    let error = assert_refused(&path, "store.corrupt");
    assert!(
        matches!(&error, StoreError::Corrupt { detail, .. } if detail == "CHECK constraint failed in protocols"),
        "{error:?}"
    );
}
