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

mod commands;
mod desktop;
mod dto;
mod error;
mod outbound;
mod outbound_dto;
mod precinct;
mod protocol;
mod state;

#[cfg(test)]
mod codegen;
#[cfg(test)]
mod command_names;
#[cfg(test)]
mod outbound_tests;
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
            commands::app_info,
            commands::get_language,
            commands::set_language,
            precinct::commission_key_challenge,
            precinct::pin_commission_key,
            precinct::definition_choices,
            precinct::setup_precinct,
            precinct::add_user,
            precinct::add_member,
            precinct::unlock_user,
            precinct::login,
            precinct::logout,
            precinct::overview,
            protocol::open_protocol,
            protocol::save_value,
            protocol::finish_entry,
            protocol::differences,
            protocol::reconcile,
            protocol::review,
            protocol::acknowledge,
            protocol::attach_act,
            protocol::finalize,
            protocol::repeat_protocol,
            protocol::audit_log,
            outbound::outbound_overview,
            outbound::create_device_key,
            outbound::save_enrolment_sheet,
            outbound::export_batch,
            outbound::print_protocol,
            outbound::verify_audit,
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
