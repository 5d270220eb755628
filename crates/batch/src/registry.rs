//! The key registry of a territorial commission: which device key belongs to which precinct, and
//! whether it is still valid. The registry is a JSON file signed with the commission's key; a
//! receiver loads it only through [`Registry::verify_and_load`], which checks the signature before
//! it parses a byte. Revoking a key keeps its entry, marked, so old batches still name it.

use serde::{Deserialize, Serialize};

use hattama_protocol::PrecinctId;

use crate::keys::{self, KeyError, KeyId, SignatureProblem, UnlockedKey};

/// The `format` field of a registry file.
pub const REGISTRY_FORMAT: &str = "hattama-registry";

/// A registry of precinct device keys.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Registry {
    /// Always `hattama-registry`.
    pub format: String,
    /// Version, `1`.
    pub version: u32,
    /// The election it serves.
    pub election: String,
    /// The commission key's id (the key that signs this file).
    pub commission_key: KeyId,
    /// Increases with every signed edition, so an older registry can be told apart.
    pub serial: u64,
    /// The device keys.
    pub keys: Vec<RegistryEntry>,
}

/// One device key.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RegistryEntry {
    /// Its id.
    pub key_id: KeyId,
    /// The public key, minisign base64.
    pub public_key: String,
    /// The precinct it signs for.
    pub precinct: PrecinctId,
    /// Valid or revoked.
    pub status: KeyStatus,
    /// Why it was revoked.
    #[serde(default)]
    pub revoked_reason: Option<String>,
}

/// Whether a key may sign batches.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum KeyStatus {
    /// Batches it signs are accepted.
    Valid,
    /// Batches it signs are refused.
    Revoked,
}

/// Why a registry operation failed.
#[derive(Debug, thiserror::Error)]
pub enum RegistryError {
    /// The signature file does not verify with the commission key.
    #[error("the registry's signature does not verify with the commission key")]
    BadSignature,
    /// Signed, but not a registry of this format.
    #[error("not a registry file: {0}")]
    Malformed(String),
    /// A key id already in the registry.
    #[error("key {0} is already registered")]
    Duplicate(KeyId),
    /// The precinct already has a valid key.
    #[error("precinct {0} already has a valid key; revoke it first")]
    PrecinctHasKey(PrecinctId),
    /// No such key.
    #[error("key {0} is not in the registry")]
    UnknownKey(KeyId),
    /// A loaded registry gives one precinct two valid keys, so batches from both would verify.
    #[error("the registry gives precinct {precinct} two valid keys ({first} and {second})")]
    TwoValidKeys {
        /// The precinct.
        precinct: PrecinctId,
        /// The first valid key listed.
        first: KeyId,
        /// The second.
        second: KeyId,
    },
    /// An entry's key id is not the id inside its public key.
    #[error("registry entry {0}: the key id is not that of its public key")]
    KeyIdMismatch(KeyId),
    /// The registry names another commission key than the one that signed it.
    #[error("the registry names commission key {named}, but was signed with {signer}")]
    CommissionKeyMismatch {
        /// The `commission_key` field.
        named: KeyId,
        /// The key that signed it.
        signer: KeyId,
    },
    /// The signed trusted comment does not state this registry's election and serial (or this
    /// definition's hash).
    #[error(
        "the signed trusted comment {stated:?} does not describe the file (expected {expected:?})"
    )]
    TrustedCommentMismatch {
        /// What the signature says.
        stated: String,
        /// What the file's content gives.
        expected: String,
    },
    /// A key problem.
    #[error(transparent)]
    Key(#[from] KeyError),
}

impl RegistryError {
    /// The stable code (message key suffix).
    pub fn code(&self) -> &'static str {
        match self {
            RegistryError::BadSignature => "registry_bad_signature",
            RegistryError::Malformed(_) => "registry_malformed",
            RegistryError::Duplicate(_) => "registry_duplicate_key",
            RegistryError::PrecinctHasKey(_) => "registry_precinct_has_key",
            RegistryError::UnknownKey(_) => "registry_unknown_key",
            RegistryError::TwoValidKeys { .. } => "registry_two_valid_keys",
            RegistryError::KeyIdMismatch(_) => "registry_key_id_mismatch",
            RegistryError::CommissionKeyMismatch { .. } => "registry_commission_key_mismatch",
            RegistryError::TrustedCommentMismatch { .. } => "registry_trusted_comment_mismatch",
            RegistryError::Key(error) => error.code(),
        }
    }
}

impl Registry {
    /// An empty registry for `election`, to be signed by the commission key `commission_key`.
    pub fn new(election: &str, commission_key: KeyId) -> Registry {
        Registry {
            format: REGISTRY_FORMAT.to_owned(),
            version: 1,
            election: election.to_owned(),
            commission_key,
            serial: 0,
            keys: Vec::new(),
        }
    }

    /// Adds a precinct's device key (either form of [`keys::public_key_line`]).
    pub fn add(&mut self, public_key: &str, precinct: PrecinctId) -> Result<KeyId, RegistryError> {
        let public_key = keys::public_key_line(public_key)?;
        let key_id = keys::public_key_id(public_key)?;
        if self.keys.iter().any(|entry| entry.key_id == key_id) {
            return Err(RegistryError::Duplicate(key_id));
        }
        if self
            .keys
            .iter()
            .any(|entry| entry.precinct == precinct && entry.status == KeyStatus::Valid)
        {
            return Err(RegistryError::PrecinctHasKey(precinct));
        }
        self.keys.push(RegistryEntry {
            key_id,
            public_key: public_key.to_owned(),
            precinct,
            status: KeyStatus::Valid,
            revoked_reason: None,
        });
        Ok(key_id)
    }

    /// Revokes a key, keeping its entry.
    pub fn revoke(&mut self, key_id: KeyId, reason: &str) -> Result<(), RegistryError> {
        let entry = self
            .keys
            .iter_mut()
            .find(|entry| entry.key_id == key_id)
            .ok_or(RegistryError::UnknownKey(key_id))?;
        entry.status = KeyStatus::Revoked;
        entry.revoked_reason = Some(reason.to_owned());
        Ok(())
    }

    /// The entry of a key.
    pub fn entry(&self, key_id: KeyId) -> Option<&RegistryEntry> {
        self.keys.iter().find(|entry| entry.key_id == key_id)
    }

    /// Bumps the serial and returns the file bytes and their signature.
    pub fn sign(&mut self, commission: &UnlockedKey) -> Result<(Vec<u8>, String), RegistryError> {
        self.serial += 1;
        let mut bytes = serde_json::to_vec_pretty(self)
            .map_err(|error| RegistryError::Malformed(error.to_string()))?;
        bytes.push(b'\n');
        let signature = commission.sign(&bytes, &self.trusted_comment())?;
        Ok((bytes, signature))
    }

    /// The signed trusted comment of this edition: `hattama-registry election=E serial=N`.
    pub fn trusted_comment(&self) -> String {
        format!(
            "hattama-registry election={} serial={}",
            self.election, self.serial
        )
    }

    /// Verifies the registry bytes with the commission's public key, then parses them and checks
    /// them as a whole: the signed trusted comment states this election and serial, the
    /// commission key named is the one that signed, every entry's key id is its public key's,
    /// no key id is listed twice, and no precinct has two valid keys (the rule [`Registry::add`]
    /// keeps, so a registry written by other means obeys it too).
    pub fn verify_and_load(
        bytes: &[u8],
        signature: &str,
        commission_public_key: &str,
    ) -> Result<Registry, RegistryError> {
        let comment = match keys::verify(commission_public_key, bytes, signature) {
            Ok(comment) => comment,
            Err(
                SignatureProblem::Malformed
                | SignatureProblem::OtherKey
                | SignatureProblem::Invalid,
            ) => {
                return Err(RegistryError::BadSignature);
            }
        };
        let registry: Registry = serde_json::from_slice(bytes)
            .map_err(|error| RegistryError::Malformed(error.to_string()))?;
        if registry.format != REGISTRY_FORMAT || registry.version != 1 {
            return Err(RegistryError::Malformed(format!(
                "format {} version {}",
                registry.format, registry.version
            )));
        }
        let expected = registry.trusted_comment();
        if comment != expected {
            return Err(RegistryError::TrustedCommentMismatch {
                stated: comment,
                expected,
            });
        }
        let signer = keys::public_key_id(commission_public_key)?;
        if registry.commission_key != signer {
            return Err(RegistryError::CommissionKeyMismatch {
                named: registry.commission_key,
                signer,
            });
        }
        registry.check_entries()?;
        Ok(registry)
    }

    fn check_entries(&self) -> Result<(), RegistryError> {
        let mut ids = std::collections::HashSet::with_capacity(self.keys.len());
        let mut valid = std::collections::HashMap::with_capacity(self.keys.len());
        for entry in &self.keys {
            if keys::public_key_id(&entry.public_key).ok() != Some(entry.key_id) {
                return Err(RegistryError::KeyIdMismatch(entry.key_id));
            }
            if !ids.insert(entry.key_id) {
                return Err(RegistryError::Duplicate(entry.key_id));
            }
            if entry.status == KeyStatus::Valid {
                if let Some(first) = valid.insert(&entry.precinct, entry.key_id) {
                    return Err(RegistryError::TwoValidKeys {
                        precinct: entry.precinct.clone(),
                        first,
                        second: entry.key_id,
                    });
                }
            }
        }
        Ok(())
    }
}

/// Finds a device key's registry entry by its id.
pub trait KeyLookup: Sync {
    /// The entry of `key_id`, if registered.
    fn lookup(&self, key_id: KeyId) -> Option<&RegistryEntry>;
}

impl KeyLookup for Registry {
    fn lookup(&self, key_id: KeyId) -> Option<&RegistryEntry> {
        self.entry(key_id)
    }
}

/// A registry indexed by key id, for checking many batches at once.
#[derive(Debug)]
pub struct RegistryIndex<'a> {
    by_id: std::collections::HashMap<KeyId, &'a RegistryEntry>,
}

impl Registry {
    /// An index by key id over this registry.
    pub fn index(&self) -> RegistryIndex<'_> {
        RegistryIndex {
            by_id: self
                .keys
                .iter()
                .map(|entry| (entry.key_id, entry))
                .collect(),
        }
    }
}

impl KeyLookup for RegistryIndex<'_> {
    fn lookup(&self, key_id: KeyId) -> Option<&RegistryEntry> {
        self.by_id.get(&key_id).copied()
    }
}

/// Signs a definition file with the commission key; returns the `.minisig` text.
pub fn sign_definition(bytes: &[u8], commission: &UnlockedKey) -> Result<String, KeyError> {
    commission.sign(bytes, &definition_comment(bytes))
}

/// The signed trusted comment of a definition file: `hattama-definition sha256=HASH`.
pub fn definition_comment(bytes: &[u8]) -> String {
    format!(
        "hattama-definition sha256={}",
        hattama_protocol::definition::sha256_hex(bytes)
    )
}

/// Verifies a definition file's signature against the commission's public key before loading it,
/// and that its signed trusted comment states the file's hash.
pub fn verify_definition(
    bytes: &[u8],
    signature: &str,
    commission_public_key: &str,
) -> Result<(), RegistryError> {
    let comment = keys::verify(commission_public_key, bytes, signature)
        .map_err(|_| RegistryError::BadSignature)?;
    let expected = definition_comment(bytes);
    if comment != expected {
        return Err(RegistryError::TrustedCommentMismatch {
            stated: comment,
            expected,
        });
    }
    Ok(())
}
