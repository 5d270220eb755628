//! Errors of the app's own commands and how every error crosses IPC: as `{ code, params }`.
//!
//! The `code` is a message key the UI looks up in its catalogues (`error.app.unknown_language`,
//! `error.store.wrong_pin`); `params` fill the message's placeholders. A Rust `Display` string goes
//! to the log, never to a clerk. [`ERROR_CODES`] lists every code a command can send; codegen
//! writes it as the TypeScript `ErrorCode` union and a test checks each has a message in every
//! catalogue.

use std::collections::BTreeMap;

use hattama_precinct::PrecinctError;
use hattama_store::StoreError;
use serde::Serialize;
use ts_rs::TS;

/// What can go wrong in the app's own commands (not in the libraries they call).
#[derive(Debug, thiserror::Error)]
pub(crate) enum AppError {
    /// The webview asked for a language the app does not offer.
    #[error("unknown language `{language}`")]
    UnknownLanguage {
        /// The code that was asked for.
        language: String,
    },
    /// A command panicked while holding the app state, so the state can no longer be trusted.
    #[error("the app state is unavailable after an earlier failure")]
    StateUnavailable,
    /// The command acts for a user, and nobody is signed in.
    #[error("nobody is signed in")]
    NotSignedIn,
    /// An entry number other than 1 or 2.
    #[error("there is no entry {entry}")]
    UnknownEntry {
        /// The number asked for.
        entry: u8,
    },
    /// The system file dialog gave a path that is not valid Unicode, which the other commands
    /// cannot take back.
    #[error("the chosen path `{path}` is not valid Unicode")]
    PathNotText {
        /// The path as far as it can be shown.
        path: String,
    },
    /// The webview asked to open a document this run of the app has not printed.
    #[error("no {kind} document was printed in this run")]
    NotPrinted {
        /// The kind asked for (`protocol`, `posting`, `blank`, `enrolment`).
        kind: String,
    },
    /// The desktop's viewer could not be started on a printed document.
    #[error("the desktop could not open {path}: {detail}")]
    ViewerFailed {
        /// The document.
        path: String,
        /// What the desktop said, for the log and the message.
        detail: String,
    },
}

impl AppError {
    fn code(&self) -> &'static str {
        match self {
            AppError::UnknownLanguage { .. } => "app.unknown_language",
            AppError::StateUnavailable => "app.state_unavailable",
            AppError::NotSignedIn => "app.not_signed_in",
            AppError::UnknownEntry { .. } => "app.unknown_entry",
            AppError::PathNotText { .. } => "app.path_not_text",
            AppError::NotPrinted { .. } => "app.not_printed",
            AppError::ViewerFailed { .. } => "app.viewer_failed",
        }
    }

    fn params(&self) -> BTreeMap<String, String> {
        match self {
            AppError::UnknownLanguage { language } => {
                BTreeMap::from([("language".to_owned(), language.clone())])
            }
            AppError::UnknownEntry { entry } => {
                BTreeMap::from([("entry".to_owned(), entry.to_string())])
            }
            AppError::PathNotText { path } => BTreeMap::from([("path".to_owned(), path.clone())]),
            AppError::NotPrinted { kind } => BTreeMap::from([("kind".to_owned(), kind.clone())]),
            AppError::ViewerFailed { path, detail } => BTreeMap::from([
                ("path".to_owned(), path.clone()),
                ("detail".to_owned(), detail.clone()),
            ]),
            AppError::StateUnavailable | AppError::NotSignedIn => BTreeMap::new(),
        }
    }
}

/// Every message key an error can carry across IPC: the app's own, then the store's.
#[cfg(test)]
pub(crate) const ERROR_CODES: &[&str] = &[
    "error.app.unknown_language",
    "error.app.state_unavailable",
    "error.app.not_signed_in",
    "error.app.unknown_entry",
    "error.app.path_not_text",
    "error.app.not_printed",
    "error.app.viewer_failed",
    "error.app.definition_file",
    "error.app.definition_signature",
    "error.app.commission_key_not_pinned",
    "error.app.commission_key_file",
    "error.app.fingerprint_mismatch",
    "error.store.already_final",
    "error.store.same_user_second_entry",
    "error.store.not_your_entry",
    "error.store.first_entry_not_done",
    "error.store.entry_closed",
    "error.store.incomplete_entry",
    "error.store.entry_blind",
    "error.store.nothing_to_reconcile",
    "error.store.not_agreed",
    "error.store.unacknowledged_warnings",
    "error.store.errors_without_act",
    "error.store.not_final",
    "error.store.empty_reason",
    "error.store.corrupt",
    "error.store.not_hattama",
    "error.store.too_new",
    "error.store.not_set_up",
    "error.store.already_set_up",
    "error.store.bad_definition",
    "error.store.unknown_precinct",
    "error.store.unknown_contest",
    "error.store.unknown_line",
    "error.store.bad_value",
    "error.store.line_not_differing",
    "error.store.unknown_rule",
    "error.store.wrong_severity",
    "error.store.rule_not_failing",
    "error.store.already_acknowledged",
    "error.store.empty_text",
    "error.store.unknown_user",
    "error.store.duplicate_user",
    "error.store.pin_format",
    "error.store.weak_pin",
    "error.store.wrong_pin",
    "error.store.locked",
    "error.store.not_permitted",
    "error.store.typed_an_entry",
    "error.store.pin_needed",
    "error.store.last_chair",
    "error.store.act_too_short",
    "error.store.no_chair",
    "error.store.io",
    "error.store.no_data_dir",
    "error.store.bad_backup",
    "error.store.inconsistent",
    "error.store.sqlite",
    "error.store.device_key_exists",
    "error.store.no_device_key",
    "error.store.nothing_to_export",
    "error.store.weak_passphrase",
    "error.store.wrong_passphrase",
    "error.store.key_failed",
    "error.store.unknown_export",
    "error.store.integrity_failed",
    "error.store.audit_broken",
    "error.store.final_not_vouched",
    "error.store.commission_key_pinned",
    "error.device_key.mismatch",
    "error.export.no_folder",
    "error.export.not_a_folder",
    "error.export.no_drive",
    "error.export.several_drives",
    "error.batch.drive_full",
    "error.batch.drive_failed",
    "error.batch.drive_read_back",
    "error.batch.link_in_path",
    "error.print.fonts",
    "error.print.pdf",
    "error.print.assemble",
    "error.print.no_final",
    "error.print.not_exported",
    "error.print.write_file",
];

/// An error as the webview receives it: a message key and the values for its placeholders.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
pub(crate) struct IpcError {
    /// The message key, one of [`ERROR_CODES`].
    #[ts(type = "ErrorCode")]
    pub(crate) code: String,
    /// Values for the message's placeholders, by name.
    pub(crate) params: BTreeMap<String, String>,
}

impl From<AppError> for IpcError {
    fn from(error: AppError) -> IpcError {
        tracing::warn!(%error, "command failed");
        IpcError {
            code: format!("error.{}", error.code()),
            params: error.params(),
        }
    }
}

impl From<PrecinctError> for IpcError {
    fn from(error: PrecinctError) -> IpcError {
        tracing::warn!(%error, "refused");
        IpcError {
            code: format!("error.{}", error.code()),
            params: error.params(),
        }
    }
}

impl From<StoreError> for IpcError {
    fn from(error: StoreError) -> IpcError {
        tracing::warn!(%error, "store refused");
        IpcError {
            code: format!("error.{}", error.code()),
            params: error
                .params()
                .into_iter()
                .map(|(name, value)| (name.to_owned(), value))
                .collect(),
        }
    }
}

#[cfg(test)]
mod tests;
