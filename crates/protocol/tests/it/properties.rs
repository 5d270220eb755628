//! Laws of the rule engine, checked on generated protocols (proptest).
//!
//! The issue asks that moving any line an E rule names by ±1 makes an E rule naming it fire. That
//! holds for lines in an equality (E01, E04, E05) in both directions. For a line bounded only by an
//! inequality it can hold in one direction only, and only at the boundary: raising L1 can never
//! break `L3 <= L1`. So the second law is checked on protocols that sit exactly on every
//! inequality: there, one of the two moves of every named line fires a rule that names it.

use hattama_protocol::template::{Outcome, Severity};
use hattama_protocol::{Count, Template, Values};
use proptest::prelude::*;

use crate::support::template;

/// A protocol that satisfies every E rule: (line id, value) pairs in paper order.
fn consistent(tight: bool) -> impl Strategy<Value = Vec<(String, u32)>> {
    (
        prop::collection::vec(1_u32..50_000, 1..=50),
        0_u32..10_000,
        0_u32..10_000,
        0_u32..100_000,
        0_u32..5_000,
        0_u32..5_000,
        0_u32..10_000,
        0_u32..100,
    )
        .prop_map(
            move |(rows, against, invalid, cancelled, absentee, outside, spare, mobile_pct)| {
                let valid = rows.iter().sum::<u32>() + against;
                let found = invalid + valid;
                let issued = found + absentee + outside; // keeps L3a + L3b <= L3
                let (absentee, outside) = if tight {
                    (found + absentee, outside)
                } else {
                    (absentee, outside)
                };
                let voters = if tight { issued } else { issued + spare };
                let mobile = if tight {
                    found
                } else {
                    found * mobile_pct / 100
                };
                let received = issued + cancelled;
                let mut lines = vec![
                    ("L1".to_owned(), voters),
                    ("L2".to_owned(), received),
                    ("L3".to_owned(), issued),
                    ("L3a".to_owned(), absentee),
                    ("L3b".to_owned(), outside),
                    ("L4".to_owned(), cancelled),
                    ("L5".to_owned(), found),
                    ("L5b".to_owned(), mobile),
                    ("L6".to_owned(), invalid),
                    ("L7".to_owned(), valid),
                ];
                lines.extend(
                    rows.iter()
                        .enumerate()
                        .map(|(k, v)| (format!("L8.{}", k + 1), *v)),
                );
                lines.push(("L9".to_owned(), against));
                lines
            },
        )
}

fn build(template: &Template, lines: &[(String, u32)]) -> Values {
    let n_rows = lines.iter().filter(|(id, _)| id.starts_with("L8.")).count();
    let mut values = Values::new(template, n_rows);
    for (id, value) in lines {
        values.set(
            template.slot(id, n_rows).unwrap(),
            Some(Count::new(*value).unwrap()),
        );
    }
    values
}

/// Codes of the E rules that fail and name `line`.
fn firing_e_rules_naming(template: &Template, values: &Values, line: &str) -> Vec<String> {
    template
        .rules()
        .iter()
        .filter(|rule| rule.severity == Severity::Error && rule.names_line(line))
        .filter(|rule| matches!(rule.evaluate(values.view(), None), Outcome::Fail(_)))
        .map(|rule| rule.code.to_string())
        .collect()
}

fn moved(lines: &[(String, u32)], idx: usize, up: bool) -> Option<Vec<(String, u32)>> {
    let mut lines = lines.to_vec();
    let value = lines[idx].1;
    lines[idx].1 = if up {
        value.checked_add(1).filter(|v| *v <= Count::MAX)?
    } else {
        value.checked_sub(1)?
    };
    Some(lines)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn consistent_protocol_passes_every_e_rule(lines in consistent(false), template_idx in 0_usize..5) {
        let template = template(["P1", "P2", "P3", "P4", "P5"][template_idx]);
        let values = build(template, &lines);
        for rule in template.rules().iter().filter(|rule| rule.severity == Severity::Error) {
            prop_assert_eq!(rule.evaluate(values.view(), None), Outcome::Pass, "{} fails", rule.code);
        }
    }

    #[test]
    fn moving_a_line_of_an_equality_fires_a_rule_naming_it(lines in consistent(false), pick in any::<prop::sample::Index>(), up in any::<bool>()) {
        let template = template("P1");
        let in_equality: Vec<usize> = lines
            .iter()
            .enumerate()
            .filter(|(_, (id, _))| template.rules().iter().any(|rule| rule.severity == Severity::Error && rule.is_equality() && rule.names_line(id)))
            .map(|(idx, _)| idx)
            .collect();
        let idx = in_equality[pick.index(in_equality.len())];
        if let Some(changed) = moved(&lines, idx, up) {
            let values = build(template, &changed);
            let fired = firing_e_rules_naming(template, &values, &lines[idx].0);
            prop_assert!(!fired.is_empty(), "moving {} {} fired nothing", lines[idx].0, if up { "up" } else { "down" });
        }
    }

    #[test]
    fn at_the_boundary_every_named_line_has_a_move_that_fires(lines in consistent(true), pick in any::<prop::sample::Index>()) {
        let template = template("P1");
        let named: Vec<usize> = lines
            .iter()
            .enumerate()
            .filter(|(_, (id, _))| template.rules().iter().any(|rule| rule.severity == Severity::Error && rule.names_line(id)))
            .map(|(idx, _)| idx)
            .collect();
        prop_assert_eq!(named.len(), lines.len(), "every line is named by some E rule");
        let idx = named[pick.index(named.len())];
        let values = build(template, &lines);
        prop_assert!(firing_e_rules_naming(template, &values, &lines[idx].0).is_empty());
        let fires = [true, false].into_iter().any(|up| match moved(&lines, idx, up) {
            Some(changed) => !firing_e_rules_naming(template, &build(template, &changed), &lines[idx].0).is_empty(),
            None => false,
        });
        prop_assert!(fires, "no move of {} fired a rule naming it", lines[idx].0);
    }
}
