//! Batch payloads (`format::decode`, and the receiver's `verify_batch` behind the signature).
//!
//! Any bytes either decode or give an error. A payload that decodes has one canonical form:
//! `encode` then `decode` gives it back, and encoding again gives the same bytes; its trusted
//! comment parses back to its own fields. Then the bytes are signed with the fixture device key of
//! abai/1, as a precinct laptop signs its export, so the receiver's checks behind the signature
//! (precinct, election, definition hash, mode, contests, lines, error checks and acts) are
//! reached: an accepted batch is exactly the decoded payload, with the hash of the bytes.
#![no_main]

use hattama_batch::format::{self, decode, encode, parse_trusted_comment, trusted_comment};
use hattama_batch::receive::verify_batch;
use hattama_fuzz::{expect, fixture};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(payload) = decode(data) else {
        return;
    };
    let canonical = encode(&payload);
    let again = decode(&canonical).expect("canonical bytes decode");
    assert_eq!(
        encode(&again),
        canonical,
        "the canonical form is a fixed point"
    );
    let mut sorted = payload.clone();
    sorted
        .protocols
        .sort_by(|a, b| (&a.contest, a.version).cmp(&(&b.contest, b.version)));
    assert_eq!(
        again, sorted,
        "decode(encode(p)) is p, protocols in canonical order"
    );

    let comment = trusted_comment(&payload, data);
    let stated = parse_trusted_comment(&comment).expect("a trusted comment we write parses");
    assert_eq!(stated.precinct, payload.precinct.to_string());
    assert_eq!(stated.seq, payload.sequence.to_string());
    assert_eq!(stated.size, data.len().to_string());
    assert_eq!(stated.sha256, format::batch_hash(data));

    let fixture = fixture();
    let signature = fixture
        .device
        .unlocked
        .sign(data, &comment)
        .expect("the fixture key signs");
    if let Ok(batch) = verify_batch(data, &signature, &fixture.registry, &expect()) {
        assert_eq!(batch.payload, payload, "the batch is what the bytes say");
        assert_eq!(batch.hash, format::batch_hash(data));
        assert_eq!(batch.key_id, fixture.device.key_id);
    }
});
