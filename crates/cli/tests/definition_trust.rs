//! `hattama setup --definition FILE` trusts a definition file exactly as the app does (both call
//! `hattama_precinct::definition`): only with `FILE.minisig` verifying with the commission key
//! pinned on this installation, and a key is pinned only once the operator typed the two
//! blanked groups of its fingerprint from the commission's paper (finding 6 of issue 12: a key
//! lying beside the file proves nothing). Every refusal leaves the installation not set up.

#![expect(
    clippy::unwrap_used,
    reason = "test helpers unwrap: a panic there is a failed test"
)]

#[path = "support/binary.rs"]
mod binary;
#[path = "support/run.rs"]
pub mod run;

use std::path::{Path, PathBuf};

use hattama_batch::keys;
use hattama_batch::registry::sign_definition;
use hattama_precinct::definition::blanked_groups;
use hattama_protocol::builtin::DEMO_JSON;
use run::{CHAIR_PIN, hattama_env, ok};

/// Runs `hattama ARGS` (a setup) with the first chair's new PIN in `HATTAMA_NEW_PIN`.
fn hattama(db: &Path, args: &[&str]) -> std::process::Output {
    hattama_env(db, args, &[("HATTAMA_NEW_PIN", CHAIR_PIN)])
}

/// A folder as the commission hands it out: the demo definition, signed by a fresh key, with
/// that key's `commission.pub` beside it. Returns the folder, the file and the key's fingerprint.
fn handout() -> (tempfile::TempDir, String, String) {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("definition.json");
    std::fs::write(&file, DEMO_JSON).unwrap();
    let pair = keys::generate_unencrypted("commission").unwrap();
    let key = keys::unlock(&pair.secret_key, None).unwrap();
    std::fs::write(
        dir.path().join("definition.json.minisig"),
        sign_definition(DEMO_JSON, &key).unwrap(),
    )
    .unwrap();
    std::fs::write(
        dir.path().join("commission.pub"),
        format!("{}\n", pair.public_key),
    )
    .unwrap();
    let fingerprint = keys::fingerprint(&pair.public_key).unwrap();
    (dir, file.to_str().unwrap().to_owned(), fingerprint)
}

/// The groups a person reads off the paper showing `paper` where `shown`'s key has its blanks.
fn groups(paper: &str, shown: &str) -> String {
    let paper: Vec<&str> = paper.split(' ').collect();
    blanked_groups(shown)
        .iter()
        .map(|idx| paper[*idx])
        .collect::<Vec<_>>()
        .join(" ")
}

fn setup(db: &Path, file: &str, typed: Option<&str>) -> std::process::Output {
    match typed {
        Some(typed) => setup_with(db, file, "1", &["--fingerprint-groups", typed]),
        None => setup_with(db, file, "1", &[]),
    }
}

/// `hattama setup` of precinct abai/`precinct` from the definition `file`, with `extra`
/// arguments after the usual ones.
fn setup_with(db: &Path, file: &str, precinct: &str, extra: &[&str]) -> std::process::Output {
    let mut args = vec![
        "setup",
        "--user",
        "Aigul",
        "--definition",
        file,
        "--region",
        "abai",
        "--precinct",
        precinct,
    ];
    args.extend(extra);
    hattama(db, &args)
}

/// Asserts that `output` is a refusal with `code` and that nothing is set up.
fn assert_refused(db: &Path, output: &std::process::Output, code: &str) {
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains(&format!("[{code}]")), "{stderr}");
    assert_eq!(ok(db, &["state"])["set_up"], false);
}

fn db_in(dir: &tempfile::TempDir) -> PathBuf {
    dir.path().join("hattama.db")
}

#[test]
fn attack_6_a_self_signed_definition_with_its_own_key_beside_it_is_refused() {
    let (_real_dir, real, paper) = handout();
    let (_forged_dir, forged, forged_fingerprint) = handout();
    let dir = tempfile::tempdir().unwrap();
    let db = db_in(&dir);

    // The forger's key, confirmed with the groups on the commission's paper: refused.
    let refused = setup(&db, &forged, Some(&groups(&paper, &forged_fingerprint)));
    assert_refused(&db, &refused, "app.fingerprint_mismatch");

    // The real key with its paper's groups: pinned, and the precinct is set up.
    let set_up = setup(&db, &real, Some(&groups(&paper, &paper)));
    assert!(
        set_up.status.success(),
        "{}",
        String::from_utf8_lossy(&set_up.stderr)
    );
    assert_eq!(ok(&db, &["state"])["set_up"], true);
    let audit = ok(&db, &["audit", "verify"]);
    assert!(audit["broken"].is_null(), "{audit}");
}

#[test]
fn without_the_groups_the_fingerprint_is_shown_blanked_and_nothing_is_pinned() {
    let (_folder, file, fingerprint) = handout();
    let dir = tempfile::tempdir().unwrap();
    let db = db_in(&dir);
    let refused = setup(&db, &file, None);
    assert_eq!(refused.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&refused.stderr);
    let [first, second] = blanked_groups(&fingerprint);
    let shown: Vec<&str> = fingerprint
        .split(' ')
        .enumerate()
        .map(|(idx, group)| {
            if idx == first || idx == second {
                "____"
            } else {
                group
            }
        })
        .collect();
    assert!(stderr.contains(&shown.join(" ")), "{stderr}");
    assert!(
        stderr.contains(&format!("groups {} and {}", first + 1, second + 1)),
        "{stderr}"
    );
    assert_eq!(ok(&db, &["state"])["set_up"], false);
}

#[test]
fn once_a_key_is_pinned_another_key_beside_a_later_file_is_refused() {
    let (_real_dir, real, paper) = handout();
    let dir = tempfile::tempdir().unwrap();
    let db = db_in(&dir);
    // Pinned, but the precinct is not in the definition: the key stays pinned, nothing set up.
    let typed = groups(&paper, &paper);
    let refused = setup_with(&db, &real, "9999", &["--fingerprint-groups", &typed]);
    assert_refused(&db, &refused, "store.unknown_precinct");

    let (_other_dir, other, other_fingerprint) = handout();
    let refused = setup(
        &db,
        &other,
        Some(&groups(&other_fingerprint, &other_fingerprint)),
    );
    assert_refused(&db, &refused, "store.commission_key_pinned");
    // Naming the pinned key for the other file does not help: its signature is not the pinned key's.
    let real_key = Path::new(&real).with_file_name("commission.pub");
    let refused = setup_with(
        &db,
        &other,
        "1",
        &["--commission-key", real_key.to_str().unwrap()],
    );
    assert_refused(&db, &refused, "app.definition_signature");

    // The pinned key needs no confirmation again.
    let set_up = setup(&db, &real, None);
    assert!(
        set_up.status.success(),
        "{}",
        String::from_utf8_lossy(&set_up.stderr)
    );
}

#[test]
fn an_unsigned_or_altered_definition_is_refused() {
    let (folder, file, paper) = handout();
    let dir = tempfile::tempdir().unwrap();
    let db = db_in(&dir);
    let typed = groups(&paper, &paper);

    let mut altered = DEMO_JSON.to_vec();
    altered.push(b' ');
    std::fs::write(&file, &altered).unwrap();
    let refused = setup(&db, &file, Some(&typed));
    assert_refused(&db, &refused, "app.definition_signature");

    std::fs::write(&file, DEMO_JSON).unwrap();
    std::fs::remove_file(folder.path().join("definition.json.minisig")).unwrap();
    let refused = setup(&db, &file, Some(&typed));
    assert_refused(&db, &refused, "app.definition_signature");
}

#[test]
fn the_demo_needs_no_commission_key() {
    let dir = tempfile::tempdir().unwrap();
    let db = db_in(&dir);
    let set_up = hattama(&db, &run::SETUP_DEMO);
    assert!(
        set_up.status.success(),
        "{}",
        String::from_utf8_lossy(&set_up.stderr)
    );
}
