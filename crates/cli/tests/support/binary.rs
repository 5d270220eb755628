//! Which `hattama` binary a test runs: the one cargo built for this machine, unless
//! `HATTAMA_TEST_EXE` names another, run through `HATTAMA_TEST_RUNNER` if set. `cargo xtask test`
//! sets them to the Windows `hattama.exe` and `wine`, so the same tests check the Windows build's
//! JSON and exit codes.

use std::io::Write;
use std::process::{Command, Output, Stdio};

/// The binary under test (the Windows one under Wine when configured, else the native one).
pub(crate) fn command() -> Command {
    match std::env::var_os("HATTAMA_TEST_EXE") {
        Some(exe) if !exe.is_empty() => match std::env::var_os("HATTAMA_TEST_RUNNER") {
            Some(runner) if !runner.is_empty() => {
                let mut command = Command::new(runner);
                command.arg(exe);
                command
            }
            _ => Command::new(exe),
        },
        _ => native(),
    }
}

/// Runs `command` with `stdin` written to its standard input, and collects what it printed.
pub(crate) fn output_with_stdin(command: &mut Command, stdin: &[u8]) -> Output {
    let mut child = command
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the command runs");
    child
        .stdin
        .take()
        .expect("its standard input is piped")
        .write_all(stdin)
        .expect("the command reads its standard input");
    child.wait_with_output().expect("the command finishes")
}

/// The binary cargo built for this machine, whatever the environment says.
pub(crate) fn native() -> Command {
    Command::new(env!("CARGO_BIN_EXE_hattama"))
}
