//! A sample batch of the demo election for precinct abai/1, its keys and registry.

use hattama_batch::export::{SignedBatch, sign_batch};
use hattama_batch::format::{AuditHead, BatchProtocol, ElectionRef, LineValue, LogEntry, Payload};
use hattama_batch::keys::{self, NewKeyPair};
use hattama_batch::receive::{Expect, VerifiedBatch, VerifyError, verify_batch};
use hattama_batch::registry::Registry;
use hattama_protocol::audit_chain::{self, Link};
use hattama_protocol::{Mode, PrecinctId, builtin};

pub(crate) struct Keys {
    pub(crate) device: NewKeyPair,
    pub(crate) neighbour: NewKeyPair,
    pub(crate) revoked: NewKeyPair,
    pub(crate) commission: NewKeyPair,
    pub(crate) registry: Registry,
}

pub(crate) fn precinct(number: u32) -> PrecinctId {
    PrecinctId {
        region: "abai".into(),
        number,
    }
}

/// Device keys for abai/1 and abai/2, a revoked key (abai/3), and the registry holding them.
pub(crate) fn keys() -> Keys {
    let device = keys::generate_unencrypted("abai/1").unwrap();
    let neighbour = keys::generate_unencrypted("abai/2").unwrap();
    let revoked = keys::generate_unencrypted("abai/3").unwrap();
    let commission = keys::generate_unencrypted("commission").unwrap();
    let mut registry = Registry::new(&builtin::demo().definition.id, commission.key_id);
    registry.add(&device.public_key, precinct(1)).unwrap();
    registry.add(&neighbour.public_key, precinct(2)).unwrap();
    let revoked_id = registry.add(&revoked.public_key, precinct(3)).unwrap();
    registry.revoke(revoked_id, "laptop stolen").unwrap();
    Keys {
        device,
        neighbour,
        revoked,
        commission,
        registry,
    }
}

/// A consistent protocol for `contest` of the demo (values in paper order).
pub(crate) fn protocol(contest: &str, version: u32) -> BatchProtocol {
    let demo = builtin::demo();
    let contest_def = demo.contest(contest).unwrap();
    let template = builtin::templates()
        .template(&contest_def.template)
        .unwrap();
    let n_rows = contest_def.rows.len();
    let rows: Vec<u32> = (0..n_rows)
        .map(|k| 40 + u32::try_from(k).unwrap() * 3)
        .collect();
    let valid: u32 = rows.iter().sum::<u32>() + 12;
    let fixed = |id: &str| -> u32 {
        match id {
            "L1" => 2000,
            "L2" => 1800,
            "L3" => valid + 20,
            "L3a" => 5,
            "L3b" => 10,
            "L4" => 1800 - (valid + 20),
            "L5" => valid + 20,
            "L5b" => 10,
            "L6" => 20,
            "L7" => valid,
            "L9" => 12,
            _ => 0,
        }
    };
    let values = template
        .line_ids(n_rows)
        .into_iter()
        .map(|line| {
            let value = match line.strip_prefix("L8.") {
                Some(k) => rows[k.parse::<usize>().unwrap() - 1],
                None => fixed(&line),
            };
            LineValue { line, value }
        })
        .collect();
    BatchProtocol {
        contest: contest.into(),
        template: contest_def.template.clone(),
        template_version: template.version,
        version,
        repeated_reason: (1 < version)
            .then(|| "recount ordered by the territorial commission".to_owned()),
        finalized_at: "2023-03-20T02:10:00+05:00".into(),
        finalized_by: "chair".into(),
        values,
        acknowledged: Vec::new(),
        acts: Vec::new(),
    }
}

/// An audit log that vouches for `protocols`: 40 entries of typing, one `protocol.finalize`
/// entry for each protocol, recording its values as the precinct's store does, then `after`
/// entries of exporting; and its head. So the log of a later batch (more `after`) extends the
/// log of an earlier one with the same protocols.
pub(crate) fn vouching_log(protocols: &[BatchProtocol], after: u64) -> (Vec<LogEntry>, AuditHead) {
    let mut payloads: Vec<(&str, String)> = (0..40)
        .map(|idx| ("value.save", format!("{{\"n\":{idx}}}")))
        .collect();
    for protocol in protocols {
        let values: serde_json::Map<String, serde_json::Value> = protocol
            .values
            .iter()
            .map(|value| (value.line.clone(), serde_json::json!(value.value)))
            .collect();
        let logged = serde_json::json!({
            "contest": protocol.contest,
            "version": protocol.version,
            "from": "review",
            "to": "final",
            "values": values,
        });
        payloads.push((audit_chain::FINALIZE_ACTION, logged.to_string()));
    }
    for idx in 0..after {
        payloads.push(("export.signed", format!("{{\"sequence\":{}}}", idx + 1)));
    }
    chain(&payloads)
}

/// The chain of entries with these actions and payloads, and its head.
pub(crate) fn chain(payloads: &[(&str, String)]) -> (Vec<LogEntry>, AuditHead) {
    let mut prev = audit_chain::GENESIS;
    let mut log = Vec::new();
    for (idx, (action, payload)) in payloads.iter().enumerate() {
        let seq = i64::try_from(idx).unwrap() + 1;
        let hash = audit_chain::link_hash(
            &Link {
                seq,
                at: 1_679_260_000_000 + seq,
                user: Some(1),
                action,
                payload,
            },
            &prev,
        );
        log.push(LogEntry {
            seq: seq.unsigned_abs(),
            at: 1_679_260_000_000 + seq,
            user: Some(1),
            action: (*action).to_owned(),
            payload: payload.clone(),
            hash: audit_chain::hex(&hash),
        });
        prev = hash;
    }
    let head = AuditHead {
        seq: log.last().map_or(0, |entry| entry.seq),
        hash: audit_chain::hex(&prev),
    };
    (log, head)
}

/// Rebuilds `payload`'s log and head so that they vouch for its protocols as they are now.
pub(crate) fn revouch(payload: &mut Payload) {
    let (log, head) = vouching_log(&payload.protocols, payload.sequence.saturating_sub(1));
    payload.audit_log = log;
    payload.audit_head = head;
}

/// The payload of abai/1's batch number `sequence` holding the two list protocols, with a log
/// vouching for them.
pub(crate) fn payload(sequence: u64, previous: Option<String>) -> Payload {
    let mut payload = bare_payload(sequence, previous);
    revouch(&mut payload);
    payload
}

fn bare_payload(sequence: u64, previous: Option<String>) -> Payload {
    let demo = builtin::demo();
    Payload {
        format: "hattama-batch".into(),
        version: 2,
        election: ElectionRef {
            id: demo.definition.id.clone(),
            definition_hash: demo.hash.clone(),
            mode: Mode::Test,
        },
        precinct: precinct(1),
        sequence,
        previous,
        audit_head: AuditHead {
            seq: 40 + sequence,
            hash: "ab".repeat(32),
        },
        app_version: "0.1.0".into(),
        created_at: "2023-03-20T02:15:00+05:00".into(),
        protocols: vec![protocol("abai-list", 1), protocol("majilis-list", 1)],
        audit_log: Vec::new(),
    }
}

pub(crate) fn sign(payload: &Payload, key: &NewKeyPair) -> SignedBatch {
    sign_batch(payload, &keys::unlock(&key.secret_key, None).unwrap()).unwrap()
}

/// Verifies `batch` against the sample registry, with a receiver in `mode`.
pub(crate) fn verify_signed(
    batch: &SignedBatch,
    keys: &Keys,
    mode: Mode,
) -> Result<VerifiedBatch, VerifyError> {
    verify_batch(
        &batch.payload,
        &batch.signature,
        &keys.registry,
        &expect(mode),
    )
}

pub(crate) fn expect(mode: Mode) -> Expect<'static> {
    Expect {
        definition: builtin::demo(),
        templates: builtin::templates(),
        mode,
    }
}
