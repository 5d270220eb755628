//! Waiting for a child process under a deadline: the hostile-input tests run a case under
//! `prlimit` and kill a child that runs too long, so a regression (reading `/dev/zero` to the
//! end, waiting on a FIFO) fails the test instead of hanging the machine. Shared by the batch
//! crate's `tests/it/hostile.rs` and the CLI's `tests/hostile_sticks.rs`.

use std::process::{Child, ExitStatus};
use std::time::{Duration, Instant};

/// Waits for `child`, started at `started`; once `deadline` has passed, kills it and fails the
/// test naming `what`.
pub(crate) fn wait_or_kill(
    child: &mut Child,
    started: Instant,
    deadline: Duration,
    what: &str,
) -> ExitStatus {
    loop {
        if let Some(status) = child.try_wait().expect("the child can be waited for") {
            return status;
        }
        if deadline < started.elapsed() {
            child.kill().expect("the child can be killed");
            child.wait().expect("the killed child can be waited for");
            panic!("{what}: still running after {deadline:?}, killed");
        }
        std::thread::sleep(Duration::from_millis(5));
    }
}
