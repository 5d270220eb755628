//! `hattama import` and `hattama tally`: the territorial commission's side.
//!
//! Thin over `hattama_commission::{import, tally}`: this module parses the arguments, draws the
//! progress bar and prints the report.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::Args;
use hattama_batch::report;
use hattama_commission::import::{self, Outcome};
use hattama_commission::{receiver, tally};
use hattama_protocol::{Lang, builtin};
use serde_json::json;

use crate::common::{self, parse_lang, print_json};
use crate::registry_cmd::{ReceiverArgs, failed};

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

/// Draws a progress bar on stderr every 1 % of the work, unless `quiet`.
fn draw_progress(quiet: bool) -> impl Fn(usize, usize) + Sync {
    move |done: usize, total: usize| {
        let step = (total / 100).max(1);
        if quiet || (done % step != 0 && done != total) {
            return;
        }
        let filled = done * 40 / total.max(1);
        let bar: String = (0..40)
            .map(|idx| if idx < filled { '#' } else { '.' })
            .collect();
        let _ = write!(
            std::io::stderr().lock(),
            "\rverifying [{bar}] {done}/{total}"
        );
        if done == total {
            let _ = writeln!(std::io::stderr().lock());
        }
    }
}

fn outcome_json(outcome: &Outcome) -> serde_json::Value {
    match outcome {
        Outcome::Refused {
            file,
            code,
            message,
        } => {
            json!({ "file": file.display().to_string(), "outcome": "refused", "code": code, "message": message })
        }
        Outcome::Decided {
            file,
            decision,
            precinct,
            sequence,
            hash,
            params,
        } => {
            json!({ "file": file.display().to_string(), "outcome": decision, "precinct": precinct, "sequence": sequence, "hash": hash, "params": params_json(params) })
        }
    }
}

/// Parameters as one JSON object of strings.
fn params_json<K: AsRef<str>>(params: &[(K, String)]) -> serde_json::Value {
    serde_json::Value::Object(
        params
            .iter()
            .map(|(name, value)| (name.as_ref().to_owned(), json!(value)))
            .collect(),
    )
}

pub(crate) fn import(args: &ImportArgs) -> Result<ExitCode> {
    let started = std::time::Instant::now();
    let mut phase = |name: &str| {
        if args.timings {
            common::eprint_line(&format!("{name}: {:.3} s", started.elapsed().as_secs_f64()));
        }
    };
    let receiver = args.receiver.load()?;
    phase("registry and definition loaded");
    let files = import::batch_files(&args.paths).map_err(failed)?;
    let report = import::import(
        &receiver,
        &args.db,
        &files,
        &now_text(),
        &draw_progress(args.quiet),
        &mut phase,
    )
    .map_err(failed)?;
    let import::Report {
        outcomes,
        imported,
        unchanged,
        held,
        refused,
    } = report;
    let outcomes: Vec<_> = outcomes.iter().map(outcome_json).collect();
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

pub(crate) fn tally(args: &TallyArgs) -> Result<ExitCode> {
    let templates = builtin::templates();
    let definition = receiver::definition(&args.definition, templates).map_err(failed)?;
    let tally = tally::tally(&args.db, &definition.definition.id).map_err(failed)?;
    let text = match args.format.as_str() {
        "csv" => report::csv(&tally, &definition, templates),
        "html" => report::html(&tally, &definition, templates, args.lang),
        _ => {
            let conflicts: Vec<_> = tally::conflicts(&args.db, &definition.definition.id)
                .map_err(failed)?
                .into_iter()
                .map(|c| json!({ "precinct": c.precinct, "sequence": c.sequence, "hash": c.hash, "existing_hash": c.existing_hash, "kind": c.held_for.kind, "params": params_json(&c.held_for.params) }))
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
