//! Runs the `hattama` binary for the integration tests, against one database (through
//! `HATTAMA_DB`) and with the chair's passphrase in `HATTAMA_PASSPHRASE`, as a script would.
//! The binary is `binary::command()` (`support/binary.rs`): the Windows one under Wine when
//! `cargo xtask test` says so.

use std::path::Path;
use std::process::Output;

/// The passphrase the device key is made and unlocked with.
const PASSPHRASE: &str = "chair passphrase 2023";

/// Runs `hattama ARGS` against the database at `db`.
pub(crate) fn hattama(db: &Path, args: &[&str]) -> Output {
    crate::binary::command()
        .args(args)
        .env("HATTAMA_DB", db)
        .env("HATTAMA_PASSPHRASE", PASSPHRASE)
        .output()
        .expect("the hattama binary runs")
}

/// Runs a step that must succeed and returns its JSON.
pub(crate) fn ok(db: &Path, args: &[&str]) -> serde_json::Value {
    let output = hattama(db, args);
    assert!(
        output.status.success(),
        "hattama {args:?} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).expect("a step prints JSON")
}
