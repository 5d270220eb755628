//! Loading template sets: each kind of broken file gives a load error that names the file, the
//! template, the rule and the column; and the national 2023 result passes E05.

use hattama_protocol::check::{FindingReport, Status, check};
use hattama_protocol::template::{ExprErrorKind, LoadError, LoadErrorKind, Outcome, Type};
use hattama_protocol::{Count, Lang, TemplateSet, Values, builtin};

use crate::support::{self, TEXT};

fn load_error(text: &str) -> LoadError {
    TemplateSet::from_toml("mini.toml", text).unwrap_err()
}

#[test]
fn a_minimal_template_loads_and_checks() {
    let set = TemplateSet::from_toml(
        "mini.toml",
        &support::one_rule_set("mini", "L1 == sum(R) + L2", Some("{entered} != {expected}")),
    )
    .unwrap();
    let template = set.template("T").unwrap();
    let mut values = Values::new(template, 2);
    for (id, value) in [("L1", 10), ("L2", 1), ("R.1", 4), ("R.2", 4)] {
        values.set(template.slot(id, 2).unwrap(), Count::new(value));
    }
    let finding = check(template, &values).next().unwrap();
    assert!(
        matches!(finding.outcome, Outcome::Fail(Some(sides)) if sides.entered == 10 && sides.expected == 9)
    );
    let report = FindingReport::new(template, &values, &finding);
    assert_eq!(report.lines, ["L1", "R.1", "R.2", "L2"]);
    assert_eq!(report.message.unwrap().en, "10 != 9");
}

#[test]
fn an_unknown_line_names_file_rule_and_column() {
    let error = load_error(&support::one_rule_set("mini", "L1 == L3", Some("x")));
    assert_eq!(
        error.kind,
        LoadErrorKind::Expr(ExprErrorKind::UnknownLine("L3".into()))
    );
    assert_eq!(
        (error.template.as_deref(), error.rule.as_deref(), error.pos),
        (Some("T"), Some("E01"), Some(7))
    );
    assert_eq!(
        error.to_string(),
        "mini.toml: template T: rule E01: column 7: unknown line `L3`"
    );
}

#[test]
fn a_type_error_is_a_load_error() {
    let error = load_error(&support::one_rule_set("mini", "L1 + L2", Some("x")));
    assert_eq!(
        error.kind,
        LoadErrorKind::Expr(ExprErrorKind::Type {
            expected: Type::Bool,
            found: Type::Number
        })
    );
    assert_eq!(error.pos, Some(1));
}

#[test]
fn a_syntax_error_is_a_load_error() {
    let error = load_error(&support::one_rule_set("mini", "L1 == (L2", Some("x")));
    assert!(
        matches!(
            error.kind,
            LoadErrorKind::Expr(ExprErrorKind::Expected { .. })
        ),
        "{error}"
    );
    assert_eq!(error.pos, Some(10));
    let error = load_error("format = 1\nid = ");
    assert!(matches!(error.kind, LoadErrorKind::Syntax(_)));
    assert_eq!(error.file, "mini.toml");
}

#[test]
fn placeholders_must_be_fillable() {
    let error = load_error(&support::one_rule_set("mini", "L1 == L2", Some("{nope}")));
    assert_eq!(error.kind, LoadErrorKind::UnknownPlaceholder("nope".into()));
    let error = load_error(&support::one_rule_set(
        "mini",
        "not (L1 == L2)",
        Some("{entered}"),
    ));
    assert_eq!(error.kind, LoadErrorKind::NoSides);
    // A percentage compares scaled values, which are on no paper: no sides either.
    let error = load_error(&support::one_rule_set(
        "mini",
        "100 * L1 <= 5 * L2",
        Some("{expected}"),
    ));
    assert_eq!(error.kind, LoadErrorKind::NoSides);
    let error = load_error(&support::one_rule_set(
        "mini",
        "L1 == L2",
        Some("{protocol}"),
    ));
    assert_eq!(
        error.kind,
        LoadErrorKind::UnknownPlaceholder("protocol".into())
    );
    assert!(
        TemplateSet::from_toml(
            "mini.toml",
            &support::one_rule_set("mini", "L1 == L2", Some("{L1} {L2}"))
        )
        .is_ok()
    );
}

#[test]
fn structural_problems_are_load_errors() {
    let good = support::one_rule_set("mini", "L1 == L2", Some("x"));
    let cases = [
        (
            good.replace("format = 1", "format = 2"),
            LoadErrorKind::Format(2),
        ),
        (
            good.replace(r#"code = "E01""#, r#"code = "X1""#),
            LoadErrorKind::BadRuleCode("X1".into()),
        ),
        (
            good.replace(r#"severity = "error""#, r#"severity = "warning""#),
            LoadErrorKind::SeverityMismatch,
        ),
        (
            good.replace(r#"{ id = "L2","#, r#"{ id = "L1","#),
            LoadErrorKind::DuplicateLine("L1".into()),
        ),
        (
            good.replace(r#"{ id = "R", rows = true,"#, r#"{ id = "R","#),
            LoadErrorKind::RowBlocks(0),
        ),
        (
            good.replace(r#"{ id = "L2","#, r#"{ id = "L2", parent = "L9","#),
            LoadErrorKind::UnknownParent {
                line: "L2".into(),
                parent: "L9".into(),
            },
        ),
        (
            good.replace(r#"{ id = "L2","#, r#"{ id = "and","#),
            LoadErrorKind::BadId("and".into()),
        ),
        (
            good.replacen(r#"title = { kk = "қ""#, r#"title = { kk = " ""#, 1),
            LoadErrorKind::BlankText {
                what: "the set title".into(),
                lang: "kk",
            },
        ),
    ];
    for (text, kind) in cases {
        assert_eq!(load_error(&text).kind, kind);
    }
}

#[test]
fn a_rule_code_is_defined_once_per_set() {
    let text = format!(
        "{}\n[[templates.rules]]\ncode = \"E01\"\nseverity = \"error\"\nexpr = \"L1 <= L2\"\nstatement = {TEXT}\nmessage = {TEXT}\n",
        support::one_rule_set("mini", "L1 == L2", Some("x"))
    );
    assert_eq!(load_error(&text).kind, LoadErrorKind::DuplicateRule);
}

#[test]
fn the_builtin_set_also_loads_from_its_file() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/templates/results-2023.toml");
    let text = std::fs::read_to_string(path).unwrap();
    let set = TemplateSet::from_toml(path, &text).unwrap();
    assert_eq!(
        set.templates().len(),
        builtin::templates().templates().len()
    );
}

#[test]
fn national_2023_majilis_result_passes_e05() {
    let fixture: serde_json::Value =
        serde_json::from_str(include_str!("../fixtures/majilis-2023-national.json")).unwrap();
    let p1 = builtin::templates().template("P1").unwrap();
    let mut values = Values::new(p1, 7);
    for (id, value) in fixture["values"].as_object().unwrap() {
        let count = Count::new(u32::try_from(value.as_u64().unwrap()).unwrap()).unwrap();
        values.set(p1.slot(id, 7).unwrap(), Some(count));
    }
    let e05 = p1.rule("E05").unwrap();
    assert_eq!(e05.evaluate(values.view(), None), Outcome::Pass);
    // One vote moved off AMANAT breaks it, and the report shows both sides.
    values.set(p1.slot("L8.1", 7).unwrap(), Count::new(3_431_509));
    let finding = check(p1, &values)
        .find(|f| f.rule.code.as_str() == "E05")
        .unwrap();
    let report = FindingReport::new(p1, &values, &finding);
    assert_eq!(
        (report.status, report.entered, report.expected),
        (Status::Fail, Some(6_366_441), Some(6_366_440))
    );
    assert_eq!(
        report.message.unwrap().ru,
        "Действительные бюллетени (6\u{202f}366\u{202f}441) не равны сумме голосов и «Против всех» (6\u{202f}366\u{202f}440)"
    );
}

#[test]
fn w06_message_names_the_protocol() {
    use hattama_protocol::check::{PrecinctProtocol, check_precinct};
    let set = builtin::templates();
    let (p1, p3) = (set.template("P1").unwrap(), set.template("P3").unwrap());
    let mut p1_values = Values::new(p1, 2);
    let mut p3_values = Values::new(p3, 2);
    for (id, value) in [("L1", 1000), ("L3", 700)] {
        p1_values.set(p1.slot(id, 2).unwrap(), Count::new(value));
        p3_values.set(p3.slot(id, 2).unwrap(), Count::new(value + 1));
    }
    let reports = check_precinct(
        set,
        &[
            PrecinctProtocol {
                template: p1,
                values: &p1_values,
            },
            PrecinctProtocol {
                template: p3,
                values: &p3_values,
            },
        ],
    );
    assert_eq!(reports.len(), 1);
    assert_eq!(
        reports[0].message.as_ref().unwrap().en,
        "Protocol P3 has 1\u{202f}001, more than P1 (1\u{202f}000): P1 must have the most voters on the list and ballots issued"
    );
}

#[test]
fn a_message_names_only_fixed_lines_its_rule_reads() {
    // L2 is a line of the template, but the rule does not read it.
    let error = load_error(&support::one_rule_set("mini", "L1 == 5", Some("{L2}")));
    assert_eq!(error.kind, LoadErrorKind::UnknownPlaceholder("L2".into()));
    // A row block has no single value to show.
    let error = load_error(&support::one_rule_set("mini", "L1 == sum(R)", Some("{R}")));
    assert_eq!(error.kind, LoadErrorKind::UnknownPlaceholder("R".into()));
    assert!(
        TemplateSet::from_toml(
            "mini.toml",
            &support::one_rule_set("mini", "L1 == 5", Some("{L1}"))
        )
        .is_ok()
    );
}

#[test]
fn a_warning_code_needs_the_warning_severity() {
    let good = support::one_rule_set("mini", "L1 == L2", Some("x"));
    let text = good.replace(r#"code = "E01""#, r#"code = "W01""#);
    assert_eq!(load_error(&text).kind, LoadErrorKind::SeverityMismatch);
    let text = text.replace(r#"severity = "error""#, r#"severity = "warning""#);
    assert!(TemplateSet::from_toml("mini.toml", &text).is_ok());
}

#[test]
fn a_template_built_on_a_base_takes_the_base_lines_and_no_own_ones() {
    let good = support::one_rule_set("mini", "L1 == L2", Some("x"));
    let derived = |lines: &str| {
        format!(
            "{good}\n[[templates]]\nid = \"U\"\nversion = 1\nbase = \"T\"\nrows_from = \"parties\"\nregion_kinds = [\"oblast\"]\ntitle = {TEXT}\n{lines}"
        )
    };
    let set = TemplateSet::from_toml("mini.toml", &derived("")).unwrap();
    let ids: Vec<&str> = set
        .template("U")
        .unwrap()
        .lines()
        .iter()
        .map(|line| line.id.as_str())
        .collect();
    assert_eq!(ids, ["L1", "L2", "R"]);
    let own = format!("lines = [{{ id = \"L1\", label = {TEXT} }}]");
    assert_eq!(
        load_error(&derived(&own)).kind,
        LoadErrorKind::BadBase("T".into())
    );
}

/// `one_rule_set` with a precinct rule W09 comparing T with `reference`, applied to `targets`.
fn with_precinct_rule(reference: &str, targets: &str) -> String {
    format!(
        "{}\n[[precinct_rules]]\ncode = \"W09\"\nseverity = \"warning\"\nreference = \"{reference}\"\napplies_to = [{targets}]\nexpr = \"L1 <= ref.L1\"\nstatement = {TEXT}\nmessage = {TEXT}\n",
        support::one_rule_set("mini", "L1 == L2", Some("x"))
    )
}

#[test]
fn a_precinct_rule_names_templates_of_its_set() {
    let set = TemplateSet::from_toml("mini.toml", &with_precinct_rule("T", r#""T""#)).unwrap();
    let rule = &set.precinct_rules()[0];
    assert_eq!(rule.applies_to().collect::<Vec<_>>(), ["T"]);
    assert!(rule.for_template("T").is_some());
    assert_eq!(
        load_error(&with_precinct_rule("T9", r#""T""#)).kind,
        LoadErrorKind::UnknownTemplate("T9".into())
    );
    assert_eq!(
        load_error(&with_precinct_rule("T", r#""T", "T8""#)).kind,
        LoadErrorKind::UnknownTemplate("T8".into())
    );
    assert_eq!(
        load_error(&with_precinct_rule("T", "")).kind,
        LoadErrorKind::NoTargets
    );
}

#[test]
fn w06_compares_p1_with_every_other_protocol_of_the_precinct() {
    let w06 = builtin::templates()
        .precinct_rules()
        .iter()
        .find(|rule| rule.rule().code.to_string() == "W06")
        .unwrap();
    assert_eq!(
        w06.applies_to().collect::<Vec<_>>(),
        ["P2", "P3", "P4", "P5"]
    );
}

#[test]
fn a_failed_relation_reports_the_operator_as_written() {
    for (op, l1, l2) in [
        ("==", 1, 2),
        ("!=", 2, 2),
        ("<", 2, 2),
        ("<=", 3, 2),
        (">", 2, 2),
        (">=", 1, 2),
    ] {
        let text = support::one_rule_set("mini", &format!("L1 {op} L2"), Some("x"));
        let set = TemplateSet::from_toml("mini.toml", &text).unwrap();
        let template = set.template("T").unwrap();
        let mut values = Values::new(template, 1);
        for (id, value) in [("L1", l1), ("L2", l2), ("R.1", 0)] {
            values.set(template.slot(id, 1).unwrap(), Count::new(value));
        }
        let finding = check(template, &values).next().unwrap();
        let report = FindingReport::new(template, &values, &finding);
        assert_eq!(report.status, Status::Fail, "L1 {op} L2 with {l1}, {l2}");
        assert_eq!(report.relation.as_deref(), Some(op));
    }
}

#[test]
fn a_language_is_named_by_its_code() {
    for lang in [Lang::Kk, Lang::Ru, Lang::En] {
        assert_eq!(Lang::from_code(lang.code()), Some(lang));
    }
    assert_eq!(Lang::from_code("kk"), Some(Lang::Kk));
    assert_eq!(Lang::from_code("ru"), Some(Lang::Ru));
    assert_eq!(Lang::from_code("de"), None);
    assert_eq!(Lang::from_code(""), None);
}
