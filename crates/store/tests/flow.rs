//! The whole path of one protocol through the store: two entries, reconciliation, warnings,
//! acts, finalizing with the chair's PIN, the automatic backup, and a repeated protocol.

pub mod common;

use hattama_protocol::{Count, Status};
use hattama_store::{
    EntryNo, Matched, Phase, Reconciled, State, Store, StoreError, TransitionError, TypedField,
};

use common::{NOW, P1, clean_p1, placeholder_export, precinct, type_entry, with};

fn phase(store: &Store) -> Phase {
    store.status(P1).expect("test helper").state.phase()
}

#[test]
fn two_entries_differing_in_one_line_are_reconciled_and_finalized() {
    let mut p = precinct();
    p.type_first(&clean_p1());
    assert_eq!(phase(&p.store), Phase::FirstDone);
    p.type_second(&with(&clean_p1(), "L9", 81));
    assert_eq!(phase(&p.store), Phase::Differ);
    let differences = p.store.differences(P1).unwrap();
    assert_eq!(differences.len(), 1);
    assert_eq!(differences[0].line, "L9");
    assert_eq!(differences[0].settled, None);
    assert_eq!(differences[0].matched, None);

    let reconciled = p
        .store
        .reconcile(&p.chair, P1, "L9", "80", false, NOW)
        .unwrap();
    let Reconciled::Settled { matched, state } = reconciled else {
        panic!("80 is entry 1's value: {reconciled:?}");
    };
    assert_eq!(matched, Matched::First);
    assert_eq!(state.phase(), Phase::Agreed);
    let differences = p.store.differences(P1).unwrap();
    assert_eq!(differences[0].settled.map(Count::get), Some(80));
    assert_eq!(differences[0].matched, Some(Matched::First));
    let review = p.store.review(P1).unwrap();
    assert!(review.findings.iter().all(|f| f.status == Status::Pass));

    let finalized = p.store.finalize(&p.chair, P1, NOW).unwrap();
    assert_eq!(finalized.version, 1);
    let backup = finalized.backup.unwrap();
    assert!(backup.exists());
    assert_eq!(p.store.backups(), vec![backup]);
    assert_eq!(
        p.store.status(P1).unwrap().state,
        State::Final {
            first: p.ana.user(),
            second: p.bek.user(),
            chair: p.chair.user()
        }
    );
    let finals = p.store.final_values(P1, 1).unwrap().unwrap();
    let expected: Vec<(String, u32)> = clean_p1()
        .iter()
        .map(|(line, value)| ((*line).to_owned(), *value))
        .collect();
    let got: Vec<(String, u32)> = finals
        .iter()
        .map(|(line, value)| (line.clone(), value.get()))
        .collect();
    assert_eq!(got, expected);
    assert!(p.store.verify_audit().unwrap().is_ok());
}

#[test]
fn warnings_need_acknowledging_and_errors_need_an_act() {
    let mut p = precinct();
    // L6 = 50 of L5 = 800 is above 5 % (W05); L5 = L6 + L7 then needs L7 = 750 (E04 fails with 780).
    let values = with(&clean_p1(), "L6", 50);
    type_entry(&mut p.store, P1, EntryNo::First, &p.ana, &values);
    type_entry(&mut p.store, P1, EntryNo::Second, &p.bek, &values);
    assert_eq!(phase(&p.store), Phase::Agreed);
    let review = p.store.review(P1).unwrap();
    let failing: Vec<&str> = review
        .findings
        .iter()
        .filter(|f| f.status == Status::Fail)
        .map(|f| f.code.as_str())
        .collect();
    assert_eq!(failing, ["E04", "W05"]);

    let refused = p.store.finalize(&p.chair, P1, NOW).unwrap_err();
    assert_eq!(refused.code(), "store.errors_without_act");
    p.store
        .attach_act(
            &p.chair,
            P1,
            "E04",
            "A-1",
            "Recounted twice; one ballot missing.",
            NOW,
        )
        .unwrap();
    let refused = p.store.finalize(&p.chair, P1, NOW).unwrap_err();
    assert!(matches!(
        refused,
        StoreError::Transition(TransitionError::UnacknowledgedWarnings { ref codes }) if codes == &["W05"]
    ));
    assert_eq!(
        p.store
            .acknowledge(&p.chair, P1, "W01", NOW)
            .unwrap_err()
            .code(),
        "store.rule_not_failing"
    );
    assert_eq!(
        p.store
            .acknowledge(&p.chair, P1, "E04", NOW)
            .unwrap_err()
            .code(),
        "store.wrong_severity"
    );
    p.store.acknowledge(&p.chair, P1, "W05", NOW).unwrap();
    assert_eq!(
        p.store
            .acknowledge(&p.chair, P1, "W05", NOW)
            .unwrap_err()
            .code(),
        "store.already_acknowledged"
    );
    p.store.finalize(&p.chair, P1, NOW).unwrap();
    let review = p.store.review(P1).unwrap();
    assert_eq!(review.acknowledged, ["W05"]);
    assert_eq!(review.acts.len(), 1);
    // The final protocol, as a batch carries it: who checked the warning and when, and the act.
    let finals = p.store.final_protocols().unwrap();
    let p1 = finals.iter().find(|final_| final_.contest == P1).unwrap();
    assert_eq!(
        p1.acknowledged,
        [("W05".to_owned(), "Chair".to_owned(), NOW)]
    );
    assert_eq!(p1.acts.len(), 1);
    assert_eq!(p1.acts[0].0, "E04");
}

#[test]
fn a_repeated_protocol_is_a_new_version_and_the_final_one_stays() {
    let mut p = precinct();
    type_entry(&mut p.store, P1, EntryNo::First, &p.ana, &clean_p1());
    type_entry(&mut p.store, P1, EntryNo::Second, &p.bek, &clean_p1());
    p.store.finalize(&p.chair, P1, NOW).unwrap();
    let v1 = p.store.final_values(P1, 1).unwrap();

    let version = p
        .store
        .repeat(
            &p.chair,
            P1,
            "Territorial commission ordered a recount",
            NOW,
        )
        .unwrap();
    assert_eq!(version, 2);
    let status = p.store.status(P1).unwrap();
    assert_eq!((status.version, status.state), (2, State::Empty));
    assert_eq!(
        status.reason.as_deref(),
        Some("Territorial commission ordered a recount")
    );

    // Version 2 is typed twice again from the new paper; this time the clerks swap.
    let corrected = with(&with(&clean_p1(), "L8.1", 90), "L9", 90);
    type_entry(&mut p.store, P1, EntryNo::First, &p.bek, &corrected);
    type_entry(&mut p.store, P1, EntryNo::Second, &p.ana, &corrected);
    let finalized = p.store.finalize(&p.chair, P1, NOW).unwrap();
    assert_eq!(finalized.version, 2);
    assert_eq!(p.store.final_values(P1, 1).unwrap(), v1);
    let v2 = p.store.final_values(P1, 2).unwrap().unwrap();
    assert!(
        v2.iter()
            .any(|(line, value)| line == "L9" && value.get() == 90)
    );
    assert_eq!(p.store.backups().len(), 2);
    assert!(p.store.verify_audit().unwrap().is_ok());
}

#[test]
fn the_second_entry_is_blind_to_the_first() {
    let mut p = precinct();
    type_entry(&mut p.store, P1, EntryNo::First, &p.ana, &clean_p1());
    for user in [&p.ana, &p.bek, &p.chair] {
        let refused = p.store.entry_values(user, P1, EntryNo::First).unwrap_err();
        assert_eq!(refused.code(), "store.entry_blind");
    }
    p.store
        .save_value(&p.bek, P1, EntryNo::Second, "L1", "1000", NOW)
        .unwrap();
    let refused = p
        .store
        .entry_values(&p.bek, P1, EntryNo::First)
        .unwrap_err();
    assert_eq!(refused.code(), "store.entry_blind");
    let refused = p
        .store
        .history(&p.bek, P1, EntryNo::First, "L1")
        .unwrap_err();
    assert_eq!(refused.code(), "store.entry_blind");
    let own = p.store.entry_values(&p.bek, P1, EntryNo::Second).unwrap();
    assert_eq!(own[0].line, "L1");
    assert_eq!(own[0].value.map(Count::get), Some(1000));
    assert_eq!(own[1].value, None);
    let refused = p
        .store
        .entry_values(&p.ana, P1, EntryNo::Second)
        .unwrap_err();
    assert_eq!(refused.code(), "store.entry_blind");
}

#[test]
fn a_save_returns_the_value_and_the_live_findings_of_its_entry() {
    let mut p = precinct();
    let saved = p
        .store
        .save_value(&p.ana, P1, EntryNo::First, "L2", " 1000 ", NOW)
        .unwrap();
    assert_eq!(saved.value.map(Count::get), Some(1000));
    assert_eq!(saved.state.phase(), Phase::FirstInProgress);
    let e01 = saved.findings.iter().find(|f| f.code == "E01").unwrap();
    assert_eq!(e01.status, Status::Missing);
    p.store
        .save_value(&p.ana, P1, EntryNo::First, "L3", "800", NOW)
        .unwrap();
    let saved = p
        .store
        .save_value(&p.ana, P1, EntryNo::First, "L4", "199", NOW)
        .unwrap();
    let e01 = saved.findings.iter().find(|f| f.code == "E01").unwrap();
    assert_eq!(e01.status, Status::Fail);
    assert_eq!((e01.entered, e01.expected), (Some(1000), Some(999)));

    // Clearing a field stores no value and keeps the history.
    let cleared = p
        .store
        .save_value(&p.ana, P1, EntryNo::First, "L4", "", NOW)
        .unwrap();
    assert_eq!(cleared.value, None);
    let history = p.store.history(&p.ana, P1, EntryNo::First, "L4").unwrap();
    let values: Vec<Option<u32>> = history.iter().map(|h| h.value.map(Count::get)).collect();
    assert_eq!(values, [Some(199), None]);
    assert!(p.store.verify_audit().unwrap().is_ok());
}

fn typed<'a>(line: &'a str, raw: &'a str) -> TypedField<'a> {
    TypedField {
        contest: P1,
        entry: EntryNo::First,
        line,
        raw,
    }
}

#[test]
fn a_save_hands_its_checks_over_before_it_commits_and_never_for_a_refused_text() {
    let mut p = precinct();
    let path = p.path.clone();
    let committed_l2 = || -> i64 {
        let other = rusqlite::Connection::open(&path).unwrap();
        other
            .query_row(
                "SELECT count(*) FROM entry_values WHERE line = 'L2'",
                [],
                |row| row.get(0),
            )
            .unwrap()
    };
    let mut early = None;
    let saved = p
        .store
        .save_value_checked_first(&p.ana, &typed("L2", "1000"), NOW, |checked| {
            // Another connection does not see the row yet: the commit (and its fsync) is still
            // to come when the checks are handed over.
            assert_eq!(committed_l2(), 0);
            early = Some(checked.clone());
        })
        .unwrap();
    assert_eq!(committed_l2(), 1);
    let early = early.expect("the checks were handed over");
    assert_eq!(early.findings, saved.findings);
    assert_eq!(
        (early.value, early.audit_seq),
        (saved.value, saved.audit_seq)
    );
    assert!(early.findings.iter().any(|f| f.code == "E01"));

    let mut told = false;
    let refused = p
        .store
        .save_value_checked_first(&p.ana, &typed("L3", "8oo"), NOW, |_| {
            told = true;
        })
        .unwrap_err();
    assert_eq!(refused.code(), "store.bad_value");
    assert!(
        !told,
        "a refused text is never checked as if it were stored"
    );
}

#[test]
fn an_entry_with_empty_lines_cannot_be_finished() {
    let mut p = precinct();
    p.store
        .save_value(&p.ana, P1, EntryNo::First, "L1", "5", NOW)
        .unwrap();
    let refused = p
        .store
        .finish_entry(&p.ana, P1, EntryNo::First, NOW)
        .unwrap_err();
    assert_eq!(refused.code(), "store.incomplete_entry");
    assert_eq!(refused.params()["lines"].split(", ").count(), 17);
}

#[test]
fn reopening_the_store_keeps_everything() {
    let mut p = precinct();
    type_entry(&mut p.store, P1, EntryNo::First, &p.ana, &clean_p1());
    let head = p.store.audit_head().unwrap();
    let path = p.path.clone();
    p.store.close().unwrap();
    let mut store = Store::open(&path).unwrap();
    assert_eq!(store.audit_head().unwrap(), head);
    assert_eq!(store.status(P1).unwrap().state.phase(), Phase::FirstDone);
    assert_eq!(store.precinct(), Some(&common::abai_1()));
    assert_eq!(store.statuses().unwrap().len(), 5);
    assert_eq!(
        store.sign_in("Ana", common::ANA_PIN, NOW).unwrap().user(),
        p.ana.user()
    );
    assert_eq!(
        store.sign_in("Ana", "480263", NOW).unwrap_err().code(),
        "store.wrong_pin"
    );
}

#[test]
fn a_reopened_entry_shows_the_findings_its_last_save_returned() {
    let mut p = precinct();
    for (line, raw) in [("L2", "1000"), ("L3", "800")] {
        p.store
            .save_value(&p.ana, P1, EntryNo::First, line, raw, NOW)
            .unwrap();
    }
    let last = p
        .store
        .save_value(&p.ana, P1, EntryNo::First, "L4", "199", NOW)
        .unwrap();
    let path = p.path.clone();
    p.store.close().unwrap();
    let store = Store::open(&path).unwrap();
    let (values, findings) = store
        .entry_values_and_findings(&p.ana, P1, EntryNo::First)
        .unwrap();
    assert_eq!(findings, last.findings);
    assert_eq!(
        values,
        store.entry_values(&p.ana, P1, EntryNo::First).unwrap()
    );
    assert!(findings.iter().any(|f| f.status == Status::Fail));
    // The same blindness as the values: another clerk sees no findings of this entry.
    let refused = store
        .entry_values_and_findings(&p.bek, P1, EntryNo::First)
        .unwrap_err();
    assert_eq!(refused.code(), "store.entry_blind");
}

#[test]
fn exports_are_recorded_in_sequence_with_each_place_they_were_written() {
    let mut p = precinct();
    let first = placeholder_export(vec![(P1.to_owned(), 1)]);
    let second = hattama_store::ExportRow {
        sequence: 2,
        previous: Some(first.hash.clone()),
        hash: "11".repeat(32),
        ..first.clone()
    };
    p.store.record_export(&p.chair, &first).unwrap();
    p.store.record_export(&p.chair, &second).unwrap();
    assert_eq!(
        p.store.exports().unwrap(),
        vec![first.clone(), second.clone()]
    );
    // Only the next sequence is recorded, and only a recorded batch is written somewhere.
    let skipped = hattama_store::ExportRow {
        sequence: 4,
        ..second.clone()
    };
    let error = p.store.record_export(&p.chair, &skipped).unwrap_err();
    assert_eq!(error.code(), "store.inconsistent");
    p.store
        .record_export_written(&p.chair, 2, "/media/stick", NOW)
        .unwrap();
    let error = p
        .store
        .record_export_written(&p.chair, 3, "/media/stick", NOW)
        .unwrap_err();
    assert!(matches!(error, StoreError::UnknownExport(3)), "{error}");
    assert_eq!(p.store.exports().unwrap(), vec![first, second]);
    let written = p.store.audit_entries(&p.chair, 1).unwrap();
    assert!(
        written
            .iter()
            .any(|entry| entry.action == "export.written"
                && entry.payload.contains(r#""sequence":2"#))
    );
    p.store.close().unwrap();
    // The file keeps where each batch went, for the auditor.
    let conn = rusqlite::Connection::open(&p.path).unwrap();
    let places: Vec<(i64, String, i64)> = conn
        .prepare("SELECT sequence, place, at FROM export_writes")
        .unwrap()
        .query_map([], |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(places, vec![(2, "/media/stick".to_owned(), NOW.0)]);
}

#[test]
fn the_store_holds_the_definition_it_was_set_up_with_and_none_before() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("hattama.db");
    let mut store = Store::open_with(&path, common::test_config()).unwrap();
    assert!(store.definition().is_none());
    common::set_up_demo(&mut store, "Chair", common::CHAIR_PIN).unwrap();
    let demo = hattama_protocol::builtin::demo();
    assert_eq!(
        store.definition().map(|loaded| &loaded.hash),
        Some(&demo.hash)
    );
    store.close().unwrap();
    let store = Store::open(&path).unwrap();
    assert_eq!(
        store.definition().map(|loaded| &loaded.definition.id),
        Some(&demo.definition.id)
    );
}

#[test]
fn commission_members_are_kept_in_the_order_added_as_the_protocol_prints_them() {
    let mut p = precinct();
    let first = p
        .store
        .add_member(&p.chair, "  Aigerim Nurlanovna ", " deputy chair ", NOW)
        .unwrap();
    let second = p.store.add_member(&p.chair, "Dana", "member", NOW).unwrap();
    assert!(first < second);
    let members = p.store.members().unwrap();
    let listed: Vec<(i64, &str, &str)> = members
        .iter()
        .map(|member| (member.id, member.name.as_str(), member.position.as_str()))
        .collect();
    assert_eq!(
        listed,
        [
            (first, "Aigerim Nurlanovna", "deputy chair"),
            (second, "Dana", "member")
        ]
    );
    let error = p
        .store
        .add_member(&p.chair, " ", "member", NOW)
        .unwrap_err();
    assert!(matches!(error, StoreError::EmptyText("name")), "{error}");
    assert_eq!(p.store.members().unwrap().len(), 2);
    let logged = p.store.audit_entries(&p.chair, 1).unwrap();
    let added = logged
        .iter()
        .rev()
        .find(|entry| entry.action == "member.add")
        .unwrap();
    assert!(
        added.payload.contains(&format!(r#""id":{second}"#)),
        "{}",
        added.payload
    );
}

#[test]
fn entries_differing_on_two_lines_agree_only_once_both_are_settled() {
    let first = clean_p1();
    let second = with(&with(&clean_p1(), "L9", 81), "L6", 60);
    let mut p = common::typed_twice(&first, &second);
    assert_eq!(phase(&p.store), Phase::Differ);
    let lines: Vec<String> = p
        .store
        .differences(P1)
        .unwrap()
        .into_iter()
        .map(|difference| difference.line)
        .collect();
    assert_eq!(lines, ["L6", "L9"]);
    let paper = |line: &str| {
        first
            .iter()
            .find(|(id, _)| *id == line)
            .map(|(_, value)| value.to_string())
            .unwrap()
    };
    p.store
        .reconcile(&p.chair, P1, "L9", &paper("L9"), false, NOW)
        .unwrap();
    // One line is still open: not agreed, and not to be finalized.
    assert_eq!(phase(&p.store), Phase::Differ);
    assert!(p.store.finalize(&p.chair, P1, NOW).is_err());
    p.store
        .reconcile(&p.chair, P1, "L6", &paper("L6"), false, NOW)
        .unwrap();
    assert_eq!(phase(&p.store), Phase::Agreed);
}
