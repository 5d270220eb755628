//! National scale: 10,223 signed batches whose P1 protocols sum to the published 2023 Majilis
//! result are verified, imported and tallied by the real `hattama` binary, and the totals equal the
//! published figures exactly.

#![expect(
    clippy::unwrap_used,
    reason = "test helpers unwrap: a panic there is a failed test"
)]

#[path = "support/national.rs"]
mod national;

use std::path::Path;
use std::process::{Command, Output};

/// `hattama import` of the generated batches into `db`, in live mode, without the progress bar.
fn run_import(files: &national::National, db: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_hattama"))
        .arg("import")
        .arg(&files.batches)
        .args([
            "--db",
            db.to_str().unwrap(),
            "--registry",
            files.registry.to_str().unwrap(),
        ])
        .args([
            "--definition",
            files.definition.to_str().unwrap(),
            "--mode",
            "live",
            "--quiet",
        ])
        .output()
        .unwrap()
}

#[test]
fn national_2023_majilis_tally_equals_the_published_result() {
    let dir = std::env::temp_dir().join(format!("hattama-national-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let files = national::generate_with(&dir, national::Log::Least);
    let db = dir.join("receiver.db");
    // `hattama tally` of the receiver's database against the national definition.
    let tally_command = || {
        let mut command = Command::new(env!("CARGO_BIN_EXE_hattama"));
        command.args([
            "tally",
            "--db",
            db.to_str().unwrap(),
            "--definition",
            files.definition.to_str().unwrap(),
        ]);
        command
    };
    let import = run_import(&files, &db);
    assert!(
        import.status.success(),
        "{}",
        String::from_utf8_lossy(&import.stderr)
    );
    let summary: serde_json::Value = serde_json::from_slice(&import.stdout).unwrap();
    assert_eq!(summary["imported"], national::PRECINCTS);
    assert_eq!(summary["refused"], 0);

    // Importing the same batches again changes nothing.
    let again = run_import(&files, &db);
    let summary: serde_json::Value = serde_json::from_slice(&again.stdout).unwrap();
    assert_eq!(
        (
            summary["imported"].as_u64(),
            summary["already_imported"].as_u64()
        ),
        (Some(0), Some(national::PRECINCTS as u64))
    );

    let tally = tally_command().output().unwrap();
    assert!(
        tally.status.success(),
        "{}",
        String::from_utf8_lossy(&tally.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&tally.stdout).unwrap();
    let contest = &json["tally"]["contests"]["majilis-list"];
    assert_eq!(contest["protocols"], national::PRECINCTS);
    let total = |line: &str| -> u64 {
        contest["totals"]
            .as_array()
            .unwrap()
            .iter()
            .find(|pair| pair[0] == line)
            .unwrap()[1]
            .as_u64()
            .unwrap()
    };
    for (k, votes) in national::PARTY_VOTES.iter().enumerate() {
        assert_eq!(total(&format!("L8.{}", k + 1)), *votes, "party {}", k + 1);
    }
    assert_eq!(total("L9"), national::AGAINST_ALL);
    assert_eq!(total("L7"), national::VALID);
    assert_eq!(total("L3"), national::ISSUED);
    assert_eq!(total("L1"), national::REGISTERED);
    assert_eq!(contest["regions"].as_object().unwrap().len(), 20);

    for format in ["csv", "html"] {
        let out = dir.join(format!("tally.{format}"));
        let status = tally_command()
            .args(["--format", format, "--out", out.to_str().unwrap()])
            .status()
            .unwrap();
        assert!(status.success());
        let text = std::fs::read_to_string(&out).unwrap();
        assert!(text.contains("3431510"), "{format} holds AMANAT's total");
    }
    std::fs::remove_dir_all(&dir).unwrap();
}
