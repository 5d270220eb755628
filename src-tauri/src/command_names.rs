//! The names of the app's IPC commands, in one list.
//!
//! `build.rs` includes this file so that each command gets an `allow-…` permission that a capability
//! must grant; the tests check that each name is registered and granted, and nothing else is.

/// Every command the webview may call, by its Rust name.
pub(crate) const COMMANDS: &[&str] = &["app_info", "get_language", "set_language"];
