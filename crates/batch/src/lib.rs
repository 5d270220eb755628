//! Signed results batches: the payload format ([`format`]), Ed25519 keys in the minisign format
//! ([`keys`]), the commission's key registry ([`registry`]), crash-safe writes to a removable drive
//! ([`write`], [`drives`]), bounded reading of files from a drive ([`read`]), and the receiving
//! side's verification and import decisions ([`receive`]). `docs/batch-format.md` is the specification an independent implementation can
//! follow.
//!
//! This crate opens no database: it takes values and returns values and bytes. It never parses a
//! payload before its signature has verified, and it never trusts the laptop clock.

#![warn(missing_docs)]

pub mod drives;
pub mod export;
pub mod format;
pub mod keys;
pub mod read;
pub mod receive;
pub mod registry;
pub mod report;
pub mod write;
