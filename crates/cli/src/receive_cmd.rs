//! `hattama import` and `hattama tally`: the territorial commission's side.
//!
//! Import verifies every batch (in parallel, on every core), then records them in one transaction
//! in precinct and sequence order, so a chain spread over several files imports in one run.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::Args;
use hattama_batch::receive::{
    Decision, Imported, VerifiedBatch, VerifyError, decide, verify_batch,
};
use hattama_batch::report;
use hattama_protocol::Lang;
use hattama_protocol::tally::Tally;
use hattama_store::receiver::{self, BatchRecord, ProtocolRecord};
use serde_json::json;

use crate::common::{self, parse_lang, print_json};
use crate::registry_cmd::{Receiver, ReceiverArgs, signature_path};

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

/// Batch payload files among `paths` (folders are listed, not recursed).
fn batch_files(paths: &[PathBuf]) -> Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    for path in paths {
        if path.is_dir() {
            for entry in std::fs::read_dir(path)
                .with_context(|| format!("cannot list {}", path.display()))?
            {
                let file = entry?.path();
                let name = file
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default();
                if name.starts_with("hattama-") && name.ends_with(".json") {
                    files.push(file);
                }
            }
        } else {
            files.push(path.clone());
        }
    }
    files.sort();
    Ok(files)
}

/// A batch file read and verified.
struct Checked {
    file: PathBuf,
    payload: Vec<u8>,
    signature: String,
    result: Result<VerifiedBatch, VerifyError>,
}

fn check_files(files: &[PathBuf], receiver: &Receiver, progress: &Progress) -> Vec<Checked> {
    let threads = std::thread::available_parallelism()
        .map_or(1, std::num::NonZero::get)
        .max(1);
    let chunk = files.len().div_ceil(threads).max(1);
    let expect = receiver.expect();
    let index = receiver.registry.index();
    let index = &index;
    std::thread::scope(|scope| {
        let handles: Vec<_> = files
            .chunks(chunk)
            .map(|part| {
                scope.spawn(move || {
                    part.iter()
                        .map(|file| {
                            let payload = std::fs::read(file).unwrap_or_default();
                            let signature =
                                std::fs::read_to_string(signature_path(file)).unwrap_or_default();
                            let result = verify_batch(&payload, &signature, index, &expect);
                            progress.tick();
                            Checked {
                                file: file.clone(),
                                payload,
                                signature,
                                result,
                            }
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|handle| handle.join().unwrap_or_default())
            .collect()
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

pub(crate) fn import(args: &ImportArgs) -> Result<ExitCode> {
    let started = std::time::Instant::now();
    let phase = |name: &str| {
        if args.timings {
            common::eprint_line(&format!("{name}: {:.3} s", started.elapsed().as_secs_f64()));
        }
    };
    let receiver = Receiver::load(&args.receiver)?;
    phase("registry and definition loaded");
    let files = batch_files(&args.paths)?;
    let progress = Progress {
        total: files.len(),
        done: std::sync::atomic::AtomicUsize::new(0),
        quiet: args.quiet,
    };
    let mut checked = check_files(&files, &receiver, &progress);
    phase("batches read and verified");
    // Import in chain order: precinct, then sequence.
    checked.sort_by(|a, b| match (&a.result, &b.result) {
        (Ok(x), Ok(y)) => (&x.payload.precinct, x.payload.sequence)
            .cmp(&(&y.payload.precinct, y.payload.sequence)),
        _ => a.file.cmp(&b.file),
    });
    let mut conn = receiver::open_receiver(&args.db)?;
    let election = receiver.definition.definition.id.clone();
    let now = now_text();
    let tx = conn.transaction()?;
    let mut outcomes = Vec::new();
    let (mut imported, mut unchanged, mut held, mut refused) = (0, 0, 0, 0);
    for item in &checked {
        let file = item.file.display().to_string();
        let batch = match &item.result {
            Ok(batch) => batch,
            Err(error) => {
                refused += 1;
                outcomes.push(json!({ "file": file, "outcome": "refused", "code": format!("batch.{}", error.code()), "message": error.to_string() }));
                continue;
            }
        };
        let history: Vec<Imported> = receiver::history(&tx, &election, &batch.payload.precinct)?
            .into_iter()
            .map(|(sequence, hash)| Imported { sequence, hash })
            .collect();
        let key_id = batch.key_id.to_string();
        let record = BatchRecord {
            election: &election,
            precinct: &batch.payload.precinct,
            sequence: batch.payload.sequence,
            hash: &batch.hash,
            key_id: &key_id,
            payload: &item.payload,
            signature: &item.signature,
            at: &now,
        };
        let decision = decide(batch, &history);
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
                receiver::record_batch(&tx, &record, &protocols)?;
                imported += 1;
            }
            Decision::AlreadyImported => unchanged += 1,
            Decision::Conflict { existing } => {
                receiver::record_conflict(&tx, &record, existing)?;
                held += 1;
            }
            Decision::Replayed { .. } | Decision::Gap { .. } | Decision::ChainBroken => {
                refused += 1;
            }
        }
        outcomes.push(json!({ "file": file, "outcome": decision.code(), "precinct": batch.payload.precinct, "sequence": batch.payload.sequence, "hash": batch.hash }));
    }
    tx.commit()?;
    phase("recorded and committed");
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
