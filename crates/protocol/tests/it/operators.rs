//! The rule language, one operator at a time, through a small template file that uses it: the
//! built-in templates never subtract or use `>`, so a template that does is checked here. Also the
//! limits a template file meets at load time: the fixed evaluation stack, the nesting depth, the
//! 1,000-character expression and the keywords that cannot stand for a line.

use hattama_protocol::template::{ExprErrorKind, LoadError, LoadErrorKind, Outcome};
use hattama_protocol::{Count, TemplateSet, Values};

use crate::support;

fn load(expr: &str) -> Result<TemplateSet, Box<LoadError>> {
    TemplateSet::from_toml("ops.toml", &support::one_rule_set("ops", expr, None)).map_err(Box::new)
}

/// Whether rule `expr` holds for L1, L2 and the rows given (`None` for an empty field).
fn holds_with(expr: &str, l1: Option<u32>, l2: Option<u32>, rows: &[Option<u32>]) -> Outcome {
    let set = load(expr).unwrap_or_else(|error| panic!("`{expr}` does not load: {error}"));
    let template = set.template("T").unwrap();
    let mut values = Values::new(template, rows.len());
    let count = |value: Option<u32>| value.map(|value| Count::new(value).unwrap());
    values.set(template.slot("L1", rows.len()).unwrap(), count(l1));
    values.set(template.slot("L2", rows.len()).unwrap(), count(l2));
    for (idx, row) in rows.iter().enumerate() {
        let slot = template
            .slot(&format!("R.{}", idx + 1), rows.len())
            .unwrap();
        values.set(slot, count(*row));
    }
    template.rule("E01").unwrap().evaluate(values.view(), None)
}

/// Whether rule `expr` holds with L1 = `l1` and L2 = `l2` and no rows.
fn holds(expr: &str, l1: u32, l2: u32) -> bool {
    match holds_with(expr, Some(l1), Some(l2), &[]) {
        Outcome::Pass => true,
        Outcome::Fail(_) => false,
        Outcome::Missing => panic!("`{expr}` is missing a value"),
    }
}

fn load_error_kind(expr: &str) -> (ExprErrorKind, Option<usize>) {
    let error = load(expr).unwrap_err();
    match error.kind {
        LoadErrorKind::Expr(kind) => (kind, error.pos),
        other => panic!("`{expr}` gave {other:?}"),
    }
}

#[test]
fn subtraction_in_a_rule_takes_the_right_side_from_the_left() {
    assert!(holds("L1 - L2 == 3", 5, 2));
    assert!(!holds("L1 - L2 == 3", 5, 3));
    assert!(!holds("L1 - L2 == 3", 2, 5));
    assert!(holds("L2 - L1 == 0 - 3", 5, 2));
    // Left to right: 9 - 4 - 2 is 3, not 7.
    assert!(holds("L1 - L2 - 2 == 3", 9, 4));
}

#[test]
fn addition_and_multiplication_in_a_rule() {
    assert!(holds("L1 + L2 == 7", 5, 2));
    assert!(!holds("L1 + L2 == 7", 5, 3));
    assert!(holds("2 * L1 == L2 + 4", 5, 6));
    assert!(!holds("2 * L1 == L2 + 4", 5, 7));
    // `*` binds tighter than `+` and `-`.
    assert!(holds("L1 + 2 * L2 == 11", 5, 3));
    assert!(holds("L1 - 2 * L2 == 0 - 1", 5, 3));
}

#[test]
fn unary_minus_in_a_rule_negates() {
    assert!(holds("-L1 + L2 == 1", 2, 3));
    assert!(!holds("-L1 + L2 == 1", 3, 2));
    assert!(holds("-(L1 - L2) == 1", 2, 3));
}

#[test]
fn greater_than_in_a_rule_holds_only_above() {
    assert!(holds("L1 > L2", 3, 2));
    assert!(!holds("L1 > L2", 2, 2));
    assert!(!holds("L1 > L2", 1, 2));
}

#[test]
fn less_than_in_a_rule_holds_only_below() {
    assert!(holds("L1 < L2", 1, 2));
    assert!(!holds("L1 < L2", 2, 2));
    assert!(!holds("L1 < L2", 3, 2));
}

#[test]
fn at_most_and_at_least_in_a_rule_include_the_boundary() {
    assert!(holds("L1 <= L2", 1, 2));
    assert!(holds("L1 <= L2", 2, 2));
    assert!(!holds("L1 <= L2", 3, 2));
    assert!(holds("L1 >= L2", 3, 2));
    assert!(holds("L1 >= L2", 2, 2));
    assert!(!holds("L1 >= L2", 1, 2));
}

#[test]
fn equal_and_not_equal_in_a_rule() {
    for expr in ["L1 == L2", "L1 = L2"] {
        assert!(holds(expr, 2, 2));
        assert!(!holds(expr, 2, 3));
        assert!(!holds(expr, 3, 2));
    }
    assert!(!holds("L1 != L2", 2, 2));
    assert!(holds("L1 != L2", 2, 3));
    assert!(holds("L1 != L2", 3, 2));
}

#[test]
fn and_in_a_rule_needs_both_sides() {
    let expr = "L1 > 0 and L2 > 0";
    assert!(holds(expr, 1, 1));
    assert!(!holds(expr, 1, 0));
    assert!(!holds(expr, 0, 1));
    assert!(!holds(expr, 0, 0));
}

#[test]
fn or_in_a_rule_needs_either_side() {
    let expr = "L1 > 0 or L2 > 0";
    assert!(holds(expr, 1, 1));
    assert!(holds(expr, 1, 0));
    assert!(holds(expr, 0, 1));
    assert!(!holds(expr, 0, 0));
}

#[test]
fn not_in_a_rule_inverts() {
    assert!(holds("not L1 > L2", 2, 2));
    assert!(!holds("not L1 > L2", 3, 2));
    assert!(holds("not not L1 > L2", 3, 2));
    // `not` binds tighter than `and`, `and` tighter than `or`.
    assert!(holds("not L1 > 0 and L2 > 0", 0, 1));
    assert!(!holds("not L1 > 0 and L2 > 0", 1, 1));
    assert!(holds("L1 > 0 or L2 > 0 and L1 > 5", 1, 1));
    assert!(!holds("(L1 > 0 or L2 > 0) and L1 > 5", 1, 1));
}

#[test]
fn aggregates_in_a_rule_read_every_row() {
    let rows = [Some(4), Some(9), Some(2)];
    let pass = |expr: &str| holds_with(expr, Some(15), Some(9), &rows) == Outcome::Pass;
    assert!(pass("sum(R) == L1"));
    assert!(pass("max(R) == L2"));
    assert!(pass("min(R) == 2"));
    assert!(!pass("sum(R) == L1 + 1"));
    assert!(!pass("max(R) == 4"));
    assert!(!pass("min(R) == 4"));
    assert_eq!(
        holds_with("sum(R) == 0", Some(0), Some(0), &[]),
        Outcome::Pass
    );
    assert_eq!(
        holds_with("max(R) == L2", Some(1), Some(1), &[Some(1), None]),
        Outcome::Missing
    );
    assert_eq!(
        holds_with("L1 - L2 > 0", Some(1), None, &[]),
        Outcome::Missing
    );
}

#[test]
fn a_failed_relation_reports_both_sides_after_subtraction() {
    match holds_with("L1 - L2 == 3", Some(10), Some(2), &[]) {
        Outcome::Fail(Some(sides)) => assert_eq!((sides.entered, sides.expected), (8, 3)),
        other => panic!("gave {other:?}"),
    }
}

#[test]
fn a_rule_failing_twice_reports_the_sides_of_its_first_failing_part() {
    // The relation fails first (5 is not 3); the test after it fails too, and has no sides.
    let rule = "L1 == L2 and (L1 == 1 or L2 == 1)";
    match holds_with(rule, Some(5), Some(3), &[]) {
        Outcome::Fail(Some(sides)) => assert_eq!((sides.entered, sides.expected), (5, 3)),
        other => panic!("gave {other:?}"),
    }
    // A test failing first keeps its failure without sides, whatever fails after it.
    let rule = "(L1 == 1 or L2 == 1) and L1 == L2";
    assert!(matches!(
        holds_with(rule, Some(5), Some(3), &[]),
        Outcome::Fail(None)
    ));
}

/// `L1 + (L1 + (… L1))` with `n` lines: every line is pushed before the first addition.
fn right_nested_sum(n: usize) -> String {
    format!("{}L1{} == 0", "L1 + (".repeat(n - 1), ")".repeat(n - 1))
}

#[test]
fn a_rule_needing_32_stack_slots_loads_and_evaluates() {
    let expr = right_nested_sum(32);
    assert!(holds(&expr, 0, 0));
    assert!(!holds(&expr, 1, 0));
}

#[test]
fn a_rule_needing_33_stack_slots_is_refused_at_load() {
    assert_eq!(
        load_error_kind(&right_nested_sum(33)).0,
        ExprErrorKind::TooDeep
    );
    assert_eq!(
        load_error_kind(&right_nested_sum(40)).0,
        ExprErrorKind::TooDeep
    );
}

#[test]
fn a_negation_keeps_its_stack_slot_in_the_bound() {
    // `-L1 + (-L1 + (… -L1))`: each line is pushed and negated before the next, so the stack
    // still holds every one of them before the first addition.
    let negated = |n: usize| format!("{}-L1{} == 0", "-L1 + (".repeat(n - 1), ")".repeat(n - 1));
    assert!(holds(&negated(32), 0, 0));
    assert!(!holds(&negated(32), 1, 0));
    assert_eq!(load_error_kind(&negated(33)).0, ExprErrorKind::TooDeep);
}

#[test]
fn nesting_64_deep_loads_and_65_is_refused() {
    let nested = |n: usize| format!("{}L1{} == 1", "(".repeat(n), ")".repeat(n));
    assert!(holds(&nested(63), 1, 0));
    assert_eq!(load_error_kind(&nested(64)).0, ExprErrorKind::TooDeep);
}

#[test]
fn long_flat_rules_are_not_too_deep() {
    // 70 terms and 70 `not`s side by side: depth comes back after each one.
    let sum = format!("{}L1 == 70 * L1", "L1 + ".repeat(69));
    assert!(holds(&sum, 3, 0));
    let nots = format!("{}L1 > 0", "not L1 > 0 or ".repeat(70));
    assert!(holds(&nots, 0, 0));
    assert!(holds(&nots, 1, 0));
}

#[test]
fn a_rule_of_1000_characters_loads_and_1001_is_refused() {
    let padded = |len: usize| {
        let core = "L1 == L2";
        format!("L1{}== L2", " ".repeat(len - core.len() + 1))
    };
    assert_eq!(padded(1000).chars().count(), 1000);
    assert!(holds(&padded(1000), 4, 4));
    assert_eq!(
        load_error_kind(&padded(1001)),
        (ExprErrorKind::TooLong, Some(1001))
    );
}

#[test]
fn a_keyword_cannot_stand_for_a_line() {
    for keyword in ["and", "or", "not"] {
        let (kind, pos) = load_error_kind(&format!("L1 == {keyword}"));
        assert_eq!(
            (kind, pos),
            (
                ExprErrorKind::Expected {
                    expected: "a number, a line or `(`",
                    found: format!("`{keyword}`"),
                },
                Some(7)
            ),
            "`{keyword}` as a line"
        );
    }
}

#[test]
fn syntax_errors_name_the_column_of_the_token() {
    let expected = |expected: &'static str, found: &str| ExprErrorKind::Expected {
        expected,
        found: found.to_owned(),
    };
    assert_eq!(
        load_error_kind("L1 == )"),
        (expected("a number, a line or `(`", "`)`"), Some(7))
    );
    assert_eq!(
        load_error_kind("sum(1) == L1"),
        (expected("a line id", "`1`"), Some(5))
    );
    assert_eq!(
        load_error_kind("ref.2 == L1"),
        (expected("a line id after `.`", "`2`"), Some(5))
    );
    assert_eq!(
        load_error_kind("sum(R L1) == L1"),
        (expected("`)`", "`L1`"), Some(7))
    );
    assert_eq!(
        load_error_kind("(L1 == 1"),
        (expected("`)`", "the end"), Some(9))
    );
    assert_eq!(
        load_error_kind("L1 == 1 L2"),
        (expected("an operator or the end", "`L2`"), Some(9))
    );
    assert_eq!(
        load_error_kind("L1 ==   "),
        (expected("a number, a line or `(`", "the end"), Some(9))
    );
    assert_eq!(
        load_error_kind("L1 == L2 @"),
        (ExprErrorKind::UnexpectedChar('@'), Some(10))
    );
    assert_eq!(
        load_error_kind("x.L1 == 1"),
        (ExprErrorKind::BadQualifier("x".into()), Some(1))
    );
    assert_eq!(
        load_error_kind("L1 == ref.L1").0,
        ExprErrorKind::BadQualifier("ref".into())
    );
}

#[test]
fn type_errors_name_the_column_where_the_operand_starts() {
    assert_eq!(load_error_kind("L1 == 1 and -L2").1, Some(13));
    assert_eq!(load_error_kind("L1 == 1 and not L2").1, Some(17));
}

#[test]
fn a_sum_over_rows_is_bounded_by_every_row_at_its_largest() {
    // A sum of up to 1,000 rows of 9,999,999 squared passes i64; a max of one row squared does not.
    assert_eq!(
        load_error_kind("sum(R) * sum(R) == L1").0,
        ExprErrorKind::MayOverflow
    );
    assert!(load("max(R) * max(R) == L1").is_ok());
    assert!(load("min(R) * min(R) == L1").is_ok());
    assert!(load("sum(R) * 1000 == L1").is_ok());
}

#[test]
fn ref_lines_belong_to_precinct_rules_only() {
    assert_eq!(
        load_error_kind("sum(ref.R) == L1").0,
        ExprErrorKind::BadQualifier("ref".into())
    );
    assert_eq!(
        load_error_kind("ref.L1 == L1").0,
        ExprErrorKind::BadQualifier("ref".into())
    );
}

#[test]
fn a_line_read_twice_is_named_once() {
    let set = load("L1 >= L2 and L1 <= L2 + 5").unwrap();
    let rule = set.template("T").unwrap().rule("E01").unwrap();
    let named: Vec<&str> = rule.lines().iter().map(|line| line.id.as_str()).collect();
    assert_eq!(named, ["L1", "L2"]);
}

#[test]
fn a_type_error_says_what_was_expected_and_found() {
    let message = load("L1 + L2").unwrap_err().to_string();
    assert!(
        message.contains("a truth value") && message.contains("a number"),
        "{message}"
    );
}
