//! Helpers shared by the store's integration tests: a set-up precinct in a temp dir, a protocol
//! whose every check passes, and hashing the database files.

use std::path::{Path, PathBuf};

use hattama_protocol::{PrecinctId, builtin};
use hattama_store::{EntryNo, Role, Store, Timestamp, UserId};

/// The contest used by most tests: the Majilis party list, 7 rows.
pub const P1: &str = "majilis-list";
pub const ANA_PIN: &str = "268135";
pub const BEK_PIN: &str = "731946";
pub const CHAIR_PIN: &str = "590417";

pub const NOW: Timestamp = Timestamp(1_679_245_200_000);

pub struct Precinct {
    pub dir: tempfile::TempDir,
    pub path: PathBuf,
    pub store: Store,
    pub ana: UserId,
    pub bek: UserId,
    pub chair: UserId,
}

pub fn abai_1() -> PrecinctId {
    PrecinctId {
        region: "abai".into(),
        number: 1,
    }
}

/// A fresh database with the demo definition, precinct abai/1, two clerks and a chair.
pub fn precinct() -> Precinct {
    let dir = tempfile::tempdir().expect("test helper");
    let path = dir.path().join("hattama.db");
    let mut store = Store::open(&path).expect("test helper");
    store
        .setup_precinct(builtin::DEMO_JSON, &abai_1(), NOW)
        .expect("test helper");
    let ana = store
        .add_user("Ana", Role::Clerk, ANA_PIN, NOW)
        .expect("test helper");
    let bek = store
        .add_user("Bek", Role::Clerk, BEK_PIN, NOW)
        .expect("test helper");
    let chair = store
        .add_user("Chair", Role::Chair, CHAIR_PIN, NOW)
        .expect("test helper");
    Precinct {
        dir,
        path,
        store,
        ana,
        bek,
        chair,
    }
}

/// P1 values on which every rule passes (the built-in demo's clean P1).
pub fn clean_p1() -> Vec<(&'static str, u32)> {
    builtin::DEMO_CLEAN_P1.to_vec()
}

/// `values` with `line` set to `value`.
pub fn with(values: &[(&'static str, u32)], line: &str, value: u32) -> Vec<(&'static str, u32)> {
    values
        .iter()
        .map(|(id, old)| (*id, if *id == line { value } else { *old }))
        .collect()
}

/// Types `values` into `entry` as `user` and marks it done.
pub fn type_entry(
    store: &mut Store,
    contest: &str,
    entry: EntryNo,
    user: UserId,
    values: &[(&str, u32)],
) {
    for (line, value) in values {
        store
            .save_value(contest, entry, user, line, &value.to_string(), NOW)
            .expect("test helper");
    }
    store
        .finish_entry(contest, entry, user, NOW)
        .expect("test helper");
}

/// SHA-256 of the database file and of its `-wal` (if any), after the store is closed.
pub fn file_hashes(path: &Path) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for suffix in ["", "-wal", "-shm", "-journal"] {
        let mut name = path.file_name().expect("test helper").to_owned();
        name.push(suffix);
        let file = path.with_file_name(name);
        if let Ok(bytes) = std::fs::read(&file) {
            out.push((
                suffix.to_owned(),
                hattama_protocol::definition::sha256_hex(&bytes),
            ));
        }
    }
    out
}
