//! One test per rule code of the built-in 2023 templates: the boundary passes, one step past it
//! fails. `tidy.rs` checks that every code has a test named after it.

use crate::support::{
    BASELINE, assert_passes, assert_raises, precinct_status, report, sides, template, values,
};
use hattama_protocol::Status;
use hattama_protocol::check::reports;

#[test]
fn baseline_passes_every_rule() {
    let p1 = template("P1");
    let values = values(p1, 3, BASELINE);
    for report in reports(p1, &values) {
        assert_eq!(
            report.status,
            Status::Pass,
            "{} fails on the baseline",
            report.code
        );
    }
}

#[test]
fn e01_received_equals_issued_plus_cancelled() {
    assert_passes("E01", "L2=800");
    assert_raises("E01", "L2=801");
    assert_raises("E01", "L4=99");
    assert_eq!(sides("E01", "L2=801"), (801, 800));
}

#[test]
fn e02_issued_at_most_voters_on_the_list() {
    assert_passes("E02", "L1=700");
    assert_raises("E02", "L1=699");
    assert_eq!(sides("E02", "L1=699"), (700, 699));
}

#[test]
fn e03_absentee_plus_outside_at_most_issued() {
    assert_passes("E03", "L3a=680 L3b=20");
    assert_raises("E03", "L3a=681 L3b=20");
    assert_eq!(sides("E03", "L3a=681 L3b=20"), (701, 700));
}

#[test]
fn e04_found_in_boxes_equals_invalid_plus_valid() {
    assert_passes("E04", "L5=700 L6=14 L7=686");
    assert_raises("E04", "L6=15");
    assert_raises("E04", "L5=699");
}

#[test]
fn e05_valid_equals_row_votes_plus_against_all() {
    assert_passes("E05", "L9=36");
    assert_raises("E05", "L9=37");
    assert_raises("E05", "L8.2=199");
    assert_eq!(sides("E05", "L8.3=151"), (686, 687));
}

#[test]
fn e06_mobile_boxes_at_most_all_boxes() {
    assert_passes("E06", "L5b=700");
    assert_raises("E06", "L5b=701");
}

#[test]
fn w01_found_in_boxes_at_most_issued() {
    assert_passes("W01", "L5=700");
    assert_raises("W01", "L5=701");
}

#[test]
fn w02_found_in_boxes_not_one_percent_below_issued() {
    // 1 % of 700 is 7: 693 in the boxes is the lowest that passes.
    assert_passes("W02", "L5=693");
    assert_raises("W02", "L5=692");
    assert_scaled_rule_names_lines("W02", "L5=692", &["692", "700"]);
}

/// A percentage rule compares scaled values (`100 * L5`), which are no counts a clerk could find
/// on the paper: it reports no sides, and its message gives the lines' own values.
fn assert_scaled_rule_names_lines(code: &str, changes: &str, shown: &[&str]) {
    let failed = report(code, changes);
    assert_eq!(failed.status, Status::Fail);
    assert_eq!((failed.entered, failed.expected), (None, None));
    assert_eq!(failed.relation, None);
    let message = failed.message.unwrap();
    for text in [&message.kk, &message.ru, &message.en] {
        for value in shown {
            assert!(text.contains(value), "{code}: {text:?} lacks {value}");
        }
    }
}

#[test]
fn w03_mobile_boxes_at_most_issued_outside() {
    assert_passes("W03", "L5b=20 L3b=20");
    assert_raises("W03", "L5b=21 L3b=20");
}

#[test]
fn w04_received_at_most_list_plus_reserve() {
    // 1000 voters: 1 % reserve is 10, plus 10: 1020 ballots is the most that passes.
    assert_passes("W04", "L1=1000 L2=1020");
    assert_raises("W04", "L1=1000 L2=1021");
    assert_scaled_rule_names_lines("W04", "L1=100 L2=112", &["112", "100"]);
}

#[test]
fn w05_invalid_at_most_five_percent_of_found() {
    // 5 % of 700 is 35.
    assert_passes("W05", "L5=700 L6=35");
    assert_raises("W05", "L5=700 L6=36");
    assert_scaled_rule_names_lines("W05", "L5=700 L6=36", &["36", "700"]);
}

#[test]
fn w06_p1_has_the_most_voters_and_ballots_issued() {
    // (later protocol's template, P1's values, the later protocol's values, W06's status)
    for (later, p1, values, expected) in [
        ("P2", "L1=1000 L3=700", "L1=1000 L3=700", Status::Pass),
        ("P5", "L1=1000 L3=700", "L1=990 L3=650", Status::Pass),
        ("P2", "L1=1000 L3=700", "L1=1001 L3=700", Status::Fail),
        ("P4", "L1=1000 L3=700", "L1=1000 L3=701", Status::Fail),
    ] {
        assert_eq!(
            precinct_status("W06", later, p1, values),
            expected,
            "{later}: {values} against P1's {p1}"
        );
    }
}

#[test]
fn w07_one_row_with_95_percent_at_90_percent_turnout() {
    // 90 % turnout, one row at exactly 95 % of valid votes: the warning fires.
    let landslide = "L1=1000 L3=900 L7=1000 L8.1=950 L8.2=30 L8.3=20";
    assert_raises("W07", landslide);
    assert_passes("W07", &format!("{landslide} L8.1=949"));
    assert_passes("W07", &format!("{landslide} L3=899"));
    assert_passes("W07", "L1=0 L3=0 L7=0 L8.1=0 L8.2=0 L8.3=0");
}
