//! Hattama's territorial commission use cases, written once for the `hattama` CLI (and any later
//! front end): the key registry and definition signatures ([`registry`]), what the receiver
//! trusts and checking one batch ([`receiver`]), importing batches into the receiver database
//! with conflicts held ([`import`]), tallies ([`tally`]) and checking a printed protocol's QR
//! code ([`qr`]).
//!
//! Decisions stay in the crates that own them: `hattama_batch::receive` verifies and decides,
//! `hattama_batch::registry` signs and verifies the registry, `hattama_store::receiver` records,
//! `hattama_print::scan` reads QR codes. This crate reads the files and puts the steps in order.

#![warn(missing_docs)]

mod error;
mod files;
pub mod import;
pub mod qr;
pub mod receiver;
pub mod registry;
pub mod tally;

pub use error::CommissionError;
pub use files::{signature_path, write_atomic};
