//! `hattama` with no `--db` and no `HATTAMA_DB` opens the platform's default database, the one
//! `hattama_precinct::installation::database_path` documents (and the app opens too): on Linux
//! `$XDG_DATA_HOME/hattama/hattama.db`, else `$HOME/.local/share/hattama/hattama.db`.
//!
//! These run the binary cargo built for this machine (`binary::native`), whatever
//! `HATTAMA_TEST_EXE` says: the Windows build under Wine has another data folder.

#![cfg(target_os = "linux")]
#![expect(
    clippy::unwrap_used,
    reason = "test helpers unwrap: a panic there is a failed test"
)]

#[path = "support/binary.rs"]
mod binary;
#[path = "support/run.rs"]
pub mod run;

use std::path::Path;
use std::process::{Output, Stdio};

/// Runs `hattama ARGS` with `HOME` at `home`, `XDG_DATA_HOME` at `data_home` when given (else
/// unset), no `HATTAMA_DB` and the first chair's new PIN in `HATTAMA_NEW_PIN`.
fn hattama_at_home(home: &Path, data_home: Option<&Path>, args: &[&str]) -> Output {
    let mut command = binary::native();
    command
        .args(args)
        .env_remove("HATTAMA_DB")
        .env_remove("HATTAMA_PIN")
        .env_remove("XDG_DATA_HOME")
        .env("HOME", home)
        .env("HATTAMA_NEW_PIN", "590417")
        .stdin(Stdio::null());
    if let Some(data_home) = data_home {
        command.env("XDG_DATA_HOME", data_home);
    }
    command.output().expect("the hattama binary runs")
}

fn succeeded(output: &Output) -> serde_json::Value {
    assert!(
        output.status.success(),
        "hattama failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).expect("hattama prints JSON")
}

/// Every file below `dir`, for saying what was created where.
fn files_below(dir: &Path) -> Vec<String> {
    let mut found = Vec::new();
    let mut folders = vec![dir.to_owned()];
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(&folder).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                folders.push(path);
            } else {
                found.push(path.strip_prefix(dir).unwrap().display().to_string());
            }
        }
    }
    found.sort();
    found
}

#[test]
fn without_db_the_database_is_made_under_xdg_data_home() {
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("home");
    let data_home = dir.path().join("data");
    std::fs::create_dir_all(&home).unwrap();
    std::fs::create_dir_all(&data_home).unwrap();

    succeeded(&hattama_at_home(&home, Some(&data_home), &run::SETUP_DEMO));
    let database = data_home.join("hattama").join("hattama.db");
    assert!(
        database.is_file(),
        "no database at {}; files made: {:?}",
        database.display(),
        files_below(dir.path())
    );
    assert_eq!(
        files_below(&home),
        Vec::<String>::new(),
        "nothing goes into HOME when XDG_DATA_HOME is set"
    );
    // A later command without --db finds the same precinct there.
    let state = succeeded(&hattama_at_home(&home, Some(&data_home), &["state"]));
    assert_eq!(state["set_up"], true);
    assert_eq!(state["precinct"], "abai/1");
}

#[test]
fn without_db_nor_xdg_data_home_the_database_is_made_under_home() {
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("home");
    std::fs::create_dir_all(&home).unwrap();

    succeeded(&hattama_at_home(&home, None, &run::SETUP_DEMO));
    let database = home
        .join(".local")
        .join("share")
        .join("hattama")
        .join("hattama.db");
    assert!(
        database.is_file(),
        "no database at {}; files made: {:?}",
        database.display(),
        files_below(dir.path())
    );
}
