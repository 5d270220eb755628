//! Hostile sticks, registries and signatures: what a receiver must refuse, each with its own
//! error, without blocking or holding more than the documented limit in memory.
//!
//! The cases that read files from a "stick" run again in a child process of this test binary,
//! under `prlimit` (util-linux) with a 512 MiB address-space limit, 20 s of CPU and a 60 s
//! deadline, so a regression (reading `/dev/zero` to the end, waiting on a FIFO) fails the test
//! instead of eating the machine or hanging it. The deadline is a guard, not a measurement: the
//! time each child took is printed beside it.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use hattama_batch::format::{self, Acknowledged, Act, BatchProtocol, LineValue};
use hattama_batch::keys;
use hattama_batch::read::{self, FileKind, MAX_PAYLOAD_BYTES, MAX_SIGNATURE_BYTES, ReadError};
use hattama_batch::receive::{VerifyError, read_and_verify, verify_batch};
use hattama_batch::registry::{KeyLookup, KeyStatus, Registry, RegistryEntry, RegistryError};
use hattama_protocol::{Mode, builtin};

use crate::deadline;
use crate::sample::{self, expect, keys, payload, precinct, sign, verify_signed};

/// Set in the child process that runs a case's body.
const CHILD: &str = "HATTAMA_HOSTILE_CHILD";
/// The child's address-space limit.
const ADDRESS_SPACE: &str = "--as=536870912";
/// The child's CPU-time limit, in seconds.
const CPU: &str = "--cpu=20";
/// How long the child may take before it is killed and the test fails.
const DEADLINE: Duration = Duration::from_secs(60);

#[expect(
    clippy::print_stdout,
    reason = "the time each child took is printed beside its deadline"
)]
/// In the child, true: run the body. In the parent, runs this test (`name`, as given to
/// `module_path!` and the test function) in a limited child, asserts it passed, and returns false.
fn in_limited_child(name: &str) -> bool {
    if std::env::var_os(CHILD).is_some() {
        return true;
    }
    let path = module_path!()
        .split_once("::")
        .map_or(module_path!(), |(_, rest)| rest);
    let test = format!("{path}::{name}");
    let started = Instant::now();
    let mut child = Command::new("prlimit")
        .args([ADDRESS_SPACE, CPU, "--"])
        .arg(std::env::current_exe().unwrap())
        .args(["--exact", &test, "--test-threads=1", "--nocapture"])
        .env(CHILD, "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("prlimit (util-linux) runs");
    let status = deadline::wait_or_kill(&mut child, started, DEADLINE, &test);
    let output = child.wait_with_output().unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    println!(
        "{test}: the limited child finished in {:.3} s (deadline {} s)",
        started.elapsed().as_secs_f64(),
        DEADLINE.as_secs()
    );
    assert!(
        status.success() && stdout.contains("1 passed"),
        "{test} failed in its limited child ({status}):\n{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    false
}

/// A folder like a stick holding abai/1's first batch, signed by its registered key.
fn stick() -> (tempfile::TempDir, sample::Keys, std::path::PathBuf) {
    let keys = keys();
    let batch = sign(&payload(1, None), &keys.device);
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join(format!("{}.json", batch.base_name));
    write_batch(&file, &batch);
    (dir, keys, file)
}

/// [`stick`], its payload file replaced by what `make` puts at the path it is given.
fn stick_with_payload(
    make: impl FnOnce(&Path),
) -> (tempfile::TempDir, sample::Keys, std::path::PathBuf) {
    let (dir, keys, file) = stick();
    std::fs::remove_file(&file).unwrap();
    make(&file);
    (dir, keys, file)
}

/// [`stick`], its signature file replaced by what `make` puts at the path it is given.
fn stick_with_signature(
    make: impl FnOnce(&Path),
) -> (tempfile::TempDir, sample::Keys, std::path::PathBuf) {
    let (dir, keys, file) = stick();
    let signature = read::signature_path(&file);
    std::fs::remove_file(&signature).unwrap();
    make(&signature);
    (dir, keys, file)
}

/// Writes `batch` to `file` and its signature beside it.
fn write_batch(file: &Path, batch: &hattama_batch::export::SignedBatch) {
    std::fs::write(file, &batch.payload).unwrap();
    std::fs::write(read::signature_path(file), &batch.signature).unwrap();
}

/// Asserts that `error` refuses a name that is not a regular file, found to be `kind`.
fn assert_not_regular(error: &VerifyError, kind: FileKind) {
    assert!(
        matches!(error, VerifyError::NotRegularFile { kind: found, .. } if *found == kind),
        "{error:?} is not the refusal of a {kind:?}"
    );
}

fn refusal(file: &Path, keys: &sample::Keys) -> VerifyError {
    let read = read_and_verify(file, &keys.registry, &expect(Mode::Test));
    assert!(read.payload.is_empty() && read.signature.is_empty());
    read.result.unwrap_err()
}

fn mkfifo(path: &Path) {
    let status = Command::new("mkfifo").arg(path).status().unwrap();
    assert!(status.success(), "mkfifo {}", path.display());
}

#[test]
fn a_good_batch_read_from_a_stick_verifies() {
    let (_dir, keys, file) = stick();
    let read = read_and_verify(&file, &keys.registry, &expect(Mode::Test));
    assert_eq!(read.payload, std::fs::read(&file).unwrap());
    assert_eq!(read.result.unwrap().key_id, keys.device.key_id);
}

#[test]
fn a_fifo_named_like_a_batch_is_refused_without_blocking() {
    if !in_limited_child("a_fifo_named_like_a_batch_is_refused_without_blocking") {
        return;
    }
    // The payload a FIFO: no writer ever opens it, so reading it would wait forever.
    let (_dir, keys, file) = stick_with_payload(mkfifo);
    let error = refusal(&file, &keys);
    assert_eq!(error.code(), "not_regular_file");
    assert!(
        matches!(&error, VerifyError::NotRegularFile { kind: FileKind::Fifo, file: named } if named == &file.display().to_string())
    );
    // The signature a FIFO beside a real payload.
    let (_dir, keys, file) = stick_with_signature(mkfifo);
    assert_not_regular(&refusal(&file, &keys), FileKind::Fifo);
}

#[test]
fn a_link_to_dev_zero_is_refused_unread() {
    if !in_limited_child("a_link_to_dev_zero_is_refused_unread") {
        return;
    }
    let (_dir, keys, file) = stick_with_payload(|file| {
        std::os::unix::fs::symlink("/dev/zero", file).unwrap();
    });
    let error = refusal(&file, &keys);
    assert_eq!(error.code(), "not_regular_file");
    assert_not_regular(&error, FileKind::Symlink);
    // The device itself, named as a batch (a file named on the command line).
    assert_not_regular(
        &refusal(Path::new("/dev/zero"), &keys),
        FileKind::CharDevice,
    );
    // The signature a link to /dev/zero.
    let (_dir, keys, file) = stick_with_signature(|signature| {
        std::os::unix::fs::symlink("/dev/zero", signature).unwrap();
    });
    assert_not_regular(&refusal(&file, &keys), FileKind::Symlink);
}

#[test]
fn a_link_to_a_good_batch_elsewhere_is_not_followed() {
    let (dir, keys, file) = stick();
    let elsewhere = dir.path().join("elsewhere");
    std::fs::create_dir(&elsewhere).unwrap();
    let target = elsewhere.join("real.json");
    std::fs::rename(&file, &target).unwrap();
    std::os::unix::fs::symlink(&target, &file).unwrap();
    assert_not_regular(&refusal(&file, &keys), FileKind::Symlink);
}

#[test]
fn a_folder_named_like_a_batch_is_refused() {
    let (_dir, keys, file) = stick_with_payload(|file| std::fs::create_dir(file).unwrap());
    assert_not_regular(&refusal(&file, &keys), FileKind::Directory);
}

#[test]
fn a_sparse_8_gib_file_is_refused_unread() {
    if !in_limited_child("a_sparse_8_gib_file_is_refused_unread") {
        return;
    }
    // A sparse 8 GiB payload, then a sparse 1 GiB signature beside a real payload.
    for (part, len, code, expected) in [
        (
            "payload",
            8_u64 << 30,
            "payload_too_large",
            VerifyError::PayloadTooLarge {
                limit: MAX_PAYLOAD_BYTES,
            },
        ),
        (
            "signature",
            1 << 30,
            "signature_too_large",
            VerifyError::SignatureTooLarge {
                limit: MAX_SIGNATURE_BYTES,
            },
        ),
    ] {
        let (_dir, keys, file) = stick();
        let sparse = match part {
            "payload" => file.clone(),
            _ => read::signature_path(&file),
        };
        std::fs::File::create(&sparse)
            .unwrap()
            .set_len(len)
            .unwrap();
        let error = refusal(&file, &keys);
        assert_eq!(error.code(), code, "a sparse {part}");
        assert_eq!(error, expected, "a sparse {part}");
    }
}

/// abai/1's first batch with an act whose text makes the payload `extra` bytes larger.
fn padded_batch(keys: &sample::Keys, extra: usize) -> hattama_batch::export::SignedBatch {
    let mut padded = payload(1, None);
    padded.protocols[0].acts.push(Act {
        code: "E01".into(),
        text: "x".repeat(extra),
        by: "chair".into(),
        at: "t".into(),
    });
    sign(&padded, &keys.device)
}

#[test]
fn a_validly_signed_batch_above_the_limit_is_refused() {
    if !in_limited_child("a_validly_signed_batch_above_the_limit_is_refused") {
        return;
    }
    let (dir, keys, _) = stick();
    let batch = padded_batch(&keys, usize::try_from(MAX_PAYLOAD_BYTES).unwrap());
    assert!(MAX_PAYLOAD_BYTES < u64::try_from(batch.payload.len()).unwrap());
    // In memory: refused before the signature is even looked at.
    assert_eq!(
        verify_signed(&batch, &keys, Mode::Test).unwrap_err(),
        VerifyError::PayloadTooLarge {
            limit: MAX_PAYLOAD_BYTES
        }
    );
    // On a stick: refused after reading at most limit + 1 bytes.
    let file = dir.path().join("hattama-large.json");
    write_batch(&file, &batch);
    assert_eq!(
        refusal(&file, &keys),
        VerifyError::PayloadTooLarge {
            limit: MAX_PAYLOAD_BYTES
        }
    );
    let limit = MAX_PAYLOAD_BYTES - 1;
    assert_eq!(
        read::read_limited(&file, limit),
        Err(ReadError::TooLarge {
            file: file.display().to_string(),
            limit
        })
    );
    // A regular file whose stated size is 0 but which holds more: refused after limit + 1 bytes.
    let proc_file = Path::new("/proc/self/mountinfo");
    assert_eq!(std::fs::metadata(proc_file).unwrap().len(), 0);
    assert_eq!(
        read::read_limited(proc_file, 16),
        Err(ReadError::TooLarge {
            file: proc_file.display().to_string(),
            limit: 16
        })
    );
    assert!(
        16 < read::read_limited(proc_file, MAX_SIGNATURE_BYTES)
            .unwrap()
            .len()
    );
}

#[test]
fn a_batch_just_under_the_limit_is_read_and_verified() {
    if !in_limited_child("a_batch_just_under_the_limit_is_read_and_verified") {
        return;
    }
    let keys = keys();
    let small = padded_batch(&keys, 0).payload.len();
    let batch = padded_batch(&keys, usize::try_from(MAX_PAYLOAD_BYTES).unwrap() - small);
    assert_eq!(
        u64::try_from(batch.payload.len()).unwrap(),
        MAX_PAYLOAD_BYTES
    );
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("hattama-limit.json");
    write_batch(&file, &batch);
    let read = read_and_verify(&file, &keys.registry, &expect(Mode::Test));
    // Read whole and verified; the act is for an error that holds, so the content is fine.
    assert_eq!(read.payload, batch.payload);
    assert!(read.result.is_ok(), "{:?}", read.result);
}

#[test]
fn a_missing_signature_is_reported_as_unreadable() {
    let (_dir, keys, file) = stick();
    std::fs::remove_file(read::signature_path(&file)).unwrap();
    assert!(matches!(
        refusal(&file, &keys),
        VerifyError::Unreadable { file: named, .. } if named.ends_with(".json.minisig")
    ));
}

#[test]
fn an_import_lists_only_batch_names_directly_in_the_folder() {
    let (dir, _keys, file) = stick();
    let sub = dir.path().join("hattama-sub");
    std::fs::create_dir(&sub).unwrap();
    std::fs::write(sub.join("hattama-inner.json"), b"{}").unwrap();
    std::fs::write(dir.path().join("notes.json"), b"{}").unwrap();
    let fifo = dir.path().join("hattama-fifo.json");
    mkfifo(&fifo);
    let link = dir.path().join("hattama-zero.json");
    std::os::unix::fs::symlink("/dev/zero", &link).unwrap();
    let listed = read::batch_files(&[dir.path().to_path_buf()]).unwrap();
    // The FIFO and the link are listed, to be refused by name; the subfolder is not entered.
    let mut expected = vec![file, fifo, link];
    expected.sort();
    assert_eq!(listed, expected);
}

/// The largest real precinct (5 protocols of 50 rows, each repeated twice, every warning
/// acknowledged and every error given a long act) plus the audit allowance fits the limit.
#[test]
#[expect(
    clippy::print_stdout,
    reason = "the measured size is printed beside the limit"
)]
fn the_size_limit_holds_the_largest_real_precinct() {
    let p1 = builtin::templates().template("P1").unwrap();
    let line_ids = p1.line_ids(50);
    let mut largest = payload(3, Some("cd".repeat(32)));
    largest.protocols = (1..=5)
        .flat_map(|contest| (1..=3).map(move |version| (contest, version)))
        .map(|(contest, version)| BatchProtocol {
            contest: format!("contest-{contest}-district-{contest:02}"),
            template: "P2".into(),
            template_version: 1,
            version,
            repeated_reason: (1 < version).then(|| "қайта санау ".repeat(20)),
            finalized_at: "2023-03-20T02:10:00+05:00".into(),
            finalized_by: "Айгүл Сәрсенова Бекқызы".into(),
            values: line_ids
                .iter()
                .map(|line| LineValue {
                    line: line.clone(),
                    value: 9_999_999,
                })
                .collect(),
            acknowledged: (1..=13)
                .map(|w| Acknowledged {
                    code: format!("W{w:02}"),
                    by: "Айгүл Сәрсенова Бекқызы".into(),
                    at: "2023-03-20T02:10:00+05:00".into(),
                })
                .collect(),
            acts: (1..=6)
                .map(|e| Act {
                    code: format!("E{e:02}"),
                    text: "Акт қайта санау туралы, бюллетеньдер ".repeat(30),
                    by: "Айгүл Сәрсенова Бекқызы".into(),
                    at: "2023-03-20T02:10:00+05:00".into(),
                })
                .collect(),
        })
        .collect();
    let protocols = u64::try_from(format::encode(&largest).len()).unwrap();
    let audit_allowance = 8_000 * 512;
    println!(
        "largest precinct's protocols: {protocols} bytes; with the audit allowance of \
         {audit_allowance} bytes: {} of {MAX_PAYLOAD_BYTES}",
        protocols + audit_allowance
    );
    assert!(protocols < 512 * 1024, "{protocols} bytes");
    assert!(protocols + audit_allowance + 3 * 1024 * 1024 <= MAX_PAYLOAD_BYTES);
    // And the signature of a batch with the longest ids fits its limit.
    let keys = keys();
    let mut long_ids = payload(9_999, Some("cd".repeat(32)));
    long_ids.precinct.region = "r".repeat(255);
    long_ids.election.id = "e".repeat(255);
    let signature = sign(&long_ids, &keys.device).signature;
    assert!(u64::try_from(signature.len()).unwrap() * 4 < MAX_SIGNATURE_BYTES);
}

#[test]
fn a_live_payload_naming_the_test_definition_is_refused() {
    let keys = keys();
    let mut live = payload(1, None);
    live.election.mode = Mode::Live;
    let batch = sign(&live, &keys.device);
    for receiver in [Mode::Live, Mode::Test] {
        let error = verify_signed(&batch, &keys, receiver).unwrap_err();
        assert_eq!(error.code(), "mode_mismatch", "{error}");
        assert_eq!(
            error.to_string(),
            "the batch says it is a live batch, but its definition is for test use"
        );
    }
}

/// A live definition (the demo's with its mode changed) and a live batch made with it.
#[test]
fn a_live_batch_of_a_live_definition_is_imported_live_and_refused_in_test_mode() {
    let text = String::from_utf8(builtin::DEMO_JSON.to_vec()).unwrap();
    let live_json = text.replacen("\"mode\": \"test\"", "\"mode\": \"live\"", 1);
    assert_ne!(live_json, text);
    let definition =
        hattama_protocol::definition::load_definition(live_json.as_bytes(), builtin::templates())
            .unwrap();
    let keys = keys();
    let mut live = payload(1, None);
    live.election.mode = Mode::Live;
    live.election.definition_hash = definition.hash.clone();
    let batch = sign(&live, &keys.device);
    let expect = |mode| hattama_batch::receive::Expect {
        definition: &definition,
        templates: builtin::templates(),
        mode,
    };
    // Verified against the live definition by a receiver in `mode`.
    let verify = |batch: &hattama_batch::export::SignedBatch, mode| {
        verify_batch(
            &batch.payload,
            &batch.signature,
            &keys.registry,
            &expect(mode),
        )
    };
    assert!(verify(&batch, Mode::Live).is_ok());
    assert_eq!(
        verify(&batch, Mode::Test).unwrap_err(),
        VerifyError::LiveBatchInTestMode
    );
    // A test payload naming the live definition: the mode is the definition's.
    let mut test = live.clone();
    test.election.mode = Mode::Test;
    let batch = sign(&test, &keys.device);
    assert_eq!(
        verify(&batch, Mode::Test).unwrap_err().code(),
        "mode_mismatch"
    );
}

/// abai/1's first batch signed by its own key with `comment` as the trusted comment.
fn with_comment(comment: &str) -> Result<hattama_batch::receive::VerifiedBatch, VerifyError> {
    let keys = keys();
    let bytes = format::encode(&payload(1, None));
    let signature = keys::unlock(&keys.device.secret_key, None)
        .unwrap()
        .sign(&bytes, comment)
        .unwrap();
    verify_batch(&bytes, &signature, &keys.registry, &expect(Mode::Test))
}

#[test]
fn each_trusted_comment_mismatch_is_refused() {
    let bytes = format::encode(&payload(1, None));
    let size = bytes.len();
    let hash = format::batch_hash(&bytes);
    let good = format::trusted_comment(&payload(1, None), &bytes);
    assert_eq!(
        good,
        format!("hattama-batch v2 precinct=abai/1 seq=1 size={size} sha256={hash}")
    );
    assert!(with_comment(&good).is_ok());
    let mismatch = |field: &'static str, stated: &str, actual: &str| -> Result<(), VerifyError> {
        Err(VerifyError::TrustedCommentMismatch {
            field,
            stated: stated.to_owned(),
            actual: actual.to_owned(),
        })
    };
    let other_hash = "0".repeat(64);
    let cases = [
        (
            format!("hattama-batch v2 precinct=abai/2 seq=1 size={size} sha256={hash}"),
            mismatch("precinct", "abai/2", "abai/1"),
        ),
        (
            format!("hattama-batch v2 precinct=abai/1 seq=2 size={size} sha256={hash}"),
            mismatch("seq", "2", "1"),
        ),
        (
            format!("hattama-batch v2 precinct=abai/1 seq=01 size={size} sha256={hash}"),
            mismatch("seq", "01", "1"),
        ),
        (
            format!(
                "hattama-batch v2 precinct=abai/1 seq=1 size={} sha256={hash}",
                size + 1
            ),
            mismatch("size", &(size + 1).to_string(), &size.to_string()),
        ),
        (
            format!("hattama-batch v2 precinct=abai/1 seq=1 size={size} sha256={other_hash}"),
            mismatch("sha256", &other_hash, &hash),
        ),
        (
            format!(
                "hattama-batch v2 precinct=abai/1 seq=1 size={size} sha256={}",
                hash.to_uppercase()
            ),
            mismatch("sha256", &hash.to_uppercase(), &hash),
        ),
    ];
    for (comment, expected) in cases {
        let result = with_comment(&comment);
        assert_eq!(result.as_ref().err(), expected.as_ref().err(), "{comment}");
        assert_eq!(result.unwrap_err().code(), "trusted_comment_mismatch");
    }
    for garbage in [
        "hello".to_owned(),
        String::new(),
        format!("hattama-batch v2 seq=1 precinct=abai/1 size={size} sha256={hash}"),
        format!("hattama-batch v2 precinct=abai/1 seq=1 size={size} sha256={hash} extra=1"),
        format!("hattama-batch v2  precinct=abai/1 seq=1 size={size} sha256={hash}"),
        format!("hattama-batch v2 precinct=abai/1 seq=1 size={size}"),
    ] {
        assert_eq!(
            with_comment(&garbage),
            Err(VerifyError::TrustedCommentMalformed(garbage.clone())),
            "{garbage:?}"
        );
    }
    // A batch of another format version, signed by a registered key: named as such. Version 1
    // carried no audit log, so its history could not be checked.
    for version in [1, 3] {
        let comment =
            format!("hattama-batch v{version} precinct=abai/1 seq=1 size={size} sha256={hash}");
        let refused = with_comment(&comment).unwrap_err();
        assert_eq!(refused, VerifyError::UnsupportedVersion { version });
        assert_eq!(refused.code(), "unsupported_version");
    }
}

fn signed_registry(registry: &Registry, keys: &sample::Keys) -> Result<Registry, RegistryError> {
    let mut registry = registry.clone();
    let commission = keys::unlock(&keys.commission.secret_key, None).unwrap();
    let (bytes, signature) = registry.sign(&commission).unwrap();
    Registry::verify_and_load(&bytes, &signature, &keys.commission.public_key)
}

/// Asserts that `registry`, signed by the commission, is refused at load with `code`.
fn assert_registry_refused(registry: &Registry, keys: &sample::Keys, code: &str) {
    let error = signed_registry(registry, keys).unwrap_err();
    assert_eq!(error.code(), code, "{error}");
}

#[test]
fn a_registry_with_two_valid_keys_for_one_precinct_is_refused_at_load() {
    let keys = keys();
    let second = keys::generate_unencrypted("abai/1 again").unwrap();
    let mut doubled = keys.registry.clone();
    doubled.keys.push(RegistryEntry {
        key_id: second.key_id,
        public_key: second.public_key.clone(),
        precinct: precinct(1),
        status: KeyStatus::Valid,
        revoked_reason: None,
    });
    let error = signed_registry(&doubled, &keys).unwrap_err();
    assert_eq!(error.code(), "registry_two_valid_keys");
    assert!(
        matches!(&error, RegistryError::TwoValidKeys { precinct: p, first, second: s }
            if *p == precinct(1) && *first == keys.device.key_id && *s == second.key_id),
        "{error}"
    );
    // With the first key revoked the same registry is the normal replacement of a key.
    let mut replaced = doubled.clone();
    replaced
        .revoke(keys.device.key_id, "laptop replaced")
        .unwrap();
    let loaded = signed_registry(&replaced, &keys).unwrap();
    assert_eq!(loaded.keys.len(), 4);
}

#[test]
fn a_registry_listing_a_key_twice_or_under_another_id_is_refused() {
    let keys = keys();
    let mut twice = keys.registry.clone();
    let mut again = twice.keys[1].clone();
    again.precinct = precinct(7);
    twice.keys.push(again);
    assert_registry_refused(&twice, &keys, "registry_duplicate_key");
    let mut misnamed = keys.registry.clone();
    misnamed.keys[0].key_id = keys.revoked.key_id;
    misnamed.keys.remove(2);
    assert_registry_refused(&misnamed, &keys, "registry_key_id_mismatch");
}

#[test]
fn a_registry_whose_signed_comment_or_commission_key_disagrees_is_refused() {
    let keys = keys();
    let commission = keys::unlock(&keys.commission.secret_key, None).unwrap();
    let mut registry = keys.registry.clone();
    let (bytes, _) = registry.sign(&commission).unwrap();
    for comment in [
        "hello".to_owned(),
        format!("hattama-registry election={} serial=99", registry.election),
        format!("hattama-registry election=other serial={}", registry.serial),
    ] {
        let signature = commission.sign(&bytes, &comment).unwrap();
        let error =
            Registry::verify_and_load(&bytes, &signature, &keys.commission.public_key).unwrap_err();
        assert_eq!(
            error.code(),
            "registry_trusted_comment_mismatch",
            "{comment}"
        );
    }
    let mut renamed = keys.registry.clone();
    renamed.commission_key = keys.device.key_id;
    assert_registry_refused(&renamed, &keys, "registry_commission_key_mismatch");
}

#[test]
fn a_definition_signature_must_state_the_files_hash() {
    let keys = keys();
    let commission = keys::unlock(&keys.commission.secret_key, None).unwrap();
    let bytes = builtin::DEMO_JSON;
    let good = hattama_batch::registry::sign_definition(bytes, &commission).unwrap();
    hattama_batch::registry::verify_definition(bytes, &good, &keys.commission.public_key).unwrap();
    let other = commission
        .sign(
            bytes,
            &format!("hattama-definition sha256={}", "0".repeat(64)),
        )
        .unwrap();
    assert_eq!(
        hattama_batch::registry::verify_definition(bytes, &other, &keys.commission.public_key)
            .unwrap_err()
            .code(),
        "registry_trusted_comment_mismatch"
    );
}

#[test]
fn both_key_file_forms_are_read_alike() {
    let keys = keys();
    let line = keys.commission.public_key.clone();
    let two_line = format!(
        "untrusted comment: minisign public key {}\n{line}\n",
        keys.commission.key_id
    );
    for text in [line.clone(), format!("{line}\n"), two_line.clone()] {
        assert_eq!(keys::public_key_line(&text).unwrap(), line);
        assert_eq!(keys::public_key_id(&text).unwrap(), keys.commission.key_id);
    }
    for bad in [
        String::new(),
        format!("{line}\n{line}\n"),
        format!("a comment\n{line}\n"),
        format!("untrusted comment: x\n{line}\nmore\n"),
        "RWQ".to_owned(),
    ] {
        assert_eq!(
            keys::public_key_line(&bad).unwrap_err().code(),
            "malformed_key",
            "{bad:?}"
        );
    }
    // A registry verifies with the commission key in either form, and a key added in the
    // two-line form is stored as its line.
    let mut registry = keys.registry.clone();
    let stranger = keys::generate_unencrypted("stranger").unwrap();
    registry
        .add(
            &format!(
                "untrusted comment: minisign public key\n{}\n",
                stranger.public_key
            ),
            precinct(9),
        )
        .unwrap();
    assert_eq!(
        registry.entry(stranger.key_id).unwrap().public_key,
        stranger.public_key
    );
    let commission = keys::unlock(&keys.commission.secret_key, None).unwrap();
    let (bytes, signature) = registry.sign(&commission).unwrap();
    assert_eq!(
        Registry::verify_and_load(&bytes, &signature, &two_line).unwrap(),
        registry
    );
}

#[test]
fn a_precinct_gets_a_second_key_only_once_its_first_is_revoked() {
    let keys = keys();
    let mut registry = keys.registry.clone();
    let second = keys::generate_unencrypted("abai/1 again").unwrap();
    let error = registry.add(&second.public_key, precinct(1)).unwrap_err();
    assert_eq!(error.code(), "registry_precinct_has_key");
    assert!(matches!(&error, RegistryError::PrecinctHasKey(p) if *p == precinct(1)));
    assert_eq!(registry, keys.registry);
    // abai/3's key was revoked (a stolen laptop): its replacement is added, valid.
    assert_eq!(
        registry.add(&second.public_key, precinct(3)).unwrap(),
        second.key_id
    );
    assert_eq!(
        registry.entry(second.key_id).unwrap().status,
        KeyStatus::Valid
    );
}

#[test]
fn each_signed_registry_edition_states_its_election_and_next_serial() {
    let keys = keys();
    let commission = keys::unlock(&keys.commission.secret_key, None).unwrap();
    let mut registry = keys.registry.clone();
    let election = builtin::demo().definition.id.clone();
    for serial in [1, 2] {
        let (bytes, signature) = registry.sign(&commission).unwrap();
        assert_eq!(registry.serial, serial);
        assert_eq!(
            keys::verify(&keys.commission.public_key, &bytes, &signature),
            Ok(format!(
                "hattama-registry election={election} serial={serial}"
            ))
        );
        let loaded =
            Registry::verify_and_load(&bytes, &signature, &keys.commission.public_key).unwrap();
        assert_eq!(loaded, registry);
    }
}

#[test]
fn a_registry_of_another_format_or_version_is_refused_at_load() {
    let keys = keys();
    let mut other_version = keys.registry.clone();
    other_version.version = 2;
    assert_registry_refused(&other_version, &keys, "registry_malformed");
    let mut other_format = keys.registry.clone();
    other_format.format = "hattama-batch".into();
    assert_registry_refused(&other_format, &keys, "registry_malformed");
}

#[test]
fn the_registry_index_finds_every_key_the_registry_does() {
    let keys = keys();
    let index = keys.registry.index();
    for key_id in [
        keys.device.key_id,
        keys.neighbour.key_id,
        keys.revoked.key_id,
        keys.commission.key_id,
    ] {
        assert_eq!(
            index.lookup(key_id),
            keys.registry.lookup(key_id),
            "{key_id}"
        );
    }
    let revoked = index.lookup(keys.revoked.key_id).unwrap();
    assert_eq!(revoked.status, KeyStatus::Revoked);
    assert_eq!(revoked.precinct, precinct(3));
}
