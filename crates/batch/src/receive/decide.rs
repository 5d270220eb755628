//! What importing one verified batch means given the batches already imported for its precinct:
//! [`decide`], pure, and the [`Imported`] record it decides against.

use crate::format::AuditHead;
use crate::receive::content::unvouched;
use crate::receive::verify::VerifiedBatch;

/// A batch already imported for a precinct: its sequence, hash, audit head and the protocol
/// versions it brought in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Imported {
    /// Its sequence number.
    pub sequence: u64,
    /// Its hash.
    pub hash: String,
    /// The audit head it stated: a later batch's log must hold this entry with this hash.
    pub audit_head: AuditHead,
    /// The protocol versions imported from it, with their values in paper order. A version
    /// carried again by a later batch is listed with the batch that brought it in.
    pub protocols: Vec<ImportedProtocol>,
}

/// A final protocol version as imported: what a later batch carrying it must repeat.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportedProtocol {
    /// The contest id.
    pub contest: String,
    /// The protocol version.
    pub version: u32,
    /// `(line, value)` in paper order.
    pub values: Vec<(String, u32)>,
}

impl Imported {
    /// What importing `batch` on top of `before` records: its head, and the protocol versions
    /// none of `before` brought in.
    pub fn of(batch: &VerifiedBatch, before: &[Imported]) -> Imported {
        let known = |contest: &str, version: u32| {
            before.iter().any(|earlier| {
                earlier
                    .protocols
                    .iter()
                    .any(|p| p.contest == contest && p.version == version)
            })
        };
        Imported {
            sequence: batch.payload.sequence,
            hash: batch.hash.clone(),
            audit_head: batch.payload.audit_head.clone(),
            protocols: batch
                .payload
                .protocols
                .iter()
                .filter(|p| !known(&p.contest, p.version))
                .map(|p| ImportedProtocol {
                    contest: p.contest.clone(),
                    version: p.version,
                    values: p.values.iter().map(|v| (v.line.clone(), v.value)).collect(),
                })
                .collect(),
        }
    }
}

/// What importing a verified batch means.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Decision {
    /// The next batch in the chain: import it.
    Import,
    /// This exact batch is already imported: nothing to do.
    AlreadyImported,
    /// A different batch with a sequence already imported: hold it for a person, never replace.
    Conflict {
        /// The hash of the batch already imported with this sequence.
        existing: String,
    },
    /// An older sequence than the newest imported, never seen before: a replay.
    Replayed {
        /// The newest sequence imported.
        newest: u64,
    },
    /// A sequence beyond the next one: a batch is missing.
    Gap {
        /// The sequence expected next.
        expected: u64,
    },
    /// The `previous` hash does not name the batch imported before.
    ChainBroken,
    /// The batch's audit log does not extend the log of a batch imported before: the history
    /// was rewritten. Held for a person, never imported.
    HistoryRewritten {
        /// The earlier batch's sequence.
        earlier_sequence: u64,
        /// The audit head it stated, which this batch's log does not hold.
        earlier_head: AuditHead,
    },
    /// The batch carries other values for a protocol version already imported. Held for a
    /// person, never imported.
    ValuesDiffer {
        /// The contest.
        contest: String,
        /// The protocol version.
        version: u32,
        /// The sequence of the batch that brought the imported values.
        earlier_sequence: u64,
    },
    /// A protocol the batch carries is not what its own audit log finalized. Held for a
    /// person, never imported.
    FinalNotInLog {
        /// The contest.
        contest: String,
        /// The protocol version.
        version: u32,
    },
}

impl Decision {
    /// The stable code (message key suffix).
    pub fn code(&self) -> &'static str {
        match self {
            Decision::Import => "import",
            Decision::AlreadyImported => "already_imported",
            Decision::Conflict { .. } => "conflict",
            Decision::Replayed { .. } => "replayed",
            Decision::Gap { .. } => "sequence_gap",
            Decision::ChainBroken => "chain_broken",
            Decision::HistoryRewritten { .. } => "history_rewritten",
            Decision::ValuesDiffer { .. } => "values_differ",
            Decision::FinalNotInLog { .. } => "final_not_in_log",
        }
    }

    /// Whether the batch is held for a person (recorded beside what is imported, never in the
    /// tally).
    pub fn is_held(&self) -> bool {
        matches!(
            self,
            Decision::Conflict { .. }
                | Decision::HistoryRewritten { .. }
                | Decision::ValuesDiffer { .. }
                | Decision::FinalNotInLog { .. }
        )
    }

    /// The decision's parameters for messages and reports, as (name, value) pairs.
    pub fn params(&self) -> Vec<(&'static str, String)> {
        match self {
            Decision::Import | Decision::AlreadyImported | Decision::ChainBroken => Vec::new(),
            Decision::Conflict { existing } => vec![("existing_hash", existing.clone())],
            Decision::Replayed { newest } => vec![("newest", newest.to_string())],
            Decision::Gap { expected } => vec![("expected", expected.to_string())],
            Decision::HistoryRewritten {
                earlier_sequence,
                earlier_head,
            } => vec![
                ("earlier_sequence", earlier_sequence.to_string()),
                ("earlier_head_seq", earlier_head.seq.to_string()),
                ("earlier_head_hash", earlier_head.hash.clone()),
            ],
            Decision::ValuesDiffer {
                contest,
                version,
                earlier_sequence,
            } => vec![
                ("contest", contest.clone()),
                ("version", version.to_string()),
                ("earlier_sequence", earlier_sequence.to_string()),
            ],
            Decision::FinalNotInLog { contest, version } => vec![
                ("contest", contest.clone()),
                ("version", version.to_string()),
            ],
        }
    }
}

/// Decides what to do with `batch` given the batches already imported for its precinct.
pub fn decide(batch: &VerifiedBatch, imported: &[Imported]) -> Decision {
    let sequence = batch.payload.sequence;
    if let Some(same) = imported.iter().find(|earlier| earlier.sequence == sequence) {
        return if same.hash == batch.hash {
            Decision::AlreadyImported
        } else {
            Decision::Conflict {
                existing: same.hash.clone(),
            }
        };
    }
    let newest = imported.iter().max_by_key(|earlier| earlier.sequence);
    let next = match newest {
        None if sequence == 1 && batch.payload.previous.is_none() => true,
        None if sequence == 1 => return Decision::ChainBroken,
        None => return Decision::Gap { expected: 1 },
        Some(newest) if sequence < newest.sequence => {
            return Decision::Replayed {
                newest: newest.sequence,
            };
        }
        Some(newest) if sequence != newest.sequence + 1 => {
            return Decision::Gap {
                expected: newest.sequence + 1,
            };
        }
        Some(newest) => batch.payload.previous.as_deref() == Some(newest.hash.as_str()),
    };
    if !next {
        return Decision::ChainBroken;
    }
    held(batch, imported).unwrap_or(Decision::Import)
}

/// Why a batch that continues the chain of batch hashes is still held: its log forks from an
/// earlier batch's, it changes an imported protocol version, or its own log does not vouch for
/// a protocol it carries.
fn held(batch: &VerifiedBatch, imported: &[Imported]) -> Option<Decision> {
    let log = &batch.payload.audit_log;
    let mut by_sequence: Vec<&Imported> = imported.iter().collect();
    by_sequence.sort_by_key(|earlier| earlier.sequence);
    for earlier in &by_sequence {
        let head = &earlier.audit_head;
        let extends = head.seq == 0
            || usize::try_from(head.seq - 1)
                .ok()
                .and_then(|idx| log.get(idx))
                .is_some_and(|entry| entry.seq == head.seq && entry.hash == head.hash);
        if !extends {
            return Some(Decision::HistoryRewritten {
                earlier_sequence: earlier.sequence,
                earlier_head: head.clone(),
            });
        }
    }
    for protocol in &batch.payload.protocols {
        for earlier in &by_sequence {
            let Some(known) = earlier
                .protocols
                .iter()
                .find(|p| p.contest == protocol.contest && p.version == protocol.version)
            else {
                continue;
            };
            let same = known.values.len() == protocol.values.len()
                && known
                    .values
                    .iter()
                    .zip(&protocol.values)
                    .all(|((line, value), carried)| {
                        *line == carried.line && *value == carried.value
                    });
            if !same {
                return Some(Decision::ValuesDiffer {
                    contest: protocol.contest.clone(),
                    version: protocol.version,
                    earlier_sequence: earlier.sequence,
                });
            }
        }
    }
    unvouched(&batch.payload).map(|(contest, version)| Decision::FinalNotInLog { contest, version })
}
