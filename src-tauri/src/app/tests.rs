//! The app's own commands through the IPC layer: what it says about itself, and its language.

use serde_json::json;

use crate::tests::{app, invoke};

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
