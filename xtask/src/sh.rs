//! Small helpers to run commands from xtask and report them.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result, bail};

/// The workspace root (the parent of `xtask/`).
pub(crate) fn root() -> PathBuf {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest.parent().unwrap_or(manifest).to_path_buf()
}

/// Prints a progress line for a person reading the log.
#[expect(clippy::print_stderr, reason = "xtask reports progress on stderr")]
pub(crate) fn say(line: &str) {
    eprintln!("[xtask] {line}");
}

/// Runs `program args…` in `dir`, inheriting stdio; fails when it exits non-zero.
pub(crate) fn run_in(dir: &Path, program: &str, args: &[&str]) -> Result<()> {
    run_env_in(dir, &[], program, args)
}

/// Runs `program args…` at the workspace root.
pub(crate) fn run(program: &str, args: &[&str]) -> Result<()> {
    run_in(&root(), program, args)
}

/// True when `program` can be found on PATH.
pub(crate) fn have(program: &str) -> bool {
    Command::new("sh")
        .args(["-c", &format!("command -v {program} >/dev/null 2>&1")])
        .status()
        .map(|status| status.success())
        .unwrap_or(false)
}

/// Runs `program args…` in `dir` with extra environment variables; fails when it exits non-zero.
pub(crate) fn run_env_in(
    dir: &Path,
    env: &[(&str, &str)],
    program: &str,
    args: &[&str],
) -> Result<()> {
    let shown: String = env
        .iter()
        .map(|(name, value)| format!("{name}={value} "))
        .collect();
    say(&format!("$ {shown}{program} {}", args.join(" ")));
    let status = Command::new(program)
        .args(args)
        .envs(env.iter().copied())
        .current_dir(dir)
        .status()
        .with_context(|| format!("could not start `{program}`"))?;
    if !status.success() {
        bail!("`{program} {}` failed with {status}", args.join(" "));
    }
    Ok(())
}
