//! Project tasks, one entry for everything a developer or CI runs: `cargo xtask <task>`.
//!
//! - `run`: install what is needed, build, and start the app on the built-in demo election.
//! - `test`: install what is needed and run every test (fmt, clippy, cargo tests, UI checks, E2E).
//! - `e2e`: only the end-to-end tests through the real webview.
//! - `codegen`: regenerate committed generated files (demo definition, TypeScript IPC types).
//! - `bench`: run the benchmarks and print their figures.
//! - `bench-app`: build the release app and print its size, cold start and memory under Xvfb.
//! - `dist`: build the `.deb` and the Windows installer.
//! - `windows`: build both Windows binaries, run the CLI tests with them under Wine, build the
//!   installer (also the last step of `test`).
//! - `screenshots`: regenerate `docs/screenshots/`.
//! - `mutants`: mutation testing of protocol, batch and store with cargo-mutants (not in CI).
//! - `fuzz`: coverage-guided fuzzing of every parser with `cargo fuzz`, N seconds per target.

mod app;
mod bench_app;
mod demo;
mod fuzz;
mod mutants;
mod sh;
mod test;
mod tidy;
mod windows;

use anyhow::{Result, bail};

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let task = args.first().map(String::as_str).unwrap_or("help");
    let rest = args.get(1..).unwrap_or(&[]);
    match task {
        "run" => app::run(rest),
        "test" => test::run(rest),
        "e2e" => app::e2e(rest),
        "codegen" => test::codegen(rest),
        "bench" => test::bench(rest),
        "bench-app" => bench_app::run(rest),
        "dist" => app::dist(rest),
        "screenshots" => app::screenshots(rest),
        "mutants" => mutants::run(rest),
        "fuzz" => fuzz::run(rest),
        "windows" => windows::run(rest),
        "help" | "--help" | "-h" => {
            sh::say(
                "tasks: run | test | e2e | codegen | bench | bench-app | dist | screenshots | mutants \
                 | fuzz | windows",
            );
            Ok(())
        }
        other => bail!("unknown task `{other}`; try `cargo xtask help`"),
    }
}
