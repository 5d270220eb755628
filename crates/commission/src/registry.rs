//! The commission's key registry folder: `commission.pub`, `commission.key` (encrypted with the
//! commission's passphrase), `registry.json` and `registry.json.minisig`; signing and verifying
//! election definitions with the commission key; making a device key pair headless.
//!
//! Every registry read goes through [`load`], which verifies the signature before parsing.

use std::path::{Path, PathBuf};

use hattama_batch::keys::{self, KeyId, NewKeyPair};
use hattama_batch::registry::{self, Registry};
use hattama_protocol::PrecinctId;
use hattama_protocol::definition::{load_definition, sha256_hex};

use crate::error::CommissionError;
use crate::files::{read_bytes, read_text, signature_path, write_atomic, write_secret_new};

/// The commission's public key file in a registry folder.
pub const COMMISSION_PUB: &str = "commission.pub";
/// The commission's encrypted secret key file in a registry folder.
pub const COMMISSION_KEY: &str = "commission.key";

fn registry_error(dir: &Path) -> impl Fn(registry::RegistryError) -> CommissionError + '_ {
    move |source| CommissionError::Registry {
        dir: dir.to_owned(),
        source,
    }
}

/// Loads and verifies the registry in `dir` with the commission key (default:
/// `dir/commission.pub`).
pub fn load(dir: &Path, commission_key: Option<&Path>) -> Result<Registry, CommissionError> {
    let key_path = commission_key.map_or_else(|| dir.join(COMMISSION_PUB), Path::to_path_buf);
    let public = read_text(&key_path)?;
    let bytes = read_bytes(&dir.join("registry.json"))?;
    let signature = read_text(&dir.join("registry.json.minisig"))?;
    Registry::verify_and_load(&bytes, &signature, &public).map_err(registry_error(dir))
}

fn save(dir: &Path, registry: &mut Registry, passphrase: &str) -> Result<(), CommissionError> {
    let secret = read_text(&dir.join(COMMISSION_KEY))?;
    let commission = keys::unlock(&secret, Some(passphrase))?;
    let (bytes, signature) = registry.sign(&commission).map_err(registry_error(dir))?;
    write_atomic(&dir.join("registry.json"), &bytes)?;
    write_atomic(&dir.join("registry.json.minisig"), signature.as_bytes())
}

/// Writes a new key pair as `NAME.pub` and `NAME.key` in `dir`, refusing to overwrite a key;
/// the secret key file is created 0600.
fn new_key_files(
    dir: &Path,
    name: &str,
    passphrase: &str,
    comment: &str,
) -> Result<NewKeyPair, CommissionError> {
    std::fs::create_dir_all(dir).map_err(|source| CommissionError::write(dir, source))?;
    let secret_path = dir.join(format!("{name}.key"));
    if secret_path.exists() {
        return Err(CommissionError::KeyExists { path: secret_path });
    }
    let pair = keys::generate(passphrase, comment)?;
    write_secret_new(&secret_path, pair.secret_key.as_bytes()).map_err(|error| match error {
        CommissionError::Write { source, .. }
            if source.kind() == std::io::ErrorKind::AlreadyExists =>
        {
            CommissionError::KeyExists {
                path: secret_path.clone(),
            }
        }
        other => other,
    })?;
    write_atomic(
        &dir.join(format!("{name}.pub")),
        format!("{}\n", pair.public_key).as_bytes(),
    )?;
    Ok(pair)
}

/// Creates the commission key and an empty signed registry for `election` in `dir`.
pub fn init(dir: &Path, election: &str, passphrase: &str) -> Result<NewKeyPair, CommissionError> {
    let pair = new_key_files(dir, "commission", passphrase, "hattama commission key")?;
    let mut registry = Registry::new(election, pair.key_id);
    save(dir, &mut registry, passphrase)?;
    Ok(pair)
}

/// Adds a precinct's device key (a key line, or a file holding it) to the registry in `dir`.
pub fn add(
    dir: &Path,
    public_key: &str,
    precinct: PrecinctId,
    passphrase: &str,
) -> Result<(KeyId, Registry), CommissionError> {
    let mut registry = load(dir, None)?;
    let text = std::fs::read_to_string(public_key).unwrap_or_else(|_| public_key.to_owned());
    let key_id = registry
        .add(keys::public_key_line(&text)?, precinct)
        .map_err(registry_error(dir))?;
    save(dir, &mut registry, passphrase)?;
    Ok((key_id, registry))
}

/// Revokes a key in the registry in `dir` (the entry stays, marked revoked).
pub fn revoke(
    dir: &Path,
    key_id: &str,
    reason: &str,
    passphrase: &str,
) -> Result<(KeyId, Registry), CommissionError> {
    let mut registry = load(dir, None)?;
    let key_id = KeyId::parse(key_id).ok_or_else(|| CommissionError::BadKeyId(key_id.into()))?;
    registry
        .revoke(key_id, reason)
        .map_err(registry_error(dir))?;
    save(dir, &mut registry, passphrase)?;
    Ok((key_id, registry))
}

/// Signs a definition file with the commission key in `dir`, writing `FILE.minisig`; returns
/// the signature file and the definition's SHA-256.
pub fn sign_definition_file(
    dir: &Path,
    file: &Path,
    passphrase: &str,
) -> Result<(PathBuf, String), CommissionError> {
    let bytes = read_bytes(file)?;
    load_definition(&bytes, hattama_protocol::builtin::templates()).map_err(|source| {
        CommissionError::Definition {
            name: file.display().to_string(),
            source,
        }
    })?;
    let secret = read_text(&dir.join(COMMISSION_KEY))?;
    let commission = keys::unlock(&secret, Some(passphrase))?;
    let signature = registry::sign_definition(&bytes, &commission)?;
    let signature_file = signature_path(file);
    write_atomic(&signature_file, signature.as_bytes())?;
    Ok((signature_file, sha256_hex(&bytes)))
}

/// Verifies a definition file's signature (`FILE.minisig`) with the commission's public key
/// file; returns the definition's SHA-256 when it verifies.
pub fn verify_definition_file(
    commission_key: &Path,
    file: &Path,
) -> Result<Result<String, registry::RegistryError>, CommissionError> {
    let bytes = read_bytes(file)?;
    let signature = read_text(&signature_path(file))?;
    let public = read_text(commission_key)?;
    Ok(registry::verify_definition(&bytes, &signature, &public).map(|()| sha256_hex(&bytes)))
}

/// Makes a device key pair headless: `device.pub` and `device.key` in `out`.
pub fn keygen(out: &Path, passphrase: &str) -> Result<NewKeyPair, CommissionError> {
    new_key_files(out, "device", passphrase, "hattama device key")
}
