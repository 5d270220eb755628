//! What a payload must hold to decode, beyond its JSON shape, and what its trusted comment states.

use hattama_batch::format::{
    decode, encode, parse_trusted_comment, stated_version, trusted_comment,
};

use crate::sample;

/// Found by the `batch_payload` fuzz target: a region with spaces decoded, and the trusted comment
/// written for it (`precinct=ab a  i/1`) did not parse back. Ids go into file names and the
/// signed comment, so a payload's election and region must be ids as a definition has them.
#[test]
fn a_payload_whose_region_or_election_is_no_id_does_not_decode() {
    let good = sample::payload(1, None);
    let bytes = encode(&good);
    let decoded = decode(&bytes).unwrap();
    assert!(parse_trusted_comment(&trusted_comment(&decoded, &bytes)).is_some());

    for region in ["ab a  i", "", "abai/1", "../abai", "abaí"] {
        let mut payload = good.clone();
        payload.precinct.region = region.to_owned();
        let refused = decode(&encode(&payload)).unwrap_err();
        assert!(refused.contains("precinct region"), "{region:?}: {refused}");
    }
    let mut payload = good.clone();
    payload.election.id = "kz 2023".to_owned();
    let refused = decode(&encode(&payload)).unwrap_err();
    assert!(refused.contains("election id"), "{refused}");
}

/// A batch of another version is named by the version its trusted comment states, read only
/// from plain digits: `v03` or `v+3` is a malformed comment, not version 3.
#[test]
fn a_trusted_comment_states_its_version_in_plain_digits_only() {
    let rest = " precinct=abai/1 seq=1 size=10 sha256=ab";
    for (version, stated) in [
        ("v2", Some(2)),
        ("v3", Some(3)),
        ("v10", Some(10)),
        ("v03", None),
        ("v0", None),
        ("v+3", None),
        ("v3x", None),
        ("v", None),
    ] {
        let comment = format!("hattama-batch {version}{rest}");
        assert_eq!(stated_version(&comment), stated, "{comment}");
    }
    assert_eq!(stated_version("hattama-batchv2"), None);
}
