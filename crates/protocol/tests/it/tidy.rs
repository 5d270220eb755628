//! Tidy checks on the built-in templates: every rule code is defined once, documented in three
//! languages, and has a test named after it.

use hattama_protocol::builtin;

fn all_codes() -> Vec<String> {
    let set = builtin::templates();
    let mut codes: Vec<String> = set
        .templates()
        .iter()
        .flat_map(hattama_protocol::Template::rules)
        .map(|r| r.code.to_string())
        .collect();
    codes.extend(
        set.precinct_rules()
            .iter()
            .map(|r| r.rule().code.to_string()),
    );
    codes.sort();
    codes.dedup();
    codes
}

#[test]
fn every_rule_code_has_a_test_named_after_it() {
    let tests = include_str!("rules.rs");
    let missing: Vec<String> = all_codes()
        .into_iter()
        .filter(|code| !tests.contains(&format!("fn {}_", code.to_lowercase())))
        .collect();
    assert!(
        missing.is_empty(),
        "add a test `fn <code>_…` in tests/it/rules.rs for {missing:?}"
    );
}

#[test]
fn every_rule_code_is_defined_once_in_the_file() {
    for code in all_codes() {
        let n = builtin::TEMPLATES_TOML
            .matches(&format!("code = \"{code}\""))
            .count();
        assert_eq!(
            n,
            1,
            "{code} is defined {n} times in {}",
            builtin::TEMPLATES_FILE
        );
    }
}

#[test]
fn the_catalogue_of_domain_md_is_complete() {
    let expected = [
        "E01", "E02", "E03", "E04", "E05", "E06", "W01", "W02", "W03", "W04", "W05", "W06", "W07",
    ];
    assert_eq!(all_codes(), expected);
}
