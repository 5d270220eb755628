//! Issue 12, finding 4, as the attacker ran it: a protocol finalized, then a final value changed
//! in the SQLite file overnight (its trigger dropped). Export and print refuse with a typed error
//! before anything is signed, written to the drive or recorded: the drive folder stays empty and
//! the database file is byte-for-byte what it was. The CLI's `export` and `print` call the same
//! functions.

#![expect(
    clippy::unwrap_used,
    reason = "test helpers unwrap: a panic there is a failed test"
)]

#[path = "../../store/tests/common/mod.rs"]
pub mod common;

use std::path::Path;

use hattama_precinct::export::{self, Target};
use hattama_precinct::{device_key, print};
use hattama_store::{Session, Store};

use common::{NOW, P1, Precinct, clean_p1, file_hashes, file_names, precinct, test_config};

const PASSPHRASE: &str = "chair passphrase 2023";

/// P1 finalized with its device key made.
fn finalized() -> Precinct {
    let mut p = precinct();
    p.type_both(&clean_p1());
    p.store.finalize(&p.chair, P1, NOW).unwrap().backup.unwrap();
    device_key::make(&mut p.store, &p.chair, PASSPHRASE, PASSPHRASE, NOW).unwrap();
    p
}

/// What the attacker did: the trigger dropped, 500 votes moved to row 1, the file closed (which
/// checkpoints the WAL into it).
fn edit_a_final_value(path: &Path) {
    let conn = rusqlite::Connection::open(path).unwrap();
    conn.execute_batch(
        "DROP TRIGGER final_values_no_update;
         UPDATE final_values SET value = value + 500 WHERE line = 'L8.1';",
    )
    .unwrap();
    conn.close().unwrap();
}

/// Export to a fresh folder and print, each on a fresh open of the tampered file: both refused
/// with `store.final_not_vouched`, the folder empty, the file unchanged.
fn assert_export_and_print_refused(path: &Path, chair: &Session) {
    let before = file_hashes(path);
    assert_eq!(before.len(), 1, "only the database file once closed");
    let drive = tempfile::tempdir().unwrap();

    let mut store = Store::open_with(path, test_config()).unwrap();
    let target = Target::Folder(drive.path().display().to_string());
    let error = export::export(&mut store, chair, PASSPHRASE, &target, "0.1.0", NOW).unwrap_err();
    assert_eq!(error.code(), "store.final_not_vouched", "{error}");
    let params = error.params();
    assert_eq!(
        (params["contest"].as_str(), params["line"].as_str()),
        (P1, "L8.1")
    );
    let error = export::sign(&mut store, chair, PASSPHRASE, "0.1.0", NOW).unwrap_err();
    assert_eq!(error.code(), "store.final_not_vouched", "{error}");
    let error = print::protocol_documents(&store, chair, P1, Some(1), PASSPHRASE).unwrap_err();
    assert_eq!(error.code(), "store.final_not_vouched", "{error}");
    store.close().unwrap();

    assert_eq!(
        file_names(drive.path()),
        Vec::<String>::new(),
        "nothing on the drive"
    );
    assert_eq!(
        file_hashes(path),
        before,
        "nothing recorded in the database"
    );
}

#[test]
fn a_final_value_edited_at_rest_is_neither_exported_nor_printed() {
    let p = finalized();
    let path = p.path.clone();
    p.store.close().unwrap();
    edit_a_final_value(&path);
    assert_export_and_print_refused(&path, &p.chair);
}

#[test]
fn an_edit_after_an_export_is_not_written_again_either() {
    // The batch signed before the edit would come back as "nothing new": it is refused too, so
    // no drive is told "safe to remove" from a file that no longer vouches for itself.
    let mut p = finalized();
    let first_drive = tempfile::tempdir().unwrap();
    let target = Target::Folder(first_drive.path().display().to_string());
    export::export(&mut p.store, &p.chair, PASSPHRASE, &target, "0.1.0", NOW).unwrap();
    assert_eq!(file_names(first_drive.path()).len(), 2);
    let path = p.path.clone();
    p.store.close().unwrap();
    edit_a_final_value(&path);
    assert_export_and_print_refused(&path, &p.chair);
}

#[test]
fn an_untouched_file_exports_after_vouching() {
    let mut p = finalized();
    let drive = tempfile::tempdir().unwrap();
    let target = Target::Folder(drive.path().display().to_string());
    let exported =
        export::export(&mut p.store, &p.chair, PASSPHRASE, &target, "0.1.0", NOW).unwrap();
    assert_eq!(exported.export.batch.sequence, 1);
    assert_eq!(file_names(drive.path()).len(), 2);
    p.store.vouch().unwrap();
}
