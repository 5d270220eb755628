//! The content of a batch whose signature verified: its election, mode and protocols against the
//! receiver's definition and templates ([`check_content`]), its carried audit log against the
//! head it states ([`check_log`]), and its protocols against that log's finalize entries
//! ([`unvouched`]).

use std::collections::{BTreeMap, HashMap};

use hattama_protocol::audit_chain;
use hattama_protocol::check::check;
use hattama_protocol::{Count, InputError, Mode, Outcome, Severity, Values};

use crate::format::Payload;
use crate::receive::refusal::{ModeName, VerifyError};
use crate::receive::verify::Expect;

pub(crate) fn check_content(payload: &Payload, expect: &Expect<'_>) -> Result<(), VerifyError> {
    let definition = expect.definition;
    if payload.election.id != definition.definition.id {
        return Err(VerifyError::WrongElection(payload.election.id.clone()));
    }
    if payload.election.definition_hash != definition.hash {
        return Err(VerifyError::DefinitionMismatch(
            payload.election.definition_hash.clone(),
        ));
    }
    if payload.election.mode != definition.definition.mode {
        return Err(VerifyError::ModeMismatch {
            payload: ModeName(payload.election.mode),
            definition: ModeName(definition.definition.mode),
        });
    }
    match (payload.election.mode, expect.mode) {
        (Mode::Test, Mode::Live) => return Err(VerifyError::TestBatchInLiveMode),
        (Mode::Live, Mode::Test) => return Err(VerifyError::LiveBatchInTestMode),
        _ => {}
    }
    let ordered = payload
        .protocols
        .windows(2)
        .all(|pair| (&pair[0].contest, pair[0].version) < (&pair[1].contest, pair[1].version));
    if !ordered {
        return Err(VerifyError::ProtocolsOutOfOrder);
    }
    let Some(precinct) = definition.precinct(&payload.precinct) else {
        return Err(VerifyError::BadProtocol {
            contest: String::new(),
            reason: format!("precinct {} is not in the definition", payload.precinct),
        });
    };
    for protocol in &payload.protocols {
        let bad = |reason: String| VerifyError::BadProtocol {
            contest: protocol.contest.clone(),
            reason,
        };
        if !precinct.contests.contains(&protocol.contest) {
            return Err(bad("the precinct does not hold this contest".to_owned()));
        }
        let contest = definition
            .contest(&protocol.contest)
            .ok_or_else(|| bad("unknown contest".to_owned()))?;
        if contest.template != protocol.template {
            return Err(bad(format!(
                "template {} instead of {}",
                protocol.template, contest.template
            )));
        }
        let template = expect
            .templates
            .template(&contest.template)
            .ok_or_else(|| bad("unknown template".to_owned()))?;
        if template.version != protocol.template_version {
            return Err(bad(format!(
                "template version {} instead of {}",
                protocol.template_version, template.version
            )));
        }
        if protocol.version == 0 || (1 < protocol.version) != protocol.repeated_reason.is_some() {
            return Err(bad(
                "a repeated protocol (version 2 and up), and only it, gives a reason".to_owned(),
            ));
        }
        // Every line of the template, once, in paper order, each a valid count.
        let n_rows = contest.rows.len();
        let line_ids = template.line_ids(n_rows);
        let in_order = protocol.values.len() == line_ids.len()
            && protocol
                .values
                .iter()
                .zip(&line_ids)
                .all(|(given, expected)| &given.line == expected);
        if !in_order {
            return Err(bad(
                "lines are missing, repeated or not in the template's order".to_owned(),
            ));
        }
        let mut values = Values::new(template, n_rows);
        for (given, id) in protocol.values.iter().zip(&line_ids) {
            let count = Count::new(given.value)
                .ok_or_else(|| bad(format!("line {id}: {}", InputError::TooLarge)))?;
            let slot = template
                .slot(id, n_rows)
                .ok_or_else(|| bad(format!("unknown line {id}")))?;
            values.set(slot, Some(count));
        }
        for finding in check(template, &values) {
            let failing_error = finding.rule.severity == Severity::Error
                && matches!(finding.outcome, Outcome::Fail(_));
            if failing_error
                && !protocol
                    .acts
                    .iter()
                    .any(|act| act.code == finding.rule.code.as_str())
            {
                return Err(bad(format!(
                    "{} fails and no act is attached",
                    finding.rule.code
                )));
            }
        }
    }
    Ok(())
}

/// Recomputes the chain of the carried audit log from entry 1 and holds the stated head to its
/// end.
pub(crate) fn check_log(payload: &Payload) -> Result<(), VerifyError> {
    let mut prev_hash = audit_chain::GENESIS;
    for (idx, entry) in payload.audit_log.iter().enumerate() {
        let broken = VerifyError::AuditLogBroken { seq: entry.seq };
        let expected_seq = u64::try_from(idx).map_or(u64::MAX, |idx| idx.saturating_add(1));
        let seq = i64::try_from(entry.seq).map_err(|_| broken.clone())?;
        if entry.seq != expected_seq {
            return Err(VerifyError::AuditLogBroken { seq: expected_seq });
        }
        let link = audit_chain::Link {
            seq,
            at: entry.at,
            user: entry.user,
            action: &entry.action,
            payload: &entry.payload,
        };
        let hash = audit_chain::link_hash(&link, &prev_hash);
        if audit_chain::parse_hash(&entry.hash) != Some(hash) {
            return Err(broken);
        }
        prev_hash = hash;
    }
    let log_seq = payload.audit_log.last().map_or(0, |entry| entry.seq);
    if payload.audit_head.seq != log_seq
        || audit_chain::parse_hash(&payload.audit_head.hash) != Some(prev_hash)
    {
        return Err(VerifyError::AuditHeadMismatch {
            stated_seq: payload.audit_head.seq,
            log_seq,
        });
    }
    Ok(())
}

/// The first protocol of the batch whose values are not those its audit log's finalize entry
/// for that contest and version records (the last such entry, as the precinct's own check reads
/// the log), or that has no finalize entry at all: `(contest, version)`.
pub fn unvouched(payload: &Payload) -> Option<(String, u32)> {
    let mut finalized: HashMap<(String, u32), BTreeMap<String, u64>> = HashMap::new();
    for entry in &payload.audit_log {
        if entry.action != audit_chain::FINALIZE_ACTION {
            continue;
        }
        let Ok(logged) = serde_json::from_str::<serde_json::Value>(&entry.payload) else {
            continue;
        };
        let contest = logged["contest"].as_str();
        let version = logged["version"]
            .as_u64()
            .and_then(|v| u32::try_from(v).ok());
        let values = logged["values"].as_object().map(|values| {
            values
                .iter()
                .filter_map(|(line, value)| Some((line.clone(), value.as_u64()?)))
                .collect::<BTreeMap<_, _>>()
        });
        if let (Some(contest), Some(version), Some(values)) = (contest, version, values) {
            finalized.insert((contest.to_owned(), version), values);
        }
    }
    payload
        .protocols
        .iter()
        .find(|protocol| {
            let carried: BTreeMap<String, u64> = protocol
                .values
                .iter()
                .map(|value| (value.line.clone(), u64::from(value.value)))
                .collect();
            finalized.get(&(protocol.contest.clone(), protocol.version)) != Some(&carried)
        })
        .map(|protocol| (protocol.contest.clone(), protocol.version))
}
