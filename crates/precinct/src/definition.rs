//! Trusting an election definition for setup, with one rule for the app and the CLI.
//!
//! The built-in demo is trusted as it is. A definition file is trusted only when its signature
//! (`FILE.minisig`) verifies with the commission key **pinned** in the database, and a key is
//! pinned only after the operator confirmed it against the commission's paper: the app or CLI
//! shows the key's [`fingerprint`](hattama_batch::keys::fingerprint) (eight groups of four hex
//! digits) with two groups blanked out ([`challenge`]), and the operator types those two groups
//! from the paper ([`pin_commission_key`]). A key that lies beside a definition proves nothing by
//! itself (anyone can sign a file and put their own `commission.pub` next to it); once a key is
//! pinned, every later definition file is verified with it, whatever key lies beside that file.
//!
//! Which two groups are blanked follows from the key ([`blanked_groups`]), so the app, the CLI
//! and a test agree on it, and it differs from one commission key to another.

use std::path::{Path, PathBuf};

use hattama_batch::keys;
use hattama_batch::registry::verify_definition;
use hattama_protocol::definition::{load_definition, sha256_hex};
use hattama_protocol::{LoadedDefinition, PrecinctId, builtin};
use hattama_store::{CommissionKey, FirstChair, PinnedKey, Session, Store, StoreError, Timestamp};

use crate::error::PrecinctError;

/// The name of the commission's public key file handed out beside a definition.
pub const COMMISSION_PUB: &str = "commission.pub";

/// How many groups of four hex digits a fingerprint has.
pub const FINGERPRINT_GROUPS: usize = 8;

/// Where a definition comes from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DefinitionSource {
    /// The built-in 2023 demo election.
    Demo,
    /// A definition file, signed by the commission.
    File(PathBuf),
}

impl DefinitionSource {
    /// `demo` for the built-in definition, anything else a file's path.
    pub fn parse(text: &str) -> DefinitionSource {
        match text {
            "demo" => DefinitionSource::Demo,
            path => DefinitionSource::File(PathBuf::from(path)),
        }
    }
}

/// The commission key file for a definition file: `key` when given, else `commission.pub` in
/// the definition's folder.
pub fn commission_key_path(definition: &Path, key: Option<&Path>) -> PathBuf {
    key.map_or_else(
        || definition.with_file_name(COMMISSION_PUB),
        Path::to_path_buf,
    )
}

/// Reads a commission public key file (a bare key line or minisign's `.pub`) as the key to pin.
pub fn read_commission_key(path: &Path) -> Result<CommissionKey, PrecinctError> {
    let shown = path.display().to_string();
    let unusable = |detail: String| PrecinctError::CommissionKeyFile {
        path: shown.clone(),
        detail,
    };
    let text = std::fs::read(path).map_err(|error| unusable(error.to_string()))?;
    let text = String::from_utf8(text).map_err(|_| unusable("not text".to_owned()))?;
    let line = keys::public_key_line(&text).map_err(|error| unusable(error.to_string()))?;
    let key_id = keys::public_key_id(line).map_err(|error| unusable(error.to_string()))?;
    let fingerprint = keys::fingerprint(line).map_err(|error| unusable(error.to_string()))?;
    Ok(CommissionKey {
        key_id: key_id.to_string(),
        public_key: line.to_owned(),
        fingerprint,
    })
}

/// The two groups of a fingerprint (0-based, ascending) the operator types from the paper.
/// They follow from the fingerprint itself: the first two hex digits of SHA-256 of its text
/// pick them, so every key has its own pair and every reader computes the same one.
pub fn blanked_groups(fingerprint: &str) -> [usize; 2] {
    let digest = sha256_hex(fingerprint.as_bytes());
    let digit = |idx: usize| {
        digest
            .as_bytes()
            .get(idx)
            .and_then(|byte| char::from(*byte).to_digit(16))
            .and_then(|value| usize::try_from(value).ok())
            .unwrap_or(0)
    };
    let first = digit(0) % FINGERPRINT_GROUPS;
    let second = (first + 1 + digit(1) % (FINGERPRINT_GROUPS - 1)) % FINGERPRINT_GROUPS;
    if first < second {
        [first, second]
    } else {
        [second, first]
    }
}

/// What the operator is shown to confirm a commission key against the paper.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Challenge {
    /// The key's id (16 hex digits).
    pub key_id: String,
    /// The fingerprint's groups in order, `None` where blanked.
    pub groups: Vec<Option<String>>,
    /// The blanked groups' positions (0-based, ascending).
    pub blanked: [usize; 2],
    /// Whether this key is the one pinned already (then nothing is to be typed).
    pub pinned: bool,
}

impl Challenge {
    /// The fingerprint as shown, with `____` for each blanked group.
    pub fn shown(&self) -> String {
        let groups: Vec<&str> = self
            .groups
            .iter()
            .map(|group| group.as_deref().unwrap_or("____"))
            .collect();
        groups.join(" ")
    }
}

/// The challenge for `key`: its fingerprint with two groups blanked. When another key is
/// pinned already, it is refused (`store.commission_key_pinned`) before anything is asked.
pub fn challenge(store: &Store, key: &CommissionKey) -> Result<Challenge, PrecinctError> {
    let pinned = match store.commission_key()? {
        Some(pinned) if pinned.key.public_key == key.public_key => true,
        Some(pinned) => {
            return Err(StoreError::CommissionKeyPinned {
                pinned: pinned.key.key_id,
                offered: key.key_id.clone(),
            }
            .into());
        }
        None => false,
    };
    let blanked = blanked_groups(&key.fingerprint);
    let groups = key
        .fingerprint
        .split(' ')
        .enumerate()
        .map(|(idx, group)| (!blanked.contains(&idx)).then(|| group.to_owned()))
        .collect();
    Ok(Challenge {
        key_id: key.key_id.clone(),
        groups,
        blanked,
        pinned,
    })
}

/// Pins `key` once the operator typed the two blanked groups of its fingerprint as the
/// commission's paper shows them (either case, surrounding space ignored). A wrong or missing
/// group is refused with `app.fingerprint_mismatch`, which does not say which group was wrong
/// nor what it should have been, and nothing changes. Pinning the pinned key again is a no-op.
pub fn pin_commission_key(
    store: &mut Store,
    key: &CommissionKey,
    typed: &[String],
    now: Timestamp,
) -> Result<PinnedKey, PrecinctError> {
    let challenge = challenge(store, key)?;
    let groups: Vec<&str> = key.fingerprint.split(' ').collect();
    let matches = typed.len() == challenge.blanked.len()
        && challenge.blanked.iter().zip(typed).all(|(idx, typed)| {
            groups
                .get(*idx)
                .is_some_and(|group| same_group(group, typed))
        });
    if !matches {
        tracing::warn!(key_id = %key.key_id, "commission key confirmation does not match");
        return Err(PrecinctError::FingerprintMismatch);
    }
    Ok(store.pin_commission_key(key, now)?)
}

fn same_group(expected: &str, typed: &str) -> bool {
    expected.eq_ignore_ascii_case(typed.trim())
}

/// The definition's exact bytes, once trusted: the demo's, or a file's whose signature verifies
/// with the pinned commission key (`app.commission_key_not_pinned` when none is pinned yet).
pub fn trusted_bytes(store: &Store, source: &DefinitionSource) -> Result<Vec<u8>, PrecinctError> {
    let path = match source {
        DefinitionSource::Demo => return Ok(builtin::DEMO_JSON.to_vec()),
        DefinitionSource::File(path) => path,
    };
    let Some(pinned) = store.commission_key()? else {
        return Err(PrecinctError::CommissionKeyNotPinned);
    };
    let shown = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|error| PrecinctError::DefinitionFile {
        path: shown.clone(),
        detail: error.to_string(),
    })?;
    let unsigned = || PrecinctError::DefinitionSignature {
        path: shown.clone(),
    };
    let signature = read_text(&signature_path(path)).ok_or_else(unsigned)?;
    verify_definition(&bytes, &signature, &pinned.key.public_key).map_err(|_| unsigned())?;
    Ok(bytes)
}

fn signature_path(path: &Path) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(".minisig");
    PathBuf::from(name)
}

fn read_text(path: &Path) -> Option<String> {
    String::from_utf8(std::fs::read(path).ok()?).ok()
}

/// The trusted definition, loaded and checked against the built-in templates.
pub fn load(store: &Store, source: &DefinitionSource) -> Result<LoadedDefinition, PrecinctError> {
    let bytes = trusted_bytes(store, source)?;
    Ok(load_definition(&bytes, builtin::templates()).map_err(StoreError::from)?)
}

/// Sets the installation up for `precinct` of the trusted definition from `source`, with the
/// person setting up as its first chair, signed in. Only while the installation has no user.
pub fn setup(
    store: &mut Store,
    source: &DefinitionSource,
    precinct: &PrecinctId,
    first_chair: &FirstChair<'_>,
    now: Timestamp,
) -> Result<Session, PrecinctError> {
    let bytes = trusted_bytes(store, source)?;
    Ok(store.setup_precinct(&bytes, precinct, first_chair, now)?)
}
