//! The app's own commands: its version, languages and database path, and the language switch.
//!
//! Like every command, each one is listed in `command_names.rs`, registered in `lib.rs` and
//! granted in `capabilities/default.json`. Rules live in the library crates, not here.

#![expect(
    clippy::needless_pass_by_value,
    reason = "Tauri hands each command its `State` by value"
)]

use std::sync::Mutex;

use tauri::State;

use crate::app::dto::{AppInfo, Language};
use crate::error::{AppError, IpcError};
use crate::state::{self, AppState};

/// The app's version, its languages and where its database lives.
#[tauri::command]
#[tracing::instrument(skip_all)]
pub(crate) fn app_info(state: State<'_, Mutex<AppState>>) -> Result<AppInfo, IpcError> {
    let state = state::lock(&state)?;
    Ok(AppInfo {
        version: env!("CARGO_PKG_VERSION").to_owned(),
        languages: Language::ALL.to_vec(),
        database_path: state.database_path.display().to_string(),
    })
}

/// The language the user interface is shown in.
#[tauri::command]
#[tracing::instrument(skip_all)]
pub(crate) fn get_language(state: State<'_, Mutex<AppState>>) -> Result<Language, IpcError> {
    Ok(state::lock(&state)?.language)
}

/// Switches the user interface to the language with code `language`; returns the new language.
#[tauri::command]
#[tracing::instrument(skip(state))]
pub(crate) fn set_language(
    state: State<'_, Mutex<AppState>>,
    language: String,
) -> Result<Language, IpcError> {
    let language = Language::from_code(&language).ok_or(AppError::UnknownLanguage { language })?;
    state::lock(&state)?.language = language;
    Ok(language)
}
