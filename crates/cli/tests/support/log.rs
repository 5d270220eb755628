//! An audit log for a batch made by hand: one `protocol.finalize` entry per protocol, recording
//! its values as the precinct's store does, chained by the one hashing rule
//! (`hattama_protocol::audit_chain`), so the receiver's log checks pass.

use hattama_batch::format::{AuditHead, BatchProtocol, LogEntry};
use hattama_protocol::audit_chain::{self, Link};

/// The log vouching for `protocols`, and its head.
pub(crate) fn vouching_log(protocols: &[BatchProtocol]) -> (Vec<LogEntry>, AuditHead) {
    let mut prev = audit_chain::GENESIS;
    let mut log = Vec::with_capacity(protocols.len());
    for (seq, protocol) in (1_i64..).zip(protocols) {
        let values: serde_json::Map<String, serde_json::Value> = protocol
            .values
            .iter()
            .map(|value| (value.line.clone(), serde_json::json!(value.value)))
            .collect();
        let payload = serde_json::json!({
            "contest": protocol.contest,
            "version": protocol.version,
            "values": values,
        })
        .to_string();
        let link = Link {
            seq,
            at: 1_679_260_000_000,
            user: Some(1),
            action: audit_chain::FINALIZE_ACTION,
            payload: &payload,
        };
        let hash = audit_chain::link_hash(&link, &prev);
        log.push(LogEntry {
            seq: seq.unsigned_abs(),
            at: link.at,
            user: link.user,
            action: audit_chain::FINALIZE_ACTION.to_owned(),
            payload,
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
