//! The batch crate's integration tests, in one binary.

#![expect(
    clippy::unwrap_used,
    reason = "test helpers unwrap: a panic there is a failed test"
)]

#[path = "../support/deadline.rs"]
mod deadline;
mod decisions;
mod durability;
mod fuzz;
mod held;
mod hostile;
mod log;
mod payload;
mod plan;
mod read;
mod reports;
mod sample;
mod signature_checks;
mod tamper;
mod write;
