//! The outbound commands through Tauri's IPC layer on the mock runtime: device key, export to a
//! folder (verified as the commission's receiver would), printing, and the audit chain check.
//!
//! The precinct is set up and P1 finalized through the other commands, which are tested with
//! their own concerns.

use hattama_batch::receive::{Expect, verify_batch};
use hattama_batch::registry::Registry;
use hattama_protocol::{Mode, PrecinctId, builtin};
use serde_json::{Value, json};

use crate::tests::{P1, TestApp, err, invoke, ok, precinct, save_value};

const PASSPHRASE: &str = "chair passphrase 2023";

/// The demo precinct of [`precinct`] with its chair on the commission, P1 typed twice (clean)
/// by the two clerks and finalized, the chair signed in: all through the commands.
fn app() -> TestApp {
    let app = precinct();
    for (name, pin, entry) in [("Ana", "268135", 1), ("Bek", "731946", 2)] {
        ok(&app, "login", json!({ "name": name, "pin": pin }));
        for &(line, value) in builtin::DEMO_CLEAN_P1 {
            save_value(&app, entry, line, &value.to_string()).unwrap();
        }
        ok(
            &app,
            "finish_entry",
            json!({ "contest": P1, "entry": entry }),
        );
    }
    ok(&app, "login", json!({ "name": "Aigul", "pin": "590417" }));
    ok(
        &app,
        "add_member",
        json!({ "name": "Aigul Sarsen", "position": "chair" }),
    );
    ok(&app, "finalize", json!({ "contest": P1 }));
    app
}

fn code(app: &TestApp, command: &str, args: Value) -> String {
    err(app, command, args)["code"].as_str().unwrap().to_owned()
}

fn folder(app: &TestApp, name: &str) -> String {
    let path = app.dir.path().join(name);
    std::fs::create_dir_all(&path).unwrap();
    path.display().to_string()
}

#[test]
fn the_device_key_needs_the_same_strong_passphrase_twice() {
    let app = app();
    let overview = ok(&app, "outbound_overview", json!({}));
    assert_eq!(overview["deviceKey"], Value::Null);
    assert_eq!(overview["finals"][0]["contest"], P1);
    assert_eq!(overview["finals"][0]["batchHash"], Value::Null);
    let make = |passphrase: &str, repeated: &str| json!({ "passphrase": passphrase, "repeated": repeated });
    assert_eq!(
        code(
            &app,
            "create_device_key",
            make(PASSPHRASE, "chair passphrase 2024")
        ),
        "error.device_key.mismatch"
    );
    assert_eq!(
        code(&app, "create_device_key", make("short", "short")),
        "error.store.weak_passphrase"
    );
    let key = ok(&app, "create_device_key", make(PASSPHRASE, PASSPHRASE));
    assert_eq!(key["keyId"].as_str().unwrap().len(), 16);
    // 32 hex digits in 8 groups of four.
    assert_eq!(key["fingerprint"].as_str().unwrap().len(), 39);
    assert_eq!(
        code(&app, "create_device_key", make(PASSPHRASE, PASSPHRASE)),
        "error.store.device_key_exists"
    );
    let sheet = ok(
        &app,
        "save_enrolment_sheet",
        json!({ "folder": folder(&app, "sheets") }),
    );
    assert_eq!(sheet["kind"], "enrolment");
    let bytes = std::fs::read(sheet["path"].as_str().unwrap()).unwrap();
    assert!(bytes.starts_with(b"%PDF"));
}

#[test]
fn an_export_is_written_verified_and_reused_then_printed() {
    let app = app();
    let make = json!({ "passphrase": PASSPHRASE, "repeated": PASSPHRASE });
    let key = ok(&app, "create_device_key", make);
    let stick = folder(&app, "stick");
    let export = |passphrase: &str, folder: &str| {
        invoke(
            &app,
            "export_batch",
            json!({ "passphrase": passphrase, "folder": folder }),
        )
    };
    assert_eq!(
        export("wrong passphrase", &stick).unwrap_err()["code"],
        "error.store.wrong_passphrase"
    );
    assert_eq!(
        export(PASSPHRASE, "").unwrap_err()["code"],
        "error.export.no_folder"
    );
    let missing = app.dir.path().join("no such folder").display().to_string();
    assert_eq!(
        export(PASSPHRASE, &missing).unwrap_err()["code"],
        "error.export.not_a_folder"
    );

    let written = export(PASSPHRASE, &stick).unwrap();
    assert_eq!(written["reused"], false);
    assert_eq!(written["export"]["sequence"], 1);
    let payload = std::fs::read(written["payload"].as_str().unwrap()).unwrap();
    let signature = std::fs::read_to_string(written["signature"].as_str().unwrap()).unwrap();
    let mut registry = Registry::new(
        &builtin::demo().definition.id,
        hattama_batch::keys::KeyId([0; 8]),
    );
    registry
        .add(
            key["publicKey"].as_str().unwrap(),
            PrecinctId {
                region: "abai".into(),
                number: 1,
            },
        )
        .unwrap();
    let expect = Expect {
        definition: builtin::demo(),
        templates: builtin::templates(),
        mode: Mode::Test,
    };
    let verified = verify_batch(&payload, &signature, &registry, &expect).unwrap();
    assert_eq!(
        written["export"]["hash"],
        hattama_batch::keys::group_hex(&verified.hash)
    );

    let again = export(PASSPHRASE, &folder(&app, "second stick")).unwrap();
    assert_eq!(again["reused"], true);
    assert_eq!(again["export"], written["export"]);
    let overview = ok(&app, "outbound_overview", json!({}));
    assert_eq!(overview["upToDate"], true);
    assert_eq!(
        overview["finals"][0]["batchHash"],
        written["export"]["hash"]
    );

    let print = |passphrase: &str| {
        invoke(
            &app,
            "print_protocol",
            json!({ "contest": P1, "version": 1, "passphrase": passphrase, "folder": folder(&app, "pdf") }),
        )
    };
    assert_eq!(
        print("wrong passphrase").unwrap_err()["code"],
        "error.store.wrong_passphrase"
    );
    let saved = print(PASSPHRASE).unwrap();
    let kinds: Vec<&str> = saved
        .as_array()
        .unwrap()
        .iter()
        .map(|file| file["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["protocol", "posting", "blank"]);
    for file in saved.as_array().unwrap() {
        let bytes = std::fs::read(file["path"].as_str().unwrap()).unwrap();
        assert!(bytes.starts_with(b"%PDF"), "{file}");
    }
    assert_eq!(
        code(
            &app,
            "print_protocol",
            json!({ "contest": P1, "version": 2, "passphrase": PASSPHRASE, "folder": folder(&app, "pdf") }),
        ),
        "error.print.no_final"
    );

    let check = ok(&app, "verify_audit", json!({}));
    assert_eq!(check["brokenAt"], Value::Null);
    assert_eq!(check["rows"], check["headSeq"]);
}

#[test]
fn printing_before_export_is_refused_with_its_code() {
    let app = app();
    ok(
        &app,
        "create_device_key",
        json!({ "passphrase": PASSPHRASE, "repeated": PASSPHRASE }),
    );
    assert_eq!(
        code(
            &app,
            "print_protocol",
            json!({ "contest": P1, "version": 1, "passphrase": PASSPHRASE, "folder": folder(&app, "pdf") }),
        ),
        "error.print.not_exported"
    );
}
