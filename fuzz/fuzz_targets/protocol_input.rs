//! Protocol input: the JSON of `hattama check` (values by line id, as JSON numbers or typed
//! digits; `ProtocolInput::from_json`, `values_from_map`), and what the app's field save takes, a
//! line id and the raw typed text (`Template::slot`, `Count::parse`). The first byte picks which.
//!
//! Invariants: accepted values are complete and check without a panic; written back as a map they
//! are accepted again, equal; every refusal names a line that is truly unknown, missing or not a
//! count. A typed text is accepted only as (white space and) at most seven significant ASCII
//! digits up to 9,999,999, and the count reads back from its own digits; a line id is accepted
//! exactly when it is one of the form's line ids.
#![no_main]

use hattama_fuzz::check_all;
use hattama_protocol::input::{ProtocolInput, ValueErrorKind, count_from_json, values_from_map};
use hattama_protocol::{Count, builtin};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    match mode % 2 {
        0 => protocol_file(rest),
        _ => typed(rest),
    }
});

fn protocol_file(bytes: &[u8]) {
    let Ok(input) = ProtocolInput::from_json(bytes) else {
        return;
    };
    let demo = builtin::demo();
    // The CLI also reads definitions from files; those are the definition target's business.
    let (template_id, n_rows) = match demo.contest(&input.contest) {
        Some(contest) => (contest.template.as_str(), contest.rows.len()),
        None => ("P1", input.values.len() % 8),
    };
    let template = builtin::templates()
        .template(template_id)
        .expect("demo contests have built-in templates");
    match values_from_map(template, n_rows, &input.values) {
        Ok(values) => {
            check_all(template, &values, true);
            let mut map = serde_json::Map::new();
            for line in template.line_ids(n_rows) {
                let slot = template.slot(&line, n_rows).expect("a line id has a slot");
                let value = values.get(slot).expect("accepted values are complete");
                map.insert(line, serde_json::Value::from(value.get()));
            }
            let again = values_from_map(template, n_rows, &map).expect("written back, accepted");
            assert_eq!(again, values, "written back, the same values");
        }
        Err(errors) => {
            assert!(!errors.is_empty(), "a refusal says why");
            for error in errors {
                let slot = template.slot(&error.line, n_rows);
                match error.kind {
                    ValueErrorKind::UnknownLine => assert!(slot.is_none()),
                    ValueErrorKind::Missing => {
                        assert!(slot.is_some() && !input.values.contains_key(&error.line));
                    }
                    ValueErrorKind::Input(kind) => {
                        let given = input.values.get(&error.line).expect("a given line");
                        assert!(slot.is_some());
                        assert_eq!(count_from_json(given), Err(kind));
                    }
                }
            }
        }
    }
}

fn typed(bytes: &[u8]) {
    let text = String::from_utf8_lossy(bytes);
    let (line, raw) = text.split_once('\n').unwrap_or(("L1", &text));
    let p1 = builtin::templates().template("P1").expect("P1 is built in");
    let n_rows = 7;
    let known = p1.line_ids(n_rows).iter().any(|id| id == line);
    assert_eq!(p1.slot(line, n_rows).is_some(), known, "line id {line:?}");
    match Count::parse(raw) {
        Ok(count) => {
            let trimmed = raw.trim();
            assert!(trimmed.bytes().all(|b| b.is_ascii_digit()) && !trimmed.is_empty());
            assert!(count.get() <= Count::MAX);
            assert_eq!(Count::parse(&count.to_string()), Ok(count));
            assert_eq!(trimmed.parse::<u64>().ok(), Some(u64::from(count.get())));
            let json = serde_json::Value::String(raw.to_owned());
            assert_eq!(
                count_from_json(&json),
                Ok(count),
                "JSON digits read the same"
            );
        }
        Err(_) => {
            let trimmed = raw.trim();
            let digits = !trimmed.is_empty() && trimmed.bytes().all(|b| b.is_ascii_digit());
            assert!(
                !digits
                    || trimmed
                        .parse::<u64>()
                        .is_ok_and(|v| u64::from(Count::MAX) < v)
                    || trimmed.trim_start_matches('0').len() > 7,
                "digits {trimmed:?} refused"
            );
        }
    }
}
