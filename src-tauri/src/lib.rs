//! The Hattama desktop app: a Tauri shell whose commands adapt the library crates to the webview.
//!
//! This crate owns the window, the managed state, the IPC commands and their DTOs. It owns no
//! rule, sum, query or sentence a user reads: rules live in the library crates, sentences in the
//! UI's catalogues.
//!
//! [`builder`] is the one place the app is put together; `main.rs` runs it and the tests build it
//! on Tauri's mock runtime through [`configure`].
//!
//! Start the app with `cargo xtask run`, which builds it with the UI embedded. A plain
//! `cargo run -p hattama-app` is a development build that loads the UI from Vite's dev server
//! (`build.devUrl`); `ui/node_modules/.bin/tauri dev` at the workspace root starts both, with hot
//! reload.

mod app;
mod desktop;
mod error;
mod outbound;
mod precinct;
mod protocol;
mod state;

#[cfg(test)]
mod codegen;
#[cfg(test)]
mod command_names;
#[cfg(test)]
mod tests;

use std::path::PathBuf;
use std::sync::Mutex;

use tauri::{App, Manager, Runtime, Wry};

use crate::state::AppState;

/// Adds the app's setup and commands to `builder`, whatever its runtime, with its database at
/// `database_path`. The dialog plugin is there for the Rust side's file dialog only (`desktop`):
/// no capability grants its commands.
pub fn configure<R: Runtime>(
    builder: tauri::Builder<R>,
    database_path: PathBuf,
) -> tauri::Builder<R> {
    builder
        .plugin(tauri_plugin_dialog::init())
        .setup(move |app| {
            setup(app, database_path);
            Ok(())
        })
        .invoke_handler(tauri::generate_handler![
            app::commands::app_info,
            app::commands::get_language,
            app::commands::set_language,
            precinct::commands::commission_key_challenge,
            precinct::commands::pin_commission_key,
            precinct::commands::definition_choices,
            precinct::commands::setup_precinct,
            precinct::commands::add_user,
            precinct::commands::add_member,
            precinct::commands::unlock_user,
            precinct::commands::login,
            precinct::commands::logout,
            precinct::commands::overview,
            protocol::commands::open_protocol,
            protocol::commands::save_value,
            protocol::commands::finish_entry,
            protocol::commands::differences,
            protocol::commands::reconcile,
            protocol::commands::review,
            protocol::commands::acknowledge,
            protocol::commands::attach_act,
            protocol::commands::finalize,
            protocol::commands::repeat_protocol,
            protocol::commands::audit_log,
            outbound::commands::outbound_overview,
            outbound::commands::create_device_key,
            outbound::commands::save_enrolment_sheet,
            outbound::commands::export_batch,
            outbound::commands::print_protocol,
            outbound::commands::verify_audit,
            desktop::choose_folder,
            desktop::choose_definition_file,
            desktop::open_document,
        ])
}

/// The app's builder on the real (webview) runtime, with the installation's database (the one
/// path rule the CLI follows too, `HATTAMA_DB` overriding it).
///
/// # Errors
///
/// When there is no home or data folder to keep the database in.
pub fn builder() -> Result<tauri::Builder<Wry>, hattama_precinct::PrecinctError> {
    let database_path = hattama_precinct::installation::database_path(None)?;
    Ok(configure(tauri::Builder::default(), database_path))
}

/// Builds and runs the app until its last window closes.
///
/// # Errors
///
/// When there is no folder for the database, or the webview cannot start (no display, for one).
pub fn run() -> Result<(), Box<dyn std::error::Error>> {
    builder()?.run(tauri::generate_context!())?;
    Ok(())
}

/// Registers the managed state, once, before any window loads. The store is opened by the
/// first command that needs it (see `AppState::store`). Opening it early on a thread of its own
/// was tried: `Store::open` of a set-up database takes about 5 ms, too little to show in the
/// cold start.
fn setup<R: Runtime>(app: &mut App<R>, database_path: PathBuf) {
    tracing::info!(database = %database_path.display(), "starting");
    app.manage(Mutex::new(AppState::new(database_path)));
}
