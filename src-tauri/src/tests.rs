//! The app on Tauri's mock runtime, for the tests of every concern, and the checks over the
//! whole IPC surface: what is registered, granted and refused, and who may act.
//!
//! The app is built by the same [`crate::configure`] as `main.rs` uses, with the real
//! `tauri.conf.json` and capabilities, so a command that is not registered, not granted or needs
//! state that was never managed fails here. Each concern's own commands are tested in its
//! folder (`precinct/tests.rs`, `protocol/tests.rs`, `outbound/tests.rs`, …) through the helpers
//! below: no display, milliseconds each.

use std::collections::BTreeSet;
use std::sync::{Arc, Mutex};

use serde_json::{Value, json};
use tauri::ipc::{CallbackFn, InvokeBody, InvokeResponseBody};
use tauri::test::{INVOKE_KEY, MockRuntime, mock_builder};
use tauri::webview::InvokeRequest;
use tauri::{App, Manager, WebviewWindow};

use crate::command_names::COMMANDS;

/// The app, its main window and the temp dir its database (and anything a test writes) lives in.
pub(crate) struct TestApp {
    _app: App<MockRuntime>,
    window: WebviewWindow<MockRuntime>,
    pub(crate) dir: tempfile::TempDir,
    /// Every message the app sent on a channel, in order: the channel's id and its JSON.
    pub(crate) sent: Arc<Mutex<Vec<(u32, Value)>>>,
}

/// The id of the channel [`save_value`] hands the app for its early checks.
pub(crate) const CHECKED_CHANNEL: u32 = 7;

/// The demo's results protocol of the party lists (P1).
pub(crate) const P1: &str = "majilis-list";

/// Builds the app and runs its setup once, which opens the configured `main` window; its
/// database lives in a fresh temp dir.
pub(crate) fn app() -> TestApp {
    let dir = tempfile::tempdir().unwrap();
    let sent = Arc::new(Mutex::new(Vec::new()));
    let recorder = Arc::clone(&sent);
    let builder = mock_builder().channel_interceptor(move |_webview, channel, _index, body| {
        let InvokeResponseBody::Json(json) = body else {
            panic!("a channel message that is not JSON");
        };
        let message = serde_json::from_str(json).unwrap();
        recorder.lock().unwrap().push((channel.0, message));
        true
    });
    let mut app = crate::configure(builder, dir.path().join("hattama.db"))
        .build(tauri::generate_context!())
        .unwrap();
    run_setup(&mut app);
    let window = app.get_webview_window("main").unwrap();
    TestApp {
        _app: app,
        window,
        dir,
        sent,
    }
}

/// Saves `raw` into `line` of the demo P1's `entry` as the entry form does, with a channel
/// ([`CHECKED_CHANNEL`]) for the checks that come before the write is durable.
pub(crate) fn save_value(app: &TestApp, entry: u8, line: &str, raw: &str) -> Result<Value, Value> {
    let checked = format!("__CHANNEL__:{CHECKED_CHANNEL}");
    invoke(
        app,
        "save_value",
        json!({ "contest": P1, "entry": entry, "line": line, "raw": raw, "checked": checked }),
    )
}

#[expect(
    deprecated,
    reason = "one iteration is the way to run setup on the mock runtime without blocking"
)]
fn run_setup(app: &mut App<MockRuntime>) {
    app.run_iteration(|_app, _event| {});
}

/// Invokes `command` with `args` as the webview would; `Ok` or `Err` holds the JSON it receives.
pub(crate) fn invoke(app: &TestApp, command: &str, args: Value) -> Result<Value, Value> {
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

/// What `command` answers; the test fails when it refuses.
pub(crate) fn ok(app: &TestApp, command: &str, args: Value) -> Value {
    match invoke(app, command, args) {
        Ok(value) => value,
        Err(error) => panic!("`{command}` failed: {error}"),
    }
}

/// The error `command` answers with; the test fails when it succeeds.
pub(crate) fn err(app: &TestApp, command: &str, args: Value) -> Value {
    match invoke(app, command, args) {
        Ok(value) => panic!("`{command}` succeeded with {value}"),
        Err(error) => error,
    }
}

/// A demo precinct set up by its chair Aigul, who adds two clerks and signs out.
pub(crate) fn precinct() -> TestApp {
    let app = app();
    let choices = ok(&app, "definition_choices", json!({ "path": null }));
    assert_eq!(choices["demo"], true);
    assert_eq!(choices["regions"][0]["id"], "abai");
    let overview = ok(
        &app,
        "setup_precinct",
        json!({ "path": null, "region": "abai", "number": 1, "chairName": "Aigul", "chairPin": "590417" }),
    );
    assert_eq!(overview["user"]["name"], "Aigul");
    assert!(
        overview["allowed"]
            .as_array()
            .unwrap()
            .contains(&json!("perm.add_user"))
    );
    for (name, role, pin) in [("Ana", "clerk", "268135"), ("Bek", "clerk", "731946")] {
        ok(
            &app,
            "add_user",
            json!({ "name": name, "role": role, "pin": pin, "chairPin": null }),
        );
    }
    ok(&app, "logout", json!({}));
    app
}

#[test]
fn an_unlisted_command_is_refused() {
    let app = app();
    assert!(invoke(&app, "no_such_command", json!({})).is_err());
}

#[test]
fn the_webview_gets_no_dialog_opener_shell_or_file_system_command() {
    let app = app();
    for command in [
        "plugin:dialog|open",
        "plugin:dialog|save",
        "plugin:dialog|message",
        "plugin:opener|open_path",
        "plugin:opener|open_url",
        "plugin:fs|read_file",
        "plugin:shell|execute",
    ] {
        let refused = invoke(
            &app,
            command,
            json!({ "options": {}, "path": "/etc/passwd" }),
        );
        assert!(
            matches!(&refused, Err(Value::String(text)) if text.contains("not allowed") || text.contains("not found")),
            "the webview may call `{command}`: {refused:?}"
        );
    }
    let capability = include_str!("../capabilities/default.json");
    for plugin in ["dialog:", "opener:", "fs:", "shell:"] {
        assert!(
            !capability.contains(plugin),
            "capabilities/default.json grants a `{plugin}` permission"
        );
    }
}

#[test]
fn open_document_opens_only_what_this_run_printed() {
    let app = app();
    for kind in ["protocol", "posting", "blank", "enrolment"] {
        assert_eq!(
            invoke(&app, "open_document", json!({ "kind": kind })),
            Err(json!({ "code": "error.app.not_printed", "params": { "kind": kind } }))
        );
    }
    let path = invoke(&app, "open_document", json!({ "kind": "/etc/passwd" }));
    assert!(
        matches!(&path, Err(Value::String(_))),
        "a path is not a kind: {path:?}"
    );
}

#[test]
fn every_command_is_registered_and_granted() {
    let app = app();
    for command in COMMANDS {
        // A missing or refused command fails with Tauri's text; a command that ran (even when
        // its arguments do not fit) answers otherwise.
        let response = invoke(&app, command, json!({ "language": "kk" }));
        if let Err(Value::String(text)) = &response {
            assert!(
                !text.contains("not allowed") && !text.contains("not found"),
                "`{command}` is not callable: {text}"
            );
        }
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

/// Every command that acts for someone, with arguments that would pass if they were allowed.
const ACTING: &[(&str, &str)] = &[
    (
        "add_user",
        r#"{"name":"Dana","role":"clerk","pin":"480263","chairPin":null}"#,
    ),
    (
        "add_user",
        r#"{"name":"Dana","role":"chair","pin":"480263","chairPin":"268135"}"#,
    ),
    ("add_member", r#"{"name":"Dana","position":"chair"}"#),
    ("unlock_user", r#"{"user":1}"#),
    (
        "save_value",
        r#"{"contest":"majilis-list","entry":1,"line":"L1","raw":"5","checked":"__CHANNEL__:1"}"#,
    ),
    ("finish_entry", r#"{"contest":"majilis-list","entry":1}"#),
    (
        "reconcile",
        r#"{"contest":"majilis-list","line":"L9","raw":"20","confirmNeither":false}"#,
    ),
    ("acknowledge", r#"{"contest":"majilis-list","code":"W05"}"#),
    (
        "attach_act",
        r#"{"contest":"majilis-list","code":"E01","number":"1","text":"Recounted twice in front of observers."}"#,
    ),
    ("finalize", r#"{"contest":"majilis-list"}"#),
    (
        "repeat_protocol",
        r#"{"contest":"majilis-list","reason":"recount"}"#,
    ),
    (
        "create_device_key",
        r#"{"passphrase":"a long enough passphrase","repeated":"a long enough passphrase"}"#,
    ),
    ("save_enrolment_sheet", r#"{"folder":"/tmp"}"#),
    (
        "export_batch",
        r#"{"passphrase":"a long enough passphrase","folder":"/tmp"}"#,
    ),
    (
        "print_protocol",
        r#"{"contest":"majilis-list","version":1,"passphrase":"x","folder":"/tmp"}"#,
    ),
    ("audit_log", r#"{}"#),
    ("verify_audit", r#"{}"#),
];

#[test]
fn nobody_signed_in_acts_and_a_clerk_is_refused_what_the_table_refuses() {
    let app = precinct();
    for (command, args) in ACTING {
        let args: Value = serde_json::from_str(args).unwrap();
        let refused = err(&app, command, args);
        assert_eq!(refused["code"], "error.app.not_signed_in", "{command}");
    }
    let session = ok(&app, "login", json!({ "name": "Ana", "pin": "268135" }));
    let allowed: Vec<&str> = session["allowed"]
        .as_array()
        .unwrap()
        .iter()
        .map(|code| code.as_str().unwrap())
        .collect();
    for (command, args) in ACTING {
        let args: Value = serde_json::from_str(args).unwrap();
        let outcome = invoke(&app, command, args);
        let needs = match *command {
            "add_user" | "unlock_user" | "add_member" => "perm.add_user",
            "save_value" | "finish_entry" => "perm.enter",
            "reconcile" => "perm.reconcile",
            "acknowledge" => "perm.acknowledge",
            "attach_act" => "perm.attach_act",
            "finalize" => "perm.finalize",
            "repeat_protocol" => "perm.repeat",
            "create_device_key" => "perm.make_device_key",
            "export_batch" => "perm.export",
            "save_enrolment_sheet" | "print_protocol" => "perm.print",
            "audit_log" => "perm.view_audit",
            _ => "perm.verify_audit",
        };
        let refused =
            matches!(&outcome, Err(error) if error["code"] == "error.store.not_permitted");
        assert_eq!(
            refused,
            !allowed.contains(&needs),
            "{command} as a clerk: {outcome:?}"
        );
    }
}
