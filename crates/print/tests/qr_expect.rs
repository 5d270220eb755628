//! A verified QR is held to what the reader expects, as the batch receiver holds a batch: the
//! signing key's precinct, the election, the definition hash, the mode (the definition's and the
//! reader's), and a contest the precinct holds with its template and every line.

#![expect(clippy::unwrap_used, reason = "test code: a panic is a failed test")]

mod common;

use hattama_print::qr::{self, QrError, QrExpect, QrProtocol};
use hattama_protocol::definition::load_definition;
use hattama_protocol::{LoadedDefinition, Mode, PrecinctId, builtin};

fn abai(number: u32) -> PrecinctId {
    PrecinctId {
        region: "abai".to_owned(),
        number,
    }
}

fn demo_data() -> QrProtocol {
    common::demo_protocol(1).1
}

fn check(
    data: &QrProtocol,
    definition: &LoadedDefinition,
    mode: Mode,
    key_precinct: Option<&PrecinctId>,
) -> Result<(), QrError> {
    qr::check_expected(
        data,
        &QrExpect {
            definition,
            templates: builtin::templates(),
            mode,
            key_precinct,
        },
    )
}

/// The demo definition with its mode made live (so another file, with another hash).
fn live_demo() -> LoadedDefinition {
    let text = String::from_utf8(builtin::DEMO_JSON.to_vec()).unwrap();
    let live = text.replacen("\"mode\": \"test\"", "\"mode\": \"live\"", 1);
    assert_ne!(live, text);
    load_definition(live.as_bytes(), builtin::templates()).unwrap()
}

fn refused(result: Result<(), QrError>) -> &'static str {
    result.unwrap_err().code()
}

#[test]
fn the_demo_qr_fits_the_demo_definition_in_test_mode() {
    let data = demo_data();
    assert_eq!(
        check(&data, builtin::demo(), Mode::Test, Some(&abai(1))),
        Ok(())
    );
}

#[test]
fn a_key_of_another_precinct_or_none_is_refused() {
    let data = demo_data();
    assert_eq!(
        check(&data, builtin::demo(), Mode::Test, Some(&abai(2))),
        Err(QrError::KeyPrecinctMismatch {
            key_precinct: abai(2),
            qr_precinct: abai(1)
        })
    );
    assert_eq!(
        refused(check(&data, builtin::demo(), Mode::Test, Some(&abai(2)))),
        "key_precinct_mismatch"
    );
    assert_eq!(
        check(&data, builtin::demo(), Mode::Test, None),
        Err(QrError::BadSignature)
    );
}

#[test]
fn another_election_or_definition_is_refused() {
    let mut data = demo_data();
    data.election = "kz-2024-other".to_owned();
    assert_eq!(
        check(&data, builtin::demo(), Mode::Test, Some(&abai(1))),
        Err(QrError::WrongElection("kz-2024-other".to_owned()))
    );
    let mut data = demo_data();
    data.definition_hash[7] ^= 1;
    assert_eq!(
        refused(check(&data, builtin::demo(), Mode::Test, Some(&abai(1)))),
        "definition_mismatch"
    );
    // The demo QR against the live definition: same election id, another file.
    assert_eq!(
        refused(check(
            &demo_data(),
            &live_demo(),
            Mode::Live,
            Some(&abai(1))
        )),
        "definition_mismatch"
    );
}

#[test]
fn the_mode_is_the_definitions_and_the_readers() {
    // A QR claiming live under the test definition's hash.
    let mut data = demo_data();
    data.mode = Mode::Live;
    for reader in [Mode::Live, Mode::Test] {
        assert_eq!(
            check(&data, builtin::demo(), reader, Some(&abai(1))),
            Err(QrError::ModeMismatch {
                qr: "live",
                definition: "test"
            })
        );
    }
    // A test QR read in live mode.
    assert_eq!(
        refused(check(
            &demo_data(),
            builtin::demo(),
            Mode::Live,
            Some(&abai(1))
        )),
        "test_in_live_mode"
    );
    // A live QR of a live definition: fine live, refused by a test reader.
    let live = live_demo();
    let mut data = demo_data();
    data.mode = Mode::Live;
    data.definition_hash = qr::definition_hash_prefix(&live.hash).unwrap();
    assert_eq!(check(&data, &live, Mode::Live, Some(&abai(1))), Ok(()));
    assert_eq!(
        refused(check(&data, &live, Mode::Test, Some(&abai(1)))),
        "live_in_test_mode"
    );
}

/// One change to the demo QR data.
type Change = fn(&mut QrProtocol);

#[test]
fn a_protocol_that_does_not_fit_the_definition_is_refused() {
    let cases: [(&str, Change); 4] = [
        ("a contest the precinct does not hold", |data| {
            data.contest = "akmola-list".to_owned();
        }),
        ("another template", |data| data.template = "P3".to_owned()),
        ("a value missing", |data| {
            data.values.pop();
        }),
        ("a precinct not in the definition", |data| {
            data.precinct = abai(999_999);
        }),
    ];
    for (what, change) in cases {
        let mut data = demo_data();
        change(&mut data);
        let key_precinct = data.precinct.clone();
        let result = check(&data, builtin::demo(), Mode::Test, Some(&key_precinct));
        assert!(
            matches!(result, Err(QrError::NotInDefinition(_))),
            "{what}: {result:?}"
        );
        assert_eq!(refused(result), "not_in_definition");
    }
}
