//! The protocol crate's integration tests, in one binary (faster to build, helpers shared).

#![expect(
    clippy::unwrap_used,
    reason = "test helpers unwrap: a panic there is a failed test"
)]

mod builtin;
mod checks;
mod definition_ids;
mod definitions;
mod fuzz;
mod inputs;
mod operators;
mod properties;
mod rules;
mod support;
mod templates;
mod tidy;
