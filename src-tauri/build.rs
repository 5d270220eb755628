//! Build script: compiles the Tauri context and makes every app command need an explicit grant.
//!
//! Without `AppManifest::commands`, every registered command would be callable from the webview;
//! with it, each one must be allowed by a capability in `capabilities/`.

#[path = "src/command_names.rs"]
mod command_names;

fn main() {
    let attributes = tauri_build::Attributes::new()
        .app_manifest(tauri_build::AppManifest::new().commands(command_names::COMMANDS));
    tauri_build::try_build(attributes).expect("the Tauri configuration must be valid");
}
