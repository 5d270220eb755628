//! The desktop's own file dialog and document viewer, driven from Rust only.
//!
//! The webview asks for a folder (`choose_folder`) or a definition file
//! (`choose_definition_file`) and gets back the path the person chose in the system file dialog,
//! or `null` when they cancelled. It asks to print a document it had the app save with
//! `open_document`, naming the document's kind, never a path: only a file this run of the app
//! wrote opens, in the desktop's default PDF viewer (`xdg-open` on Linux), from which the clerk
//! prints it through the system print dialog.
//!
//! `tauri-plugin-dialog` is registered for its Rust API; no capability grants the webview any of
//! its commands (`plugin:dialog|open` is refused). The viewer is opened through
//! `tauri_plugin_opener::open_path`, a plain function: that plugin is not registered at all, so
//! the webview has no opener, shell or file-system command of any kind.

#![expect(
    clippy::needless_pass_by_value,
    reason = "Tauri hands each command its arguments and `State` by value"
)]

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use tauri::{AppHandle, Manager, Runtime, State};
use tauri_plugin_dialog::{DialogExt, FileDialogBuilder, FilePath};

use crate::error::{AppError, IpcError};
use crate::outbound::dto::DocumentKind;
use crate::state::{self, AppState};

/// The file dialog, titled `title` (the UI's words in the clerk's language), over the main
/// window, starting in `start` when that is a folder, else in the home folder.
fn dialog<R: Runtime>(
    app: &AppHandle<R>,
    title: String,
    start: Option<&str>,
) -> FileDialogBuilder<R> {
    let mut dialog = app.dialog().file().set_title(title);
    if let Some(window) = app.get_webview_window("main") {
        dialog = dialog.set_parent(&window);
    }
    let start = start
        .map(PathBuf::from)
        .filter(|start| start.is_dir())
        .or_else(|| app.path().home_dir().ok());
    if let Some(start) = start {
        dialog = dialog.set_directory(start);
    }
    dialog
}

/// The chosen path as text, which is how every other command takes a path back.
fn chosen(path: Option<FilePath>) -> Result<Option<String>, IpcError> {
    let Some(path) = path else {
        return Ok(None);
    };
    let path: PathBuf = path.into_path().map_err(|error| AppError::PathNotText {
        path: error.to_string(),
    })?;
    match path.into_os_string().into_string() {
        Ok(text) => Ok(Some(text)),
        Err(raw) => Err(AppError::PathNotText {
            path: Path::new(&raw).display().to_string(),
        }
        .into()),
    }
}

/// Lets the person choose a folder in the system file dialog; `null` when they cancel.
#[tauri::command(async)]
#[tracing::instrument(skip(app))]
pub(crate) fn choose_folder<R: Runtime>(
    app: AppHandle<R>,
    title: String,
    start: Option<String>,
) -> Result<Option<String>, IpcError> {
    chosen(dialog(&app, title, start.as_deref()).blocking_pick_folder())
}

/// Lets the person choose an election definition file (`.json`) in the system file dialog;
/// `null` when they cancel.
#[tauri::command(async)]
#[tracing::instrument(skip(app))]
pub(crate) fn choose_definition_file<R: Runtime>(
    app: AppHandle<R>,
    title: String,
    filter: String,
) -> Result<Option<String>, IpcError> {
    chosen(
        dialog(&app, title, None)
            .add_filter(filter, &["json"])
            .blocking_pick_file(),
    )
}

/// Opens the newest document of `kind` printed in this run in the desktop's default viewer,
/// from which the clerk prints it; answers the path it opened.
#[tauri::command(async)]
#[tracing::instrument(skip(state))]
pub(crate) fn open_document(
    state: State<'_, Mutex<AppState>>,
    kind: DocumentKind,
) -> Result<String, IpcError> {
    let path = {
        let state = state::lock(&state)?;
        let saved = state
            .printed_file(kind.into())
            .ok_or_else(|| AppError::NotPrinted {
                kind: kind.word().to_owned(),
            })?;
        saved.path.clone()
    };
    tauri_plugin_opener::open_path(&path, None::<&str>).map_err(|error| {
        AppError::ViewerFailed {
            path: path.display().to_string(),
            detail: error.to_string(),
        }
    })?;
    tracing::info!(path = %path.display(), "opened in the desktop's viewer");
    Ok(path.display().to_string())
}
