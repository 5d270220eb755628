//! Finding 6 of issue 12: a definition signed by a key of one's own, with that key's
//! `commission.pub` beside it, must not set a precinct up. The commission key is trusted only
//! once the operator typed the two blanked groups of its fingerprint from the commission's paper,
//! and from then on it is the only key a definition file is verified with.

#![expect(
    clippy::unwrap_used,
    reason = "test helpers unwrap: a panic there is a failed test"
)]

#[path = "../../store/tests/common/mod.rs"]
pub mod common;

use std::path::{Path, PathBuf};

use hattama_batch::keys;
use hattama_batch::registry::sign_definition;
use hattama_precinct::PrecinctError;
use hattama_precinct::definition::{self, Challenge, DefinitionSource, FINGERPRINT_GROUPS};
use hattama_protocol::builtin::DEMO_JSON;
use hattama_store::{CommissionKey, FirstChair, Store, StoreError};

use common::{CHAIR_PIN, NOW, abai_1, file_hashes, test_config};

fn first_chair() -> FirstChair<'static> {
    FirstChair {
        name: "Chair",
        pin: CHAIR_PIN,
    }
}

/// A folder as the commission hands it out: `definition.json`, its signature, `commission.pub`.
struct Handout {
    dir: tempfile::TempDir,
    definition: PathBuf,
}

impl Handout {
    fn key_file(&self) -> PathBuf {
        self.dir.path().join("commission.pub")
    }
}

/// The definition signed by a fresh key, that key's `.pub` beside it.
fn handout(bytes: &[u8]) -> Handout {
    let dir = tempfile::tempdir().unwrap();
    let definition = dir.path().join("definition.json");
    std::fs::write(&definition, bytes).unwrap();
    let pair = keys::generate_unencrypted("commission").unwrap();
    let secret = keys::unlock(&pair.secret_key, None).unwrap();
    std::fs::write(
        dir.path().join("definition.json.minisig"),
        sign_definition(bytes, &secret).unwrap(),
    )
    .unwrap();
    std::fs::write(
        dir.path().join("commission.pub"),
        format!("{}\n", pair.public_key),
    )
    .unwrap();
    Handout { dir, definition }
}

/// The groups a person reads off the paper at the blanked positions of `challenge`.
fn paper_groups(paper: &CommissionKey, challenge: &Challenge) -> Vec<String> {
    let groups: Vec<&str> = paper.fingerprint.split(' ').collect();
    challenge
        .blanked
        .iter()
        .map(|idx| groups[*idx].to_owned())
        .collect()
}

fn fresh_store() -> (tempfile::TempDir, PathBuf, Store) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("hattama.db");
    let store = Store::open_with(&path, test_config()).unwrap();
    (dir, path, store)
}

fn file(path: &Path) -> DefinitionSource {
    DefinitionSource::File(path.to_owned())
}

/// Runs `step` on a fresh open of the closed database at `path`; the files are unchanged after.
fn assert_unchanged<T>(path: &Path, step: impl FnOnce(&mut Store) -> T) -> T {
    let before = file_hashes(path);
    let mut store = Store::open_with(path, test_config()).unwrap();
    let outcome = step(&mut store);
    store.close().unwrap();
    assert_eq!(
        file_hashes(path),
        before,
        "a refused step changed the database"
    );
    outcome
}

#[test]
fn attack_6_a_self_signed_definition_with_its_own_key_beside_it_is_refused() {
    let real = handout(DEMO_JSON);
    let paper = definition::read_commission_key(&real.key_file()).unwrap();
    let forged = handout(DEMO_JSON);
    let (_dir, path, store) = fresh_store();
    store.close().unwrap();

    // The forged key beside the file proves nothing: no key is pinned, so nothing loads.
    let refused = assert_unchanged(&path, |store| {
        definition::setup(
            store,
            &file(&forged.definition),
            &abai_1(),
            &first_chair(),
            NOW,
        )
    });
    assert!(
        matches!(refused, Err(PrecinctError::CommissionKeyNotPinned)),
        "{refused:?}"
    );
    assert_eq!(refused.unwrap_err().code(), "app.commission_key_not_pinned");

    // Confirming the forged key with the groups printed on the commission's paper fails.
    let forged_key = definition::read_commission_key(&forged.key_file()).unwrap();
    let refused = assert_unchanged(&path, |store| {
        let challenge = definition::challenge(store, &forged_key).unwrap();
        let typed = paper_groups(&paper, &challenge);
        definition::pin_commission_key(store, &forged_key, &typed, NOW)
    });
    let refused = refused.unwrap_err();
    assert!(
        matches!(refused, PrecinctError::FingerprintMismatch),
        "{refused:?}"
    );
    assert_eq!(refused.code(), "app.fingerprint_mismatch");
    assert!(
        refused.params().is_empty(),
        "the refusal gives the groups away"
    );

    // The real key, confirmed against its paper, sets the precinct up.
    let mut store = Store::open_with(&path, test_config()).unwrap();
    let challenge = definition::challenge(&store, &paper).unwrap();
    assert!(!challenge.pinned);
    let typed = paper_groups(&paper, &challenge);
    definition::pin_commission_key(&mut store, &paper, &typed, NOW).unwrap();
    definition::setup(
        &mut store,
        &file(&real.definition),
        &abai_1(),
        &first_chair(),
        NOW,
    )
    .unwrap();
    assert_eq!(store.precinct(), Some(&abai_1()));
}

#[test]
fn the_pinned_key_persists_and_a_later_file_signed_by_another_key_is_refused() {
    let real = handout(DEMO_JSON);
    let paper = definition::read_commission_key(&real.key_file()).unwrap();
    let (_dir, path, mut store) = fresh_store();
    let challenge = definition::challenge(&store, &paper).unwrap();
    let typed = paper_groups(&paper, &challenge);
    let pinned = definition::pin_commission_key(&mut store, &paper, &typed, NOW).unwrap();
    store.close().unwrap();

    let store = Store::open_with(&path, test_config()).unwrap();
    assert_eq!(store.commission_key().unwrap(), Some(pinned));
    assert!(definition::challenge(&store, &paper).unwrap().pinned);
    assert!(definition::load(&store, &file(&real.definition)).is_ok());
    store.close().unwrap();

    // A later file, signed by another key that lies beside it, even when someone can type that
    // key's own groups: the pinned key decides.
    let other = handout(DEMO_JSON);
    let other_key = definition::read_commission_key(&other.key_file()).unwrap();
    let refused = assert_unchanged(&path, |store| {
        definition::setup(
            store,
            &file(&other.definition),
            &abai_1(),
            &first_chair(),
            NOW,
        )
    });
    assert!(
        matches!(refused, Err(PrecinctError::DefinitionSignature { .. })),
        "{refused:?}"
    );
    let refused = assert_unchanged(&path, |store| {
        let fingerprint: Vec<&str> = other_key.fingerprint.split(' ').collect();
        let blanked = definition::blanked_groups(&other_key.fingerprint);
        let own: Vec<String> = blanked
            .iter()
            .map(|idx| fingerprint[*idx].to_owned())
            .collect();
        definition::pin_commission_key(store, &other_key, &own, NOW)
    });
    assert!(
        matches!(
            refused,
            Err(PrecinctError::Store(StoreError::CommissionKeyPinned { .. }))
        ),
        "{refused:?}"
    );
}

#[test]
fn a_wrong_or_missing_group_is_refused_and_changes_nothing() {
    let real = handout(DEMO_JSON);
    let paper = definition::read_commission_key(&real.key_file()).unwrap();
    let (_dir, path, store) = fresh_store();
    let challenge = definition::challenge(&store, &paper).unwrap();
    store.close().unwrap();
    let right = paper_groups(&paper, &challenge);
    let mut one_wrong = right.clone();
    one_wrong[1] = if one_wrong[1] == "0000" {
        "0001"
    } else {
        "0000"
    }
    .to_owned();
    for typed in [
        vec![],
        vec![right[0].clone()],
        one_wrong,
        vec!["".into(), "".into()],
    ] {
        let refused = assert_unchanged(&path, |store| {
            definition::pin_commission_key(store, &paper, &typed, NOW)
        });
        assert!(
            matches!(refused, Err(PrecinctError::FingerprintMismatch)),
            "{typed:?}: {refused:?}"
        );
    }
    // Upper case and surrounding space are the same group.
    let typed: Vec<String> = right
        .iter()
        .map(|group| format!(" {} ", group.to_uppercase()))
        .collect();
    let mut store = Store::open_with(&path, test_config()).unwrap();
    definition::pin_commission_key(&mut store, &paper, &typed, NOW).unwrap();
}

#[test]
fn the_demo_needs_no_commission_key() {
    let (_dir, _path, mut store) = fresh_store();
    definition::setup(
        &mut store,
        &DefinitionSource::Demo,
        &abai_1(),
        &first_chair(),
        NOW,
    )
    .unwrap();
    assert_eq!(store.commission_key().unwrap(), None);
}

#[test]
fn the_challenge_blanks_two_of_the_eight_groups() {
    let real = handout(DEMO_JSON);
    let paper = definition::read_commission_key(&real.key_file()).unwrap();
    let (_dir, _path, store) = fresh_store();
    let challenge = definition::challenge(&store, &paper).unwrap();
    assert_eq!(challenge.groups.len(), FINGERPRINT_GROUPS);
    let blanked: Vec<usize> = (0..FINGERPRINT_GROUPS)
        .filter(|idx| challenge.groups[*idx].is_none())
        .collect();
    assert_eq!(blanked, challenge.blanked.to_vec());
    assert_eq!(challenge.shown().matches("____").count(), 2);
    assert_eq!(challenge.key_id.len(), 16);

    // Over many keys, the blanked pair is always two different groups, and it varies.
    let mut seen = std::collections::BTreeSet::new();
    for _ in 0..40 {
        let pair = keys::generate_unencrypted("k").unwrap();
        let [first, second] =
            definition::blanked_groups(&keys::fingerprint(&pair.public_key).unwrap());
        assert!(
            first < second && second < FINGERPRINT_GROUPS,
            "{first} {second}"
        );
        seen.insert((first, second));
    }
    assert!(1 < seen.len(), "{seen:?}");
}

#[test]
fn a_key_file_that_is_no_key_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("commission.pub");
    std::fs::write(&path, "not a key\n").unwrap();
    let refused = definition::read_commission_key(&path).unwrap_err();
    assert_eq!(refused.code(), "app.commission_key_file");
    let missing = definition::read_commission_key(&dir.path().join("none.pub")).unwrap_err();
    assert_eq!(missing.code(), "app.commission_key_file");
}
