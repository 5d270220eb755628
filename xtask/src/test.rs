//! `cargo xtask test`, `codegen` and `bench`.

use anyhow::Result;

use crate::{app, sh};

pub(crate) fn run(_args: &[String]) -> Result<()> {
    sh::run("cargo", &["fmt", "--all", "--check"])?;
    sh::run("cargo", &["clippy", "--workspace", "--all-targets", "--", "-D", "warnings"])?;
    sh::run("cargo", &["test", "--workspace"])?;
    app::test_steps()
}

pub(crate) fn codegen(_args: &[String]) -> Result<()> {
    Ok(())
}

pub(crate) fn bench(_args: &[String]) -> Result<()> {
    sh::run("cargo", &["bench", "--workspace"])
}
