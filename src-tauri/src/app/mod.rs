//! The app itself: its version, its languages and where its database lives.
//!
//! `commands` are its IPC commands, `dto` their values, with [`dto::LocalText`], the
//! three-language text the other concerns' values carry too.

pub(crate) mod commands;
pub(crate) mod dto;

#[cfg(test)]
mod tests;
