//! Hattama's precinct use cases: every action a person takes at the precinct laptop, written
//! once, so the desktop app (`src-tauri`) and the `hattama` CLI both only parse their input,
//! call one function here and map its outcome.
//!
//! It combines the crates below it and owns no storage, format or rule of its own:
//! `hattama-store` keeps the database, `hattama-batch` makes keys, signs and writes batches,
//! `hattama-print` lays out the paper, `hattama-protocol` checks the numbers.
//!
//! - [`installation`]: where the database lives ([`installation::database_path`], the same
//!   rule for app and CLI) and opening it.
//! - [`definition`]: the one rule for trusting a definition (the demo built in; a file only
//!   with the signature of the commission key the operator confirmed against the commission's
//!   paper and pinned) and setup.
//! - [`device_key`]: making the device key and showing it.
//! - [`export`]: signing a batch and writing it to a drive.
//! - [`print`]: the protocol, posting copy, blank form and enrolment sheet.
//!
//! Errors are one [`PrecinctError`] with a stable code and parameters.

#![warn(missing_docs)]

pub mod definition;
pub mod device_key;
mod error;
pub mod export;
pub mod installation;
pub mod print;

pub use error::PrecinctError;
