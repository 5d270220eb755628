//! One protocol's commands through the IPC layer: typing field by field, the form, two entries
//! reconciled, reviewed and finalized, blindness in every answer, and the audit log.

use serde_json::{Value, json};

use crate::tests::{CHECKED_CHANNEL, P1, TestApp, err, invoke, ok, precinct, save_value as save};

/// The demo P1 with W05 (`builtin::DEMO_W05_P1`), with `l9` in L9: the two clerks differ there.
fn p1_values(l9: u32) -> Vec<(&'static str, String)> {
    hattama_protocol::builtin::DEMO_W05_P1
        .iter()
        .map(|&(line, value)| (line, if line == "L9" { l9 } else { value }.to_string()))
        .collect()
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
fn a_save_sends_its_checks_on_its_channel_and_answers_the_same_once_stored() {
    let app = precinct();
    ok(&app, "login", json!({ "name": "Ana", "pin": "268135" }));
    let answer = save(&app, 1, "L4", "199").unwrap();
    let sent = app.sent.lock().unwrap().clone();
    // The one message on the save's channel is the answer itself, sent ahead of the commit.
    let on_channel: Vec<&Value> = sent
        .iter()
        .filter(|(channel, _)| *channel == CHECKED_CHANNEL)
        .map(|(_, message)| message)
        .collect();
    assert_eq!(on_channel, [&answer]);
    assert_eq!(answer["value"], 199);
    assert!(answer["findings"].as_array().is_some_and(|f| !f.is_empty()));

    // A refused text is not checked: nothing more goes out on the channel.
    assert_eq!(
        save(&app, 1, "L4", "19x").unwrap_err()["code"],
        "error.store.bad_value"
    );
    assert_eq!(app.sent.lock().unwrap().len(), sent.len());
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
