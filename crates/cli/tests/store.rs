//! A whole precinct scripted through the `hattama` binary: setup, users, two entries that
//! differ in one line, reconciliation, a warning acknowledged, finalizing, the audit chain.

#![expect(
    clippy::unwrap_used,
    reason = "test helpers unwrap: a panic there is a failed test"
)]

#[path = "support/binary.rs"]
mod binary;
#[path = "support/run.rs"]
pub mod run;

use std::path::Path;

use run::{
    CHAIR_PIN, add_user, enter_p1, hattama, hattama_env, hattama_stdin, ok, ok_env, ok_stdin,
    setup_demo,
};

/// P1 values with L6 = 41 of L5 = 800 (above 5 %: warning W05) and everything else whole.
fn values(l9: u32) -> String {
    let l8 = (1..=7)
        .map(|k| format!(r#""L8.{k}": 100"#))
        .collect::<Vec<_>>()
        .join(", ");
    format!(
        r#"{{"L1": 1000, "L2": 1000, "L3": 800, "L3a": 10, "L3b": 20, "L4": 200, "L5": 800,
        "L5b": 20, "L6": 41, "L7": 759, {l8}, "L9": {l9}}}"#
    )
}

/// The arguments of `hattama reconcile`: the chair Aigul types `value` from the paper for P1's L9.
fn reconcile_l9(value: &str) -> [&str; 9] {
    [
        "reconcile",
        "--contest",
        "majilis-list",
        "--line",
        "L9",
        "--value",
        value,
        "--user",
        "Aigul",
    ]
}

#[test]
fn a_whole_precinct_scripted() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("hattama.db");
    let first = dir.path().join("first.json");
    let second = dir.path().join("second.json");
    std::fs::write(&first, values(59)).unwrap();
    std::fs::write(&second, values(95)).unwrap();
    let (first, second) = (first.to_str().unwrap(), second.to_str().unwrap());

    let setup = setup_demo(&db, CHAIR_PIN);
    assert_eq!(setup["precinct"], "abai/1");
    assert_eq!(setup["contests"].as_array().unwrap().len(), 5);
    // The chair signs in first: their PIN, then the new user's, on standard input.
    for (name, role, pin) in [("Ana", "clerk", "268135"), ("Bek", "clerk", "731946")] {
        add_user(&db, CHAIR_PIN, name, role, pin);
    }

    let entered = ok_env(
        &db,
        &enter_p1("Ana", "1", first),
        &[("HATTAMA_PIN", "268135")],
    );
    assert_eq!(entered["state"]["phase"], "first_done");
    assert_eq!(entered["failing"], serde_json::json!(["W05"]));

    // The same clerk cannot type the second entry.
    let refused = hattama_env(
        &db,
        &enter_p1("Ana", "2", second),
        &[("HATTAMA_PIN", "268135")],
    );
    assert_eq!(refused.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&refused.stderr).contains("store.same_user_second_entry"));

    let entered = ok_stdin(&db, &enter_p1("Bek", "2", second), "731946\n");
    assert_eq!(entered["state"]["phase"], "differ");
    let state = ok(&db, &["state", "--contest", "majilis-list"]);
    let differences = &state["protocol"]["differences"];
    assert_eq!(differences.as_array().unwrap().len(), 1);
    assert_eq!(differences[0]["line"], "L9");
    // Blind: the differences name the line, never either entry's value.
    assert!(differences[0].get("first").is_none() && differences[0].get("second").is_none());

    // A paper value on neither entry is stored only when confirmed.
    let unconfirmed = hattama_env(&db, &reconcile_l9("60"), &[("HATTAMA_PIN", CHAIR_PIN)]);
    assert_eq!(unconfirmed.status.code(), Some(2));
    let answer: serde_json::Value = serde_json::from_slice(&unconfirmed.stdout).unwrap();
    assert_eq!(answer["needs_confirmation"], true);
    let state = ok(&db, &["state", "--contest", "majilis-list"]);
    assert!(state["protocol"]["differences"][0]["settled"].is_null());

    let reconciled = ok_env(&db, &reconcile_l9("59"), &[("HATTAMA_PIN", CHAIR_PIN)]);
    assert_eq!(reconciled["matched"], "first");
    assert_eq!(reconciled["state"]["phase"], "agreed");

    let refused = hattama_env(
        &db,
        &["finalize", "--contest", "majilis-list", "--user", "Aigul"],
        &[("HATTAMA_PIN", CHAIR_PIN)],
    );
    assert_eq!(refused.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&refused.stderr).contains("store.unacknowledged_warnings"));
    ok_env(
        &db,
        &[
            "ack",
            "--contest",
            "majilis-list",
            "--code",
            "W05",
            "--user",
            "Aigul",
        ],
        &[("HATTAMA_PIN", CHAIR_PIN)],
    );
    let refused = hattama_env(
        &db,
        &["finalize", "--contest", "majilis-list", "--user", "Aigul"],
        &[("HATTAMA_PIN", "480263")],
    );
    assert!(String::from_utf8_lossy(&refused.stderr).contains("store.wrong_pin"));
    // A clerk signed in with their own PIN may not finalize.
    let refused = hattama_stdin(
        &db,
        &["finalize", "--contest", "majilis-list", "--user", "Bek"],
        "731946\n",
    );
    assert_eq!(refused.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&refused.stderr).contains("store.not_permitted"));
    let finalized = ok_stdin(
        &db,
        &["finalize", "--contest", "majilis-list", "--user", "Aigul"],
        &format!("{CHAIR_PIN}\n"),
    );
    assert_eq!(finalized["version"], 1);
    assert!(local_path(finalized["backup"].as_str().unwrap()).exists());

    let state = ok(&db, &["state", "--contest", "majilis-list"]);
    assert_eq!(state["protocol"]["state"]["phase"], "final");
    assert_eq!(state["protocol"]["state"]["chair"], "Aigul");
    assert_eq!(state["protocol"]["final_values"]["L9"], 59);
    assert_eq!(state["protocols"].as_array().unwrap().len(), 5);

    let report = ok(&db, &["audit", "verify"]);
    assert_eq!(report["broken"], serde_json::Value::Null);
    assert!(40 < report["rows"].as_i64().unwrap());

    assert_edited_copy_fails_verification(&db);
}

/// Edits one audit row of a copy of the file with raw SQL (dropping the trigger first, as an
/// outsider would) and expects `audit verify` to exit 1 naming that row.
fn assert_edited_copy_fails_verification(db: &Path) {
    let copy = db.with_file_name("tampered.db");
    std::fs::copy(db, &copy).unwrap();
    let conn = rusqlite::Connection::open(&copy).unwrap();
    conn.execute_batch(
        "DROP TRIGGER audit_no_update;
         UPDATE audit SET payload = replace(payload, '\"raw\":\"1000\"', '\"raw\":\"2000\"')
         WHERE seq = 7;",
    )
    .unwrap();
    conn.close().unwrap();
    let output = hattama(&copy, &["audit", "verify"]);
    assert_eq!(
        output.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&output.stdout)
    );
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(report["broken"]["kind"], "edited");
    assert_eq!(report["broken"]["seq"], 7);
}

/// A path the binary under test printed, as this machine names it: the Windows binary under
/// Wine joins with `\` and may name the root drive `Z:`, which is `/` here.
fn local_path(printed: &str) -> std::path::PathBuf {
    if std::env::var_os("HATTAMA_TEST_EXE").is_none_or(|exe| exe.is_empty()) {
        return std::path::PathBuf::from(printed);
    }
    let unix = printed.replace('\\', "/");
    let unix = unix
        .strip_prefix("Z:")
        .or_else(|| unix.strip_prefix("z:"))
        .unwrap_or(&unix);
    std::path::PathBuf::from(unix)
}
