//! Runs the `hattama` binary for the integration tests, against one database (through
//! `HATTAMA_DB`) and with the chair's passphrase in `HATTAMA_PASSPHRASE`, as a script would.
//! Each action signs its person in with `--user NAME`; the PINs go in on standard input
//! (`--pin-stdin`: the signed-in user's PIN, then a new PIN, then the passphrase) or in
//! `HATTAMA_PIN` / `HATTAMA_NEW_PIN`, never on the command line.
//! The binary is `binary::command()` (`support/binary.rs`): the Windows one under Wine when
//! `cargo xtask test` says so; a test file that uses this module declares that one too.

use std::path::Path;
use std::process::{Command, Output, Stdio};

/// The passphrase the device key is made and unlocked with.
const PASSPHRASE: &str = "chair passphrase 2023";

/// The PIN the first chair, Aigul, chooses at setup in the scripted precincts.
pub const CHAIR_PIN: &str = "590417";

/// `command` (a `hattama` binary) set up to run against the database at `db` with the chair's
/// passphrase, no PIN from this process's environment (only what `env` adds: `HATTAMA_PIN`, …)
/// and nothing on its standard input, so it never waits at a prompt.
pub fn against(mut command: Command, db: &Path, env: &[(&str, &str)]) -> Command {
    command
        .env("HATTAMA_DB", db)
        .env("HATTAMA_PASSPHRASE", PASSPHRASE)
        .env_remove("HATTAMA_PIN")
        .env_remove("HATTAMA_NEW_PIN")
        .envs(env.iter().copied())
        .stdin(Stdio::null());
    command
}

/// Runs `hattama ARGS` against the database at `db`, with no PIN given and nothing on its
/// standard input (so it never waits at a prompt).
pub fn hattama(db: &Path, args: &[&str]) -> Output {
    hattama_env(db, args, &[])
}

/// Runs `hattama --pin-stdin ARGS` with `stdin` (one line per secret) on its standard input.
pub fn hattama_stdin(db: &Path, args: &[&str], stdin: &str) -> Output {
    crate::binary::output_with_stdin(
        against(crate::binary::command(), db, &[])
            .arg("--pin-stdin")
            .args(args),
        stdin.as_bytes(),
    )
}

/// Runs `hattama ARGS` with the extra environment variables `env` (`HATTAMA_PIN`, …).
pub fn hattama_env(db: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    against(crate::binary::command(), db, env)
        .args(args)
        .output()
        .expect("the hattama binary runs")
}

/// [`hattama_stdin`] for a step that must succeed; returns its JSON.
pub fn ok_stdin(db: &Path, args: &[&str], stdin: &str) -> serde_json::Value {
    succeeded(args, &hattama_stdin(db, args, stdin))
}

/// [`hattama_env`] for a step that must succeed; returns its JSON.
pub fn ok_env(db: &Path, args: &[&str], env: &[(&str, &str)]) -> serde_json::Value {
    succeeded(args, &hattama_env(db, args, env))
}

fn succeeded(args: &[&str], output: &Output) -> serde_json::Value {
    assert!(
        output.status.success(),
        "hattama {args:?} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).expect("a step prints JSON")
}

/// Runs a step that must succeed and returns its JSON.
pub fn ok(db: &Path, args: &[&str]) -> serde_json::Value {
    succeeded(args, &hattama(db, args))
}

/// `hattama setup` of the demo's precinct abai/1 with Aigul its first chair (her new PIN is
/// read as `HATTAMA_NEW_PIN` or from standard input).
pub const SETUP_DEMO: [&str; 9] = [
    "setup",
    "--user",
    "Aigul",
    "--definition",
    "demo",
    "--region",
    "abai",
    "--precinct",
    "1",
];

/// Sets `db` up as the demo's precinct abai/1, with Aigul (PIN `chair_pin`) its first chair.
pub fn setup_demo(db: &Path, chair_pin: &str) -> serde_json::Value {
    ok_env(db, &SETUP_DEMO, &[("HATTAMA_NEW_PIN", chair_pin)])
}

/// The arguments of `hattama enter`: `file` as `user`'s entry `entry` (`1` or `2`) of the demo's
/// P1, `majilis-list`.
pub fn enter_p1<'a>(user: &'a str, entry: &'a str, file: &'a str) -> [&'a str; 9] {
    [
        "enter",
        "--user",
        user,
        "--contest",
        "majilis-list",
        "--entry",
        entry,
        "--file",
        file,
    ]
}

/// The arguments of `hattama user add`: the chair Aigul adds `name` with `role`.
pub fn user_add<'a>(name: &'a str, role: &'a str) -> [&'a str; 8] {
    [
        "user", "add", "--user", "Aigul", "--name", name, "--role", role,
    ]
}

/// Adds the user `name` with `role` and `pin`, the chair Aigul signed in: her PIN, then the new
/// user's, one line each on standard input.
pub fn add_user(db: &Path, chair_pin: &str, name: &str, role: &str, pin: &str) {
    ok_stdin(db, &user_add(name, role), &format!("{chair_pin}\n{pin}\n"));
}

/// The arguments of `hattama export`: Aigul exports to the folder `out`.
pub fn export_to(out: &Path) -> [&str; 5] {
    [
        "export",
        "--user",
        "Aigul",
        "--out",
        out.to_str().expect("a UTF-8 path"),
    ]
}

/// The arguments of `hattama registry init`: a registry for `election` in the folder `dir`.
pub fn registry_init<'a>(dir: &'a Path, election: &'a str) -> [&'a str; 6] {
    [
        "registry",
        "init",
        "--dir",
        dir.to_str().expect("a UTF-8 path"),
        "--election",
        election,
    ]
}
