//! `cargo xtask bench-app`: the desktop app's figures on this machine, printed, never asserted.
//!
//! Builds the release app once (UI embedded, no bundle), prints its size, then runs the
//! `bench` target of the E2E crate under Xvfb against that binary: cold start to the first
//! interactive form, resident memory after one protocol is typed, and keystroke latency in the
//! webview (240 keys into P1, `keydown` to the check panel's update and to the next frame,
//! p50/p95/p99/max beside one frame's 16.7 ms; see `e2e/tests/bench/latency.rs`). Not part of
//! `cargo xtask test`, which already builds release once for the `.deb`.

use anyhow::{Context, Result};

use crate::{app, sh};

/// Builds the release app and runs the app benchmark against it.
pub(crate) fn run(_args: &[String]) -> Result<()> {
    app::prepare()?;
    let cli = sh::root()
        .join("ui")
        .join("node_modules")
        .join(".bin")
        .join("tauri");
    sh::run(&cli.display().to_string(), &["build", "--no-bundle"])?;
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map_or_else(|| sh::root().join("target"), std::path::PathBuf::from);
    let binary = target.join("release").join("hattama-app");
    let size = std::fs::metadata(&binary)
        .with_context(|| format!("no release binary at {}", binary.display()))?
        .len();
    #[expect(
        clippy::cast_precision_loss,
        reason = "a binary's size in MiB, printed with one decimal"
    )]
    let mib = size as f64 / (1024.0 * 1024.0);
    sh::say(&format!("release binary size: {mib:.1} MiB ({size} bytes)"));
    let binary = binary.display().to_string();
    sh::run_env_in(
        &sh::root(),
        &[("HATTAMA_APP", binary.as_str())],
        "xvfb-run",
        &[
            "-a",
            "-s",
            "-screen 0 1280x800x24",
            "cargo",
            "test",
            "-p",
            "hattama-e2e",
            "--test",
            "bench",
        ],
    )
}
