//! `cargo xtask test`, `codegen` and `bench`.

use anyhow::Result;

use crate::{app, demo, fuzz, sh};

pub(crate) fn run(_args: &[String]) -> Result<()> {
    // System packages first: clippy and the tests of the whole workspace need them; the fuzzing
    // tools too, so a machine that cannot get them fails before an hour of tests.
    app::prepare()?;
    fuzz::prepare()?;
    sh::run("cargo", &["fmt", "--all", "--check"])?;
    sh::run(
        "cargo",
        &[
            "clippy",
            "--workspace",
            "--all-targets",
            "--",
            "-D",
            "warnings",
        ],
    )?;
    sh::run("cargo", &["test", "--workspace"])?;
    app::test_steps()?;
    fuzz::fuzz_targets(
        &fuzz::TARGETS,
        fuzz::CI_SECONDS,
        fuzz::Sanitizer::Address,
        &[],
    )
}

/// Rewrites the committed generated files.
pub(crate) fn codegen(_args: &[String]) -> Result<()> {
    let path = sh::root().join(demo::PATH);
    std::fs::write(&path, demo::bytes()?)?;
    sh::say(&format!("wrote {}", demo::PATH));
    app::codegen()
}

pub(crate) fn bench(_args: &[String]) -> Result<()> {
    sh::run("cargo", &["bench", "--workspace"])
}

#[cfg(test)]
mod tests {
    use crate::{demo, sh};

    #[test]
    fn demo_definition_is_current() {
        let committed = std::fs::read(sh::root().join(demo::PATH)).unwrap();
        assert!(
            committed == demo::bytes().unwrap(),
            "{} is stale: run `cargo xtask codegen`",
            demo::PATH
        );
    }
}
