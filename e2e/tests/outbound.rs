//! The precinct's outbound side through the real webview: the chair makes the device key and
//! saves its enrolment sheet, exports the signed batch to a folder (which the commission's
//! receiver then verifies against a registry holding that key), exports again with nothing new
//! (the same batch), prints the protocol, and verifies the audit chain.
//!
//! Every folder is chosen in the real GTK file dialog, typed into on the X keyboard. Printing
//! opens the saved PDF in the desktop's viewer: here a recording `xdg-open` stands in for that
//! viewer, which cannot run headless (see `hattama_e2e`), and the test asserts on what the app
//! asked the desktop to open.
//!
//! The precinct is set up and P1 finalized through the store directly, before the app starts:
//! typing protocols through the UI is `tests/app.rs`'s business. With `HATTAMA_SCREENSHOTS=1`
//! each screen is captured in Kazakh and Russian into `docs/screenshots/`.

#[path = "support/pins.rs"]
mod pins;
#[path = "support/precinct.rs"]
mod precinct;

use std::path::{Path, PathBuf};

use hattama_batch::keys::{KeyId, group_hex};
use hattama_batch::receive::{Expect, verify_batch};
use hattama_batch::registry::Registry;
use hattama_e2e::{Session, message};
use hattama_protocol::{Mode, PrecinctId, builtin};
use hattama_store::{EntryNo, Store};
use serde_json::json;

use precinct::{CHAIR_PIN, NOW};

const P1: &str = "majilis-list";
const PASSPHRASE: &str = "chair passphrase 2023";

fn abai_1() -> PrecinctId {
    PrecinctId {
        region: "abai".into(),
        number: 1,
    }
}

/// The demo precinct abai/1 with its commission, P1 typed by two clerks and finalized.
fn finalized_precinct(database: &Path) {
    let (mut store, chair) = precinct::set_up_demo(database);
    for (name, position) in [
        ("Айгүл Сәрсенова", "chair"),
        ("Бекзат Оспанов", "secretary"),
    ] {
        store
            .add_member(&chair, name, position, NOW)
            .expect("a member is added");
    }
    precinct::add_clerks(&mut store, &chair, &[("Ana", "268135"), ("Bek", "731946")]);
    let ana = store.sign_in("Ana", "268135", NOW).expect("Ana signs in");
    let bek = store.sign_in("Bek", "731946", NOW).expect("Bek signs in");
    for (entry, user) in [(EntryNo::First, &ana), (EntryNo::Second, &bek)] {
        for &(line, value) in hattama_protocol::builtin::DEMO_CLEAN_P1 {
            store
                .save_value(user, P1, entry, line, &value.to_string(), NOW)
                .expect("a clean value saves");
        }
        store
            .finish_entry(user, P1, entry, NOW)
            .expect("the entry is complete");
    }
    store.finalize(&chair, P1, NOW).expect("P1 finalizes");
    store.close().expect("the store closes");
}

/// A folder beside the session's database.
fn folder(session: &Session, name: &str) -> PathBuf {
    let dir = session
        .database()
        .parent()
        .expect("the database is in a folder")
        .join(name);
    std::fs::create_dir_all(&dir).expect("the folder can be made");
    dir
}

/// Chooses `folder` for the folder field `id` in the system's folder dialog, as the clerk would.
async fn choose_folder(session: &Session, id: &str, folder: &Path) {
    session.click(&format!("{id}-choose")).await;
    session
        .choose_in_file_dialog(&message("kk", "folder.dialog"), folder)
        .await;
    session
        .wait_for_attribute(id, "data-path", &folder.display().to_string())
        .await;
}

async fn wait_for_screen(session: &Session, screen: &str) {
    session
        .wait_for_attribute("app-shell", "data-screen", screen)
        .await;
}

/// Scrolls the element `id` into view, as the screen did when it appeared (switching the
/// language re-lays the page out and moves it).
async fn scroll_to(session: &Session, id: &str) {
    let element = serde_json::to_value(session.find(id).await).expect("an element is JSON");
    session
        .client
        .execute(
            "arguments[0].scrollIntoView({ block: 'nearest' });",
            vec![element],
        )
        .await
        .expect("the webview runs scripts");
}

/// Checks the current screen with axe-core and captures it, in Kazakh and in Russian, then
/// switches back to Kazakh; `shown` is an element to keep in view.
async fn screenshots(session: &Session, name: &str, shown: Option<&str>) {
    session
        .wait_for_attribute("app-shell", "data-locale", "kk")
        .await;
    session
        .assert_accessible(&format!("the {name} screen in kk"))
        .await;
    session.screenshot(&format!("{name}-kk")).await;
    session.click("language-ru").await;
    session
        .wait_for_attribute("app-shell", "data-locale", "ru")
        .await;
    session
        .assert_accessible(&format!("the {name} screen in ru"))
        .await;
    if let Some(id) = shown {
        scroll_to(session, id).await;
    }
    session.screenshot(&format!("{name}-ru")).await;
    session.click("language-kk").await;
    session
        .wait_for_attribute("app-shell", "data-locale", "kk")
        .await;
}

/// The text of the element `id`, once it is there.
async fn text(session: &Session, id: &str) -> String {
    session
        .find(id)
        .await
        .text()
        .await
        .expect("the element has text")
}

/// The attribute `name` of the element `id`.
async fn attribute(session: &Session, id: &str, name: &str) -> String {
    session
        .find(id)
        .await
        .attr(name)
        .await
        .expect("the attribute can be read")
        .unwrap_or_default()
}

/// The payload and signature files written to `dir`.
fn batch_files(dir: &Path) -> (Vec<u8>, String) {
    let mut payload = None;
    let mut signature = None;
    for entry in std::fs::read_dir(dir).expect("the export folder is readable") {
        let path = entry.expect("an entry").path();
        let name = path.display().to_string();
        if name.ends_with(".json") {
            payload = Some(std::fs::read(&path).expect("the payload is readable"));
        } else if name.ends_with(".json.minisig") {
            signature = Some(std::fs::read_to_string(&path).expect("the signature is readable"));
        } else {
            panic!("unexpected file in the export folder: {name}");
        }
    }
    (
        payload.expect("a payload was written"),
        signature.expect("a signature was written"),
    )
}

#[tokio::test]
async fn device_key_export_print_and_audit_through_the_ui() {
    let session = Session::start_prepared(&finalized_precinct).await;

    // The chair signs in.
    wait_for_screen(&session, "login").await;
    session.click("login-user-Aigul").await;
    session.type_into("login-pin", CHAIR_PIN).await;
    session.click("login-submit").await;
    wait_for_screen(&session, "dashboard").await;

    // The device key: two different passphrases are refused, then it is made.
    session.click("open-device-key").await;
    wait_for_screen(&session, "device_key").await;
    session.type_into("device-key-passphrase", PASSPHRASE).await;
    session
        .type_into("device-key-repeat", "another passphrase")
        .await;
    session.click("device-key-create").await;
    session
        .wait_for_attribute("device-key-error", "data-code", "error.device_key.mismatch")
        .await;
    screenshots(&session, "device-key-error", None).await;
    session.type_into("device-key-passphrase", PASSPHRASE).await;
    session.type_into("device-key-repeat", PASSPHRASE).await;
    session.click("device-key-create").await;
    session.find("device-key-made").await;
    let key_id = text(&session, "device-key-id").await;
    let fingerprint = text(&session, "device-key-fingerprint").await;
    let key = {
        let store = Store::open(session.database()).expect("the database opens beside the app");
        store
            .device_key()
            .expect("the key can be read")
            .expect("the key was made")
    };
    assert_eq!(
        (key_id.as_str(), fingerprint.as_str()),
        (
            key.key_id.as_str(),
            hattama_batch::keys::fingerprint(&key.public_key)
                .expect("the stored public key has a fingerprint")
                .as_str()
        )
    );
    let sheets = folder(&session, "sheets");
    choose_folder(&session, "enrolment-folder", &sheets).await;
    session.click("enrolment-save").await;
    session
        .wait_for_attribute("enrolment-saved", "data-opened", "true")
        .await;
    let sheet = attribute(&session, "enrolment-saved", "data-path").await;
    assert!(sheet.starts_with(&sheets.display().to_string()), "{sheet}");
    assert!(
        std::fs::read(&sheet)
            .expect("the sheet was saved")
            .starts_with(b"%PDF")
    );
    assert_eq!(
        session.desktop_opened(),
        std::slice::from_ref(&sheet),
        "printing the sheet opens exactly the saved PDF in the desktop's viewer"
    );
    screenshots(&session, "device-key", None).await;
    session.click("back").await;
    wait_for_screen(&session, "dashboard").await;

    // Export: a wrong passphrase is refused, then the batch is written and verified.
    session.click("open-export").await;
    wait_for_screen(&session, "export").await;
    session.find(&format!("final-{P1}-1")).await;
    let stick = folder(&session, "stick");
    choose_folder(&session, "export-folder", &stick).await;
    screenshots(&session, "export", None).await;
    session
        .type_into("export-passphrase", "wrong passphrase")
        .await;
    session.click("export-write").await;
    session
        .wait_for_attribute("export-error", "data-code", "error.store.wrong_passphrase")
        .await;
    session.type_into("export-passphrase", PASSPHRASE).await;
    session.click("export-write").await;
    session
        .wait_for_attribute("export-done", "data-reused", "false")
        .await;
    session.find("export-safe").await;
    let shown_hash = text(&session, "export-hash").await;
    screenshots(&session, "export-done", Some("export-done")).await;

    let (payload, signature) = batch_files(&stick);
    let mut registry = Registry::new(&builtin::demo().definition.id, KeyId([0; 8]));
    registry
        .add(&key.public_key, abai_1())
        .expect("the key enrols");
    let expect = Expect {
        definition: builtin::demo(),
        templates: builtin::templates(),
        mode: Mode::Test,
    };
    let verified = verify_batch(&payload, &signature, &registry, &expect)
        .expect("the commission's receiver accepts the batch");
    assert_eq!(verified.payload.protocols.len(), 1);
    assert_eq!(shown_hash, group_hex(&verified.hash));

    // Nothing new: the same batch is written again to a second stick.
    let second = folder(&session, "second stick");
    choose_folder(&session, "export-folder", &second).await;
    session.type_into("export-passphrase", PASSPHRASE).await;
    session.click("export-write").await;
    session
        .wait_for_attribute("export-done", "data-reused", "true")
        .await;
    session.find("export-up-to-date").await;
    assert_eq!(text(&session, "export-hash").await, shown_hash);
    assert_eq!(batch_files(&second), (payload, signature));
    session.click("back").await;
    wait_for_screen(&session, "dashboard").await;

    // Print: the protocol, its posting copy and the blank form are saved into the folder chosen
    // in the dialog, and the protocol opens in the desktop's viewer to print; the posting copy
    // opens with its own button.
    session.click("open-print").await;
    wait_for_screen(&session, "print").await;
    let pdfs = folder(&session, "pdf");
    choose_folder(&session, "print-folder", &pdfs).await;
    session.type_into("print-passphrase", PASSPHRASE).await;
    screenshots(&session, "print", None).await;
    session.click("print-save").await;
    session
        .wait_for_attribute("print-saved-protocol", "data-opened", "true")
        .await;
    let protocol = attribute(&session, "print-saved-protocol", "data-path").await;
    assert!(
        protocol.starts_with(&pdfs.display().to_string()),
        "{protocol}"
    );
    let bytes = std::fs::read(&protocol).expect("the protocol PDF was saved");
    assert!(bytes.starts_with(b"%PDF"), "{protocol} is not a PDF");
    for kind in ["posting", "blank"] {
        let path = attribute(&session, &format!("print-saved-{kind}"), "data-path").await;
        assert!(std::fs::read(&path).expect("saved").starts_with(b"%PDF"));
    }
    assert_eq!(
        session.desktop_opened(),
        [sheet.clone(), protocol.clone()],
        "the print action opens the protocol it saved in the desktop's viewer, and nothing else"
    );
    screenshots(&session, "print-done", Some("print-done")).await;
    session.click("print-open-posting").await;
    session
        .wait_for_attribute("print-saved-posting", "data-opened", "true")
        .await;
    let posting = attribute(&session, "print-saved-posting", "data-path").await;
    assert_eq!(
        session.wait_for_desktop_opened(3).await,
        [sheet, protocol, posting]
    );

    // The webview itself cannot open a file or a dialog: only the app's own commands, which
    // open nothing but what this run printed.
    for command in ["plugin:dialog|open", "plugin:opener|open_path"] {
        let refused = session
            .invoke(command, json!({ "options": {}, "path": "/etc/passwd" }))
            .await;
        assert!(
            refused.is_err(),
            "the webview may call {command}: {refused:?}"
        );
    }
    assert!(
        session
            .invoke("open_document", json!({ "kind": "/etc/passwd" }))
            .await
            .is_err()
    );
    assert_eq!(session.desktop_opened().len(), 3, "nothing more was opened");
    session.click("back").await;
    wait_for_screen(&session, "dashboard").await;

    // The audit log: the chain verifies.
    session.click("open-audit").await;
    wait_for_screen(&session, "audit").await;
    session.click("audit-verify").await;
    session
        .wait_for_attribute("audit-verify-result", "data-ok", "true")
        .await;
    screenshots(&session, "audit-verify", None).await;
    session.finish().await;
}
