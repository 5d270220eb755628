//! Bad input never panics: random bytes and random mutations of valid template, definition and
//! protocol files give a typed error (or, for a harmless mutation, a value).

use hattama_protocol::definition::load_definition;
use hattama_protocol::input::{ProtocolInput, values_from_map};
use hattama_protocol::{Count, TemplateSet, builtin};
use proptest::prelude::*;

/// One mutation: flip a byte, insert one, delete one, or cut the file.
#[derive(Clone, Debug)]
enum Mutation {
    Flip(prop::sample::Index, u8),
    Insert(prop::sample::Index, u8),
    Delete(prop::sample::Index),
    Truncate(prop::sample::Index),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        (any::<prop::sample::Index>(), any::<u8>()).prop_map(|(at, byte)| Mutation::Flip(at, byte)),
        (any::<prop::sample::Index>(), any::<u8>())
            .prop_map(|(at, byte)| Mutation::Insert(at, byte)),
        any::<prop::sample::Index>().prop_map(Mutation::Delete),
        any::<prop::sample::Index>().prop_map(Mutation::Truncate),
    ]
}

fn mutate(original: &[u8], mutations: &[Mutation]) -> Vec<u8> {
    let mut bytes = original.to_vec();
    for mutation in mutations {
        if bytes.is_empty() {
            break;
        }
        match mutation {
            Mutation::Flip(at, byte) => {
                let idx = at.index(bytes.len());
                bytes[idx] ^= byte | 1;
            }
            Mutation::Insert(at, byte) => bytes.insert(at.index(bytes.len()), *byte),
            Mutation::Delete(at) => {
                bytes.remove(at.index(bytes.len()));
            }
            Mutation::Truncate(at) => bytes.truncate(at.index(bytes.len())),
        }
    }
    bytes
}

/// A valid protocol input for the demo's Majilis list (7 parties).
const PROTOCOL: &str = r#"{"definition": "demo", "contest": "majilis-list", "values": {"L1": 1000, "L2": 800, "L3": 700,
"L3a": 10, "L3b": 20, "L4": 100, "L5": 700, "L5b": 20, "L6": 14, "L7": 686, "L8.1": 300, "L8.2": 100, "L8.3": 100,
"L8.4": 50, "L8.5": 50, "L8.6": 50, "L8.7": 0, "L9": 36}}"#;

fn check_protocol(bytes: &[u8]) {
    let Ok(input) = ProtocolInput::from_json(bytes) else {
        return;
    };
    let demo = builtin::demo();
    let Some(contest) = demo.contest(&input.contest) else {
        return;
    };
    let template = builtin::templates().template(&contest.template).unwrap();
    if let Ok(values) = values_from_map(template, contest.rows.len(), &input.values) {
        let _ = hattama_protocol::check::reports(template, &values);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn random_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..2048)) {
        let _ = TemplateSet::from_toml("fuzz.toml", &String::from_utf8_lossy(&bytes));
        let _ = load_definition(&bytes, builtin::templates());
        check_protocol(&bytes);
        let _ = Count::parse(&String::from_utf8_lossy(&bytes));
    }

    #[test]
    fn mutated_templates_never_panic(mutations in prop::collection::vec(mutation(), 1..8)) {
        let bytes = mutate(builtin::TEMPLATES_TOML.as_bytes(), &mutations);
        if let Ok(set) = TemplateSet::from_toml("fuzz.toml", &String::from_utf8_lossy(&bytes)) {
            // Whatever loads must also check without panicking.
            for template in set.templates() {
                let values = hattama_protocol::Values::new(template, 5);
                let _ = hattama_protocol::check::reports(template, &values);
            }
        }
    }

    #[test]
    fn mutated_protocols_never_panic(mutations in prop::collection::vec(mutation(), 1..6)) {
        check_protocol(&mutate(PROTOCOL.as_bytes(), &mutations));
    }

    #[test]
    fn random_rule_expressions_never_panic(expr in "[LA-Z0-9a-z_ ().<>=!+*-]{0,80}") {
        let text = builtin::TEMPLATES_TOML.replacen("expr = \"L2 == L3 + L4\"", &format!("expr = \"{expr}\""), 1);
        if let Ok(set) = TemplateSet::from_toml("fuzz.toml", &text) {
            let template = set.template("P1").unwrap();
            let values = hattama_protocol::Values::new(template, 3);
            let _ = hattama_protocol::check::reports(template, &values);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn mutated_definitions_never_panic(mutations in prop::collection::vec(mutation(), 1..4)) {
        let _ = load_definition(&mutate(builtin::DEMO_JSON, &mutations), builtin::templates());
    }
}

#[test]
fn the_valid_protocol_fixture_checks_clean() {
    let input = ProtocolInput::from_json(PROTOCOL.as_bytes()).unwrap();
    let template = builtin::templates().template("P1").unwrap();
    let mut values = values_from_map(template, 7, &input.values).unwrap();
    for report in hattama_protocol::check::reports(template, &values) {
        assert_eq!(
            report.status,
            hattama_protocol::Status::Pass,
            "{} fails on the fixture",
            report.code
        );
    }
    assert!(!hattama_protocol::check::has_errors(template, &values));
    // One ballot more received than issued plus cancelled breaks E01: the check does see it.
    let slot = template.slot("L2", 7).unwrap();
    let received = values.get(slot).unwrap().get();
    values.set(slot, Count::new(received + 1));
    assert!(hattama_protocol::check::has_errors(template, &values));
}
