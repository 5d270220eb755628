//! The commands through Tauri's real IPC layer on the mock runtime: no display, milliseconds each.
//!
//! The app is built by the same [`crate::configure`] as `main.rs` uses, with the real
//! `tauri.conf.json` and capabilities, so a command that is not registered, not granted or needs
//! state that was never managed fails here.

use std::collections::BTreeSet;

use serde_json::{Value, json};
use tauri::ipc::{CallbackFn, InvokeBody};
use tauri::test::{INVOKE_KEY, MockRuntime, mock_builder};
use tauri::webview::InvokeRequest;
use tauri::{App, Manager, WebviewWindow};

use crate::command_names::COMMANDS;
use crate::error::ErrorCode;

struct TestApp {
    _app: App<MockRuntime>,
    window: WebviewWindow<MockRuntime>,
}

/// Builds the app and runs its setup once, which opens the configured `main` window.
fn app() -> TestApp {
    let mut app = crate::configure(mock_builder())
        .build(tauri::generate_context!())
        .unwrap();
    run_setup(&mut app);
    let window = app.get_webview_window("main").unwrap();
    TestApp { _app: app, window }
}

#[expect(
    deprecated,
    reason = "one iteration is the way to run setup on the mock runtime without blocking"
)]
fn run_setup(app: &mut App<MockRuntime>) {
    app.run_iteration(|_app, _event| {});
}

/// Invokes `command` with `args` as the webview would; `Ok` or `Err` holds the JSON it receives.
fn invoke(app: &TestApp, command: &str, args: Value) -> Result<Value, Value> {
    let request = InvokeRequest {
        cmd: command.into(),
        callback: CallbackFn(0),
        error: CallbackFn(1),
        url: "tauri://localhost".parse().unwrap(),
        body: InvokeBody::Json(args),
        headers: Default::default(),
        invoke_key: INVOKE_KEY.to_owned(),
    };
    tauri::test::get_ipc_response(&app.window, request).map(|body| body.deserialize().unwrap())
}

#[test]
fn app_info_lists_version_and_languages() {
    let app = app();
    let info = invoke(&app, "app_info", json!({})).unwrap();
    assert_eq!(info["version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(info["languages"], json!(["kk", "ru", "en"]));
    assert!(
        info["databasePath"]
            .as_str()
            .unwrap()
            .ends_with("hattama.db")
    );
}

#[test]
fn language_starts_kazakh_and_switches() {
    let app = app();
    assert_eq!(invoke(&app, "get_language", json!({})), Ok(json!("kk")));
    assert_eq!(
        invoke(&app, "set_language", json!({ "language": "ru" })),
        Ok(json!("ru"))
    );
    assert_eq!(invoke(&app, "get_language", json!({})), Ok(json!("ru")));
    assert_eq!(
        invoke(&app, "set_language", json!({ "language": "en" })),
        Ok(json!("en"))
    );
    assert_eq!(invoke(&app, "get_language", json!({})), Ok(json!("en")));
}

#[test]
fn unknown_language_is_a_coded_error_and_changes_nothing() {
    let app = app();
    assert_eq!(
        invoke(&app, "set_language", json!({ "language": "de" })),
        Err(json!({ "code": "error.app.unknown_language", "params": { "language": "de" } }))
    );
    assert_eq!(invoke(&app, "get_language", json!({})), Ok(json!("kk")));
}

#[test]
fn an_unlisted_command_is_refused() {
    let app = app();
    assert!(invoke(&app, "no_such_command", json!({})).is_err());
}

#[test]
fn every_command_is_registered_and_granted() {
    let app = app();
    for command in COMMANDS {
        // Arguments that fit every command: a missing or refused command fails differently.
        let response = invoke(&app, command, json!({ "language": "kk" }));
        assert!(response.is_ok(), "`{command}` failed: {response:?}");
    }
}

#[test]
fn the_capability_grants_exactly_the_listed_commands() {
    let capability: Value =
        serde_json::from_str(include_str!("../capabilities/default.json")).unwrap();
    let granted: BTreeSet<&str> = capability["permissions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|permission| permission.as_str().unwrap())
        .collect();
    let listed: BTreeSet<String> = COMMANDS
        .iter()
        .map(|command| format!("allow-{}", command.replace('_', "-")))
        .collect();
    let listed: BTreeSet<&str> = listed.iter().map(String::as_str).collect();
    assert_eq!(granted, listed);
}

#[test]
fn every_error_code_has_a_message_in_every_catalogue() {
    let catalogues = [
        ("kk", include_str!("../../ui/src/lib/i18n/kk.json")),
        ("ru", include_str!("../../ui/src/lib/i18n/ru.json")),
        ("en", include_str!("../../ui/src/lib/i18n/en.json")),
    ];
    for (locale, text) in catalogues {
        let catalogue: Value = serde_json::from_str(text).unwrap();
        for code in ErrorCode::ALL {
            let key = serde_json::to_value(code).unwrap();
            let key = key.as_str().unwrap();
            let message = catalogue[key].as_str().unwrap_or_default();
            assert!(
                !message.is_empty(),
                "{locale}.json has no message for `{key}`"
            );
        }
    }
}

#[test]
fn database_path_prefers_the_environment() {
    let data_dir = std::path::PathBuf::from("data");
    assert_eq!(
        crate::state::database_path(Some("elsewhere/test.db".into()), &data_dir),
        std::path::PathBuf::from("elsewhere/test.db")
    );
    assert_eq!(
        crate::state::database_path(Some("".into()), &data_dir),
        data_dir.join("hattama.db")
    );
    assert_eq!(
        crate::state::database_path(None, &data_dir),
        data_dir.join("hattama.db")
    );
}
