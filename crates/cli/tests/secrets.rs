//! Finding 8 of issue 12: no PIN or passphrase on the command line, and key files readable by
//! their owner only. The `hattama` CLI signs a person in with `--user NAME` and takes each secret
//! from standard input (`--pin-stdin`: the signed-in user's PIN, then a new PIN, then the
//! passphrase), an environment variable (`HATTAMA_PIN`, `HATTAMA_NEW_PIN`,
//! `HATTAMA_PASSPHRASE`) or a prompt on the terminal; the `--pin`, `--new-pin` and `--chair-pin`
//! arguments are gone. `commission.key` and `device.key` are created 0600 whatever the umask,
//! and never over an existing file or link.

#![expect(
    clippy::unwrap_used,
    reason = "test helpers unwrap: a panic there is a failed test"
)]

#[path = "support/binary.rs"]
mod binary;
#[path = "support/run.rs"]
pub mod run;

use std::io::Write;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use hattama_protocol::builtin::DEMO_CLEAN_P1;
use run::{
    CHAIR_PIN, add_user, enter_p1, export_to, hattama, hattama_env, hattama_stdin, ok, ok_env,
    ok_stdin, registry_init, setup_demo, user_add,
};

/// A demo precinct whose P1 is typed twice alike and so waits for the chair.
fn agreed_precinct(dir: &Path) -> std::path::PathBuf {
    let db = dir.join("hattama.db");
    setup_demo(&db, CHAIR_PIN);
    // The chair's PIN first, then the new user's.
    add_user(&db, CHAIR_PIN, "Ana", "clerk", "268135");
    ok_env(
        &db,
        &user_add("Bek", "clerk"),
        &[("HATTAMA_PIN", CHAIR_PIN), ("HATTAMA_NEW_PIN", "731946")],
    );
    let values: serde_json::Map<String, serde_json::Value> = DEMO_CLEAN_P1
        .iter()
        .map(|(line, value)| ((*line).to_owned(), (*value).into()))
        .collect();
    let file = dir.join("p1.json");
    std::fs::write(&file, serde_json::Value::Object(values).to_string()).unwrap();
    for (user, pin, entry) in [("Ana", "268135", "1"), ("Bek", "731946", "2")] {
        ok_env(
            &db,
            &enter_p1(user, entry, file.to_str().unwrap()),
            &[("HATTAMA_PIN", pin)],
        );
    }
    db
}

/// The process's state letter from `/proc/<pid>/stat` (`S` while it sleeps in a read).
fn state(pid: u32) -> Option<char> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    stat.rsplit_once(") ")?.1.chars().next()
}

#[test]
fn attack_8_the_chair_pin_is_not_in_the_process_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let db = agreed_precinct(dir.path());
    let mut child = Command::new(env!("CARGO_BIN_EXE_hattama"))
        .args([
            "--pin-stdin",
            "finalize",
            "--contest",
            "majilis-list",
            "--user",
            "Aigul",
        ])
        .env("HATTAMA_DB", &db)
        .env_remove("HATTAMA_PIN")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let pid = child.id();

    // Wait until the process runs `hattama` and sleeps, waiting for the PIN on its stdin.
    let deadline = Instant::now() + Duration::from_secs(30);
    let cmdline = loop {
        let cmdline = std::fs::read(format!("/proc/{pid}/cmdline")).unwrap_or_default();
        let text = String::from_utf8_lossy(&cmdline).replace('\0', " ");
        if text.contains("finalize") && state(pid) == Some('S') {
            break text;
        }
        assert!(
            Instant::now() < deadline,
            "hattama never waited for its PIN: cmdline {text:?}, state {:?}",
            state(pid)
        );
        std::thread::sleep(Duration::from_millis(20));
    };
    assert!(cmdline.contains("--pin-stdin"), "{cmdline}");
    assert!(
        !cmdline.contains(CHAIR_PIN),
        "the PIN is visible: {cmdline}"
    );
    assert!(
        child.try_wait().unwrap().is_none(),
        "it did not wait for the PIN"
    );

    child
        .stdin
        .take()
        .unwrap()
        .write_all(format!("{CHAIR_PIN}\n").as_bytes())
        .unwrap();
    let output = child.wait_with_output().unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let finalized: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(finalized["version"], 1);
}

#[test]
fn pin_arguments_are_gone_and_refused_without_a_change() {
    let dir = tempfile::tempdir().unwrap();
    let db = agreed_precinct(dir.path());
    let before = ok(&db, &["state"]);
    for args in [
        &[
            "user", "add", "--user", "Aigul", "--pin", CHAIR_PIN, "--name", "Dana", "--role",
            "clerk",
        ][..],
        &[&user_add("Dana", "clerk")[..], &["--new-pin", "482916"]].concat()[..],
        &[
            "finalize",
            "--contest",
            "majilis-list",
            "--chair-pin",
            CHAIR_PIN,
        ][..],
        &[
            "finalize",
            "--contest",
            "majilis-list",
            "--user",
            "Aigul",
            "--pin",
            CHAIR_PIN,
        ][..],
        &[
            "enter",
            "--user",
            "Ana",
            "--pin",
            "268135",
            "--contest",
            "abai-list",
            "--entry",
            "1",
            "--file",
            "p1.json",
        ][..],
    ] {
        let refused = hattama(&db, args);
        assert_eq!(refused.status.code(), Some(2), "{args:?}");
        let stderr = String::from_utf8_lossy(&refused.stderr);
        assert!(stderr.contains("unexpected argument"), "{args:?}: {stderr}");
    }
    assert_eq!(ok(&db, &["state"]), before);
}

#[test]
fn a_secret_comes_from_the_environment_and_its_absence_is_explained() {
    let dir = tempfile::tempdir().unwrap();
    let db = agreed_precinct(dir.path());

    let finalize = ["finalize", "--contest", "majilis-list", "--user", "Aigul"];
    // No terminal, no --pin-stdin, no variable: the command says how to give the PIN.
    let refused = hattama_env(&db, &finalize, &[]);
    assert_eq!(refused.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(
        stderr.contains("HATTAMA_PIN") && stderr.contains("--pin-stdin"),
        "{stderr}"
    );
    // Standard input that ends before the secret.
    let refused = hattama_stdin(&db, &finalize, "");
    assert_eq!(refused.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&refused.stderr).contains("standard input ended"));
    assert_eq!(
        ok(&db, &["state", "--contest", "majilis-list"])["protocol"]["state"]["phase"],
        "agreed"
    );

    let finalized = hattama_env(&db, &finalize, &[("HATTAMA_PIN", CHAIR_PIN)]);
    assert!(
        finalized.status.success(),
        "{}",
        String::from_utf8_lossy(&finalized.stderr)
    );
}

#[test]
fn with_pin_stdin_the_signed_in_pin_comes_first_then_the_new_pin_then_the_passphrase() {
    let dir = tempfile::tempdir().unwrap();
    let db = agreed_precinct(dir.path());
    let add_dana = user_add("Dana", "secretary");
    // The new PIN first: it is taken for the chair's, and the chair's is not a new user's.
    let refused = hattama_stdin(&db, &add_dana, &format!("482916\n{CHAIR_PIN}\n"));
    assert_eq!(refused.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&refused.stderr).contains("store.wrong_pin"));
    // Only the chair's PIN: standard input ends before the new one, and no user is added.
    let refused = hattama_stdin(&db, &add_dana, &format!("{CHAIR_PIN}\n"));
    assert_eq!(refused.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&refused.stderr)
            .contains("standard input ended before the new-pin")
    );
    let added = ok_stdin(&db, &add_dana, &format!("{CHAIR_PIN}\n482916\n"));
    assert_eq!(added["role"], "secretary");

    // The passphrase comes after the PIN (`HATTAMA_PASSPHRASE` is not read with --pin-stdin).
    let finalize = ["finalize", "--contest", "majilis-list", "--user", "Aigul"];
    ok_stdin(&db, &finalize, &format!("{CHAIR_PIN}\n"));
    let device_key = ["device-key", "--user", "Aigul"];
    let made = ok_stdin(
        &db,
        &device_key,
        &format!("{CHAIR_PIN}\nanother passphrase 2023\n"),
    );
    assert!(made["fingerprint"].is_string(), "{made}");
    let stick = dir.path().join("stick");
    std::fs::create_dir_all(&stick).unwrap();
    let export = export_to(&stick);
    let refused = hattama_stdin(
        &db,
        &export,
        &format!("{CHAIR_PIN}\nchair passphrase 2023\n"),
    );
    assert_eq!(
        refused.status.code(),
        Some(2),
        "the environment's passphrase is not used"
    );
    let exported = ok_stdin(
        &db,
        &export,
        &format!("{CHAIR_PIN}\nanother passphrase 2023\n"),
    );
    assert_eq!(exported["sequence"], 1);
}

/// Runs `hattama ARGS` under umask 000 with the passphrase on standard input.
fn under_open_umask(args: &[&str]) -> std::process::Output {
    binary::output_with_stdin(
        Command::new("sh")
            .arg("-c")
            .arg("umask 000; exec \"$0\" \"$@\"")
            .arg(env!("CARGO_BIN_EXE_hattama"))
            .arg("--pin-stdin")
            .args(args)
            .env_remove("HATTAMA_PASSPHRASE"),
        b"commission passphrase 2023\n",
    )
}

fn mode(path: &Path) -> u32 {
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

/// `hattama registry init` of the demo's election into the folder `registry`, under an open umask.
fn init_registry(registry: &Path) -> std::process::Output {
    under_open_umask(&registry_init(registry, "demo"))
}

#[test]
fn key_files_are_created_0600_whatever_the_umask() {
    let dir = tempfile::tempdir().unwrap();
    let registry = dir.path().join("registry");
    let made = init_registry(&registry);
    assert!(
        made.status.success(),
        "{}",
        String::from_utf8_lossy(&made.stderr)
    );
    assert_eq!(mode(&registry.join("commission.key")), 0o600);
    // The public key is for everyone; only the secret one is closed.
    assert_eq!(mode(&registry.join("commission.pub")) & 0o044, 0o044);
    assert!(!registry.join("commission.key.tmp").exists());

    let device = dir.path().join("device");
    let made = under_open_umask(&["keygen", "--out", device.to_str().unwrap()]);
    assert!(
        made.status.success(),
        "{}",
        String::from_utf8_lossy(&made.stderr)
    );
    assert_eq!(mode(&device.join("device.key")), 0o600);
}

#[test]
fn a_key_file_is_never_written_over_an_existing_file_or_through_a_link() {
    let dir = tempfile::tempdir().unwrap();
    let registry = dir.path().join("registry");
    std::fs::create_dir(&registry).unwrap();
    let elsewhere = dir.path().join("elsewhere.txt");
    std::fs::write(&elsewhere, "keep me").unwrap();
    std::os::unix::fs::symlink(&elsewhere, registry.join("commission.key")).unwrap();
    let refused = init_registry(&registry);
    assert_eq!(refused.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&refused.stderr).contains("[commission.key_exists]"),
        "{}",
        String::from_utf8_lossy(&refused.stderr)
    );
    assert_eq!(std::fs::read_to_string(&elsewhere).unwrap(), "keep me");
    assert!(!registry.join("commission.pub").exists());

    // A dangling link: nothing is created where it points.
    let nowhere = dir.path().join("nowhere.key");
    std::fs::remove_file(registry.join("commission.key")).unwrap();
    std::os::unix::fs::symlink(&nowhere, registry.join("commission.key")).unwrap();
    let refused = init_registry(&registry);
    assert_eq!(refused.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&refused.stderr).contains("[commission.key_exists]"));
    assert!(!nowhere.exists());
}
