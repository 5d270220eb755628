//! The precinct's commands through the IPC layer: a definition file loads only with the pinned
//! commission key, setup, the overview, and signing in with a PIN.

use serde_json::{Value, json};

use crate::tests::{app, err, ok, precinct};

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
