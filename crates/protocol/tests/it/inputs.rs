//! Each kind of bad protocol input gives its own typed error and a message in kk, ru and en.

use hattama_protocol::input::{ValueError, ValueErrorKind, values_from_map};
use hattama_protocol::{Count, InputError};

use crate::support::{BASELINE, template};

fn map(assignments: &str) -> serde_json::Map<String, serde_json::Value> {
    let mut map = serde_json::Map::new();
    for pair in assignments.split_whitespace() {
        let (id, value) = pair.split_once('=').unwrap();
        let value = serde_json::from_str(value)
            .unwrap_or_else(|_| serde_json::Value::String(value.to_owned()));
        map.insert(id.to_owned(), value);
    }
    map
}

fn errors(changes: &str) -> Vec<ValueError> {
    values_from_map(template("P1"), 3, &map(&format!("{BASELINE} {changes}"))).unwrap_err()
}

fn only(changes: &str) -> ValueError {
    let errors = errors(changes);
    assert_eq!(errors.len(), 1, "{errors:?}");
    errors.into_iter().next().unwrap()
}

#[test]
fn a_complete_protocol_parses() {
    let values = values_from_map(template("P1"), 3, &map(BASELINE)).unwrap();
    assert_eq!(values.n_rows(), 3);
}

#[test]
fn letters_are_refused() {
    let error = only("L6=\"12a\"");
    assert_eq!(
        error,
        ValueError {
            line: "L6".into(),
            kind: ValueErrorKind::Input(InputError::NotANumber)
        }
    );
    assert_eq!(error.kind.code(), "not_a_number");
    assert_eq!(
        error.kind.message().ru,
        "Допускаются только цифры: без букв, пробелов и запятых"
    );
    assert_eq!(error.to_string(), "line L6: only digits are allowed");
    assert_eq!(
        only("L6=1.5").kind,
        ValueErrorKind::Input(InputError::NotANumber)
    );
    assert_eq!(
        only("L6=true").kind,
        ValueErrorKind::Input(InputError::NotANumber)
    );
}

#[test]
fn negatives_are_refused() {
    let error = only("L4=-3");
    assert_eq!(error.kind, ValueErrorKind::Input(InputError::Negative));
    assert_eq!(error.kind.message().kk, "Сан теріс бола алмайды");
    assert_eq!(
        only("L4=\"-3\"").kind,
        ValueErrorKind::Input(InputError::Negative)
    );
}

#[test]
fn values_above_the_maximum_are_refused() {
    let error = only("L1=10000000");
    assert_eq!(error.kind, ValueErrorKind::Input(InputError::TooLarge));
    assert_eq!(
        error.kind.message().en,
        "Above 9,999,999: no precinct can count that many, check the entry"
    );
    assert_eq!(
        only("L1=18446744073709551615").kind,
        ValueErrorKind::Input(InputError::TooLarge)
    );
    assert!(
        values_from_map(
            template("P1"),
            3,
            &map(&format!("{BASELINE} L1=9999999 L2=9999999"))
        )
        .is_ok()
    );
}

#[test]
fn unknown_lines_are_refused() {
    assert_eq!(
        only("L10=5"),
        ValueError {
            line: "L10".into(),
            kind: ValueErrorKind::UnknownLine
        }
    );
    assert_eq!(
        only("L8.4=5").kind,
        ValueErrorKind::UnknownLine,
        "P1 here has 3 rows"
    );
    assert_eq!(only("L8.0=5").kind, ValueErrorKind::UnknownLine);
    assert_eq!(
        only("L8=5").kind,
        ValueErrorKind::UnknownLine,
        "the block itself holds no value"
    );
    assert_eq!(
        ValueErrorKind::UnknownLine.message().ru,
        "В протоколе нет такой строки"
    );
}

#[test]
fn missing_lines_are_refused() {
    let mut input = map(BASELINE);
    input.remove("L3b");
    input.remove("L8.2");
    let errors = values_from_map(template("P1"), 3, &input).unwrap_err();
    assert_eq!(
        errors,
        [
            ValueError {
                line: "L3b".into(),
                kind: ValueErrorKind::Missing
            },
            ValueError {
                line: "L8.2".into(),
                kind: ValueErrorKind::Missing
            },
        ]
    );
    assert_eq!(
        ValueErrorKind::Missing.message().kk,
        "Жолдың мәні берілмеген"
    );
}

#[test]
fn every_problem_is_reported_at_once() {
    let codes: Vec<&str> = errors("L1=x L2=-1 L3=10000000 L99=1")
        .iter()
        .map(|e| e.kind.code())
        .collect();
    assert_eq!(
        codes,
        ["not_a_number", "negative", "too_large", "unknown_line"]
    );
}

#[test]
fn a_count_is_shown_as_its_digits_and_read_back_from_json_within_its_bound() {
    assert_eq!(Count::new(1234).unwrap().to_string(), "1234");
    assert_eq!(Count::new(0).unwrap().to_string(), "0");
    let read: Count = serde_json::from_str("9999999").unwrap();
    assert_eq!(read.get(), 9_999_999);
    let read: Count = serde_json::from_str("7").unwrap();
    assert_eq!(read.get(), 7);
    assert!(serde_json::from_str::<Count>("10000000").is_err());
    assert!(serde_json::from_str::<Count>("-1").is_err());
}
