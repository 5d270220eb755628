//! The batch and registry parsers never panic on arbitrary bytes.

use hattama_batch::receive::verify_batch;
use hattama_batch::registry::Registry;
use hattama_protocol::Mode;
use proptest::prelude::*;

use crate::sample::{expect, keys, payload, sign};

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn random_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..1024), text in ".{0,400}") {
        let _ = hattama_batch::format::decode(&bytes);
        let _ = hattama_batch::keys::signature_key_id(&text);
        let _ = hattama_batch::keys::public_key_id(&text);
        let _ = hattama_batch::keys::verify(&text, &bytes, &text);
        let _ = Registry::verify_and_load(&bytes, &text, &text);
        let _: Result<Registry, _> = serde_json::from_slice(&bytes);
        let _ = hattama_batch::drives::parse_mounts(&text);
        let _ = hattama_batch::drives::disk_of(&text);
    }
}

#[test]
fn random_signatures_and_payloads_against_a_real_registry_never_panic() {
    let keys = keys();
    let batch = sign(&payload(1, None), &keys.device);
    let mut runner = proptest::test_runner::TestRunner::new(ProptestConfig::with_cases(256));
    runner
        .run(
            &(
                prop::collection::vec(any::<u8>(), 0..64),
                any::<prop::sample::Index>(),
            ),
            |(junk, at)| {
                let mut bytes = batch.payload.clone();
                let idx = at.index(bytes.len());
                bytes.splice(idx..idx, junk.iter().copied());
                let _ = verify_batch(
                    &bytes,
                    &batch.signature,
                    &keys.registry,
                    &expect(Mode::Test),
                );
                let mut signature = batch.signature.clone().into_bytes();
                let sig_idx = at.index(signature.len());
                signature.splice(sig_idx..sig_idx, junk);
                let _ = verify_batch(
                    &batch.payload,
                    &String::from_utf8_lossy(&signature),
                    &keys.registry,
                    &expect(Mode::Test),
                );
                Ok(())
            },
        )
        .unwrap();
}
