//! The protocol crate's integration tests, in one binary (faster to build, helpers shared).

mod builtin;
mod definitions;
mod fuzz;
mod inputs;
mod properties;
mod rules;
mod support;
mod templates;
mod tidy;
