//! The app's managed state: what every command may read or change, behind one `Mutex`.
//!
//! Registered once in `setup`. It holds no database connection yet; the store will add one.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};

use crate::dto::Language;
use crate::error::AppError;

/// The environment variable that overrides where the database lives (tests point it at a temp dir).
pub(crate) const DATABASE_ENV: &str = "HATTAMA_DB";

/// The file name of the database inside the platform's data directory.
const DATABASE_FILE: &str = "hattama.db";

/// The state shared by all commands.
#[derive(Debug)]
pub(crate) struct AppState {
    /// The language the user interface is shown in.
    pub(crate) language: Language,
    /// Where the database lives.
    pub(crate) database_path: PathBuf,
}

impl AppState {
    /// The state at start: Kazakh, and the given database path.
    pub(crate) fn new(database_path: PathBuf) -> AppState {
        AppState {
            language: Language::Kk,
            database_path,
        }
    }
}

/// The database path: `HATTAMA_DB` when it is set and not empty, else `hattama.db` in `data_dir`.
pub(crate) fn database_path(from_env: Option<OsString>, data_dir: &Path) -> PathBuf {
    match from_env {
        Some(path) if !path.is_empty() => PathBuf::from(path),
        _ => data_dir.join(DATABASE_FILE),
    }
}

/// Locks the state, turning a poisoned lock into an error the webview can show.
pub(crate) fn lock(state: &Mutex<AppState>) -> Result<MutexGuard<'_, AppState>, AppError> {
    state.lock().map_err(|_poisoned| AppError::StateUnavailable)
}
