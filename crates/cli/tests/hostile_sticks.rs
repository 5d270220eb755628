//! `hattama import` and `hattama verify` against a hostile stick: a FIFO, a link to `/dev/zero`,
//! a sparse 8 GiB file and a validly signed batch above the size limit, all named like batches,
//! beside batches whose signed trusted comment lies or whose mode is not their definition's. Each
//! is refused with its own code, on stdout (JSON) and on stderr (`[batch.<code>]`), and the good
//! batch beside them is imported.
//!
//! Every run of the binary on the stick is made under `prlimit` (util-linux) with a 1 GiB
//! address-space limit and 20 s of CPU, and killed after a 60 s deadline, so a regression (reading
//! `/dev/zero` to the end, waiting on the FIFO) fails the test rather than eating the machine or
//! hanging it. The deadline is a guard, not a measurement; the time of each run is printed.
//!
//! The commission key and the device key are given in minisign's two-line `.pub` form, which
//! `--commission-key` and `registry add --public-key` must both read.

#![expect(clippy::unwrap_used, reason = "test code: a panic is a failed test")]
#![expect(
    clippy::print_stdout,
    reason = "the time of each limited run is printed beside its deadline"
)]

#[path = "support/binary.rs"]
mod binary;
#[path = "../../batch/tests/support/deadline.rs"]
mod deadline;
#[path = "support/log.rs"]
mod log;
#[path = "support/run.rs"]
pub mod run;

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use hattama_batch::export::{SignedBatch, sign_batch};
use hattama_batch::format::{self, Act, AuditHead, BatchProtocol, ElectionRef, LineValue, Payload};
use hattama_batch::keys::{self, NewKeyPair};
use hattama_batch::read::{MAX_PAYLOAD_BYTES, signature_path};
use hattama_protocol::{Mode, PrecinctId, builtin};

const DEADLINE: Duration = Duration::from_secs(60);

/// Runs `hattama ARGS` under a memory and CPU limit, killed after [`DEADLINE`].
fn limited(args: &[&str]) -> Output {
    let started = Instant::now();
    let mut child = Command::new("prlimit")
        .args(["--as=1073741824", "--cpu=20", "--"])
        .arg(env!("CARGO_BIN_EXE_hattama"))
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("prlimit (util-linux) runs");
    // Drain stdout on a thread: an import's report may be larger than a pipe holds.
    let mut stdout = child.stdout.take().unwrap();
    let reader = std::thread::spawn(move || {
        let mut bytes = Vec::new();
        std::io::Read::read_to_end(&mut stdout, &mut bytes).unwrap();
        bytes
    });
    let status =
        deadline::wait_or_kill(&mut child, started, DEADLINE, &format!("hattama {args:?}"));
    let mut stderr = Vec::new();
    std::io::Read::read_to_end(&mut child.stderr.take().unwrap(), &mut stderr).unwrap();
    println!(
        "hattama {}: {:.3} s under the limit (deadline {} s)",
        args.first().unwrap(),
        started.elapsed().as_secs_f64(),
        DEADLINE.as_secs()
    );
    Output {
        status,
        stdout: reader.join().unwrap(),
        stderr,
    }
}

fn abai_1() -> PrecinctId {
    PrecinctId {
        region: "abai".into(),
        number: 1,
    }
}

/// Batch `sequence` of abai/1 in the demo election: the clean Majilis list protocol.
fn payload(sequence: u64, previous: Option<String>) -> Payload {
    let demo = builtin::demo();
    let template = builtin::templates().template("P1").unwrap();
    let mut payload = Payload {
        format: format::FORMAT_NAME.into(),
        version: format::FORMAT_VERSION,
        election: ElectionRef {
            id: demo.definition.id.clone(),
            definition_hash: demo.hash.clone(),
            mode: Mode::Test,
        },
        precinct: abai_1(),
        sequence,
        previous,
        audit_head: AuditHead {
            seq: 10,
            hash: "ab".repeat(32),
        },
        app_version: "0.1.0".into(),
        created_at: "2023-03-20T02:15:00+05:00".into(),
        protocols: vec![BatchProtocol {
            contest: "majilis-list".into(),
            template: "P1".into(),
            template_version: template.version,
            version: 1,
            repeated_reason: None,
            finalized_at: "2023-03-20T02:10:00+05:00".into(),
            finalized_by: "chair".into(),
            values: builtin::DEMO_CLEAN_P1
                .iter()
                .map(|(line, value)| LineValue {
                    line: (*line).to_owned(),
                    value: *value,
                })
                .collect(),
            acknowledged: Vec::new(),
            acts: Vec::new(),
        }],
        audit_log: Vec::new(),
    };
    (payload.audit_log, payload.audit_head) = log::vouching_log(&payload.protocols);
    payload
}

fn write_batch(stick: &Path, name: &str, payload: &[u8], signature: &str) -> PathBuf {
    let file = stick.join(name);
    std::fs::write(&file, payload).unwrap();
    std::fs::write(signature_path(&file), signature).unwrap();
    file
}

fn signed(payload: &Payload, device: &NewKeyPair) -> SignedBatch {
    sign_batch(payload, &keys::unlock(&device.secret_key, None).unwrap()).unwrap()
}

fn two_line_pub(public_key: &str) -> String {
    format!("untrusted comment: minisign public key\n{public_key}\n")
}

struct Commission {
    _dir: tempfile::TempDir,
    registry: PathBuf,
    commission_key: PathBuf,
    stick: PathBuf,
    db: PathBuf,
    device: NewKeyPair,
}

/// A registry holding abai/1's device key (added from a two-line `.pub` file), the commission key
/// copied in the two-line form, an empty stick folder.
fn commission() -> Commission {
    let dir = tempfile::tempdir().unwrap();
    let registry = dir.path().join("registry");
    let db = dir.path().join("receiver.db");
    let election = builtin::demo().definition.id.clone();
    let init = run::ok(&db, &run::registry_init(&registry, &election));
    let commission_key = dir.path().join("commission-minisign.pub");
    std::fs::write(
        &commission_key,
        two_line_pub(init["public_key"].as_str().unwrap()),
    )
    .unwrap();
    let device = keys::generate_unencrypted("abai/1").unwrap();
    let device_pub = dir.path().join("device.pub");
    std::fs::write(&device_pub, two_line_pub(&device.public_key)).unwrap();
    let added = run::ok(
        &db,
        &[
            "registry",
            "add",
            "--dir",
            registry.to_str().unwrap(),
            "--public-key",
            device_pub.to_str().unwrap(),
            "--region",
            "abai",
            "--precinct",
            "1",
        ],
    );
    assert_eq!(added["added"], device.key_id.to_string());
    let stick = dir.path().join("stick");
    std::fs::create_dir(&stick).unwrap();
    Commission {
        _dir: dir,
        registry,
        commission_key,
        stick,
        db,
        device,
    }
}

impl Commission {
    fn receiver_args<'a>(&'a self, args: &[&'a str]) -> Vec<&'a str> {
        let mut all = args.to_vec();
        all.extend([
            "--registry",
            self.registry.to_str().unwrap(),
            "--commission-key",
            self.commission_key.to_str().unwrap(),
            "--mode",
            "test",
        ]);
        all
    }

    fn verify(&self, file: &Path) -> (Option<i32>, serde_json::Value, String) {
        let output = limited(&self.receiver_args(&["verify", file.to_str().unwrap()]));
        let json = serde_json::from_slice(&output.stdout).unwrap_or_default();
        (
            output.status.code(),
            json,
            String::from_utf8_lossy(&output.stderr).into_owned(),
        )
    }
}

/// Fills the stick: one good batch, and each hostile file with the code it must be refused with.
fn hostile_stick(commission: &Commission) -> (PathBuf, Vec<(PathBuf, &'static str)>) {
    let stick = &commission.stick;
    let first = signed(&payload(1, None), &commission.device);
    let good = write_batch(
        stick,
        &format!("{}.json", first.base_name),
        &first.payload,
        &first.signature,
    );
    let mut hostile = Vec::new();

    let fifo = stick.join("hattama-fifo.json");
    assert!(
        Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    hostile.push((fifo, "batch.not_regular_file"));

    let zero = stick.join("hattama-zero.json");
    std::os::unix::fs::symlink("/dev/zero", &zero).unwrap();
    hostile.push((zero, "batch.not_regular_file"));

    let sparse = stick.join("hattama-sparse.json");
    std::fs::File::create(&sparse)
        .unwrap()
        .set_len(8 << 30)
        .unwrap();
    hostile.push((sparse, "batch.payload_too_large"));

    let mut large = payload(2, Some(first.hash.clone()));
    large.protocols[0].acts.push(Act {
        code: "E01".into(),
        text: "x".repeat(usize::try_from(MAX_PAYLOAD_BYTES).unwrap()),
        by: "chair".into(),
        at: "t".into(),
    });
    let large = signed(&large, &commission.device);
    hostile.push((
        write_batch(
            stick,
            "hattama-large.json",
            &large.payload,
            &large.signature,
        ),
        "batch.payload_too_large",
    ));

    let mut live = payload(2, Some(first.hash.clone()));
    live.election.mode = Mode::Live;
    let live = signed(&live, &commission.device);
    hostile.push((
        write_batch(stick, "hattama-live.json", &live.payload, &live.signature),
        "batch.mode_mismatch",
    ));

    let second = format::encode(&payload(2, Some(first.hash.clone())));
    let unlocked = keys::unlock(&commission.device.secret_key, None).unwrap();
    let honest = format::trusted_comment(&payload(2, None), &second);
    for (name, comment, code) in [
        (
            "hattama-other-precinct.json",
            honest.replace("precinct=abai/1", "precinct=abai/2"),
            "batch.trusted_comment_mismatch",
        ),
        (
            "hattama-other-seq.json",
            honest.replace("seq=2", "seq=7"),
            "batch.trusted_comment_mismatch",
        ),
        (
            "hattama-hello.json",
            "hello".to_owned(),
            "batch.trusted_comment_malformed",
        ),
    ] {
        let signature = unlocked.sign(&second, &comment).unwrap();
        hostile.push((write_batch(stick, name, &second, &signature), code));
    }
    (good, hostile)
}

#[test]
fn an_import_from_a_hostile_stick_refuses_each_file_with_its_code_and_imports_the_good_one() {
    let commission = commission();
    let (good, hostile) = hostile_stick(&commission);
    let output = limited(&commission.receiver_args(&[
        "import",
        commission.stick.to_str().unwrap(),
        "--db",
        commission.db.to_str().unwrap(),
        "--quiet",
    ]));
    assert_eq!(
        output.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(report["imported"], 1);
    assert_eq!(report["refused"], hostile.len());
    let outcome = |file: &Path| {
        report["batches"]
            .as_array()
            .unwrap()
            .iter()
            .find(|batch| batch["file"] == file.display().to_string())
            .unwrap_or_else(|| panic!("{} is not in the report", file.display()))
            .clone()
    };
    assert_eq!(outcome(&good)["outcome"], "import");
    for (file, code) in &hostile {
        let batch = outcome(file);
        assert_eq!(
            (batch["outcome"].as_str(), batch["code"].as_str()),
            (Some("refused"), Some(*code)),
            "{}",
            file.display()
        );
        assert!(!batch["message"].as_str().unwrap().is_empty());
    }
}

#[test]
fn verify_refuses_each_hostile_file_with_its_code_on_stdout_and_stderr() {
    let commission = commission();
    let (good, hostile) = hostile_stick(&commission);
    let (status, json, _) = commission.verify(&good);
    assert_eq!((status, &json["verified"]), (Some(0), &true.into()));
    for (file, code) in &hostile {
        let (status, json, stderr) = commission.verify(file);
        assert_eq!(status, Some(1), "{}: {stderr}", file.display());
        assert_eq!(json["code"], *code, "{}", file.display());
        assert!(
            stderr.contains(&format!("[{code}]")),
            "{}: {stderr}",
            file.display()
        );
    }
    // The signature file a link to /dev/zero beside a good payload.
    let signature = signature_path(&good);
    std::fs::remove_file(&signature).unwrap();
    std::os::unix::fs::symlink("/dev/zero", &signature).unwrap();
    let (status, json, _) = commission.verify(&good);
    assert_eq!(
        (status, json["code"].as_str()),
        (Some(1), Some("batch.not_regular_file"))
    );
}

#[test]
fn a_registry_with_two_valid_keys_for_one_precinct_is_refused_by_every_receiving_command() {
    let commission = commission();
    // Sign a registry that gives abai/1 a second valid key, as a hand-edited registry would.
    let registry_json = commission.registry.join("registry.json");
    let mut registry: hattama_batch::registry::Registry =
        serde_json::from_slice(&std::fs::read(&registry_json).unwrap()).unwrap();
    let second = keys::generate_unencrypted("abai/1 again").unwrap();
    registry.keys.push(hattama_batch::registry::RegistryEntry {
        key_id: second.key_id,
        public_key: second.public_key.clone(),
        precinct: abai_1(),
        status: hattama_batch::registry::KeyStatus::Valid,
        revoked_reason: None,
    });
    let secret = std::fs::read_to_string(commission.registry.join("commission.key")).unwrap();
    let key = keys::unlock(&secret, Some("chair passphrase 2023")).unwrap();
    let (bytes, signature) = registry.sign(&key).unwrap();
    std::fs::write(&registry_json, bytes).unwrap();
    std::fs::write(signature_path(&registry_json), signature).unwrap();

    let batch = signed(&payload(1, None), &second);
    let file = write_batch(
        &commission.stick,
        &format!("{}.json", batch.base_name),
        &batch.payload,
        &batch.signature,
    );
    for args in [
        vec!["verify", file.to_str().unwrap()],
        vec![
            "import",
            commission.stick.to_str().unwrap(),
            "--db",
            commission.db.to_str().unwrap(),
            "--quiet",
        ],
    ] {
        let output = limited(&commission.receiver_args(&args));
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(
            stderr.contains("two valid keys")
                && stderr.contains("abai/1")
                && stderr.contains("[batch.registry_two_valid_keys]"),
            "{stderr}"
        );
    }
    assert!(
        !commission.db.exists(),
        "nothing was written by the refused import"
    );
}
