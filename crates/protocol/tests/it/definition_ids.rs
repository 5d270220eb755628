//! Ids in an election definition go into batch file names and report rows: only letters, digits,
//! `-` and `_`, at most 64 bytes, never empty.

use hattama_protocol::builtin;
use hattama_protocol::definition::{Definition, DefinitionError, validate};

fn with_election_id(id: &str) -> Result<(), DefinitionError> {
    let mut definition: Definition = builtin::demo().definition.clone();
    definition.id = id.to_owned();
    validate(&definition, builtin::templates())
}

#[test]
fn an_election_id_that_cannot_name_a_file_is_refused() {
    let long = "a".repeat(65);
    for id in ["", "../etc", "a/b", "a b", "a.b", "выборы", long.as_str()] {
        assert_eq!(
            with_election_id(id),
            Err(DefinitionError::BadId(id.to_owned())),
            "election id `{id}`"
        );
    }
}

#[test]
fn an_election_id_of_letters_digits_dashes_and_underscores_is_accepted() {
    for id in ["majilis-2023_kz", "A9", &"a".repeat(64)] {
        assert_eq!(with_election_id(id), Ok(()), "election id `{id}`");
    }
}

#[test]
fn a_region_or_contest_id_that_cannot_name_a_file_is_refused() {
    let mut definition: Definition = builtin::demo().definition.clone();
    definition.regions[0].id = "abai/1".into();
    assert_eq!(
        validate(&definition, builtin::templates()),
        Err(DefinitionError::BadId("abai/1".into()))
    );
    let mut definition: Definition = builtin::demo().definition.clone();
    definition.contests[0].id = "list one".into();
    assert_eq!(
        validate(&definition, builtin::templates()),
        Err(DefinitionError::BadId("list one".into()))
    );
}
