//! The Windows build against the Linux one. With `HATTAMA_TEST_EXE` naming the Windows
//! `hattama.exe` and `HATTAMA_TEST_RUNNER` `wine` (as `cargo xtask test` sets them), a precinct run
//! on "Windows" exports a batch that the Linux commission verifies, imports and tallies, and the
//! other way round, with equal tallies; every precinct step answers with the same exit code and
//! the same JSON on both; and a batch the Windows binary writes to a FAT32 image reads back
//! verified after the image is unmounted. Without those variables both sides are the Linux
//! binary and the same assertions hold.

#![expect(
    clippy::unwrap_used,
    reason = "test helpers unwrap: a panic there is a failed test"
)]

#[path = "support/binary.rs"]
mod binary;
#[path = "support/run.rs"]
pub mod run;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

use run::CHAIR_PIN;

/// A `hattama` binary: [`binary::command`] (Windows under Wine when configured) or
/// [`binary::native`].
type Cli = fn() -> Command;

const ELECTION: &str = "kz-2023-03-19-demo";

const VALUES: &str = r#"{"L1": 1000, "L2": 1000, "L3": 800, "L3a": 10, "L3b": 20, "L4": 200, "L5": 800, "L5b": 20,
"L6": 20, "L7": 780, "L8.1": 300, "L8.2": 100, "L8.3": 100, "L8.4": 80, "L8.5": 50, "L8.6": 60, "L8.7": 40, "L9": 50}"#;

/// One step: its arguments, exit code and JSON (`Null` when it printed none).
#[derive(Debug)]
struct Step {
    args: Vec<String>,
    code: Option<i32>,
    json: Value,
    stderr: String,
}

fn run(cli: Cli, db: &Path, args: &[String], env: &[(&str, &str)]) -> Step {
    let output: Output = run::against(cli(), db, env)
        .args(args)
        .output()
        .expect("the hattama binary runs");
    Step {
        args: args.to_vec(),
        code: output.status.code(),
        json: serde_json::from_slice(&output.stdout).unwrap_or(Value::Null),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

fn ok(cli: Cli, db: &Path, args: &[String]) -> Step {
    let step = run(cli, db, args, &[]);
    assert_eq!(
        step.code,
        Some(0),
        "hattama {:?}: {}",
        step.args,
        step.stderr
    );
    step
}

fn strings(args: &[&str]) -> Vec<String> {
    args.iter().map(|arg| (*arg).to_owned()).collect()
}

fn text(path: &Path) -> String {
    path.to_str().unwrap().to_owned()
}

/// `args` signed in as `user`: the one place that says how a person and their PIN reach the
/// binary (`--user NAME`, the PIN in `HATTAMA_PIN`, never on the command line).
fn signed_in<'a>(
    args: &[&str],
    user: &str,
    pin: &'a str,
) -> (Vec<String>, Vec<(&'static str, &'a str)>) {
    let mut args = strings(args);
    args.extend(["--user".to_owned(), user.to_owned()]);
    (args, vec![("HATTAMA_PIN", pin)])
}

/// A precinct from setup to an exported batch on `stick`, one step after another; the steps and
/// the device's public key.
fn precinct(cli: Cli, dir: &Path, stick: &Path) -> (Vec<Step>, String) {
    let db = dir.join("precinct.db");
    let values = dir.join("values.json");
    std::fs::write(&values, VALUES).unwrap();
    let mut steps = Vec::new();
    let mut step = |(args, env): (Vec<String>, Vec<(&str, &str)>)| {
        steps.push(run(cli, &db, &args, &env));
    };
    step((
        strings(&run::SETUP_DEMO),
        vec![("HATTAMA_NEW_PIN", CHAIR_PIN)],
    ));
    for (name, pin) in [("Ana", "268135"), ("Bek", "731946")] {
        let (args, mut env) = signed_in(
            &["user", "add", "--name", name, "--role", "clerk"],
            "Aigul",
            CHAIR_PIN,
        );
        env.push(("HATTAMA_NEW_PIN", pin));
        step((args, env));
    }
    step(signed_in(
        &[
            "member",
            "add",
            "--name",
            "Aigul Sarsenova",
            "--position",
            "chair",
        ],
        "Aigul",
        CHAIR_PIN,
    ));
    let values = text(&values);
    for (user, pin, entry) in [("Ana", "268135", "1"), ("Bek", "731946", "2")] {
        step(signed_in(
            &[
                "enter",
                "--contest",
                "majilis-list",
                "--entry",
                entry,
                "--file",
                &values,
            ],
            user,
            pin,
        ));
    }
    // A clerk cannot finalize, and a wrong PIN is refused, the same way on both.
    step(signed_in(
        &["finalize", "--contest", "majilis-list"],
        "Ana",
        "268135",
    ));
    step(signed_in(
        &["finalize", "--contest", "majilis-list"],
        "Aigul",
        "000000",
    ));
    step(signed_in(
        &["finalize", "--contest", "majilis-list"],
        "Aigul",
        CHAIR_PIN,
    ));
    step(signed_in(&["device-key"], "Aigul", CHAIR_PIN));
    step(signed_in(
        &["export", "--out", &text(stick)],
        "Aigul",
        CHAIR_PIN,
    ));
    step((strings(&["state"]), Vec::new()));
    step((strings(&["audit", "verify"]), Vec::new()));
    let public_key = steps
        .iter()
        .find(|step| step.args[0] == "device-key")
        .and_then(|step| step.json["public_key"].as_str())
        .unwrap_or_default()
        .to_owned();
    (steps, public_key)
}

/// The commission: a registry holding the precinct's key, the batch on `stick` verified and
/// imported into a new receiver database; the tally.
fn commission(cli: Cli, dir: &Path, stick: &Path, public_key: &str) -> Value {
    let registry = text(&dir.join("registry"));
    let receiver = dir.join("receiver.db");
    ok(
        cli,
        &receiver,
        &strings(&[
            "registry",
            "init",
            "--dir",
            &registry,
            "--election",
            ELECTION,
        ]),
    );
    ok(
        cli,
        &receiver,
        &strings(&[
            "registry",
            "add",
            "--dir",
            &registry,
            "--public-key",
            public_key,
            "--region",
            "abai",
            "--precinct",
            "1",
        ]),
    );
    let payload = batch_payload(stick);
    let verified = ok(
        cli,
        &receiver,
        &strings(&[
            "verify",
            &text(&payload),
            "--registry",
            &registry,
            "--mode",
            "test",
        ]),
    );
    assert_eq!(verified.json["verified"], true, "{:?}", verified.json);
    let imported = ok(
        cli,
        &receiver,
        &strings(&[
            "import",
            &text(stick),
            "--db",
            &text(&receiver),
            "--registry",
            &registry,
            "--mode",
            "test",
            "--quiet",
        ]),
    );
    assert_eq!(imported.json["imported"], 1, "{:?}", imported.json);
    ok(
        cli,
        &receiver,
        &strings(&["tally", "--db", &text(&receiver)]),
    )
    .json
}

/// The one batch payload on `stick`.
fn batch_payload(stick: &Path) -> PathBuf {
    let payloads: Vec<PathBuf> = std::fs::read_dir(stick)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| {
            let name = path.file_name().unwrap().to_string_lossy();
            name.starts_with("hattama-") && name.ends_with(".json")
        })
        .collect();
    assert_eq!(payloads.len(), 1, "one batch on the stick: {payloads:?}");
    payloads[0].clone()
}

/// The tally's majilis-list totals, as pairs of line and number.
fn totals(tally: &Value) -> Value {
    tally["tally"]["contests"]["majilis-list"]["totals"].clone()
}

/// Both ways round: exported on one, verified and imported on the other.
#[test]
fn a_batch_from_either_platform_is_verified_imported_and_tallied_on_the_other() {
    let mut tallies = Vec::new();
    for (precinct_cli, commission_cli) in [
        (binary::command as Cli, binary::native as Cli),
        (binary::native as Cli, binary::command as Cli),
    ] {
        let dir = tempfile::tempdir().unwrap();
        let stick = dir.path().join("stick");
        std::fs::create_dir_all(&stick).unwrap();
        let (steps, public_key) = precinct(precinct_cli, dir.path(), &stick);
        let export = steps.iter().find(|step| step.args[0] == "export").unwrap();
        assert_eq!(export.code, Some(0), "{}", export.stderr);
        assert_eq!(export.json["safe_to_remove"], true);
        tallies.push(commission(commission_cli, dir.path(), &stick, &public_key));
    }
    assert_eq!(tallies[0]["tally"], tallies[1]["tally"], "equal tallies");
    let totals = totals(&tallies[0]);
    assert!(
        totals
            .as_array()
            .unwrap()
            .iter()
            .any(|pair| pair[0] == "L8.1" && pair[1] == 300),
        "{totals:?}"
    );
}

/// What may differ between two runs of the same steps: keys, hashes, times and paths.
const VOLATILE: &[&str] = &[
    "public_key",
    "key_id",
    "fingerprint",
    "hash",
    "hash_grouped",
    "definition_hash",
    "head",
    "head_hash",
    "payload",
    "signature",
    "path",
    "backup",
    "db",
    "at",
    "created_at",
    "finalized_at",
];

/// `value` with every volatile field's value replaced by its JSON type, so two runs compare.
fn stable(value: &Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(key, inner)| {
                    let kept = if VOLATILE.contains(&key.as_str()) {
                        Value::String(kind(inner).to_owned())
                    } else {
                        stable(inner)
                    };
                    (key.clone(), kept)
                })
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(stable).collect()),
        other => other.clone(),
    }
}

fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "bool",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// The `[code]` a refused step names on stderr.
fn stderr_code(stderr: &str) -> Option<&str> {
    let start = stderr.find('[')?;
    let end = start + stderr[start..].find(']')?;
    Some(&stderr[start + 1..end])
}

#[test]
fn every_precinct_step_answers_alike_on_both_platforms() {
    let runs: Vec<Vec<Step>> = [binary::native as Cli, binary::command as Cli]
        .into_iter()
        .map(|cli| {
            let dir = tempfile::tempdir().unwrap();
            let stick = dir.path().join("stick");
            std::fs::create_dir_all(&stick).unwrap();
            precinct(cli, dir.path(), &stick).0
        })
        .collect();
    assert_eq!(runs[0].len(), runs[1].len());
    for (linux, other) in runs[0].iter().zip(&runs[1]) {
        assert_eq!(linux.code, other.code, "exit code of {:?}", linux.args);
        assert_eq!(
            stable(&linux.json),
            stable(&other.json),
            "JSON of {:?}",
            linux.args
        );
        assert_eq!(
            stderr_code(&linux.stderr),
            stderr_code(&other.stderr),
            "error code of {:?}: {} / {}",
            linux.args,
            linux.stderr,
            other.stderr
        );
    }
    let finalizes: Vec<&Step> = runs[1]
        .iter()
        .filter(|step| step.args[0] == "finalize")
        .collect();
    let codes: Vec<Option<i32>> = finalizes.iter().map(|step| step.code).collect();
    assert_eq!(
        codes,
        [Some(2), Some(2), Some(0)],
        "a clerk and a wrong PIN are refused steps"
    );
}

/// Mounts a FAT32 image with fusefat at a folder, and unmounts it when dropped.
struct Fat32 {
    point: PathBuf,
}

impl Fat32 {
    fn mount(image: &Path, point: &Path, mode: &str) -> Fat32 {
        let status = Command::new("fusefat")
            .args(["-o", mode])
            .arg(image)
            .arg(point)
            .status()
            .expect("fusefat is installed (`cargo xtask test` installs it)");
        assert!(status.success(), "fusefat {mode} {}", image.display());
        Fat32 {
            point: point.to_owned(),
        }
    }
}

impl Drop for Fat32 {
    fn drop(&mut self) {
        let _ = Command::new("fusermount")
            .arg("-u")
            .arg(&self.point)
            .status();
    }
}

#[test]
fn a_batch_written_on_windows_to_a_fat32_image_reads_back_verified() {
    let dir = tempfile::tempdir().unwrap();
    let image = dir.path().join("stick.img");
    let point = dir.path().join("stick");
    std::fs::create_dir_all(&point).unwrap();
    let status = Command::new("mkfs.vfat")
        .args(["-F", "32", "-C"])
        .arg(&image)
        .arg("40000")
        .output()
        .expect("mkfs.vfat (dosfstools) is installed");
    assert!(status.status.success());
    let public_key = {
        let _mounted = Fat32::mount(&image, &point, "rw+");
        let (steps, public_key) = precinct(binary::command, dir.path(), &point);
        let export = steps.iter().find(|step| step.args[0] == "export").unwrap();
        assert_eq!(export.code, Some(0), "{}", export.stderr);
        assert_eq!(export.json["safe_to_remove"], true);
        public_key
    };
    // Unplugged and plugged in again, read-only, at the commission's Linux machine.
    let _mounted = Fat32::mount(&image, &point, "ro");
    let names: Vec<String> = std::fs::read_dir(&point)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(
        names
            .iter()
            .all(|name| !name.ends_with(".tmp") && !name.ends_with(".in-progress")),
        "no temporary file or marker is left: {names:?}"
    );
    let tally = commission(binary::native, dir.path(), &point, &public_key);
    assert!(
        totals(&tally)
            .as_array()
            .unwrap()
            .iter()
            .any(|pair| pair[0] == "L8.1" && pair[1] == 300)
    );
}
