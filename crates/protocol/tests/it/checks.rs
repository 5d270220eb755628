//! The checking entry points the app and the receiver lean on: whether a protocol has errors,
//! the double-entry comparison, the line ids a protocol accepts, and a JSON `null`.

use std::collections::BTreeMap;

use hattama_protocol::Lang;
use hattama_protocol::check::{
    PaperLine, Slot, agreed, compare, group_digits, has_errors, message_in, missing_lines, reports,
};
use hattama_protocol::input::count_from_json;
use hattama_protocol::{Count, InputError, Status};

use crate::support::{BASELINE, template, values};

#[test]
fn a_failing_error_check_makes_the_protocol_have_errors() {
    let p1 = template("P1");
    assert!(!has_errors(p1, &values(p1, 3, BASELINE)));
    assert!(has_errors(
        p1,
        &values(p1, 3, &format!("{BASELINE} L2=801"))
    ));
}

#[test]
fn a_failing_warning_alone_is_not_an_error() {
    let p1 = template("P1");
    let values = values(p1, 3, &format!("{BASELINE} L3b=19"));
    let failing: Vec<String> = reports(p1, &values)
        .into_iter()
        .filter(|report| report.status != Status::Pass)
        .map(|report| report.code)
        .collect();
    assert_eq!(failing, ["W03"]);
    assert!(!has_errors(p1, &values));
}

#[test]
fn double_entry_comparison_names_every_line_that_differs_in_paper_order() {
    let p1 = template("P1");
    let first = values(p1, 3, BASELINE);
    assert!(compare(p1, &first, &first.clone()).is_empty());
    let second = values(p1, 3, &format!("{BASELINE} L9=37 L2=801 L8.3=151"));
    assert_eq!(compare(p1, &first, &second), ["L2", "L8.3", "L9"]);
    assert_eq!(compare(p1, &second, &first), ["L2", "L8.3", "L9"]);
}

#[test]
fn double_entry_comparison_counts_an_empty_field_against_a_filled_one() {
    let p1 = template("P1");
    let first = values(p1, 3, BASELINE);
    let mut second = first.clone();
    second.set(p1.slot("L4", 3).unwrap(), None);
    second.set(p1.slot("L8.1", 3).unwrap(), None);
    assert_eq!(compare(p1, &first, &second), ["L4", "L8.1"]);
    // Both empty is no difference.
    let mut third = second.clone();
    third.set(p1.slot("L9", 3).unwrap(), Count::new(36));
    assert_eq!(compare(p1, &second, &third), Vec::<String>::new());
}

#[test]
fn a_protocol_accepts_only_its_own_line_ids() {
    let p1 = template("P1");
    assert_eq!(p1.slot("L8.1", 3), Some(Slot::Row(0)));
    assert_eq!(p1.slot("L8.3", 3), Some(Slot::Row(2)));
    assert!(matches!(p1.slot("L1", 3), Some(Slot::Fixed(_))));
    for id in [
        "L8.0", "L8.4", "L8.01", "L8.+1", "L8.", "L8.x", "L1.1", "L9.1", "X.1", "L8", "L10",
    ] {
        assert_eq!(
            p1.slot(id, 3),
            None,
            "`{id}` is not a line of P1 with 3 rows"
        );
    }
}

#[test]
fn the_paper_lines_put_each_row_block_heading_before_its_rows_in_paper_order() {
    let p1 = template("P1");
    let shown: Vec<String> = p1
        .paper_lines(3)
        .into_iter()
        .map(|line| match line {
            PaperLine::Fixed(line) => line.id.clone(),
            PaperLine::Heading(block) => format!("[{}]", block.id),
            PaperLine::Row { block, k, id } => {
                assert_eq!(id, format!("{}.{k}", block.id));
                id
            }
        })
        .collect();
    assert_eq!(
        shown,
        [
            "L1", "L2", "L3", "L3a", "L3b", "L4", "L5", "L5b", "L6", "L7", "[L8]", "L8.1", "L8.2",
            "L8.3", "L9"
        ]
    );
    // The ids a protocol accepts are the same lines without the heading.
    let ids: Vec<String> = shown
        .into_iter()
        .filter(|id| !id.starts_with('['))
        .collect();
    assert_eq!(p1.line_ids(3), ids);
}

#[test]
fn numbers_in_messages_and_on_paper_are_grouped_by_three_with_their_sign() {
    let thin = '\u{202f}';
    assert_eq!(group_digits(0), "0");
    assert_eq!(group_digits(999), "999");
    assert_eq!(group_digits(1000), format!("1{thin}000"));
    assert_eq!(group_digits(9_999_999), format!("9{thin}999{thin}999"));
    // A difference of two sides can be below zero: the sign stays in front, once.
    assert_eq!(group_digits(-5), "-5");
    assert_eq!(group_digits(-1_234_567), format!("-1{thin}234{thin}567"));
}

#[test]
fn a_json_null_is_an_empty_field() {
    assert_eq!(
        count_from_json(&serde_json::Value::Null),
        Err(InputError::Empty)
    );
    assert_eq!(
        count_from_json(&serde_json::json!(true)),
        Err(InputError::NotANumber)
    );
    assert_eq!(
        count_from_json(&serde_json::json!(12)),
        Ok(Count::new(12).unwrap())
    );
    assert_eq!(
        count_from_json(&serde_json::json!("12")),
        Ok(Count::new(12).unwrap())
    );
}

#[test]
fn the_agreed_values_are_the_entries_where_they_agree_and_the_paper_where_they_differ() {
    let p1 = template("P1");
    let first = values(p1, 3, BASELINE);
    let second = values(p1, 3, &format!("{BASELINE} L9=37 L2=801"));
    let l2 = p1.slot("L2", 3).unwrap();
    let l9 = p1.slot("L9", 3).unwrap();
    let l1 = p1.slot("L1", 3).unwrap();
    // Nothing settled yet: the differing lines have no value, the others the entries' one.
    let none = agreed(p1, &first, &second, &BTreeMap::new());
    assert_eq!(none.get(l1), first.get(l1));
    assert_eq!(none.get(l2), None);
    assert_eq!(none.get(l9), None);
    // The paper value settles a differing line, whichever entry it matched.
    let settled = BTreeMap::from([("L2".to_owned(), Count::new(801).unwrap())]);
    let some = agreed(p1, &first, &second, &settled);
    assert_eq!(some.get(l2), Count::new(801));
    assert_eq!(some.get(l9), None);
    assert_eq!(some.get(l1), first.get(l1));
}

#[test]
fn the_lines_still_empty_are_named_in_paper_order() {
    let p1 = template("P1");
    let full = values(p1, 3, BASELINE);
    assert!(missing_lines(p1, &full).is_empty());
    let mut partial = full.clone();
    partial.set(p1.slot("L9", 3).unwrap(), None);
    partial.set(p1.slot("L2", 3).unwrap(), None);
    partial.set(p1.slot("L8.2", 3).unwrap(), None);
    assert_eq!(missing_lines(p1, &partial), ["L2", "L8.2", "L9"]);
}

#[test]
fn a_failing_check_has_its_message_in_each_language_and_a_passing_one_none() {
    let p1 = template("P1");
    let failing = values(p1, 3, &format!("{BASELINE} L2=801"));
    let reports = reports(p1, &failing);
    let failed = reports
        .iter()
        .find(|report| report.status == Status::Fail)
        .expect("a check fails");
    let kk = message_in(failed, Lang::Kk);
    let ru = message_in(failed, Lang::Ru);
    assert!(!kk.is_empty() && !ru.is_empty());
    assert_ne!(kk, ru);
    let message = failed.message.as_ref().unwrap();
    assert_eq!(kk, message.kk);
    assert_eq!(ru, message.ru);
    let passed = reports
        .iter()
        .find(|report| report.status == Status::Pass)
        .expect("a check passes");
    assert_eq!(message_in(passed, Lang::Kk), "");
}
