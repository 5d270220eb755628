//! Helpers the protocol tests share: build values from `"L1=5 L8.2=3"` strings and assert on rules.

use hattama_protocol::check::{FindingReport, PrecinctProtocol, Status, check_precinct, reports};
use hattama_protocol::template::Outcome;
use hattama_protocol::{Count, Template, Values, builtin};

/// A consistent P1-shaped protocol with three rows that passes every rule.
pub(crate) const BASELINE: &str = "L1=1000 L2=800 L3=700 L3a=10 L3b=20 L4=100 L5=700 L5b=20 L6=14 L7=686 L8.1=300 L8.2=200 L8.3=150 L9=36";

pub(crate) fn template(id: &str) -> &'static Template {
    builtin::templates().template(id).unwrap()
}

/// Values for `template` with `n_rows` rows from `"ID=VALUE …"`; later assignments win.
pub(crate) fn values(template: &Template, n_rows: usize, assignments: &str) -> Values {
    let mut values = Values::new(template, n_rows);
    for pair in assignments.split_whitespace() {
        let (id, value) = pair.split_once('=').unwrap();
        let slot = template
            .slot(id, n_rows)
            .unwrap_or_else(|| panic!("no line {id}"));
        values.set(slot, Some(Count::new(value.parse().unwrap()).unwrap()));
    }
    values
}

fn outcome(code: &str, changes: &str) -> Outcome {
    let p1 = template("P1");
    let values = values(p1, 3, &format!("{BASELINE} {changes}"));
    p1.rule(code).unwrap().evaluate(values.view(), None)
}

/// The baseline with `changes` applied passes rule `code`.
pub(crate) fn assert_passes(code: &str, changes: &str) {
    assert_eq!(
        outcome(code, changes),
        Outcome::Pass,
        "{code} should pass with {changes}"
    );
}

/// The baseline with `changes` applied fails rule `code`.
pub(crate) fn assert_raises(code: &str, changes: &str) {
    assert!(
        matches!(outcome(code, changes), Outcome::Fail(_)),
        "{code} should fail with {changes}"
    );
}

/// The sides a failing rule reports.
pub(crate) fn sides(code: &str, changes: &str) -> (i64, i64) {
    match outcome(code, changes) {
        Outcome::Fail(Some(sides)) => (sides.entered, sides.expected),
        other => panic!("{code} gave {other:?}"),
    }
}

/// The report of P1's rule `code` with `changes`: what the check panel shows.
pub(crate) fn report(code: &str, changes: &str) -> FindingReport {
    let p1 = template("P1");
    let values = values(p1, 3, &format!("{BASELINE} {changes}"));
    reports(p1, &values)
        .into_iter()
        .find(|report| report.code == code)
        .unwrap()
}

/// Status of precinct rule `code` for protocol `target` given P1 and target values.
pub(crate) fn precinct_status(code: &str, target: &str, p1: &str, other: &str) -> Status {
    let p1_template = template("P1");
    let target_template = template(target);
    let p1_values = values(p1_template, 3, &format!("{BASELINE} {p1}"));
    let target_values = values(target_template, 3, &format!("{BASELINE} {other}"));
    let reports = check_precinct(
        builtin::templates(),
        &[
            PrecinctProtocol {
                template: p1_template,
                values: &p1_values,
            },
            PrecinctProtocol {
                template: target_template,
                values: &target_values,
            },
        ],
    );
    reports
        .iter()
        .find(|r| r.code == code && r.template == target)
        .unwrap()
        .status
}

/// A text given in every language, for template files made up in tests.
pub(crate) const TEXT: &str = r#"{ kk = "қ", ru = "р", en = "e" }"#;

/// A one-template set `id` with lines L1, L2, the row block R and rule E01 `expr`; its message
/// is `message` in every language, or [`TEXT`].
pub(crate) fn one_rule_set(id: &str, expr: &str, message: Option<&str>) -> String {
    let message = message.map_or_else(
        || TEXT.to_owned(),
        |text| format!(r#"{{ kk = "{text}", ru = "{text}", en = "{text}" }}"#),
    );
    format!(
        r#"format = 1
id = "{id}"
title = {TEXT}
[[templates]]
id = "T"
version = 1
rows_from = "parties"
region_kinds = ["oblast"]
title = {TEXT}
lines = [{{ id = "L1", label = {TEXT} }}, {{ id = "L2", label = {TEXT} }}, {{ id = "R", rows = true, label = {TEXT} }}]
[[templates.rules]]
code = "E01"
severity = "error"
expr = "{expr}"
statement = {TEXT}
message = {message}
"#
    )
}
