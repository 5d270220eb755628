//! The `hattama` command line: checks and templates for anyone, and (in later modules) the
//! store, batches and tallies for headless use and the territorial commission.
//!
//! Exit codes: 0 success, 1 the protocol has errors (or a check failed), 2 bad input or usage.

/// mimalloc rather than glibc's allocator: `hattama import` verifies batches on several threads,
/// and glibc grows each thread's heap a page at a time (one `mprotect` per few allocations),
/// which cost an eighth of the national import's time.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

mod access;
mod check_cmd;
mod common;
mod export_cmd;
mod receive_cmd;
mod registry_cmd;
mod secret;
mod store_cmd;

use std::io::Write;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Hattama: precinct results protocols, checked, signed and tallied.
#[derive(Debug, Parser)]
#[command(name = "hattama", version, about)]
struct Cli {
    /// Read each PIN or passphrase the command needs from standard input, one line each, instead
    /// of `HATTAMA_PIN`, `HATTAMA_NEW_PIN`, `HATTAMA_PASSPHRASE` or a prompt on the terminal.
    /// The lines come in this order: the signed-in user's PIN (`--user`), then a new PIN
    /// (`user add`, or the first chair's at `setup`), then the passphrase. No secret is ever
    /// taken from the command line.
    #[arg(long, global = true)]
    pin_stdin: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Check one protocol (JSON from FILE or `-` for stdin) and print the findings as JSON.
    Check(check_cmd::CheckArgs),
    /// List the protocol templates and their rules.
    Templates(check_cmd::TemplatesArgs),
    /// The commission's key registry.
    #[command(subcommand)]
    Registry(registry_cmd::RegistryCommand),
    /// Sign or verify an election definition file with the commission key.
    #[command(subcommand)]
    Definition(registry_cmd::DefinitionCommand),
    /// Make a device key pair (headless precinct setup).
    Keygen(registry_cmd::KeygenArgs),
    /// Verify one batch file against the registry and definition.
    Verify(registry_cmd::VerifyArgs),
    /// The precinct store, headless: setup, user, enter, reconcile, ack, act, finalize, repeat,
    /// state, restore, audit.
    #[command(flatten)]
    Store(store_cmd::StoreCommand),
    /// Verify and import batch files into the receiver database.
    Import(receive_cmd::ImportArgs),
    /// Tally the imported protocols per contest and region (JSON, CSV or HTML).
    Tally(receive_cmd::TallyArgs),
    /// Commission members (printed in the signature block).
    #[command(subcommand)]
    Member(export_cmd::MemberCommand),
    /// Make this installation's device key, signed in as the chair (then the chair's new
    /// passphrase: prompted twice, or `HATTAMA_PASSPHRASE`, or `--pin-stdin`).
    DeviceKey(export_cmd::DeviceKeyArgs),
    /// Sign every finalized protocol into a batch and write it to a removable drive or folder.
    Export(export_cmd::ExportArgs),
    /// List mounted removable drives.
    Drives,
    /// Print a protocol, posting copy, blank form or enrolment sheet as PDF.
    Print(export_cmd::PrintArgs),
    /// Read the QR code from a scan or picture of a printed protocol and verify its signature.
    VerifyQr(export_cmd::VerifyQrArgs),
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
    let mut secrets = secret::Secrets::new(cli.pin_stdin);
    let secrets = &mut secrets;
    let outcome = match cli.command {
        Command::Check(args) => check_cmd::check(&args),
        Command::Templates(args) => check_cmd::templates(&args),
        Command::Registry(command) => registry_cmd::registry(&command, secrets),
        Command::Definition(command) => registry_cmd::definition(&command, secrets),
        Command::Keygen(args) => registry_cmd::keygen(&args, secrets),
        Command::Verify(args) => registry_cmd::verify(&args),
        Command::Store(command) => store_cmd::run(&command, secrets),
        Command::Import(args) => receive_cmd::import(&args),
        Command::Tally(args) => receive_cmd::tally(&args),
        Command::Member(command) => export_cmd::member(&command, secrets),
        Command::DeviceKey(args) => export_cmd::device_key(&args, secrets),
        Command::Export(args) => export_cmd::export(&args, secrets),
        Command::Drives => export_cmd::list_drives(),
        Command::Print(args) => export_cmd::print(&args, secrets),
        Command::VerifyQr(args) => export_cmd::verify_qr(&args),
    };
    match outcome {
        Ok(code) => code,
        Err(error) => {
            let _ = writeln!(std::io::stderr().lock(), "error: {error:#}");
            ExitCode::from(2)
        }
    }
}
