//! The commission's key registry (`Registry::verify_and_load`), which a receiver loads before it
//! trusts any batch.
//!
//! The input is the registry file. It is signed with the fixture commission key, under the
//! trusted comment its own `election` and `serial` give (when the first byte is odd, under a
//! comment taken from the end of the input instead), so the checks behind the signature are
//! reached: format and version, the comment, the commission key, the entries as a whole.
//! Invariants: a registry that loads has the comment it was signed under, the signer as its
//! commission key, one entry per key id, at most one valid key per precinct, each entry found by
//! its id; and the commission can sign it again (its next edition), which then loads, equal but
//! for the serial.
#![no_main]

use std::collections::HashSet;

use hattama_batch::registry::{KeyLookup, KeyStatus, Registry};
use hattama_fuzz::fixture;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&mode, bytes)) = data.split_first() else {
        return;
    };
    let comment = match mode % 2 {
        0 => stated_comment(bytes),
        _ => String::from_utf8_lossy(bytes.rsplit(|&b| b == b'\n').next().unwrap_or_default())
            .into_owned(),
    };
    // A comment holds no line break; the signer refuses one.
    if comment.contains(['\n', '\r']) {
        return;
    }
    let commission = &fixture().commission;
    // Bytes that are no registry file are refused after the signature whatever it is; signing
    // them (milliseconds of instrumented Ed25519) would buy nothing, so they get a junk one.
    if serde_json::from_slice::<Registry>(bytes).is_err() {
        let refused = Registry::verify_and_load(bytes, "", &commission.public_key);
        assert!(refused.is_err());
        return;
    }
    let Ok(signature) = commission.unlocked.sign(bytes, &comment) else {
        return;
    };
    let Ok(registry) = Registry::verify_and_load(bytes, &signature, &commission.public_key) else {
        return;
    };
    assert_eq!(registry.trusted_comment(), comment);
    assert_eq!(registry.commission_key, commission.key_id);
    let mut ids = HashSet::new();
    let mut valid = HashSet::new();
    for entry in &registry.keys {
        assert!(
            ids.insert(entry.key_id),
            "key {} listed twice",
            entry.key_id
        );
        if entry.status == KeyStatus::Valid {
            assert!(
                valid.insert(&entry.precinct),
                "two valid keys for {}",
                entry.precinct
            );
        }
        assert_eq!(registry.lookup(entry.key_id), Some(entry));
        assert_eq!(registry.index().lookup(entry.key_id), Some(entry));
    }
    let mut next = registry.clone();
    if let Ok((next_bytes, next_signature)) = next.sign(&commission.unlocked) {
        let reloaded =
            Registry::verify_and_load(&next_bytes, &next_signature, &commission.public_key)
                .expect("the commission's next edition loads");
        assert_eq!(reloaded, next);
        assert_eq!(
            Registry {
                serial: registry.serial,
                ..reloaded
            },
            registry
        );
    }
});

/// The trusted comment the commission signs the registry the bytes hold under
/// (`Registry::trusted_comment`); any comment when they hold none.
fn stated_comment(bytes: &[u8]) -> String {
    serde_json::from_slice::<Registry>(bytes).map_or_else(
        |_| "hattama-registry".to_owned(),
        |registry| registry.trusted_comment(),
    )
}
