//! Batches that continue the chain of batch hashes and are still held for a person: a log that
//! does not extend the log of a batch imported before (the history was rewritten), other values
//! for a protocol version already imported, and a protocol its own log did not finalize. Also
//! what an import records, and each decision's code, whether it is held, and its parameters.

use hattama_batch::format::{AuditHead, BatchProtocol, LineValue, Payload};
use hattama_batch::receive::{Decision, Imported, ImportedProtocol, VerifiedBatch, decide};
use hattama_protocol::Mode;

use crate::sample::{chain, keys, payload, protocol, revouch, sign, verify_signed};

/// `payload` signed with abai/1's key and verified by a test receiver, as an import sees it.
fn verified(payload: &Payload) -> VerifiedBatch {
    let keys = keys();
    verify_signed(&sign(payload, &keys.device), &keys, Mode::Test).unwrap()
}

/// The first batch of abai/1, verified, and the record its import left.
fn first_imported() -> (VerifiedBatch, Imported) {
    let first = verified(&payload(1, None));
    let record = Imported::of(&first, &[]);
    (first, record)
}

/// `payload` with its log rebuilt as a chain after `edit` changed its entries' payloads.
fn rechained(mut payload: Payload, edit: impl Fn(usize, &mut String)) -> Payload {
    let mut entries: Vec<(String, String)> = payload
        .audit_log
        .iter()
        .map(|entry| (entry.action.clone(), entry.payload.clone()))
        .collect();
    for (idx, (_, text)) in entries.iter_mut().enumerate() {
        edit(idx, text);
    }
    let entries: Vec<(&str, String)> = entries
        .iter()
        .map(|(action, text)| (action.as_str(), text.clone()))
        .collect();
    let (log, head) = chain(&entries);
    payload.audit_log = log;
    payload.audit_head = head;
    payload
}

fn values(protocol: &BatchProtocol) -> Vec<(String, u32)> {
    protocol
        .values
        .iter()
        .map(|value| (value.line.clone(), value.value))
        .collect()
}

#[test]
fn the_next_batch_whose_log_extends_the_first_is_imported() {
    let (first, record) = first_imported();
    let second = verified(&payload(2, Some(first.hash.clone())));
    assert_eq!(decide(&second, &[record]), Decision::Import);
}

#[test]
fn a_log_that_rewrites_what_an_imported_batch_stated_is_held_as_history_rewritten() {
    let (first, record) = first_imported();
    let held = Decision::HistoryRewritten {
        earlier_sequence: 1,
        earlier_head: first.payload.audit_head.clone(),
    };
    // A whole new chain, consistent in itself, in which entry 5 says something else.
    let rewritten = rechained(payload(2, Some(first.hash.clone())), |idx, text| {
        if idx == 4 {
            *text = r#"{"n":400}"#.into();
        }
    });
    assert_eq!(
        decide(&verified(&rewritten), std::slice::from_ref(&record)),
        held
    );
    // A log shorter than the head the first batch stated.
    let mut short = payload(2, Some(first.hash.clone()));
    short.audit_log.truncate(20);
    short.audit_head = AuditHead {
        seq: 20,
        hash: short.audit_log[19].hash.clone(),
    };
    assert_eq!(decide(&verified(&short), &[record]), held);
}

#[test]
fn other_values_for_an_imported_protocol_version_are_held_as_values_differ() {
    let (first, _) = first_imported();
    // What the first batch brought, held to the head of its typing (entry 40), which every
    // later log here shares.
    let record = |protocols: Vec<ImportedProtocol>| Imported {
        sequence: 1,
        hash: first.hash.clone(),
        audit_head: AuditHead {
            seq: 40,
            hash: first.payload.audit_log[39].hash.clone(),
        },
        protocols,
    };
    let abai = &first.payload.protocols[0];
    assert_eq!(abai.contest, "abai-list");
    let imported = |values: Vec<(String, u32)>| {
        record(vec![ImportedProtocol {
            contest: abai.contest.clone(),
            version: abai.version,
            values,
        }])
    };
    let differ = Decision::ValuesDiffer {
        contest: "abai-list".into(),
        version: 1,
        earlier_sequence: 1,
    };
    let second = verified(&payload(2, Some(first.hash.clone())));
    assert_eq!(decide(&second, &[imported(values(abai))]), Decision::Import);
    // One value other, one line named otherwise, one line fewer: each is other values.
    let mut one_other = values(abai);
    one_other[2].1 += 1;
    let mut renamed = values(abai);
    renamed[2].0 = "L99".into();
    let mut fewer = values(abai);
    fewer.pop();
    for known in [one_other, renamed, fewer] {
        assert_eq!(
            decide(&second, &[imported(known.clone())]),
            differ,
            "{known:?}"
        );
    }
}

#[test]
fn a_protocol_its_own_log_did_not_finalize_is_held_as_final_not_in_log() {
    // The values changed after the log recorded the finalize.
    let mut changed = payload(1, None);
    changed.protocols[1].values[3].value += 1;
    let not_in_log = Decision::FinalNotInLog {
        contest: "majilis-list".into(),
        version: 1,
    };
    assert_eq!(decide(&verified(&changed), &[]), not_in_log);
    // No finalize entry at all: the entries' action renamed.
    let mut unlogged = payload(1, None);
    let renamed: Vec<(String, String)> = unlogged
        .audit_log
        .iter()
        .map(|entry| {
            let action = if entry.action == "protocol.finalize" {
                "protocol.review".to_owned()
            } else {
                entry.action.clone()
            };
            (action, entry.payload.clone())
        })
        .collect();
    let entries: Vec<(&str, String)> = renamed
        .iter()
        .map(|(action, text)| (action.as_str(), text.clone()))
        .collect();
    (unlogged.audit_log, unlogged.audit_head) = chain(&entries);
    let held = decide(&verified(&unlogged), &[]);
    assert_eq!(
        held,
        Decision::FinalNotInLog {
            contest: "abai-list".into(),
            version: 1,
        }
    );
    // The same change vouched for by its own log is the log's word: imported.
    revouch(&mut changed);
    assert_eq!(decide(&verified(&changed), &[]), Decision::Import);
}

#[test]
fn an_import_records_the_head_and_only_the_versions_no_earlier_batch_brought() {
    let (first, _) = first_imported();
    let mut repeat = protocol("majilis-list", 2);
    repeat.repeated_reason = Some("recount".into());
    let brought = |protocols: Vec<BatchProtocol>| {
        let mut payload = payload(2, Some(first.hash.clone()));
        payload.protocols = protocols;
        VerifiedBatch {
            payload,
            hash: "h2".into(),
            key_id: first.key_id,
        }
    };
    let earlier = Imported::of(
        &brought(vec![
            protocol("abai-list", 1),
            protocol("majilis-list", 1),
            repeat.clone(),
        ]),
        &[],
    );
    assert_eq!(earlier.protocols.len(), 3);
    // Carried again: abai-list 1 and majilis-list 2; new: abai-list 2.
    let mut abai_2 = protocol("abai-list", 2);
    abai_2.repeated_reason = Some("recount".into());
    abai_2.values[0] = LineValue {
        line: abai_2.values[0].line.clone(),
        value: 7,
    };
    let later = brought(vec![protocol("abai-list", 1), abai_2.clone(), repeat]);
    let record = Imported::of(&later, std::slice::from_ref(&earlier));
    assert_eq!(record.sequence, 2);
    assert_eq!(record.hash, "h2");
    assert_eq!(record.audit_head, later.payload.audit_head);
    assert_eq!(
        record.protocols,
        vec![ImportedProtocol {
            contest: "abai-list".into(),
            version: 2,
            values: values(&abai_2),
        }]
    );
}

/// A decision's parameters, as `Decision::params` gives them.
type Params = Vec<(&'static str, String)>;

#[test]
fn each_decision_has_its_code_whether_it_is_held_and_its_parameters() {
    let head = AuditHead {
        seq: 42,
        hash: "ab".repeat(32),
    };
    let table: Vec<(Decision, &str, bool, Params)> = vec![
        (Decision::Import, "import", false, vec![]),
        (Decision::AlreadyImported, "already_imported", false, vec![]),
        (
            Decision::Conflict {
                existing: "h1".into(),
            },
            "conflict",
            true,
            vec![("existing_hash", "h1".into())],
        ),
        (
            Decision::Replayed { newest: 4 },
            "replayed",
            false,
            vec![("newest", "4".into())],
        ),
        (
            Decision::Gap { expected: 3 },
            "sequence_gap",
            false,
            vec![("expected", "3".into())],
        ),
        (Decision::ChainBroken, "chain_broken", false, vec![]),
        (
            Decision::HistoryRewritten {
                earlier_sequence: 1,
                earlier_head: head.clone(),
            },
            "history_rewritten",
            true,
            vec![
                ("earlier_sequence", "1".into()),
                ("earlier_head_seq", "42".into()),
                ("earlier_head_hash", head.hash.clone()),
            ],
        ),
        (
            Decision::ValuesDiffer {
                contest: "abai-list".into(),
                version: 2,
                earlier_sequence: 1,
            },
            "values_differ",
            true,
            vec![
                ("contest", "abai-list".into()),
                ("version", "2".into()),
                ("earlier_sequence", "1".into()),
            ],
        ),
        (
            Decision::FinalNotInLog {
                contest: "abai-list".into(),
                version: 2,
            },
            "final_not_in_log",
            true,
            vec![("contest", "abai-list".into()), ("version", "2".into())],
        ),
    ];
    for (decision, code, held, params) in table {
        assert_eq!(decision.code(), code);
        assert_eq!(decision.is_held(), held, "{code}");
        assert_eq!(decision.params(), params, "{code}");
    }
}
