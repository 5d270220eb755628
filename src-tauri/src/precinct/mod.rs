//! The precinct as a whole: the commission key and the definition at first run, setup, users
//! and members, signing in with a PIN, and the dashboard's overview.
//!
//! `commands` are the IPC commands, thin adapters over `hattama_precinct::{definition, people}`;
//! `dto` their values.

pub(crate) mod commands;
pub(crate) mod dto;

#[cfg(test)]
mod tests;
