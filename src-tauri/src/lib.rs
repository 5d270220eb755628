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

use std::sync::Mutex;

use tauri::{App, Manager, Runtime, Wry};

use crate::state::AppState;

/// Adds the app's setup and commands to `builder`, whatever its runtime. The dialog plugin is
/// there for the Rust side's file dialog only (`desktop`): no capability grants its commands.
pub fn configure<R: Runtime>(builder: tauri::Builder<R>) -> tauri::Builder<R> {
    builder
        .plugin(tauri_plugin_dialog::init())
        .setup(setup)
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

/// The app's builder on the real (webview) runtime.
pub fn builder() -> tauri::Builder<Wry> {
    configure(tauri::Builder::default())
}

/// Builds and runs the app until its last window closes.
///
/// # Errors
///
/// When the webview cannot start (no display, for one).
pub fn run() -> Result<(), tauri::Error> {
    builder().run(tauri::generate_context!())
}

/// Registers the managed state, once, before any window loads.
fn setup<R: Runtime>(app: &mut App<R>) -> Result<(), Box<dyn std::error::Error>> {
    let database_path = hattama_precinct::installation::database_path(None)?;
    tracing::info!(database = %database_path.display(), "starting");
    app.manage(Mutex::new(AppState::new(database_path)));
    Ok(())
}
