//! `cargo xtask fuzz [--seconds N] [--no-sanitizer] [TARGET…] [-- LIBFUZZER_ARGS…]`: coverage-guided fuzzing of the
//! parsers and verifiers with `cargo fuzz` (libFuzzer) on the nightly toolchain; the targets live
//! in `fuzz/` (docs/fuzzing.md).
//!
//! It installs what is missing (the nightly toolchain with rustup, `cargo-fuzz` from crates.io),
//! builds every target once, writes the seed corpora (`fuzz/corpus/<target>/`, from the repo's
//! own files by the `seeds` binary built with them), then runs each target for N seconds (30 by
//! default), one after the other, and prints a line per target. A crash stops the run: libFuzzer
//! leaves the input in `fuzz/artifacts/<target>/` and says how to replay it. `cargo xtask test`
//! runs every target for 30 seconds at its end.

use std::path::PathBuf;
use std::process::Command;
use std::time::Instant;

use anyhow::{Context, Result, bail};

use crate::sh;

/// The fuzz targets, one binary each in `fuzz/fuzz_targets/`.
pub(crate) const TARGETS: [&str; 7] = [
    "template",
    "definition",
    "protocol_input",
    "batch_payload",
    "batch_signature",
    "registry",
    "qr_text",
];

/// How long `cargo xtask test` runs each target.
pub(crate) const CI_SECONDS: u64 = 30;

/// The toolchain `cargo fuzz` needs (`-Z` flags and the sanitizers).
const NIGHTLY: &str = "nightly";

/// The host triple `cargo fuzz` builds for (its default).
const TRIPLE: &str = "x86_64-unknown-linux-gnu";

fn fuzz_dir() -> PathBuf {
    sh::root().join("fuzz")
}

pub(crate) fn run(args: &[String]) -> Result<()> {
    let (ours, passed) = match args.iter().position(|arg| arg == "--") {
        Some(idx) => (&args[..idx], &args[idx + 1..]),
        None => (args, &[][..]),
    };
    let mut seconds = CI_SECONDS;
    let mut sanitizer = Sanitizer::Address;
    let mut targets = Vec::new();
    let mut rest = ours.iter();
    while let Some(arg) = rest.next() {
        match arg.as_str() {
            "--seconds" => {
                let value = rest.next().context("--seconds needs a number")?;
                seconds = value
                    .parse()
                    .with_context(|| format!("--seconds {value}: not a whole number"))?;
            }
            "--no-sanitizer" => sanitizer = Sanitizer::None,
            target if TARGETS.contains(&target) => targets.push(target),
            other => bail!("unknown fuzz target or option `{other}`; targets: {TARGETS:?}"),
        }
    }
    if targets.is_empty() {
        targets = TARGETS.to_vec();
    }
    let passed: Vec<&str> = passed.iter().map(String::as_str).collect();
    prepare()?;
    fuzz_targets(&targets, seconds, sanitizer, &passed)
}

/// How the targets are built: with Address Sanitizer (`cargo fuzz`'s default, what CI runs), or
/// without one for long runs (`--no-sanitizer`): the code is safe Rust with `unsafe` forbidden,
/// so the sanitizer mostly watches the dependencies, and without it most targets run ten times
/// as many inputs a second or more (docs/fuzzing.md). Debug assertions and overflow checks stay
/// on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Sanitizer {
    /// `-s address`.
    Address,
    /// `-s none`.
    None,
}

impl Sanitizer {
    fn flag(self) -> &'static str {
        match self {
            Sanitizer::Address => "address",
            Sanitizer::None => "none",
        }
    }
}

/// Installs the nightly toolchain and `cargo-fuzz` when they are missing.
pub(crate) fn prepare() -> Result<()> {
    let toolchains = Command::new("rustup")
        .args(["toolchain", "list"])
        .output()
        .context("could not run `rustup toolchain list`")?;
    let listed = String::from_utf8_lossy(&toolchains.stdout);
    if !listed.lines().any(|line| line.starts_with(NIGHTLY)) {
        sh::say("the nightly toolchain is missing: installing it with rustup");
        sh::run(
            "rustup",
            &["toolchain", "install", NIGHTLY, "--profile", "minimal"],
        )?;
    }
    if !sh::have("cargo-fuzz") {
        sh::say("cargo-fuzz is missing: installing it from crates.io");
        sh::run("cargo", &["install", "cargo-fuzz", "--locked"])?;
    }
    Ok(())
}

/// Builds every target, writes the seeds, and runs each of `targets` for `seconds`.
pub(crate) fn fuzz_targets(
    targets: &[&str],
    seconds: u64,
    sanitizer: Sanitizer,
    passed: &[&str],
) -> Result<()> {
    let started = Instant::now();
    let nightly = format!("+{NIGHTLY}");
    let seeds = if sanitizer == Sanitizer::Address {
        sh::run("cargo", &[&nightly, "fuzz", "build"])?;
        fuzz_dir().join("target").join(TRIPLE).join("release")
    } else {
        // Without a sanitizer's runtime the coverage hooks are only linked into the targets
        // (libFuzzer has them), so each target is built on its own and the seeds binary plainly.
        for target in targets {
            sh::run("cargo", &[&nightly, "fuzz", "build", "-s", "none", target])?;
        }
        let manifest = fuzz_dir().join("Cargo.toml").display().to_string();
        sh::run(
            "cargo",
            &[
                &nightly,
                "build",
                "--release",
                "--bin",
                "seeds",
                "--manifest-path",
                &manifest,
            ],
        )?;
        fuzz_dir().join("target").join("release")
    }
    .join("seeds");
    let built = started.elapsed();
    let corpus = fuzz_dir().join("corpus");
    sh::run(
        &seeds.display().to_string(),
        &[&corpus.display().to_string()],
    )?;
    let max_time = format!("-max_total_time={seconds}");
    let mut report = Vec::new();
    for target in targets {
        let target_started = Instant::now();
        let mut args = vec![
            nightly.as_str(),
            "fuzz",
            "run",
            "-s",
            sanitizer.flag(),
            target,
            "--",
            &max_time,
            "-print_final_stats=1",
        ];
        args.extend(passed);
        sh::run("cargo", &args).with_context(|| {
            format!(
                "fuzz target {target} failed: the input is in fuzz/artifacts/{target}/; replay \
                 it with `cargo +nightly fuzz run {target} fuzz/artifacts/{target}/<file>`"
            )
        })?;
        report.push(format!(
            "{target}: {:.0} s",
            target_started.elapsed().as_secs_f64()
        ));
    }
    sh::say(&format!(
        "fuzzing done in {:.0} s (build {:.0} s): {}",
        started.elapsed().as_secs_f64(),
        built.as_secs_f64(),
        report.join(", ")
    ));
    Ok(())
}
