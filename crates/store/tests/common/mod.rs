//! Helpers shared by the store's integration tests: a set-up precinct in a temp dir, a protocol
//! whose every check passes, and hashing the database files.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use hattama_protocol::{PrecinctId, builtin};
use hattama_store::{
    Config, EntryNo, ExportRow, Finalized, FirstChair, PinCost, Role, Session, Store, StoreError,
    StoredKey, Timestamp,
};

/// The contest used by most tests: the Majilis party list, 7 rows.
pub const P1: &str = "majilis-list";
pub const ANA_PIN: &str = "268135";
pub const BEK_PIN: &str = "731946";
pub const CHAIR_PIN: &str = "590417";

pub const SARA_PIN: &str = "804613";

/// A small Argon2id cost for the test users' PINs, so the suite does not spend a quarter of a
/// second per sign-in (the real cost is pinned by `new_pins_get_the_installation_cost`).
pub const TEST_PIN_COST: PinCost = PinCost {
    memory_kib: 256,
    passes: 1,
    lanes: 1,
};

/// The store's configuration in tests: [`TEST_PIN_COST`].
pub fn test_config() -> Config {
    Config {
        pin_cost: TEST_PIN_COST,
        ..Config::default()
    }
}

pub const NOW: Timestamp = Timestamp(1_679_245_200_000);

pub struct Precinct {
    pub dir: tempfile::TempDir,
    pub path: PathBuf,
    pub store: Store,
    pub ana: Session,
    pub bek: Session,
    pub chair: Session,
}

pub fn abai_1() -> PrecinctId {
    PrecinctId {
        region: "abai".into(),
        number: 1,
    }
}

/// A set-up database (demo definition, precinct abai/1, chair `Chair`, clerks `Ana` and `Bek`,
/// secretary `Sara`), made once per test binary: each Argon2 hash costs a quarter of a second
/// or more, so tests copy this file rather than hash four PINs each.
fn template() -> &'static Path {
    static TEMPLATE: OnceLock<PathBuf> = OnceLock::new();
    TEMPLATE.get_or_init(|| {
        let dir = tempfile::tempdir().expect("test helper").keep();
        let path = dir.join("template.db");
        let mut store = Store::open_with(&path, test_config()).expect("test helper");
        let chair = set_up_demo(&mut store, "Chair", CHAIR_PIN).expect("test helper");
        for (name, role, pin) in [
            ("Ana", Role::Clerk, ANA_PIN),
            ("Bek", Role::Clerk, BEK_PIN),
            ("Sara", Role::Secretary, SARA_PIN),
        ] {
            store
                .add_user(&chair, name, role, pin, None, NOW)
                .expect("test helper");
        }
        store.close().expect("test helper");
        path
    })
}

/// Sets up the demo definition's precinct abai/1 with `name` as its first chair, PIN `pin`.
pub fn set_up_demo(store: &mut Store, name: &str, pin: &str) -> Result<Session, StoreError> {
    let first = FirstChair { name, pin };
    store.setup_precinct(builtin::DEMO_JSON, &abai_1(), &first, NOW)
}

/// A fresh copy of the template database in its own temp dir, unopened.
pub fn fresh_copy() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("test helper");
    let path = dir.path().join("hattama.db");
    std::fs::copy(template(), &path).expect("test helper");
    (dir, path)
}

/// A fresh database with the demo definition, precinct abai/1, two clerks, a secretary and a
/// chair; the clerks and the chair signed in.
pub fn precinct() -> Precinct {
    let (dir, path) = fresh_copy();
    let mut store = Store::open_with(&path, test_config()).expect("test helper");
    let ana = sign_in(&mut store, "Ana", ANA_PIN);
    let bek = sign_in(&mut store, "Bek", BEK_PIN);
    let chair = sign_in(&mut store, "Chair", CHAIR_PIN);
    Precinct {
        dir,
        path,
        store,
        ana,
        bek,
        chair,
    }
}

/// Signs `name` in with `pin`.
pub fn sign_in(store: &mut Store, name: &str, pin: &str) -> Session {
    store.sign_in(name, pin, NOW).expect("test helper")
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

/// A fresh precinct where Ana typed `first` as entry 1 and Bek `second` as entry 2.
pub fn typed_twice(first: &[(&str, u32)], second: &[(&str, u32)]) -> Precinct {
    let mut p = precinct();
    p.type_first(first);
    p.type_second(second);
    p
}

/// A fresh precinct where both clerks typed `values`: the entries agree.
pub fn agreed_with(values: &[(&str, u32)]) -> Precinct {
    typed_twice(values, values)
}

/// The names of the files in `folder`, sorted.
pub fn file_names(folder: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(folder)
        .expect("test helper")
        .map(|entry| {
            let entry = entry.expect("test helper");
            entry.file_name().to_string_lossy().into_owned()
        })
        .collect();
    names.sort();
    names
}

/// A fresh precinct whose entry 1 is clean and whose entry 2 is the same but for `line`, typed
/// as `value`: only that line differs.
pub fn differing_on(line: &str, value: u32) -> Precinct {
    typed_twice(&clean_p1(), &with(&clean_p1(), line, value))
}

impl Precinct {
    /// Ana types `values` into P1's first entry and marks it done.
    pub fn type_first(&mut self, values: &[(&str, u32)]) {
        type_entry(&mut self.store, P1, EntryNo::First, &self.ana, values);
    }

    /// Bek types `values` into P1's second entry and marks it done.
    pub fn type_second(&mut self, values: &[(&str, u32)]) {
        type_entry(&mut self.store, P1, EntryNo::Second, &self.bek, values);
    }

    /// Both clerks type `values` into P1: the entries agree.
    pub fn type_both(&mut self, values: &[(&str, u32)]) {
        self.type_first(values);
        self.type_second(values);
    }

    /// The chair repeats P1 as the territorial commission ordered; both clerks type the new
    /// paper (L8.1 one higher, L9 one lower) into version 2 and the chair finalizes it.
    pub fn repeat_and_finalize_p1(&mut self) -> Finalized {
        self.store
            .repeat(
                &self.chair,
                P1,
                "recount ordered by the territorial commission",
                NOW,
            )
            .expect("test helper");
        self.type_both(&with(&with(&clean_p1(), "L8.1", 101), "L9", 79));
        self.store
            .finalize(&self.chair, P1, NOW)
            .expect("test helper")
    }
}

/// A device key record with placeholder text for every field.
pub fn placeholder_key() -> StoredKey {
    StoredKey {
        key_id: "0123456789ABCDEF".into(),
        public_key: "public".into(),
        secret_key: "secret".into(),
        created_at: NOW,
    }
}

/// A first export record with placeholder bytes, carrying `protocols`.
pub fn placeholder_export(protocols: Vec<(String, u32)>) -> ExportRow {
    ExportRow {
        sequence: 1,
        hash: "00".repeat(32),
        previous: None,
        base_name: "batch".into(),
        payload: b"{}".to_vec(),
        signature: "signature".into(),
        protocols,
        created_at: NOW,
    }
}

/// Types `values` into `entry` as `user` and marks it done.
pub fn type_entry(
    store: &mut Store,
    contest: &str,
    entry: EntryNo,
    user: &Session,
    values: &[(&str, u32)],
) {
    for (line, value) in values {
        store
            .save_value(user, contest, entry, line, &value.to_string(), NOW)
            .expect("test helper");
    }
    store
        .finish_entry(user, contest, entry, NOW)
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
