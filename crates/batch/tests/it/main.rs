//! The batch crate's integration tests, in one binary.

#![expect(
    clippy::unwrap_used,
    reason = "test helpers unwrap: a panic there is a failed test"
)]

mod fuzz;
mod hostile;
mod plan;
mod sample;
mod tamper;
mod write;
