//! `hattama setup --definition FILE` trusts a definition file exactly as the app does (both call
//! `hattama_precinct::definition::setup`): only with `FILE.minisig` verifying with the
//! commission's key beside it. An unsigned, altered or wrongly signed file is refused with
//! `app.definition_signature` and the installation stays as it was: not set up.

#![expect(
    clippy::unwrap_used,
    reason = "test helpers unwrap: a panic there is a failed test"
)]

#[path = "support/binary.rs"]
mod binary;
#[path = "support/run.rs"]
mod run;

use std::path::Path;

use hattama_batch::keys;
use hattama_batch::registry::sign_definition;
use hattama_protocol::builtin::DEMO_JSON;
use run::{hattama, ok};

/// Writes the demo definition as a file in `dir` and returns its path.
fn definition_file(dir: &Path) -> String {
    let file = dir.join("definition.json");
    std::fs::write(&file, DEMO_JSON).unwrap();
    file.to_str().unwrap().to_owned()
}

/// Signs `bytes` with a fresh key; returns (public key, signature text).
fn signed_by_a_fresh_key(bytes: &[u8]) -> (String, String) {
    let pair = keys::generate_unencrypted("commission").unwrap();
    let key = keys::unlock(&pair.secret_key, None).unwrap();
    (pair.public_key, sign_definition(bytes, &key).unwrap())
}

fn setup(db: &Path, file: &str) -> std::process::Output {
    hattama(
        db,
        &[
            "setup",
            "--definition",
            file,
            "--region",
            "abai",
            "--precinct",
            "1",
        ],
    )
}

/// Asserts that setup from `file` is refused with the signature code and leaves nothing set up.
fn assert_refused(db: &Path, file: &str) {
    let refused = setup(db, file);
    assert_eq!(refused.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(stderr.contains("[app.definition_signature]"), "{stderr}");
    assert_eq!(ok(db, &["state"])["set_up"], false);
}

#[test]
fn an_unsigned_definition_file_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("hattama.db");
    let file = definition_file(dir.path());
    assert_refused(&db, &file);
}

#[test]
fn a_definition_signed_by_another_key_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("hattama.db");
    let file = definition_file(dir.path());
    let (commission_key, _) = signed_by_a_fresh_key(DEMO_JSON);
    let (_, forged) = signed_by_a_fresh_key(DEMO_JSON);
    std::fs::write(dir.path().join("commission.pub"), commission_key).unwrap();
    std::fs::write(format!("{file}.minisig"), forged).unwrap();
    assert_refused(&db, &file);
}

#[test]
fn an_altered_definition_is_refused_and_the_signed_one_sets_up() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("hattama.db");
    let file = definition_file(dir.path());
    let (commission_key, signature) = signed_by_a_fresh_key(DEMO_JSON);
    std::fs::write(dir.path().join("commission.pub"), commission_key).unwrap();
    std::fs::write(format!("{file}.minisig"), signature).unwrap();

    let mut altered = DEMO_JSON.to_vec();
    altered.push(b' ');
    std::fs::write(&file, &altered).unwrap();
    assert_refused(&db, &file);

    std::fs::write(&file, DEMO_JSON).unwrap();
    let set_up = setup(&db, &file);
    assert!(
        set_up.status.success(),
        "{}",
        String::from_utf8_lossy(&set_up.stderr)
    );
    assert_eq!(ok(&db, &["state"])["set_up"], true);
}
