//! The receiver's decisions one by one: each pair of batch and receiver mode, each content check
//! at its boundary, and each sequence decision, so that dropping or bending any one of them
//! changes an outcome here.

use hattama_batch::format::{Act, AuditHead, Payload};
use hattama_batch::keys;
use hattama_batch::receive::{Decision, Imported, ModeName, VerifiedBatch, VerifyError, decide};
use hattama_protocol::Mode;

use crate::sample::{Keys, keys, payload, precinct, protocol, sign, verify_signed};

/// Signs `payload` with abai/1's key and verifies it with a receiver in `mode`.
fn receive(keys: &Keys, payload: &Payload, mode: Mode) -> Result<VerifiedBatch, VerifyError> {
    let batch = sign(payload, &keys.device);
    verify_signed(&batch, keys, mode)
}

fn live(mut payload: Payload) -> Payload {
    payload.election.mode = Mode::Live;
    payload
}

/// The reason of a `BadProtocol` refusal.
fn refusal(result: Result<VerifiedBatch, VerifyError>) -> String {
    match result {
        Err(VerifyError::BadProtocol { reason, .. }) => reason,
        other => panic!("expected a bad protocol, got {other:?}"),
    }
}

#[test]
fn a_live_batch_for_a_test_definition_is_refused() {
    let keys = keys();
    assert_eq!(
        receive(&keys, &live(payload(1, None)), Mode::Test).err(),
        Some(VerifyError::ModeMismatch {
            payload: ModeName(Mode::Live),
            definition: ModeName(Mode::Test),
        })
    );
}

#[test]
fn a_batch_in_the_receivers_own_mode_is_accepted() {
    let keys = keys();
    // The demo definition is a test one, so only a test batch can be in its receiver's mode;
    // a live batch naming it is refused for its mode (above).
    assert!(receive(&keys, &payload(1, None), Mode::Test).is_ok());
    assert_eq!(
        receive(&keys, &payload(1, None), Mode::Live).err(),
        Some(VerifyError::TestBatchInLiveMode)
    );
}

#[test]
fn a_batch_for_another_election_is_refused() {
    let keys = keys();
    let mut other = payload(1, None);
    other.election.id = "maslikhat-2023".into();
    assert_eq!(
        receive(&keys, &other, Mode::Test).err(),
        Some(VerifyError::WrongElection("maslikhat-2023".into()))
    );
}

#[test]
fn a_protocol_listed_twice_is_refused() {
    let keys = keys();
    let mut twice = payload(1, None);
    twice.protocols.push(protocol("abai-list", 1));
    assert_eq!(
        receive(&keys, &twice, Mode::Test).err(),
        Some(VerifyError::ProtocolsOutOfOrder)
    );
}

#[test]
fn a_repeated_protocol_beside_its_first_version_is_accepted() {
    let keys = keys();
    let mut repeated = payload(1, None);
    repeated.protocols.push(protocol("abai-list", 2));
    let verified = receive(&keys, &repeated, Mode::Test).unwrap();
    assert_eq!(verified.payload.protocols.len(), 3);
}

#[test]
fn version_zero_of_a_protocol_is_refused() {
    let keys = keys();
    let mut zero = payload(1, None);
    zero.protocols[0].version = 0;
    assert_eq!(
        refusal(receive(&keys, &zero, Mode::Test)),
        "a repeated protocol (version 2 and up), and only it, gives a reason"
    );
}

#[test]
fn a_first_protocol_with_a_repeat_reason_is_refused() {
    let keys = keys();
    let mut first = payload(1, None);
    first.protocols[0].repeated_reason = Some("recount".into());
    assert_eq!(
        refusal(receive(&keys, &first, Mode::Test)),
        "a repeated protocol (version 2 and up), and only it, gives a reason"
    );
}

#[test]
fn a_repeated_protocol_without_a_reason_is_refused() {
    let keys = keys();
    let mut repeated = payload(1, None);
    repeated.protocols[0] = protocol("abai-list", 2);
    repeated.protocols[0].repeated_reason = None;
    assert_eq!(
        refusal(receive(&keys, &repeated, Mode::Test)),
        "a repeated protocol (version 2 and up), and only it, gives a reason"
    );
    repeated.protocols[0].repeated_reason = Some("recount".into());
    assert!(receive(&keys, &repeated, Mode::Test).is_ok());
}

#[test]
fn a_protocol_missing_its_last_line_is_refused() {
    let keys = keys();
    let mut short = payload(1, None);
    short.protocols[0].values.pop();
    assert_eq!(
        refusal(receive(&keys, &short, Mode::Test)),
        "lines are missing, repeated or not in the template's order"
    );
}

#[test]
fn a_protocol_with_lines_out_of_order_is_refused() {
    let keys = keys();
    let mut swapped = payload(1, None);
    swapped.protocols[0].values.swap(0, 1);
    assert_eq!(
        refusal(receive(&keys, &swapped, Mode::Test)),
        "lines are missing, repeated or not in the template's order"
    );
}

#[test]
fn a_value_above_the_largest_count_is_refused() {
    let keys = keys();
    let mut large = payload(1, None);
    large.protocols[0].values[0].value = 10_000_000;
    assert!(refusal(receive(&keys, &large, Mode::Test)).starts_with("line L1: "));
    large.protocols[0].values[0].value = 9_999_999;
    // The largest count itself is a count (E02 still holds: issued stays below it).
    assert!(receive(&keys, &large, Mode::Test).is_ok());
}

#[test]
fn a_protocol_on_another_template_or_template_version_is_refused() {
    let keys = keys();
    let mut other = payload(1, None);
    other.protocols[0].template = "P2".into();
    assert!(refusal(receive(&keys, &other, Mode::Test)).starts_with("template P2 instead of "));
    let mut old = payload(1, None);
    old.protocols[0].template_version += 1;
    assert!(refusal(receive(&keys, &old, Mode::Test)).starts_with("template version "));
}

#[test]
fn a_precinct_the_definition_does_not_hold_is_refused() {
    let mut keys = keys();
    let stranger = keys::generate_unencrypted("abai/999").unwrap();
    keys.registry
        .add(&stranger.public_key, precinct(999))
        .unwrap();
    let mut far = payload(1, None);
    far.precinct = precinct(999);
    let batch = sign(&far, &stranger);
    assert_eq!(
        refusal(verify_signed(&batch, &keys, Mode::Test)),
        "precinct abai/999 is not in the definition"
    );
}

#[test]
fn a_failing_warning_needs_no_act() {
    let keys = keys();
    let mut warned = payload(1, None);
    let line = warned.protocols[0]
        .values
        .iter_mut()
        .find(|value| value.line == "L5b")
        .unwrap();
    line.value += 1; // W03: more in the mobile boxes than issued outside the station.
    assert!(receive(&keys, &warned, Mode::Test).is_ok());
}

#[test]
fn an_act_for_another_check_does_not_excuse_a_failing_error() {
    let keys = keys();
    let mut bad = payload(1, None);
    bad.protocols[1].values[1].value += 1; // L2: E01 breaks.
    bad.protocols[1].acts.push(Act {
        code: "E04".into(),
        text: "an act about something else".into(),
        by: "chair".into(),
        at: "t".into(),
    });
    assert_eq!(
        refusal(receive(&keys, &bad, Mode::Test)),
        "E01 fails and no act is attached"
    );
}

/// A verified batch of abai/1 with `sequence`, `previous` and `hash`, as `decide` sees it.
fn batch(sequence: u64, previous: Option<&str>, hash: &str) -> VerifiedBatch {
    let keys_id = keys::KeyId([7; 8]);
    VerifiedBatch {
        payload: payload(sequence, previous.map(str::to_owned)),
        hash: hash.to_owned(),
        key_id: keys_id,
    }
}

fn imported(sequence: u64, hash: &str) -> Imported {
    Imported {
        sequence,
        hash: hash.to_owned(),
        audit_head: AuditHead {
            seq: 0,
            hash: "00".repeat(32),
        },
        protocols: Vec::new(),
    }
}

#[test]
fn the_first_batch_of_a_precinct_is_imported_only_without_a_previous() {
    assert_eq!(decide(&batch(1, None, "h1"), &[]), Decision::Import);
    assert_eq!(
        decide(&batch(1, Some("h0"), "h1"), &[]),
        Decision::ChainBroken
    );
    assert_eq!(
        decide(&batch(2, None, "h2"), &[]),
        Decision::Gap { expected: 1 }
    );
}

#[test]
fn the_next_batch_is_imported_when_it_names_the_newest() {
    let history = [imported(1, "h1"), imported(3, "h3"), imported(2, "h2")];
    assert_eq!(
        decide(&batch(4, Some("h3"), "h4"), &history),
        Decision::Import
    );
    assert_eq!(
        decide(&batch(4, Some("h2"), "h4"), &history),
        Decision::ChainBroken
    );
    assert_eq!(
        decide(&batch(4, None, "h4"), &history),
        Decision::ChainBroken
    );
}

#[test]
fn a_batch_beyond_the_next_is_a_gap() {
    let history = [imported(1, "h1"), imported(2, "h2")];
    assert_eq!(
        decide(&batch(4, Some("h3"), "h4"), &history),
        Decision::Gap { expected: 3 }
    );
    assert_eq!(
        decide(&batch(9, Some("h2"), "h9"), &history),
        Decision::Gap { expected: 3 }
    );
}

#[test]
fn an_older_unseen_batch_is_a_replay() {
    // Sequence 2 was never imported (the history starts at 3 after a reset), so it is older.
    let history = [imported(3, "h3"), imported(4, "h4")];
    assert_eq!(
        decide(&batch(2, Some("h1"), "h2"), &history),
        Decision::Replayed { newest: 4 }
    );
    assert_eq!(
        decide(&batch(1, None, "h1"), &history),
        Decision::Replayed { newest: 4 }
    );
}

#[test]
fn a_known_sequence_is_a_no_op_or_a_conflict() {
    let history = [imported(1, "h1"), imported(2, "h2")];
    assert_eq!(
        decide(&batch(1, None, "h1"), &history),
        Decision::AlreadyImported
    );
    assert_eq!(
        decide(&batch(2, Some("h1"), "h2"), &history),
        Decision::AlreadyImported
    );
    assert_eq!(
        decide(&batch(1, None, "other"), &history),
        Decision::Conflict {
            existing: "h1".into()
        }
    );
    assert_eq!(
        decide(&batch(2, Some("h1"), "other"), &history),
        Decision::Conflict {
            existing: "h2".into()
        }
    );
}
