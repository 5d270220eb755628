//! Audit logs for batches made by hand, chained by the one hashing rule
//! (`hattama_protocol::audit_chain`) so the receiver's log checks pass: the least that vouches
//! for a batch (one `protocol.finalize` entry per protocol) and a whole election night's log
//! (setup, people, every protocol typed twice field by field with corrections, finalized).

#![allow(
    dead_code,
    reason = "each test binary uses its own part of this module"
)]

use hattama_batch::format::{AuditHead, BatchProtocol, LogEntry};
use hattama_protocol::audit_chain::{self, Link};

/// Election night, 20:00 local time (UTC+5) on 19 March 2023, in milliseconds.
const EVENING: i64 = 1_679_238_000_000;

/// The log vouching for `protocols`, and its head.
pub(crate) fn vouching_log(protocols: &[BatchProtocol]) -> (Vec<LogEntry>, AuditHead) {
    let rows = protocols.iter().map(|protocol| Row {
        user: Some(1),
        action: audit_chain::FINALIZE_ACTION,
        payload: finalize_payload(protocol),
    });
    chain(rows)
}

/// A precinct's log of the whole night that ends in finalizing `protocols` and, before them,
/// `others` more protocols of `lines` lines each (the four other ballots of a precinct):
/// setup, four users and seven members, the commission key pinned and the device key made;
/// then per protocol both entries typed line by line (two corrections in each), finished, and
/// the protocol finalized with its values.
pub(crate) fn night_log(
    protocols: &[BatchProtocol],
    others: usize,
    lines: usize,
) -> (Vec<LogEntry>, AuditHead) {
    let mut rows = vec![Row {
        user: None,
        action: "precinct.setup",
        payload: r#"{"definition_hash":"5d1c0e7a","precinct":"abai/1"}"#.to_owned(),
    }];
    for (id, (name, role)) in (1_u64..).zip([
        ("Aigul", "chair"),
        ("Ana", "clerk"),
        ("Bek", "clerk"),
        ("Dana", "secretary"),
    ]) {
        rows.push(Row {
            user: Some(1),
            action: "user.add",
            payload: format!(r#"{{"id":{id},"name":"{name}","role":"{role}"}}"#),
        });
    }
    for member in 1..=7 {
        rows.push(Row {
            user: Some(1),
            action: "member.add",
            payload: format!(r#"{{"name":"Member {member}","position":"member"}}"#),
        });
    }
    rows.push(Row {
        user: Some(1),
        action: "commission_key.pin",
        payload: r#"{"key_id":"4f1a930cd27e15b8"}"#.to_owned(),
    });
    rows.push(Row {
        user: Some(1),
        action: "device_key.created",
        payload: r#"{"key_id":"9c2e4a7b1d0f83e6"}"#.to_owned(),
    });
    for other in 0..others {
        let contest = format!("other-{other}");
        let values: Vec<(String, u32)> = (1..=lines)
            .map(|line| (format!("L{line}"), 100 + u32::try_from(line).unwrap_or(0)))
            .collect();
        typed_twice(&mut rows, &contest, &values);
        rows.push(Row {
            user: Some(1),
            action: audit_chain::FINALIZE_ACTION,
            payload: values_payload(&contest, 1, &values),
        });
    }
    for protocol in protocols {
        let values: Vec<(String, u32)> = protocol
            .values
            .iter()
            .map(|value| (value.line.clone(), value.value))
            .collect();
        typed_twice(&mut rows, &protocol.contest, &values);
        rows.push(Row {
            user: Some(1),
            action: audit_chain::FINALIZE_ACTION,
            payload: finalize_payload(protocol),
        });
    }
    chain(rows)
}

/// One audit entry before it is chained.
struct Row {
    user: Option<i64>,
    action: &'static str,
    payload: String,
}

/// Both entries of `contest` typed by the two clerks (users 2 and 3), each line saved as typed,
/// the second and the fifth line first mistyped and corrected, then finished.
fn typed_twice(rows: &mut Vec<Row>, contest: &str, values: &[(String, u32)]) {
    for (entry, user) in [(1, 2), (2, 3)] {
        rows.push(Row {
            user: Some(user),
            action: "entry.start",
            payload: format!(r#"{{"contest":"{contest}","version":1,"entry":{entry}}}"#),
        });
        for (idx, (line, value)) in values.iter().enumerate() {
            if idx == 1 || idx == 4 {
                rows.push(save(user, contest, entry, line, value + 10));
            }
            rows.push(save(user, contest, entry, line, *value));
        }
        rows.push(Row {
            user: Some(user),
            action: "entry.finish",
            payload: format!(r#"{{"contest":"{contest}","version":1,"entry":{entry}}}"#),
        });
    }
}

fn save(user: i64, contest: &str, entry: u8, line: &str, value: u32) -> Row {
    Row {
        user: Some(user),
        action: "value.save",
        payload: format!(
            r#"{{"contest":"{contest}","version":1,"entry":{entry},"line":"{line}","value":{value},"raw":"{value}"}}"#
        ),
    }
}

fn finalize_payload(protocol: &BatchProtocol) -> String {
    let values: Vec<(String, u32)> = protocol
        .values
        .iter()
        .map(|value| (value.line.clone(), value.value))
        .collect();
    values_payload(&protocol.contest, protocol.version, &values)
}

/// A `protocol.finalize` payload: the contest, the version and every value, as the store logs it.
fn values_payload(contest: &str, version: u32, values: &[(String, u32)]) -> String {
    let values: serde_json::Map<String, serde_json::Value> = values
        .iter()
        .map(|(line, value)| (line.clone(), serde_json::json!(value)))
        .collect();
    serde_json::json!({
        "contest": contest,
        "version": version,
        "values": values,
    })
    .to_string()
}

/// `rows` as a log: numbered from 1, a minute apart, each hash over the one before.
fn chain(rows: impl IntoIterator<Item = Row>) -> (Vec<LogEntry>, AuditHead) {
    let mut prev = audit_chain::GENESIS;
    let mut log = Vec::new();
    for (seq, row) in (1_i64..).zip(rows) {
        let link = Link {
            seq,
            at: EVENING + seq * 60_000,
            user: row.user,
            action: row.action,
            payload: &row.payload,
        };
        let hash = audit_chain::link_hash(&link, &prev);
        log.push(LogEntry {
            seq: seq.unsigned_abs(),
            at: link.at,
            user: link.user,
            action: row.action.to_owned(),
            payload: row.payload,
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
