//! Hattama's precinct use cases: every action a person takes at the precinct laptop, written
//! once, so the desktop app (`src-tauri`) and the `hattama` CLI both only parse their input,
//! call one function here and map its outcome.
//!
//! It combines the crates below it and owns no storage, format or rule of its own:
//! `hattama-store` keeps the database, `hattama-batch` makes keys, signs and writes batches,
//! `hattama-print` lays out the paper, `hattama-protocol` checks the numbers.
//!
//! - [`people`]: signing in (the only way to a `Session`), users and members.
//! - [`protocol`]: typing, reconciling, acknowledging, acts, finalizing, repeating.
//! - [`audit`]: the audit log and its check.
//! - [`installation`]: where the database lives ([`installation::database_path`], the same
//!   rule for app and CLI) and opening it.
//! - [`definition`]: the one rule for trusting a definition (the demo built in; a file only
//!   with the signature of the commission key the operator confirmed against the commission's
//!   paper and pinned) and setup.
//! - [`device_key`]: making the device key and showing it.
//! - [`export`]: signing a batch and writing it to a drive.
//! - [`print`]: the protocol, posting copy, blank form and enrolment sheet.
//!
//! Every function a person's action reaches takes their `hattama_store::Session`; the store's
//! permission table decides (`Store::require` for the actions that live here: the device key,
//! export, print). Errors are one [`PrecinctError`] with a stable code and parameters.

#![warn(missing_docs)]

pub mod audit;
pub mod definition;
pub mod device_key;
mod error;
pub mod export;
pub mod installation;
pub mod people;
pub mod print;
pub mod protocol;

pub use error::PrecinctError;
