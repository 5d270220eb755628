//! Election definition files (`load_definition`, `docs/definitions.md`) against the built-in
//! template set. Any bytes either load or give a `DefinitionError`. A definition that loads
//! carries the SHA-256 of exactly its bytes, written out again it loads to the same definition,
//! and everything the checks promise holds: each precinct is found by its id, each contest it
//! holds exists, and each contest's template is in the set.
#![no_main]

use hattama_protocol::definition::{load_definition, sha256_hex};
use hattama_protocol::{PrecinctId, builtin};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let templates = builtin::templates();
    let Ok(loaded) = load_definition(data, templates) else {
        return;
    };
    assert_eq!(
        loaded.hash,
        sha256_hex(data),
        "the hash is of the bytes read"
    );
    let written = serde_json::to_vec(&loaded.definition).expect("a definition serializes");
    let again = load_definition(&written, templates).expect("a loaded definition loads again");
    assert_eq!(
        again.definition, loaded.definition,
        "written out, it reads back the same"
    );
    for precinct in &loaded.definition.precincts {
        let id = PrecinctId {
            region: precinct.region.clone(),
            number: precinct.number,
        };
        assert!(loaded.precinct(&id).is_some(), "precinct {id} is found");
        assert!(loaded.region(&id.region).is_some(), "region of {id} exists");
        for contest in &precinct.contests {
            let contest = loaded
                .contest(contest)
                .expect("a contest a precinct holds exists");
            assert!(
                templates.template(&contest.template).is_some(),
                "contest {} has a known template",
                contest.id
            );
        }
    }
});
