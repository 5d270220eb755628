//! Errors of the app's own commands and how every error crosses IPC: as `{ code, params }`.
//!
//! The `code` is a message key the UI looks up in its catalogues (`error.app.unknown_language`);
//! `params` fill the message's placeholders. A Rust `Display` string goes to the log, never to a
//! clerk.

use std::collections::BTreeMap;

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
}

/// Every message key an error can carry across IPC.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, TS)]
pub(crate) enum ErrorCode {
    /// See [`AppError::UnknownLanguage`]; params: `language`.
    #[serde(rename = "error.app.unknown_language")]
    AppUnknownLanguage,
    /// See [`AppError::StateUnavailable`]; no params.
    #[serde(rename = "error.app.state_unavailable")]
    AppStateUnavailable,
}

impl ErrorCode {
    /// Every code, so that tests can check each one has a message in every catalogue.
    #[cfg(test)]
    pub(crate) const ALL: [ErrorCode; 2] = [
        ErrorCode::AppUnknownLanguage,
        ErrorCode::AppStateUnavailable,
    ];
}

/// An error as the webview receives it: a message key and the values for its placeholders.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
pub(crate) struct IpcError {
    /// The message key.
    pub(crate) code: ErrorCode,
    /// Values for the message's placeholders, by name.
    pub(crate) params: BTreeMap<String, String>,
}

impl From<AppError> for IpcError {
    fn from(error: AppError) -> IpcError {
        tracing::warn!(%error, "command failed");
        match error {
            AppError::UnknownLanguage { language } => IpcError {
                code: ErrorCode::AppUnknownLanguage,
                params: BTreeMap::from([("language".to_owned(), language)]),
            },
            AppError::StateUnavailable => IpcError {
                code: ErrorCode::AppStateUnavailable,
                params: BTreeMap::new(),
            },
        }
    }
}
