//! `cargo xtask mutants [CRATE…] [-- ARGS…]`: mutation testing of the crates that hold the rules,
//! the signatures and the store, with `cargo-mutants` (installed from crates.io when missing).
//!
//! Each crate runs on its own, niced, one job at a time, into `target/mutants/<crate>/`; then a
//! table of caught / missed / unviable / timeout per crate is printed, with every missed mutant.
//! Equivalent mutants are listed in `docs/mutants.md` and excluded in `.cargo/mutants.toml`.
//! Not part of `cargo xtask test`: it takes hours on two cores. `ARGS` go to `cargo mutants`
//! as they are, for example `-- --file crates/protocol/src/template/expr.rs` or `-- --in-place`.

use std::path::Path;
use std::process::Command;

use anyhow::{Context, Result, bail};

use crate::sh;

/// The crates that hold rules, signatures and the store, in the order they run.
const CRATES: [&str; 3] = ["hattama-protocol", "hattama-batch", "hattama-store"];

/// What cargo-mutants found for one crate.
#[derive(Debug, Default)]
struct Counts {
    caught: u64,
    missed: u64,
    unviable: u64,
    timeout: u64,
}

pub(crate) fn run(args: &[String]) -> Result<()> {
    let (crates, passed) = match args.iter().position(|arg| arg == "--") {
        Some(idx) => (&args[..idx], &args[idx + 1..]),
        None => (args, &[][..]),
    };
    let crates: Vec<&str> = if crates.is_empty() {
        CRATES.to_vec()
    } else {
        crates.iter().map(String::as_str).collect()
    };
    if !sh::have("cargo-mutants") {
        sh::say("cargo-mutants is missing: installing it from crates.io");
        sh::run("cargo", &["install", "--locked", "cargo-mutants"])?;
    }
    let root = sh::root();
    let mut table = Vec::new();
    for krate in &crates {
        let output = root.join("target").join("mutants").join(krate);
        std::fs::create_dir_all(&output)
            .with_context(|| format!("could not create {}", output.display()))?;
        let output_text = output.display().to_string();
        let mut command_args = vec![
            "-n",
            "15",
            "cargo",
            "mutants",
            "--package",
            krate,
            "--output",
            &output_text,
        ];
        // No `--timeout`: cargo-mutants sets it from the unmutated test run (five times that, at
        // least 20 s), so a mutant that loops costs seconds, not minutes. `ARGS` may still set one.
        // `--in-place` runs one mutant at a time already and refuses `--jobs`.
        if !passed.iter().any(|arg| arg == "--in-place") {
            command_args.extend(["--jobs", "1"]);
        }
        command_args.extend(passed.iter().map(String::as_str));
        // The store's crash test kills a writer a thousand times, about half of every test run;
        // it is left out (see docs/mutants.md) unless `ARGS` already pass the tests their own.
        if *krate == "hattama-store" && !passed.iter().any(|arg| arg == "--") {
            command_args.extend(["--", "--", "--skip", "sigkill_at_random_points"]);
        }
        sh::say(&format!("$ nice {}", command_args.join(" ")));
        // cargo-mutants exits non-zero when a mutant is missed or times out: read its outcomes
        // rather than its status.
        let status = Command::new("nice")
            .args(&command_args)
            .current_dir(&root)
            .status()
            .context("could not start `nice cargo mutants`")?;
        let outcomes = output.join("mutants.out");
        let counts = read_counts(&outcomes.join("outcomes.json")).with_context(|| {
            format!("cargo mutants on {krate} ended with {status} and left no outcomes")
        })?;
        print_missed(krate, &outcomes.join("missed.txt"));
        table.push((*krate, counts));
    }
    print_table(&table);
    if table.iter().any(|(_, counts)| 0 < counts.missed) {
        bail!("missed mutants: add a test, or list a truly equivalent one in docs/mutants.md");
    }
    Ok(())
}

fn read_counts(path: &Path) -> Result<Counts> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    let json: serde_json::Value = serde_json::from_str(&text)?;
    let number = |name: &str| json.get(name).and_then(serde_json::Value::as_u64);
    if let (Some(caught), Some(missed), Some(unviable), Some(timeout)) = (
        number("caught"),
        number("missed"),
        number("unviable"),
        number("timeout"),
    ) {
        return Ok(Counts {
            caught,
            missed,
            unviable,
            timeout,
        });
    }
    // Older layouts: count each scenario's summary.
    let mut counts = Counts::default();
    let outcomes = json
        .get("outcomes")
        .and_then(serde_json::Value::as_array)
        .map_or(&[][..], Vec::as_slice);
    for outcome in outcomes {
        match outcome.get("summary").and_then(serde_json::Value::as_str) {
            Some("CaughtMutant") => counts.caught += 1,
            Some("MissedMutant") => counts.missed += 1,
            Some("Unviable") => counts.unviable += 1,
            Some("Timeout") => counts.timeout += 1,
            _ => {}
        }
    }
    Ok(counts)
}

fn print_missed(krate: &str, path: &Path) {
    let Ok(text) = std::fs::read_to_string(path) else {
        return;
    };
    for line in text.lines().filter(|line| !line.trim().is_empty()) {
        sh::say(&format!("{krate}: MISSED {line}"));
    }
}

#[expect(clippy::print_stdout, reason = "the table is the task's output")]
fn print_table(table: &[(&str, Counts)]) {
    println!("| crate | caught | missed | unviable | timeout |");
    println!("|---|---|---|---|---|");
    for (krate, counts) in table {
        println!(
            "| {krate} | {} | {} | {} | {} |",
            counts.caught, counts.missed, counts.unviable, counts.timeout
        );
    }
}
