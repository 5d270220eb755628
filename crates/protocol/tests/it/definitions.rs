//! Loading election definitions: each kind of inconsistency is a typed error; the hash is the
//! SHA-256 of the exact bytes.

use hattama_protocol::definition::Row;
use hattama_protocol::definition::{
    Definition, DefinitionError, load_definition, sha256_hex, validate,
};
use hattama_protocol::template::MAX_ROWS;
use hattama_protocol::{PrecinctId, Text, builtin};

fn demo() -> Definition {
    builtin::demo().definition.clone()
}

fn error(definition: &Definition) -> DefinitionError {
    validate(definition, builtin::templates()).unwrap_err()
}

#[test]
fn the_hash_is_of_the_exact_bytes() {
    let mut bytes = builtin::DEMO_JSON.to_vec();
    bytes.push(b' ');
    let loaded = load_definition(&bytes, builtin::templates()).unwrap();
    assert_ne!(loaded.hash, builtin::demo().hash);
    assert_eq!(loaded.hash, sha256_hex(&bytes));
    assert_eq!(
        sha256_hex(b"abc"),
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    );
}

#[test]
fn inconsistent_definitions_are_refused() {
    let mut d = demo();
    d.format = 9;
    assert_eq!(error(&d), DefinitionError::Format(9));

    let mut d = demo();
    d.date = "2023-13-01".into();
    assert_eq!(error(&d), DefinitionError::BadDate("2023-13-01".into()));

    let mut d = demo();
    d.templates = "results-2099".into();
    assert!(matches!(error(&d), DefinitionError::TemplateSet { .. }));

    let mut d = demo();
    d.regions[1].id = d.regions[0].id.clone();
    assert_eq!(error(&d), DefinitionError::Duplicate("region abai".into()));

    let mut d = demo();
    d.contests[0].template = "P9".into();
    assert_eq!(
        error(&d),
        DefinitionError::Unknown {
            what: "template",
            id: "P9".into()
        }
    );

    let mut d = demo();
    d.contests[0].rows.clear();
    assert_eq!(
        error(&d),
        DefinitionError::RowCount {
            contest: "majilis-list".into(),
            rows: 0
        }
    );

    let mut d = demo();
    d.contests[0].rows[0].name.ru = " ".into();
    assert!(matches!(
        error(&d),
        DefinitionError::BlankText { lang: "ru", .. }
    ));

    let mut d = demo();
    d.precincts[1].number = d.precincts[0].number;
    assert_eq!(
        error(&d),
        DefinitionError::Duplicate(format!(
            "precinct {}",
            PrecinctId {
                region: "abai".into(),
                number: 1
            }
        ))
    );

    let mut d = demo();
    d.precincts[0].contests.pop();
    assert!(matches!(
        error(&d),
        DefinitionError::PrecinctContests { .. }
    ));

    let mut d = demo();
    d.precincts[0].contests.push("majilis-list".into());
    assert!(
        matches!(error(&d), DefinitionError::PrecinctContests { .. }),
        "two P1 contests"
    );

    let mut d = demo();
    d.precincts[0].region = "atlantis".into();
    assert_eq!(
        error(&d),
        DefinitionError::Unknown {
            what: "region",
            id: "atlantis".into()
        }
    );

    let mut d = demo();
    d.precincts[0].contests[1] = "nowhere".into();
    assert_eq!(
        error(&d),
        DefinitionError::Unknown {
            what: "contest",
            id: "nowhere".into()
        }
    );
}

#[test]
fn a_city_precinct_holds_four_protocols_and_no_p5() {
    let mut d = demo();
    let astana = d
        .precincts
        .iter()
        .position(|p| p.region == "astana")
        .unwrap();
    d.precincts[astana].contests.push("abai-district-1".into());
    assert!(matches!(
        error(&d),
        DefinitionError::PrecinctContests { .. }
    ));
}

#[test]
fn not_json_is_a_syntax_error() {
    assert!(matches!(
        load_definition(b"PK\x03\x04", builtin::templates()),
        Err(DefinitionError::Syntax(_))
    ));
    assert!(matches!(
        load_definition(b"{}", builtin::templates()),
        Err(DefinitionError::Syntax(_))
    ));
}

#[test]
fn a_date_needs_its_dashes_where_they_stand() {
    for date in [
        "2023x03-19",
        "2023-03x19",
        "2023/03/19",
        "20230319--",
        "2023-3-19",
    ] {
        let mut d = demo();
        d.date = date.into();
        assert_eq!(
            error(&d),
            DefinitionError::BadDate(date.into()),
            "{date} is no date"
        );
    }
    let mut d = demo();
    d.date = "2024-02-29".into();
    assert!(validate(&d, builtin::templates()).is_ok());
}

#[test]
fn a_contest_holds_up_to_the_largest_number_of_rows_and_not_one_more() {
    let rows = |n: usize| -> Vec<Row> {
        (1..=n)
            .map(|k| Row {
                id: format!("r{k}"),
                name: Text::new(
                    &format!("Кандидат {k}"),
                    &format!("Кандидат {k}"),
                    &format!("Candidate {k}"),
                ),
                invented: true,
            })
            .collect()
    };
    let mut d = demo();
    d.contests[0].rows = rows(MAX_ROWS);
    assert!(validate(&d, builtin::templates()).is_ok());
    d.contests[0].rows = rows(MAX_ROWS + 1);
    assert_eq!(
        error(&d),
        DefinitionError::RowCount {
            contest: "majilis-list".into(),
            rows: MAX_ROWS + 1
        }
    );
}

#[test]
fn a_precinct_is_found_by_its_region_and_number_and_shown_as_region_slash_number() {
    let demo = builtin::demo();
    let abai_1 = PrecinctId {
        region: "abai".into(),
        number: 1,
    };
    assert_eq!(abai_1.to_string(), "abai/1");
    let found = demo.precinct(&abai_1).expect("the demo has abai/1");
    assert_eq!((found.region.as_str(), found.number), ("abai", 1));
    let elsewhere = PrecinctId {
        region: "abai".into(),
        number: 999,
    };
    assert!(demo.precinct(&elsewhere).is_none());
}
