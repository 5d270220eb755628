//! `hattama import` and `hattama tally`: the territorial commission's side.
//!
//! Import verifies the batches on every core and records them on the main thread as they come,
//! in one transaction, decided as if taken in precinct and sequence order
//! (`hattama_batch::receive::ImportPlan`), so a chain spread over several files imports in one run.

use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::Args;
use hattama_batch::receive::{
    Decision, ImportPlan, Imported, VerifiedBatch, VerifyError, read_and_verify,
};
use hattama_batch::report;
use hattama_protocol::tally::Tally;
use hattama_protocol::{Lang, PrecinctId};
use hattama_store::receiver::{self, BatchRecord, ProtocolRecord};
use serde_json::json;

use crate::common::{self, parse_lang, print_json};
use crate::registry_cmd::{Receiver, ReceiverArgs};

#[derive(Debug, Args)]
pub(crate) struct ImportArgs {
    /// Folders (or files) holding batch files (`hattama-*.json` with `.minisig` beside them).
    #[arg(required = true)]
    paths: Vec<PathBuf>,
    /// The receiver database (created if missing).
    #[arg(long)]
    db: PathBuf,
    #[command(flatten)]
    receiver: ReceiverArgs,
    /// Do not draw the progress bar.
    #[arg(long)]
    quiet: bool,
    /// Print how long each phase took (to stderr).
    #[arg(long)]
    timings: bool,
}

#[derive(Debug, Args)]
pub(crate) struct TallyArgs {
    /// The receiver database.
    #[arg(long)]
    db: PathBuf,
    /// The election definition: `demo` or a path.
    #[arg(long, default_value = "demo")]
    definition: String,
    /// Output format.
    #[arg(long, default_value = "json", value_parser = ["json", "csv", "html"])]
    format: String,
    /// Language of the HTML report (kk, ru, en).
    #[arg(long, default_value = "kk", value_parser = parse_lang)]
    lang: Lang,
    /// Write to this file instead of stdout.
    #[arg(long)]
    out: Option<PathBuf>,
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
    progress: &Progress,
    mut take: impl FnMut(Checked) -> Result<()>,
) -> Result<()> {
    let threads = std::thread::available_parallelism()
        .map_or(1, std::num::NonZero::get)
        .max(1);
    let expect = receiver.expect();
    let index = receiver.registry.index();
    let (index, expect) = (&index, &expect);
    let next = std::sync::atomic::AtomicUsize::new(0);
    let next = &next;
    std::thread::scope(|scope| {
        let (sender, results) = std::sync::mpsc::channel::<(usize, Checked)>();
        for _ in 0..threads {
            let sender = sender.clone();
            scope.spawn(move || {
                loop {
                    let position = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    let Some(file) = files.get(position) else {
                        break;
                    };
                    let read = read_and_verify(file, index, expect);
                    progress.tick();
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
        let mut early = std::collections::BTreeMap::new();
        let mut expected = 0;
        for (position, checked) in results {
            early.insert(position, checked);
            while let Some(checked) = early.remove(&expected) {
                expected += 1;
                if let Err(error) = take(checked) {
                    // Dropping the receiver (on return) makes every worker stop at its next send.
                    next.store(files.len(), std::sync::atomic::Ordering::Relaxed);
                    return Err(error);
                }
            }
        }
        Ok(())
    })
}

/// A progress bar on stderr, drawn every 1 % of the work.
struct Progress {
    total: usize,
    done: std::sync::atomic::AtomicUsize,
    quiet: bool,
}

impl Progress {
    fn tick(&self) {
        let done = self.done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
        let step = (self.total / 100).max(1);
        if self.quiet || (done % step != 0 && done != self.total) {
            return;
        }
        let filled = done * 40 / self.total.max(1);
        let bar: String = (0..40)
            .map(|idx| if idx < filled { '#' } else { '.' })
            .collect();
        let _ = write!(
            std::io::stderr().lock(),
            "\rverifying [{bar}] {done}/{}",
            self.total
        );
        if done == self.total {
            let _ = writeln!(std::io::stderr().lock());
        }
    }
}

/// What an import did, batch by batch, and in sum.
#[derive(Default)]
struct Report {
    outcomes: Vec<serde_json::Value>,
    imported: usize,
    unchanged: usize,
    held: usize,
    refused: usize,
}

impl Report {
    fn refused(&mut self, file: &Path, error: &VerifyError) {
        self.refused += 1;
        self.outcomes.push(json!({ "file": file.display().to_string(), "outcome": "refused", "code": format!("batch.{}", error.code()), "message": error.to_string() }));
    }
}

/// Records one decided batch in the receiver database.
fn record(
    tx: &receiver::Transaction<'_>,
    election: &str,
    now: &str,
    (item, decision): (Verified, Decision),
    report: &mut Report,
) -> Result<()> {
    let batch = &item.batch;
    let key_id = batch.key_id.to_string();
    let record = BatchRecord {
        election,
        precinct: &batch.payload.precinct,
        sequence: batch.payload.sequence,
        hash: &batch.hash,
        key_id: &key_id,
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
        Decision::Conflict { existing } => {
            receiver::record_conflict(tx, &record, existing)?;
            report.held += 1;
        }
        Decision::Replayed { .. } | Decision::Gap { .. } | Decision::ChainBroken => {
            report.refused += 1;
        }
    }
    report.outcomes.push(json!({ "file": item.file.display().to_string(), "outcome": decision.code(), "precinct": batch.payload.precinct, "sequence": batch.payload.sequence, "hash": batch.hash }));
    Ok(())
}

pub(crate) fn import(args: &ImportArgs) -> Result<ExitCode> {
    let started = std::time::Instant::now();
    let phase = |name: &str| {
        if args.timings {
            common::eprint_line(&format!("{name}: {:.3} s", started.elapsed().as_secs_f64()));
        }
    };
    let receiver = Receiver::load(&args.receiver)?;
    phase("registry and definition loaded");
    let files = hattama_batch::read::batch_files(&args.paths)?;
    let progress = Progress {
        total: files.len(),
        done: std::sync::atomic::AtomicUsize::new(0),
        quiet: args.quiet,
    };
    let mut conn = receiver::open_receiver(&args.db)?;
    let election = receiver.definition.definition.id.clone();
    let now = now_text();
    let tx = conn.transaction()?;
    let histories: HashMap<PrecinctId, Vec<Imported>> = receiver::histories(&tx, &election)?
        .into_iter()
        .map(|(precinct, batches)| {
            let batches = batches
                .into_iter()
                .map(|(sequence, hash)| Imported { sequence, hash })
                .collect();
            (precinct, batches)
        })
        .collect();
    // Batches are recorded while the rest are still being verified; the plan decides each as
    // taking them all in precinct and sequence order would, so a chain spread over several files
    // imports in one run whatever their names.
    let mut plan = ImportPlan::new(histories);
    let mut report = Report::default();
    check_files_in_order(&files, &receiver, &progress, |checked| {
        match checked.result {
            Err(error) => report.refused(&checked.file, &error),
            Ok(batch) => {
                let verified = Verified {
                    file: checked.file,
                    payload: checked.payload,
                    signature: checked.signature,
                    batch,
                };
                if let Some(decided) = plan.offer(verified) {
                    record(&tx, &election, &now, decided, &mut report)?;
                }
            }
        }
        Ok(())
    })?;
    phase("batches verified and recorded");
    for decided in plan.finish() {
        record(&tx, &election, &now, decided, &mut report)?;
    }
    tx.commit()?;
    phase("committed");
    let Report {
        outcomes,
        imported,
        unchanged,
        held,
        refused,
    } = report;
    print_json(
        &json!({ "imported": imported, "already_imported": unchanged, "conflicts": held, "refused": refused, "batches": outcomes }),
    )?;
    common::eprint_line(&format!(
        "imported {imported}, already imported {unchanged}, conflicts held {held}, refused {refused}"
    ));
    Ok(if held == 0 && refused == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// Builds the tally of the newest protocol versions in the receiver database.
pub(crate) fn tally_of(db: &Path, election: &str) -> Result<Tally> {
    let conn = receiver::open_receiver(db)?;
    let mut tally = Tally::default();
    for (precinct, protocol) in receiver::latest_protocols(&conn, election)? {
        tally.add(
            &protocol.contest,
            &protocol.template,
            &precinct.region,
            &protocol.values,
        )?;
    }
    Ok(tally)
}

pub(crate) fn tally(args: &TallyArgs) -> Result<ExitCode> {
    let templates = common::template_set(None)?;
    let definition = common::definition(&args.definition, &templates)?;
    let tally = tally_of(&args.db, &definition.definition.id)?;
    let text = match args.format.as_str() {
        "csv" => report::csv(&tally, &definition, &templates),
        "html" => report::html(&tally, &definition, &templates, args.lang),
        _ => {
            let conn = receiver::open_receiver(&args.db)?;
            let conflicts: Vec<_> = receiver::conflicts(&conn, &definition.definition.id)?
                .into_iter()
                .map(|c| json!({ "precinct": c.precinct, "sequence": c.sequence, "hash": c.hash, "existing_hash": c.existing_hash }))
                .collect();
            let mut text = serde_json::to_string_pretty(
                &json!({ "election": definition.definition.id, "tally": tally, "conflicts_held": conflicts }),
            )?;
            text.push('\n');
            text
        }
    };
    match &args.out {
        Some(path) => std::fs::write(path, text)
            .with_context(|| format!("cannot write {}", path.display()))?,
        None => std::io::stdout().lock().write_all(text.as_bytes())?,
    }
    Ok(ExitCode::SUCCESS)
}

/// The receiver's clock as an RFC 3339-like UTC text (seconds since the epoch when unavailable).
fn now_text() -> String {
    let seconds = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    format!("unix:{seconds}")
}
