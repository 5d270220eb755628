//! Errors of the app's own commands and how every error crosses IPC: as `{ code, params }`.
//!
//! The `code` is a message key the UI looks up in its catalogues (`error.app.unknown_language`,
//! `error.store.wrong_pin`); `params` fill the message's placeholders. A Rust `Display` string goes
//! to the log, never to a clerk. [`error_codes`] lists every code a command can send, built from
//! the error types' own tables; codegen writes it as the TypeScript `ErrorCode` union, and the
//! tests check that every code an error emits is in the generated union and has a message in
//! every catalogue.

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

hattama_protocol::error_codes! {
    AppError {
        codes {
            AppError::UnknownLanguage { .. } => "app.unknown_language",
            AppError::StateUnavailable => "app.state_unavailable",
            AppError::NotSignedIn => "app.not_signed_in",
            AppError::UnknownEntry { .. } => "app.unknown_entry",
            AppError::PathNotText { .. } => "app.path_not_text",
            AppError::NotPrinted { .. } => "app.not_printed",
            AppError::ViewerFailed { .. } => "app.viewer_failed",
        }
    }
}

impl AppError {
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

/// Every message key an error can carry across IPC, each from its error type's one table
/// (`hattama_protocol::error_codes!`): the app's own, then the precinct's use cases', which hold
/// the store's (with its transitions') and the batch writer's. A store error that reaches IPC
/// directly carries one of the store's. Codegen writes this list as the TypeScript `ErrorCode`
/// union.
#[cfg(test)]
pub(crate) fn error_codes() -> Vec<String> {
    AppError::codes()
        .into_iter()
        .chain(PrecinctError::codes())
        .map(|code| format!("error.{code}"))
        .collect()
}

/// The codes of the protocol crate's input errors (`InputError::codes()`), which a refused count
/// carries as the `input` param of `error.store.bad_value`; the UI shows `error.input.<code>`.
/// Codegen writes this list as the TypeScript `InputErrorCode` union and `INPUT_ERROR_CODES`, so
/// the UI keeps no copy of it.
#[cfg(test)]
pub(crate) fn input_error_codes() -> Vec<&'static str> {
    hattama_protocol::InputError::codes()
}

/// An error as the webview receives it: a message key and the values for its placeholders.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
pub(crate) struct IpcError {
    /// The message key, one of [`error_codes`].
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
