//! The tamper matrix: every way a batch can be wrong is refused, each with its own error.

use hattama_batch::format;
use hattama_batch::keys;
use hattama_batch::receive::{Decision, Imported, VerifyError, decide, verify_batch};
use hattama_protocol::Mode;

use crate::sample::{expect, keys, payload, protocol, sign, verify_signed};

#[test]
fn a_good_batch_verifies() {
    let keys = keys();
    let batch = sign(&payload(1, None), &keys.device);
    let verified = verify_signed(&batch, &keys, Mode::Test).unwrap();
    assert_eq!(verified.hash, batch.hash);
    assert_eq!(
        verified.payload.protocols[0].contest, "abai-list",
        "protocols are sorted by contest"
    );
    assert_eq!(verified.key_id, keys.device.key_id);
    assert_eq!(decide(&verified, &[]), Decision::Import);
}

#[test]
fn every_single_byte_flip_of_the_payload_is_rejected() {
    let keys = keys();
    let batch = sign(&payload(1, None), &keys.device);
    for idx in 0..batch.payload.len() {
        for mask in [0x01_u8, 0x80] {
            let mut bytes = batch.payload.clone();
            bytes[idx] ^= mask;
            let result = verify_batch(
                &bytes,
                &batch.signature,
                &keys.registry,
                &expect(Mode::Test),
            );
            assert_eq!(
                result.err(),
                Some(VerifyError::BadSignature),
                "flip {mask:#x} at byte {idx}"
            );
        }
    }
}

#[test]
fn every_single_byte_flip_of_the_signature_is_rejected() {
    let keys = keys();
    let batch = sign(&payload(1, None), &keys.device);
    let signature = batch.signature.as_bytes();
    for idx in 0..signature.len() {
        for mask in [0x01_u8, 0x20, 0x80] {
            let mut bytes = signature.to_vec();
            bytes[idx] ^= mask;
            let text = String::from_utf8_lossy(&bytes);
            let result = verify_batch(&batch.payload, &text, &keys.registry, &expect(Mode::Test));
            assert!(
                result.is_err(),
                "flip {mask:#x} at byte {idx} of the signature was accepted"
            );
        }
    }
}

#[test]
fn truncation_and_appended_bytes_have_their_own_errors() {
    let keys = keys();
    let batch = sign(&payload(1, None), &keys.device);
    let cut = &batch.payload[..batch.payload.len() - 10];
    assert_eq!(
        verify_batch(cut, &batch.signature, &keys.registry, &expect(Mode::Test)).err(),
        Some(VerifyError::Truncated {
            actual: batch.payload.len() - 10,
            stated: batch.payload.len()
        })
    );
    let mut longer = batch.payload.clone();
    longer.extend_from_slice(b"{}");
    assert_eq!(
        verify_batch(
            &longer,
            &batch.signature,
            &keys.registry,
            &expect(Mode::Test)
        )
        .err(),
        Some(VerifyError::TrailingBytes { extra: 2 })
    );
}

#[test]
fn a_signature_from_another_precinct_is_rejected() {
    let keys = keys();
    let batch = sign(&payload(1, None), &keys.neighbour);
    let error = verify_signed(&batch, &keys, Mode::Test).unwrap_err();
    assert!(
        matches!(error, VerifyError::KeyPrecinctMismatch { .. }),
        "{error}"
    );
    assert_eq!(error.code(), "key_precinct_mismatch");
}

#[test]
fn a_revoked_or_unknown_key_is_rejected() {
    let keys = keys();
    let revoked = sign(&payload(1, None), &keys.revoked);
    assert_eq!(
        verify_signed(&revoked, &keys, Mode::Test).err(),
        Some(VerifyError::RevokedKey(keys.revoked.key_id))
    );
    let stranger = keys::generate_unencrypted("stranger").unwrap();
    let unknown = sign(&payload(1, None), &stranger);
    assert_eq!(
        verify_signed(&unknown, &keys, Mode::Test).err(),
        Some(VerifyError::UnknownKey(stranger.key_id))
    );
}

#[test]
fn a_test_batch_is_rejected_in_live_mode() {
    let keys = keys();
    let batch = sign(&payload(1, None), &keys.device);
    assert_eq!(
        verify_signed(&batch, &keys, Mode::Live).err(),
        Some(VerifyError::TestBatchInLiveMode)
    );
}

#[test]
fn another_definition_is_rejected() {
    let keys = keys();
    let mut other = payload(1, None);
    other.election.definition_hash = "00".repeat(32);
    let batch = sign(&other, &keys.device);
    assert!(matches!(
        verify_signed(&batch, &keys, Mode::Test),
        Err(VerifyError::DefinitionMismatch(_))
    ));
}

#[test]
fn reordered_protocols_are_rejected() {
    let keys = keys();
    let mut reordered = payload(1, None);
    reordered.protocols.reverse();
    // A device that signs protocols out of the canonical order (not through format::encode).
    let bytes = serde_json::to_vec_pretty(&reordered).unwrap();
    let signature = keys::unlock(&keys.device.secret_key, None)
        .unwrap()
        .sign(&bytes, &format::trusted_comment(&reordered, &bytes))
        .unwrap();
    assert_eq!(
        verify_batch(&bytes, &signature, &keys.registry, &expect(Mode::Test)).err(),
        Some(VerifyError::ProtocolsOutOfOrder)
    );
}

#[test]
fn a_protocol_that_breaks_an_error_check_without_an_act_is_rejected() {
    let keys = keys();
    let mut bad = payload(1, None);
    bad.protocols[1].values[0].value += 1; // L1 of the Majilis list: fine (E02 still holds)
    bad.protocols[1].values[1].value += 1; // L2: E01 breaks
    let batch = sign(&bad, &keys.device);
    let error = verify_signed(&batch, &keys, Mode::Test).unwrap_err();
    assert_eq!(
        error,
        VerifyError::BadProtocol {
            contest: "majilis-list".into(),
            reason: "E01 fails and no act is attached".into()
        }
    );
    bad.protocols[1].acts.push(hattama_batch::format::Act {
        code: "E01".into(),
        text: "one ballot found after the count".into(),
        by: "chair".into(),
        at: "t".into(),
    });
    let batch = sign(&bad, &keys.device);
    assert!(verify_signed(&batch, &keys, Mode::Test).is_ok());
}

#[test]
fn a_contest_the_precinct_does_not_hold_is_rejected() {
    let keys = keys();
    let mut bad = payload(1, None);
    bad.protocols.push(protocol("akmola-list", 1));
    let batch = sign(&bad, &keys.device);
    assert!(matches!(
        verify_signed(&batch, &keys, Mode::Test),
        Err(VerifyError::BadProtocol { contest, .. }) if contest == "akmola-list"
    ));
}

#[test]
fn sequence_and_chain_decisions() {
    let keys = keys();
    let verify = |batch: &hattama_batch::export::SignedBatch| {
        verify_signed(batch, &keys, Mode::Test).unwrap()
    };
    let first = sign(&payload(1, None), &keys.device);
    let second = sign(&payload(2, Some(first.hash.clone())), &keys.device);
    let imported = [Imported::of(&verify(&first), &[])];
    assert_eq!(decide(&verify(&second), &imported), Decision::Import);
    // The same batch again: a no-op.
    assert_eq!(
        decide(&verify(&first), &imported),
        Decision::AlreadyImported
    );
    // A different batch with a sequence already imported: held for a person.
    let mut other = payload(1, None);
    other.created_at = "2023-03-20T03:00:00+05:00".into();
    assert!(matches!(
        decide(&verify(&sign(&other, &keys.device)), &imported),
        Decision::Conflict { .. }
    ));
    // Chained to something else.
    let broken = sign(&payload(2, Some("00".repeat(32))), &keys.device);
    assert_eq!(decide(&verify(&broken), &imported), Decision::ChainBroken);
    // An older sequence that was never imported, after a newer one: a replay.
    let both = [
        Imported::of(&verify(&second), &imported),
        Imported {
            sequence: 3,
            hash: "x".into(),
            ..Imported::of(&verify(&second), &imported)
        },
    ];
    assert_eq!(
        decide(&verify(&first), &both[1..]),
        Decision::Replayed { newest: 3 }
    );
    // A missing batch.
    let fourth = sign(&payload(4, Some(second.hash.clone())), &keys.device);
    assert_eq!(
        decide(&verify(&fourth), &imported),
        Decision::Gap { expected: 2 }
    );
    // The first batch must not claim a predecessor.
    let orphan = sign(&payload(1, Some(first.hash.clone())), &keys.device);
    assert_eq!(decide(&verify(&orphan), &[]), Decision::ChainBroken);
}

#[test]
fn the_registry_verifies_before_it_loads() {
    let mut keys = keys();
    let commission = keys::unlock(&keys.commission.secret_key, None).unwrap();
    let (bytes, signature) = keys.registry.sign(&commission).unwrap();
    let loaded = hattama_batch::registry::Registry::verify_and_load(
        &bytes,
        &signature,
        &keys.commission.public_key,
    )
    .unwrap();
    assert_eq!(loaded, keys.registry);
    let mut forged = bytes.clone();
    let at = forged.iter().position(|b| *b == b'v').unwrap();
    forged[at] = b'V';
    assert!(matches!(
        hattama_batch::registry::Registry::verify_and_load(
            &forged,
            &signature,
            &keys.commission.public_key
        ),
        Err(hattama_batch::registry::RegistryError::BadSignature)
    ));
    assert!(matches!(
        hattama_batch::registry::Registry::verify_and_load(
            &bytes,
            &signature,
            &keys.device.public_key
        ),
        Err(hattama_batch::registry::RegistryError::BadSignature)
    ));
}
