//! One protocol: its form, typing an entry field by field, finishing an entry, reconciling the
//! differences, the review (acknowledgements, acts), finalizing, repeating, and the audit log.
//!
//! `commands` are the IPC commands, thin adapters over `hattama_precinct::{protocol, audit}`
//! and the store's reads; `dto` their values.

pub(crate) mod commands;
pub(crate) mod dto;

#[cfg(test)]
mod tests;
