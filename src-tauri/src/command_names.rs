//! The names of the app's IPC commands, in one list.
//!
//! `build.rs` includes this file so that each command gets an `allow-…` permission that a capability
//! must grant; the tests check that each name is registered and granted, and nothing else is.

/// Every command the webview may call, by its Rust name.
pub(crate) const COMMANDS: &[&str] = &[
    "app_info",
    "get_language",
    "set_language",
    "commission_key_challenge",
    "pin_commission_key",
    "definition_choices",
    "setup_precinct",
    "add_user",
    "add_member",
    "unlock_user",
    "login",
    "logout",
    "overview",
    "open_protocol",
    "save_value",
    "finish_entry",
    "differences",
    "reconcile",
    "review",
    "acknowledge",
    "attach_act",
    "finalize",
    "repeat_protocol",
    "audit_log",
    "outbound_overview",
    "create_device_key",
    "save_enrolment_sheet",
    "export_batch",
    "print_protocol",
    "verify_audit",
    "choose_folder",
    "choose_definition_file",
    "open_document",
];
