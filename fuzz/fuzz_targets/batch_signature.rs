//! Batch signature files (`.minisig`): the parsers of the signature and public key texts, the
//! signature check, and the full read-and-verify path an import takes (`read_and_verify`: both
//! files read from a folder within their limits, then `verify_batch`).
//!
//! The payload is the fixture's genuine batch of abai/1; the fuzzer writes its signature file
//! (seeded with a genuine one). minisign signs with a random nonce, so each run's genuine
//! signature differs; what must hold is that a text verifies only in the one canonical form, with
//! the genuine trusted comment, rebuilt byte for byte from its own decoded parts (so no other
//! spelling, no extra byte, no flipped bit of a genuine signature passes); that the receiver's
//! check agrees with the signature check; and that the file path agrees with the bytes in memory.
#![no_main]

use std::path::PathBuf;
use std::sync::OnceLock;

use hattama_batch::keys;
use hattama_batch::read::signature_path;
use hattama_batch::receive::{read_and_verify, verify_batch};
use hattama_fuzz::{expect, fixture};
use libfuzzer_sys::fuzz_target;

/// The payload file, written once per process into a folder of its own.
fn payload_path() -> &'static PathBuf {
    static PATH: OnceLock<PathBuf> = OnceLock::new();
    PATH.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("hattama-fuzz-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("a temporary folder");
        let path = dir.join(format!("{}.json", fixture().batch.base_name));
        std::fs::write(&path, &fixture().batch.payload).expect("the payload file");
        path
    })
}

fuzz_target!(|data: &[u8]| {
    let fixture = fixture();
    let text = String::from_utf8_lossy(data);
    // The public key readers take the same kind of text.
    if let Ok(line) = keys::public_key_line(&text) {
        let _ = keys::public_key_id(line);
        let _ = keys::fingerprint(line);
    }
    let _ = keys::signature_key_id(&text);
    let _ = keys::unverified_trusted_comment(&text);
    let canonical = keys::is_canonical_signature(&text);
    let checked = keys::verify(&fixture.device.public_key, &fixture.batch.payload, &text);
    let genuine_comment = keys::unverified_trusted_comment(&fixture.batch.signature);
    if data == fixture.batch.signature.as_bytes() {
        assert_eq!(checked.as_ref().ok(), genuine_comment.as_ref());
    }
    if let Ok(comment) = &checked {
        assert!(canonical, "only a canonical text verifies");
        assert_eq!(
            Some(comment),
            genuine_comment.as_ref(),
            "the genuine trusted comment"
        );
        let lines: Vec<&str> = text.lines().collect();
        let rebuilt = format!(
            "untrusted comment: {}\n{}\ntrusted comment: {comment}\n{}\n",
            keys::UNTRUSTED_COMMENT,
            lines[1],
            lines[3]
        );
        assert_eq!(
            rebuilt.as_bytes(),
            data,
            "a verified text is exactly its own parts"
        );
    }
    let in_memory = verify_batch(&fixture.batch.payload, &text, &fixture.registry, &expect());
    assert_eq!(in_memory.is_ok(), checked.is_ok(), "the receiver agrees");

    let path = payload_path();
    std::fs::write(signature_path(path), data).expect("the signature file");
    let from_files = read_and_verify(path, &fixture.registry, &expect());
    assert_eq!(
        from_files.result, in_memory,
        "the files verify as the bytes do"
    );
    assert_eq!(from_files.payload, fixture.batch.payload);
});
