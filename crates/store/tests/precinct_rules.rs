//! Precinct-level rules in the store: W06 (P1 has the most voters and ballots issued) is checked
//! when a later protocol of the precinct is reviewed and finalized, and must be acknowledged.

#![expect(
    clippy::unwrap_used,
    reason = "test helpers unwrap: a panic there is a failed test"
)]

pub mod common;

use hattama_protocol::{Status, builtin};
use hattama_store::{EntryNo, StoreError, TransitionError};

use common::{NOW, P1, Precinct, abai_1, agreed_with, clean_p1, type_entry};

/// The precinct's Majilis single-member district contest (template P2) and its row count.
fn p2_contest() -> (String, usize) {
    let demo = builtin::demo();
    let precinct = demo.precinct(&abai_1()).unwrap();
    let id = precinct
        .contests
        .iter()
        .find(|id| demo.contest(id).unwrap().template == "P2")
        .unwrap()
        .clone();
    let rows = demo.contest(&id).unwrap().rows.len();
    (id, rows)
}

/// P2 values whose E rules pass, with `voters` on L1.
fn p2_values(rows: usize, voters: u32) -> Vec<(String, u32)> {
    let per_row = 700 / u32::try_from(rows).unwrap();
    let valid = per_row * u32::try_from(rows).unwrap() + 5;
    let found = valid + 10;
    let mut values = vec![
        ("L1".to_owned(), voters),
        ("L2".to_owned(), 1000),
        ("L3".to_owned(), found),
        ("L3a".to_owned(), 0),
        ("L3b".to_owned(), 20),
        ("L4".to_owned(), 1000 - found),
        ("L5".to_owned(), found),
        ("L5b".to_owned(), 20),
        ("L6".to_owned(), 10),
        ("L7".to_owned(), valid),
    ];
    values.extend((1..=rows).map(|k| (format!("L8.{k}"), per_row)));
    values.push(("L9".to_owned(), 5));
    values
}

/// Types the P2 values with `voters` on L1 into both entries of P2 (Ana, then Bek), so they
/// agree; returns P2's contest id.
fn p2_typed_twice(p: &mut Precinct, voters: u32) -> String {
    let (p2, rows) = p2_contest();
    let values = p2_values(rows, voters);
    let borrowed: Vec<(&str, u32)> = values
        .iter()
        .map(|(line, value)| (line.as_str(), *value))
        .collect();
    type_entry(&mut p.store, &p2, EntryNo::First, &p.ana, &borrowed);
    type_entry(&mut p.store, &p2, EntryNo::Second, &p.bek, &borrowed);
    p2
}

#[test]
fn w06_must_be_acknowledged_before_finalizing_a_later_protocol() {
    let mut p = agreed_with(&clean_p1());
    p.store.finalize(&p.chair, P1, NOW).unwrap();

    // P1 has 1000 voters on the list; the district protocol says 1001.
    let p2 = p2_typed_twice(&mut p, 1001);

    let review = p.store.review(&p2).unwrap();
    let w06 = review
        .findings
        .iter()
        .find(|f| f.code == "W06")
        .expect("W06 is reviewed");
    assert_eq!(
        (w06.status, w06.entered, w06.expected),
        (Status::Fail, Some(1001), Some(1000))
    );

    let refused = p.store.finalize(&p.chair, &p2, NOW).unwrap_err();
    assert!(
        matches!(&refused, StoreError::Transition(TransitionError::UnacknowledgedWarnings { codes }) if codes == &["W06".to_owned()]),
        "{refused:?}"
    );
    p.store.acknowledge(&p.chair, &p2, "W06", NOW).unwrap();
    p.store.finalize(&p.chair, &p2, NOW).unwrap();
}

#[test]
fn w06_passes_when_p1_has_the_most() {
    let mut p = agreed_with(&clean_p1());
    let p2 = p2_typed_twice(&mut p, 990);
    let review = p.store.review(&p2).unwrap();
    assert_eq!(
        review
            .findings
            .iter()
            .find(|f| f.code == "W06")
            .map(|f| f.status),
        Some(Status::Pass)
    );
    assert!(matches!(
        p.store.acknowledge(&p.chair, &p2, "W06", NOW),
        Err(StoreError::RuleNotFailing(_))
    ));
    p.store.finalize(&p.chair, &p2, NOW).unwrap();
}

#[test]
fn only_a_warning_is_acknowledged_on_a_protocol_with_a_precinct_rule() {
    let mut p = agreed_with(&clean_p1());
    p.store.finalize(&p.chair, P1, NOW).unwrap();
    let p2 = p2_typed_twice(&mut p, 1001);
    // P2's own error rule is no warning, though the precinct's W06 applies to P2 and fails.
    let refused = p.store.acknowledge(&p.chair, &p2, "E01", NOW).unwrap_err();
    assert!(
        matches!(&refused, StoreError::WrongSeverity { code, expected: "warning" } if code == "E01"),
        "{refused:?}"
    );
    p.store.acknowledge(&p.chair, &p2, "W06", NOW).unwrap();
    assert_eq!(p.store.review(&p2).unwrap().acknowledged, ["W06"]);
}
