//! Importing batch files into the receiver database.
//!
//! The batches are verified on every core and recorded on the calling thread as they come, in
//! one transaction, decided as if taken in precinct and sequence order
//! (`hattama_batch::receive::ImportPlan`), so a chain spread over several files imports in one
//! run whatever the files are called.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use hattama_batch::format::AuditHead;
use hattama_batch::read;
use hattama_batch::receive::{
    Decision, ImportPlan, Imported, ImportedProtocol, VerifiedBatch, VerifyError, read_and_verify,
};
use hattama_protocol::PrecinctId;
use hattama_store::receiver::{self, BatchRecord, HeldFor, ProtocolRecord};

use crate::error::CommissionError;
use crate::receiver::Receiver;

/// What became of one batch file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Its signature or content did not verify.
    Refused {
        /// The file.
        file: PathBuf,
        /// The batch error's code (`batch.…`).
        code: String,
        /// The error's message.
        message: String,
    },
    /// It verified, and this was decided.
    Decided {
        /// The file.
        file: PathBuf,
        /// The decision's code (`imported`, `conflict`, …).
        decision: &'static str,
        /// The precinct it is from.
        precinct: PrecinctId,
        /// Its sequence number.
        sequence: u64,
        /// Its hash.
        hash: String,
        /// The decision's parameters, `(name, value)`: e.g. the contest and version whose
        /// values differ.
        params: Vec<(&'static str, String)>,
    },
}

/// What an import did, batch by batch and in sum.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Report {
    /// Each file's outcome, in file order as recorded.
    pub outcomes: Vec<Outcome>,
    /// Batches imported.
    pub imported: usize,
    /// Batches already imported, unchanged.
    pub unchanged: usize,
    /// Batches held for a person: a different batch for an imported sequence, a rewritten
    /// history, other values for an imported protocol version, finals their log does not vouch
    /// for.
    pub held: usize,
    /// Batches refused (bad signature or content, replayed, a gap, a broken chain).
    pub refused: usize,
}

/// Batch payload files among `paths`, as `hattama_batch::read::batch_files` lists them: the
/// `hattama-*.json` regular files of each folder (not recursed, links not followed) and each
/// file named, sorted.
pub fn batch_files(paths: &[PathBuf]) -> Result<Vec<PathBuf>, CommissionError> {
    Ok(read::batch_files(paths)?)
}

/// A batch file read, with what verifying it gave.
struct Checked {
    file: PathBuf,
    payload: Vec<u8>,
    signature: String,
    result: Result<VerifiedBatch, VerifyError>,
}

/// A batch file whose signature and content verified.
struct Verified {
    file: PathBuf,
    payload: Vec<u8>,
    signature: String,
    batch: VerifiedBatch,
}

impl std::borrow::Borrow<VerifiedBatch> for Verified {
    fn borrow(&self) -> &VerifiedBatch {
        &self.batch
    }
}

/// Reads and verifies `files` on every core, and hands each result to `take` on this thread in
/// file order, as soon as it and every file before it are verified. Stops at `take`'s first error.
fn check_files_in_order(
    files: &[PathBuf],
    receiver: &Receiver,
    progress: &(dyn Fn(usize, usize) + Sync),
    mut take: impl FnMut(Checked) -> Result<(), CommissionError>,
) -> Result<(), CommissionError> {
    let threads = std::thread::available_parallelism()
        .map_or(1, std::num::NonZero::get)
        .max(1);
    let expect = receiver.expect();
    let index = receiver.registry.index();
    let (index, expect) = (&index, &expect);
    let next = AtomicUsize::new(0);
    let done = AtomicUsize::new(0);
    let (next, done) = (&next, &done);
    std::thread::scope(|scope| {
        let (sender, results) = std::sync::mpsc::channel::<(usize, Checked)>();
        for _ in 0..threads {
            let sender = sender.clone();
            scope.spawn(move || {
                loop {
                    let position = next.fetch_add(1, Ordering::Relaxed);
                    let Some(file) = files.get(position) else {
                        break;
                    };
                    let read = read_and_verify(file, index, expect);
                    progress(done.fetch_add(1, Ordering::Relaxed) + 1, files.len());
                    let checked = Checked {
                        file: file.clone(),
                        payload: read.payload,
                        signature: read.signature,
                        result: read.result,
                    };
                    // The receiving end is gone only when recording failed: stop.
                    if sender.send((position, checked)).is_err() {
                        break;
                    }
                }
            });
        }
        drop(sender);
        let mut early = BTreeMap::new();
        let mut expected = 0;
        for (position, checked) in results {
            early.insert(position, checked);
            while let Some(checked) = early.remove(&expected) {
                expected += 1;
                if let Err(error) = take(checked) {
                    // Dropping the receiver (on return) makes every worker stop at its next send.
                    next.store(files.len(), Ordering::Relaxed);
                    return Err(error);
                }
            }
        }
        Ok(())
    })
}

/// Records one decided batch in the receiver database.
fn record(
    tx: &receiver::Transaction<'_>,
    election: &str,
    now: &str,
    (item, decision): (Verified, Decision),
    report: &mut Report,
) -> Result<(), CommissionError> {
    let batch = &item.batch;
    let key_id = batch.key_id.to_string();
    let record = BatchRecord {
        election,
        precinct: &batch.payload.precinct,
        sequence: batch.payload.sequence,
        hash: &batch.hash,
        key_id: &key_id,
        audit_head: (batch.payload.audit_head.seq, &batch.payload.audit_head.hash),
        payload: &item.payload,
        signature: &item.signature,
        at: now,
    };
    match &decision {
        Decision::Import => {
            let protocols: Vec<ProtocolRecord> = batch
                .payload
                .protocols
                .iter()
                .map(|p| ProtocolRecord {
                    contest: p.contest.clone(),
                    version: p.version,
                    template: p.template.clone(),
                    values: p.values.iter().map(|v| (v.line.clone(), v.value)).collect(),
                })
                .collect();
            receiver::record_batch(tx, &record, &protocols)?;
            report.imported += 1;
        }
        Decision::AlreadyImported => report.unchanged += 1,
        Decision::Replayed { .. } | Decision::Gap { .. } | Decision::ChainBroken => {
            report.refused += 1;
        }
        Decision::Conflict { .. }
        | Decision::HistoryRewritten { .. }
        | Decision::ValuesDiffer { .. }
        | Decision::FinalNotInLog { .. } => {
            // Held beside the batch imported with this sequence, or else the one it follows.
            let existing = match &decision {
                Decision::Conflict { existing } => existing.as_str(),
                _ => batch.payload.previous.as_deref().unwrap_or_default(),
            };
            let held_for = HeldFor {
                kind: decision.code().to_owned(),
                params: decision
                    .params()
                    .into_iter()
                    .map(|(name, value)| (name.to_owned(), value))
                    .collect(),
            };
            receiver::record_conflict(tx, &record, existing, &held_for)?;
            report.held += 1;
        }
    }
    report.outcomes.push(Outcome::Decided {
        file: item.file.clone(),
        decision: decision.code(),
        precinct: batch.payload.precinct.clone(),
        sequence: batch.payload.sequence,
        hash: batch.hash.clone(),
        params: decision.params(),
    });
    Ok(())
}

/// Verifies and imports `files` into the receiver database at `db` (created if missing), in one
/// transaction; `progress(done, total)` is called as files are verified, from any thread; `phase`
/// names each finished phase on this thread. `now` is recorded as the receiving time.
pub fn import(
    receiver: &Receiver,
    db: &Path,
    files: &[PathBuf],
    now: &str,
    progress: &(dyn Fn(usize, usize) + Sync),
    phase: &mut dyn FnMut(&str),
) -> Result<Report, CommissionError> {
    let mut conn = receiver::open_receiver(db)?;
    let election = receiver.definition.definition.id.clone();
    let tx = conn.transaction().map_err(receiver::ReceiverError::from)?;
    let histories: HashMap<PrecinctId, Vec<Imported>> = receiver::histories(&tx, &election)?
        .into_iter()
        .map(|(precinct, batches)| {
            let batches = batches
                .into_iter()
                .map(|batch| Imported {
                    sequence: batch.sequence,
                    hash: batch.hash,
                    audit_head: AuditHead {
                        seq: batch.audit_head.0,
                        hash: batch.audit_head.1,
                    },
                    protocols: batch
                        .protocols
                        .into_iter()
                        .map(|protocol| ImportedProtocol {
                            contest: protocol.contest,
                            version: protocol.version,
                            values: protocol.values,
                        })
                        .collect(),
                })
                .collect();
            (precinct, batches)
        })
        .collect();
    let mut plan = ImportPlan::new(histories);
    let mut report = Report::default();
    check_files_in_order(files, receiver, progress, |checked| {
        match checked.result {
            Err(error) => {
                report.refused += 1;
                report.outcomes.push(Outcome::Refused {
                    file: checked.file,
                    code: format!("batch.{}", error.code()),
                    message: error.to_string(),
                });
            }
            Ok(batch) => {
                let verified = Verified {
                    file: checked.file,
                    payload: checked.payload,
                    signature: checked.signature,
                    batch,
                };
                if let Some(decided) = plan.offer(verified) {
                    record(&tx, &election, now, decided, &mut report)?;
                }
            }
        }
        Ok(())
    })?;
    phase("batches verified and recorded");
    for decided in plan.finish() {
        record(&tx, &election, now, decided, &mut report)?;
    }
    tx.commit().map_err(receiver::ReceiverError::from)?;
    phase("committed");
    Ok(report)
}
