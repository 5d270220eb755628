//! The commands through Tauri's real IPC layer on the mock runtime: no display, milliseconds each.
//!
//! The app is built by the same [`crate::configure`] as `main.rs` uses, with the real
//! `tauri.conf.json` and capabilities, so a command that is not registered, not granted or needs
//! state that was never managed fails here.

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::sync::Mutex;

use hattama_protocol::{DefinitionError, InputError, PrecinctId};
use hattama_store::{EntryNo, StoreError, TransitionError, UserId};
use serde_json::{Value, json};
use tauri::ipc::{CallbackFn, InvokeBody};
use tauri::test::{INVOKE_KEY, MockRuntime, mock_builder};
use tauri::webview::InvokeRequest;
use tauri::{App, Manager, WebviewWindow};

use crate::command_names::COMMANDS;
use crate::error::ERROR_CODES;
use crate::state::AppState;

struct TestApp {
    _app: App<MockRuntime>,
    window: WebviewWindow<MockRuntime>,
    _dir: tempfile::TempDir,
}

/// Builds the app and runs its setup once, which opens the configured `main` window; its
/// database lives in a fresh temp dir.
fn app() -> TestApp {
    let mut app = crate::configure(mock_builder())
        .build(tauri::generate_context!())
        .unwrap();
    run_setup(&mut app);
    let dir = tempfile::tempdir().unwrap();
    app.state::<Mutex<AppState>>().lock().unwrap().database_path = dir.path().join("hattama.db");
    let window = app.get_webview_window("main").unwrap();
    TestApp {
        _app: app,
        window,
        _dir: dir,
    }
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
    invoke_in(&app.window, command, args)
}

/// [`invoke`] in any mock window (the outbound tests build their own app).
pub(crate) fn invoke_in(
    window: &WebviewWindow<MockRuntime>,
    command: &str,
    args: Value,
) -> Result<Value, Value> {
    let request = InvokeRequest {
        cmd: command.into(),
        callback: CallbackFn(0),
        error: CallbackFn(1),
        url: "tauri://localhost".parse().unwrap(),
        body: InvokeBody::Json(args),
        headers: Default::default(),
        invoke_key: INVOKE_KEY.to_owned(),
    };
    tauri::test::get_ipc_response(window, request).map(|body| body.deserialize().unwrap())
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

#[test]
fn every_error_code_has_a_message_in_every_catalogue() {
    let catalogues = [
        ("kk", include_str!("../../ui/src/lib/i18n/kk.json")),
        ("ru", include_str!("../../ui/src/lib/i18n/ru.json")),
        ("en", include_str!("../../ui/src/lib/i18n/en.json")),
    ];
    for (locale, text) in catalogues {
        let catalogue: Value = serde_json::from_str(text).unwrap();
        for key in ERROR_CODES {
            let message = catalogue[key].as_str().unwrap_or_default();
            assert!(
                !message.is_empty(),
                "{locale}.json has no message for `{key}`"
            );
        }
    }
}

/// One value of every `StoreError` variant (and every transition and key error): the match in
/// `store_error_variant` has no wildcard, so a new variant fails to compile until it is added.
fn every_store_error() -> Vec<StoreError> {
    let transitions = [
        TransitionError::AlreadyFinal,
        TransitionError::SameUserSecondEntry,
        TransitionError::NotYourEntry {
            entry: EntryNo::First,
            owner: UserId(1),
        },
        TransitionError::FirstEntryNotDone,
        TransitionError::EntryClosed {
            entry: EntryNo::First,
        },
        TransitionError::IncompleteEntry { missing: vec![] },
        TransitionError::Blind {
            entry: EntryNo::First,
        },
        TransitionError::NothingToReconcile,
        TransitionError::NotAgreed,
        TransitionError::UnacknowledgedWarnings { codes: vec![] },
        TransitionError::ErrorsWithoutAct { codes: vec![] },
        TransitionError::NotFinal,
        TransitionError::EmptyReason,
    ];
    for transition in &transitions {
        transition_variant(transition);
    }
    let path = PathBuf::from("hattama.db");
    let io = || std::io::Error::other("test");
    let mut errors: Vec<StoreError> = transitions.into_iter().map(StoreError::from).collect();
    errors.extend([
        StoreError::Corrupt {
            path: path.clone(),
            detail: String::new(),
            backups: vec![],
        },
        StoreError::NotHattama {
            path: path.clone(),
            backups: vec![],
        },
        StoreError::TooNew {
            found: 9,
            supported: 1,
        },
        StoreError::NotSetUp,
        StoreError::AlreadySetUp,
        StoreError::Definition(DefinitionError::Syntax(String::new())),
        StoreError::UnknownPrecinct(PrecinctId {
            region: "abai".into(),
            number: 1,
        }),
        StoreError::UnknownContest(String::new()),
        StoreError::UnknownLine {
            contest: String::new(),
            line: String::new(),
        },
        StoreError::BadValue {
            line: String::new(),
            error: InputError::NotANumber,
        },
        StoreError::LineNotDiffering(String::new()),
        StoreError::UnknownRule(String::new()),
        StoreError::WrongSeverity {
            code: String::new(),
            expected: "warning",
        },
        StoreError::RuleNotFailing(String::new()),
        StoreError::AlreadyAcknowledged(String::new()),
        StoreError::EmptyText("name"),
        StoreError::UnknownUser(String::new()),
        StoreError::DuplicateUser(String::new()),
        StoreError::PinFormat,
        StoreError::WeakPin,
        StoreError::WrongPin,
        StoreError::Locked {
            until: hattama_store::Timestamp(0),
        },
        StoreError::NotPermitted {
            permission: hattama_store::Permission::Finalize,
        },
        StoreError::TypedAnEntry {
            permission: hattama_store::Permission::Reconcile,
        },
        StoreError::PinNeeded,
        StoreError::LastChair,
        StoreError::ActTooShort { min: 20 },
        StoreError::NoChair,
        StoreError::Io {
            path: path.clone(),
            source: io(),
        },
        StoreError::NoDataDir,
        StoreError::BadBackup {
            path,
            reason: String::new(),
        },
        StoreError::Inconsistent(String::new()),
        StoreError::Sqlite(rusqlite::Error::InvalidQuery),
        StoreError::DeviceKeyExists,
        StoreError::NoDeviceKey,
        StoreError::CommissionKeyPinned {
            pinned: String::new(),
            offered: String::new(),
        },
        StoreError::NothingToExport,
        StoreError::UnknownExport(1),
        StoreError::IntegrityFailed {
            detail: String::new(),
        },
        StoreError::AuditBroken {
            seq: 1,
            problem: "edited",
        },
        StoreError::FinalNotVouched {
            contest: String::new(),
            version: 1,
            line: String::new(),
        },
    ]);
    for error in &errors {
        store_error_variant(error);
    }
    errors
}

/// Fails to compile when `TransitionError` gains a variant `every_store_error` does not build.
fn transition_variant(error: &TransitionError) {
    match error {
        TransitionError::AlreadyFinal
        | TransitionError::SameUserSecondEntry
        | TransitionError::NotYourEntry { .. }
        | TransitionError::FirstEntryNotDone
        | TransitionError::EntryClosed { .. }
        | TransitionError::IncompleteEntry { .. }
        | TransitionError::Blind { .. }
        | TransitionError::NothingToReconcile
        | TransitionError::NotAgreed
        | TransitionError::UnacknowledgedWarnings { .. }
        | TransitionError::ErrorsWithoutAct { .. }
        | TransitionError::NotFinal
        | TransitionError::EmptyReason => {}
    }
}

/// Fails to compile when `StoreError` gains a variant `every_store_error` does not build.
fn store_error_variant(error: &StoreError) {
    match error {
        StoreError::Transition(_)
        | StoreError::Corrupt { .. }
        | StoreError::NotHattama { .. }
        | StoreError::TooNew { .. }
        | StoreError::NotSetUp
        | StoreError::AlreadySetUp
        | StoreError::Definition(_)
        | StoreError::UnknownPrecinct(_)
        | StoreError::UnknownContest(_)
        | StoreError::UnknownLine { .. }
        | StoreError::BadValue { .. }
        | StoreError::LineNotDiffering(_)
        | StoreError::UnknownRule(_)
        | StoreError::WrongSeverity { .. }
        | StoreError::RuleNotFailing(_)
        | StoreError::AlreadyAcknowledged(_)
        | StoreError::EmptyText(_)
        | StoreError::UnknownUser(_)
        | StoreError::DuplicateUser(_)
        | StoreError::PinFormat
        | StoreError::WeakPin
        | StoreError::WrongPin
        | StoreError::Locked { .. }
        | StoreError::NotPermitted { .. }
        | StoreError::TypedAnEntry { .. }
        | StoreError::PinNeeded
        | StoreError::LastChair
        | StoreError::ActTooShort { .. }
        | StoreError::NoChair
        | StoreError::Io { .. }
        | StoreError::NoDataDir
        | StoreError::BadBackup { .. }
        | StoreError::Inconsistent(_)
        | StoreError::Sqlite(_)
        | StoreError::DeviceKeyExists
        | StoreError::NoDeviceKey
        | StoreError::NothingToExport
        | StoreError::UnknownExport(_)
        | StoreError::IntegrityFailed { .. }
        | StoreError::AuditBroken { .. }
        | StoreError::FinalNotVouched { .. }
        | StoreError::CommissionKeyPinned { .. } => {}
    }
}

#[test]
fn every_precinct_error_code_is_listed_for_the_ui() {
    for code in hattama_precinct::PrecinctError::CODES {
        let key = format!("error.{code}");
        assert!(
            ERROR_CODES.contains(&key.as_str()),
            "{key} is missing from ERROR_CODES (and so maybe from the catalogues)"
        );
    }
}

#[test]
fn every_store_error_code_is_listed_for_the_ui() {
    for error in every_store_error() {
        let key = format!("error.{}", error.code());
        assert!(
            ERROR_CODES.contains(&key.as_str()),
            "{key} is missing from ERROR_CODES (and so maybe from the catalogues)"
        );
    }
}

fn ok(app: &TestApp, command: &str, args: Value) -> Value {
    match invoke(app, command, args) {
        Ok(value) => value,
        Err(error) => panic!("`{command}` failed: {error}"),
    }
}

fn err(app: &TestApp, command: &str, args: Value) -> Value {
    match invoke(app, command, args) {
        Ok(value) => panic!("`{command}` succeeded with {value}"),
        Err(error) => error,
    }
}

/// A definition folder as handed out: `definition.json` signed by a fresh key whose
/// `commission.pub` lies beside it. Returns the folder, the file's path and the key.
fn signed_definition_folder() -> (tempfile::TempDir, String, String) {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("definition.json");
    std::fs::write(&file, hattama_protocol::builtin::DEMO_JSON).unwrap();
    let commission = hattama_batch::keys::generate_unencrypted("commission").unwrap();
    let key = hattama_batch::keys::unlock(&commission.secret_key, None).unwrap();
    let signature =
        hattama_batch::registry::sign_definition(hattama_protocol::builtin::DEMO_JSON, &key)
            .unwrap();
    std::fs::write(dir.path().join("definition.json.minisig"), signature).unwrap();
    std::fs::write(
        dir.path().join("commission.pub"),
        format!("{}\n", commission.public_key),
    )
    .unwrap();
    let path = file.to_str().unwrap().to_owned();
    (dir, path, commission.public_key)
}

/// The groups at the challenge's blanked positions of `public_key`'s fingerprint (the paper's).
fn paper_groups(public_key: &str, challenge: &Value) -> Value {
    let fingerprint = hattama_batch::keys::fingerprint(public_key).unwrap();
    let groups: Vec<&str> = fingerprint.split(' ').collect();
    challenge["blanked"]
        .as_array()
        .unwrap()
        .iter()
        .map(|idx| groups[usize::try_from(idx.as_u64().unwrap()).unwrap()])
        .collect()
}

#[test]
fn a_definition_file_loads_only_with_the_pinned_commission_key() {
    let app = app();
    let (dir, path, public_key) = signed_definition_folder();
    let refused = err(&app, "definition_choices", json!({ "path": path }));
    assert_eq!(refused["code"], "error.app.commission_key_not_pinned");

    let challenge = ok(&app, "commission_key_challenge", json!({ "path": path }));
    assert_eq!(challenge["pinned"], false);
    assert_eq!(challenge["groups"].as_array().unwrap().len(), 8);
    assert_eq!(
        challenge["groups"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|group| group.is_null())
            .count(),
        2
    );
    let wrong = err(
        &app,
        "pin_commission_key",
        json!({ "path": path, "groups": ["0000", "0000"] }),
    );
    assert_eq!(wrong["code"], "error.app.fingerprint_mismatch");
    let pinned = ok(
        &app,
        "pin_commission_key",
        json!({ "path": path, "groups": paper_groups(&public_key, &challenge) }),
    );
    assert_eq!(pinned["pinned"], true);

    let choices = ok(&app, "definition_choices", json!({ "path": path }));
    let hash = hattama_protocol::definition::sha256_hex(hattama_protocol::builtin::DEMO_JSON);
    assert_eq!(choices["hash"], hattama_batch::keys::group_hex(&hash));

    let file = dir.path().join("definition.json");
    let mut altered = hattama_protocol::builtin::DEMO_JSON.to_vec();
    altered.push(b' ');
    std::fs::write(&file, altered).unwrap();
    let refused = err(&app, "definition_choices", json!({ "path": path }));
    assert_eq!(refused["code"], "error.app.definition_signature");
    let refused = err(
        &app,
        "setup_precinct",
        json!({ "path": path, "region": "abai", "number": 1, "chairName": "Aigul", "chairPin": "590417" }),
    );
    assert_eq!(refused["code"], "error.app.definition_signature");
    std::fs::write(&file, hattama_protocol::builtin::DEMO_JSON).unwrap();
    ok(
        &app,
        "setup_precinct",
        json!({ "path": path, "region": "abai", "number": 1, "chairName": "Aigul", "chairPin": "590417" }),
    );
}

#[test]
fn attack_6_a_self_signed_definition_is_refused_after_the_real_key_is_pinned() {
    let app = app();
    let (_real_dir, real, real_key) = signed_definition_folder();
    let (_forged_dir, forged, _) = signed_definition_folder();

    // The forged key confirmed with the real paper's groups: refused.
    let challenge = ok(&app, "commission_key_challenge", json!({ "path": forged }));
    let refused = err(
        &app,
        "pin_commission_key",
        json!({ "path": forged, "groups": paper_groups(&real_key, &challenge) }),
    );
    assert_eq!(refused["code"], "error.app.fingerprint_mismatch");
    assert_eq!(refused["params"], json!({}));

    let challenge = ok(&app, "commission_key_challenge", json!({ "path": real }));
    ok(
        &app,
        "pin_commission_key",
        json!({ "path": real, "groups": paper_groups(&real_key, &challenge) }),
    );
    // Once the real key is pinned, the forged folder's key is refused outright, and its
    // definition does not load.
    let refused = err(&app, "commission_key_challenge", json!({ "path": forged }));
    assert_eq!(refused["code"], "error.store.commission_key_pinned");
    let refused = err(
        &app,
        "setup_precinct",
        json!({ "path": forged, "region": "abai", "number": 1, "chairName": "Aigul", "chairPin": "590417" }),
    );
    assert_eq!(refused["code"], "error.app.definition_signature");
}

/// A demo precinct set up by its chair Aigul, who adds two clerks and signs out.
fn precinct() -> TestApp {
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

const P1: &str = "majilis-list";

fn save(app: &TestApp, entry: u8, line: &str, raw: &str) -> Result<Value, Value> {
    invoke(
        app,
        "save_value",
        json!({ "contest": P1, "entry": entry, "line": line, "raw": raw }),
    )
}

/// The demo P1 with W05 (`builtin::DEMO_W05_P1`), with `l9` in L9: the two clerks differ there.
fn p1_values(l9: u32) -> Vec<(&'static str, String)> {
    hattama_protocol::builtin::DEMO_W05_P1
        .iter()
        .map(|&(line, value)| (line, if line == "L9" { l9 } else { value }.to_string()))
        .collect()
}

#[test]
fn the_overview_starts_empty_and_shows_the_set_up_precinct() {
    let app = app();
    let overview = ok(&app, "overview", json!({}));
    assert_eq!(overview["precinct"], Value::Null);
    let app = precinct();
    let overview = ok(&app, "overview", json!({}));
    assert_eq!(overview["precinct"]["number"], 1);
    assert_eq!(overview["precinct"]["demo"], true);
    let protocols = overview["precinct"]["protocols"].as_array().unwrap();
    assert_eq!(protocols.len(), 5);
    assert_eq!(protocols[0]["template"], "P1");
    assert_eq!(protocols[0]["state"]["phase"], "empty");
    assert_eq!(protocols[0]["state"]["openEntry"], 1);
    assert_eq!(overview["users"].as_array().unwrap().len(), 3);
    assert_eq!(overview["user"], Value::Null);
    assert_eq!(overview["allowed"], json!([]));
}

#[test]
fn typing_needs_a_signed_in_user_and_a_right_pin() {
    let app = precinct();
    assert_eq!(
        save(&app, 1, "L1", "5").unwrap_err()["code"],
        "error.app.not_signed_in"
    );
    let wrong = err(&app, "login", json!({ "name": "Ana", "pin": "000111" }));
    assert_eq!(wrong["code"], "error.store.wrong_pin");
    let session = ok(&app, "login", json!({ "name": "Ana", "pin": "268135" }));
    assert_eq!(session["user"]["role"], "clerk");
    assert_eq!(
        session["allowed"],
        json!(["perm.enter", "perm.view_audit", "perm.verify_audit"])
    );
    let overview = ok(&app, "overview", json!({}));
    assert_eq!(overview["user"]["name"], "Ana");
    assert_eq!(overview["allowed"], session["allowed"]);
}

#[test]
fn a_refused_keystroke_stores_nothing() {
    let app = precinct();
    ok(&app, "login", json!({ "name": "Ana", "pin": "268135" }));
    save(&app, 1, "L1", "1000").unwrap();
    for (raw, input) in [
        ("1000a", "not_a_number"),
        ("-5", "negative"),
        ("10000000", "too_large"),
    ] {
        let refused = save(&app, 1, "L1", raw).unwrap_err();
        assert_eq!(
            refused,
            json!({ "code": "error.store.bad_value", "params": { "line": "L1", "input": input } })
        );
    }
    let form = ok(&app, "open_protocol", json!({ "contest": P1 }));
    assert_eq!(form["values"][0], json!({ "line": "L1", "value": 1000 }));
}

#[test]
fn the_form_lists_lines_in_paper_order_with_invented_rows() {
    let app = precinct();
    ok(&app, "login", json!({ "name": "Ana", "pin": "268135" }));
    let form = ok(&app, "open_protocol", json!({ "contest": P1 }));
    let ids: Vec<&str> = form["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|line| line["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids.first(), Some(&"L1"));
    assert_eq!(ids.last(), Some(&"L9"));
    assert!(ids.contains(&"L8.7"));
    let smd = ok(&app, "open_protocol", json!({ "contest": "majilis-smd-1" }));
    let row = smd["lines"]
        .as_array()
        .unwrap()
        .iter()
        .find(|line| line["id"] == "L8.1")
        .unwrap();
    assert_eq!(row["row"]["number"], 1);
    assert_eq!(row["row"]["invented"], true);
}

#[test]
fn two_entries_reconcile_review_and_finalize() {
    let app = precinct();
    ok(&app, "login", json!({ "name": "Ana", "pin": "268135" }));
    let mut last = Value::Null;
    for (line, value) in p1_values(20) {
        last = save(&app, 1, line, &value).unwrap();
    }
    let failing: Vec<&str> = last["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|finding| finding["status"] == "fail")
        .map(|finding| finding["code"].as_str().unwrap())
        .collect();
    assert_eq!(failing, ["W05"]);
    let state = ok(&app, "finish_entry", json!({ "contest": P1, "entry": 1 }));
    assert_eq!(state["phase"], "first_done");

    // The same clerk cannot type the second entry.
    assert_eq!(
        save(&app, 2, "L1", "1000").unwrap_err()["code"],
        "error.store.same_user_second_entry"
    );
    ok(&app, "logout", json!({}));
    ok(&app, "login", json!({ "name": "Bek", "pin": "731946" }));
    let form = ok(&app, "open_protocol", json!({ "contest": P1 }));
    assert_eq!(form["summary"]["state"]["openEntry"], 2);
    assert!(
        form["values"]
            .as_array()
            .unwrap()
            .iter()
            .all(|value| value["value"].is_null()),
        "the second entry is blind: {form}"
    );
    for (line, value) in p1_values(21) {
        save(&app, 2, line, &value).unwrap();
    }
    let state = ok(&app, "finish_entry", json!({ "contest": P1, "entry": 2 }));
    assert_eq!(state["phase"], "differ");
    // A clerk does not settle the difference; the chair, who typed neither entry, does.
    let refused = err(
        &app,
        "reconcile",
        json!({ "contest": P1, "line": "L9", "raw": "20", "confirmNeither": true }),
    );
    assert_eq!(refused["code"], "error.store.not_permitted");
    ok(&app, "logout", json!({}));
    ok(&app, "login", json!({ "name": "Aigul", "pin": "590417" }));
    let differences = ok(&app, "differences", json!({ "contest": P1 }));
    assert_eq!(
        differences,
        json!([{ "line": "L9", "settled": null, "matched": null }])
    );
    let unconfirmed = ok(
        &app,
        "reconcile",
        json!({ "contest": P1, "line": "L9", "raw": "19", "confirmNeither": false }),
    );
    assert_eq!(
        unconfirmed,
        json!({ "needsConfirmation": true, "matched": null, "state": null })
    );
    let outcome = ok(
        &app,
        "reconcile",
        json!({ "contest": P1, "line": "L9", "raw": "20", "confirmNeither": false }),
    );
    assert_eq!(outcome["needsConfirmation"], false);
    assert_eq!(outcome["matched"], "first");
    assert_eq!(outcome["state"]["phase"], "agreed");
    let differences = ok(&app, "differences", json!({ "contest": P1 }));
    assert_eq!(
        differences,
        json!([{ "line": "L9", "settled": 20, "matched": "first" }])
    );

    let refused = err(&app, "finalize", json!({ "contest": P1 }));
    assert_eq!(refused["code"], "error.store.unacknowledged_warnings");
    ok(&app, "acknowledge", json!({ "contest": P1, "code": "W05" }));
    let review = ok(&app, "review", json!({ "contest": P1 }));
    assert_eq!(review["acknowledged"], json!(["W05"]));
    assert_eq!(ok(&app, "finalize", json!({ "contest": P1 })), 1);
    let overview = ok(&app, "overview", json!({}));
    assert_eq!(
        overview["precinct"]["protocols"][0]["state"]["phase"],
        "final"
    );

    let version = ok(
        &app,
        "repeat_protocol",
        json!({ "contest": P1, "reason": "the territorial commission asked for a recount" }),
    );
    assert_eq!(version, 2);
    let log = ok(&app, "audit_log", json!({}));
    assert_eq!(log["intact"], true);
    assert_eq!(log["rows"][0]["action"], "protocol.repeat");
}

/// Every read command a person's screen calls, as the signed-in user; each answer (or refusal)
/// as JSON text.
fn every_read(app: &TestApp) -> Vec<(String, String)> {
    let contest = json!({ "contest": P1 });
    [
        ("open_protocol", contest.clone()),
        ("differences", contest.clone()),
        ("review", contest),
        ("audit_log", json!({})),
        ("overview", json!({})),
        ("outbound_overview", json!({})),
        ("verify_audit", json!({})),
    ]
    .into_iter()
    .map(|(command, args)| {
        let answer = match invoke(app, command, args) {
            Ok(value) | Err(value) => value.to_string(),
        };
        (command.to_owned(), answer)
    })
    .collect()
}

/// Signs `name` in and asserts that no read answer carries any of `secrets`.
fn assert_sees_none(app: &TestApp, name: &str, pin: &str, secrets: &[&str], stage: &str) {
    ok(app, "logout", json!({}));
    ok(app, "login", json!({ "name": name, "pin": pin }));
    for (command, answer) in every_read(app) {
        for secret in secrets {
            assert!(
                !answer.contains(secret),
                "{stage}: `{command}` shows {name} the value {secret}: {answer}"
            );
        }
    }
}

#[test]
fn no_answer_carries_an_entry_value_before_the_entries_agree() {
    // Distinctive numbers, so a leak shows in any field: Ana's L9 and Bek's L9.
    const ANA_L9: &str = "9876543";
    const BEK_L9: &str = "8765432";
    let app = precinct();
    let (ana, bek, chair) = (("Ana", "268135"), ("Bek", "731946"), ("Aigul", "590417"));
    ok(&app, "login", json!({ "name": ana.0, "pin": ana.1 }));
    save(&app, 1, "L9", ANA_L9).unwrap();
    for who in [bek, chair] {
        assert_sees_none(&app, who.0, who.1, &[ANA_L9], "entry 1 typed");
    }
    ok(&app, "logout", json!({}));
    ok(&app, "login", json!({ "name": ana.0, "pin": ana.1 }));
    for (line, value) in p1_values(20) {
        if line != "L9" {
            save(&app, 1, line, &value).unwrap();
        }
    }
    ok(&app, "finish_entry", json!({ "contest": P1, "entry": 1 }));
    for who in [bek, chair] {
        assert_sees_none(&app, who.0, who.1, &[ANA_L9], "entry 1 done");
    }
    ok(&app, "logout", json!({}));
    ok(&app, "login", json!({ "name": bek.0, "pin": bek.1 }));
    for (line, value) in p1_values(20) {
        let value = if line == "L9" {
            BEK_L9.to_owned()
        } else {
            value
        };
        save(&app, 2, line, &value).unwrap();
    }
    assert_sees_none(&app, bek.0, bek.1, &[ANA_L9], "entry 2 typed");
    assert_sees_none(&app, ana.0, ana.1, &[BEK_L9], "entry 2 typed");
    assert_sees_none(&app, chair.0, chair.1, &[ANA_L9, BEK_L9], "entry 2 typed");
    ok(&app, "logout", json!({}));
    ok(&app, "login", json!({ "name": bek.0, "pin": bek.1 }));
    let state = ok(&app, "finish_entry", json!({ "contest": P1, "entry": 2 }));
    assert_eq!(state["phase"], "differ");
    // Both done but differing: the reconciler reads the paper, not the entries.
    assert_sees_none(&app, chair.0, chair.1, &[ANA_L9, BEK_L9], "differ");
    assert_sees_none(&app, ana.0, ana.1, &[BEK_L9], "differ");
    assert_sees_none(&app, bek.0, bek.1, &[ANA_L9], "differ");
    // The audit rows stay, marked hidden.
    let log = ok(&app, "audit_log", json!({}));
    let saves: Vec<&Value> = log["rows"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|row| row["action"] == "value.save")
        .collect();
    assert_eq!(saves.len(), 2 * p1_values(20).len());
    assert!(saves.iter().all(|row| row["hidden"] == true));
    assert_eq!(log["intact"], true);

    // Settled against the paper by the chair, who typed neither entry: now everyone may see both.
    ok(&app, "logout", json!({}));
    ok(&app, "login", json!({ "name": chair.0, "pin": chair.1 }));
    let outcome = ok(
        &app,
        "reconcile",
        json!({ "contest": P1, "line": "L9", "raw": "20", "confirmNeither": true }),
    );
    assert_eq!(outcome["matched"], "neither");
    let log = ok(&app, "audit_log", json!({})).to_string();
    assert!(log.contains(ANA_L9) && log.contains(BEK_L9));
}

#[test]
fn the_audit_log_needs_a_signed_in_user() {
    let app = precinct();
    assert_eq!(
        err(&app, "audit_log", json!({}))["code"],
        "error.app.not_signed_in"
    );
    ok(&app, "login", json!({ "name": "Ana", "pin": "268135" }));
    assert!(ok(&app, "audit_log", json!({}))["rows"].is_array());
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
        r#"{"contest":"majilis-list","entry":1,"line":"L1","raw":"5"}"#,
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
