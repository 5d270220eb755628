//! The precinct's outbound side: the device key and its enrolment sheet, the signed export to a
//! removable drive, the printed protocol, and the audit chain check.
//!
//! `commands` are the IPC commands, thin adapters over
//! `hattama_precinct::{device_key, export, print, audit}`; `dto` their values.

pub(crate) mod commands;
pub(crate) mod dto;

#[cfg(test)]
mod tests;
