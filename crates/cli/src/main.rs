//! The `hattama` command line: checks and templates for anyone, and (in later modules) the
//! store, batches and tallies for headless use and the territorial commission.
//!
//! Exit codes: 0 success, 1 the protocol has errors (or a check failed), 2 bad input or usage.

mod check_cmd;
mod common;

use std::io::Write;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Hattama: precinct results protocols, checked, signed and tallied.
#[derive(Debug, Parser)]
#[command(name = "hattama", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Check one protocol (JSON from FILE or `-` for stdin) and print the findings as JSON.
    Check(check_cmd::CheckArgs),
    /// List the protocol templates and their rules.
    Templates(check_cmd::TemplatesArgs),
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => {
            let _ = error.print();
            return if error.use_stderr() {
                ExitCode::from(2)
            } else {
                ExitCode::SUCCESS
            };
        }
    };
    let outcome = match cli.command {
        Command::Check(args) => check_cmd::check(&args),
        Command::Templates(args) => check_cmd::templates(&args),
    };
    match outcome {
        Ok(code) => code,
        Err(error) => {
            let _ = writeln!(std::io::stderr().lock(), "error: {error:#}");
            ExitCode::from(2)
        }
    }
}
