//! Tasks about the desktop app: run, e2e, dist, screenshots. (Filled in by the app issue.)

use anyhow::{Result, bail};

pub(crate) fn run(_args: &[String]) -> Result<()> {
    bail!("the desktop app does not exist yet; use `cargo run -p hattama-cli -- --help`")
}

pub(crate) fn e2e(_args: &[String]) -> Result<()> {
    bail!("the desktop app does not exist yet")
}

pub(crate) fn dist(_args: &[String]) -> Result<()> {
    bail!("the desktop app does not exist yet")
}

pub(crate) fn screenshots(_args: &[String]) -> Result<()> {
    bail!("the desktop app does not exist yet")
}

/// Steps `cargo xtask test` runs for the app (UI checks, E2E, .deb); nothing until the app exists.
pub(crate) fn test_steps() -> Result<()> {
    Ok(())
}

/// Regenerates the app's generated files (TypeScript IPC types); nothing until the app exists.
pub(crate) fn codegen() -> Result<()> {
    Ok(())
}
