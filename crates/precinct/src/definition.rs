//! Loading an election definition for setup, with one rule for the app and the CLI: the built-in
//! demo is trusted as it is; a file is loaded only when its signature (`FILE.minisig`) verifies
//! with the commission's public key (`commission.pub` in the same folder, handed out with the
//! definition). An unsigned or altered file is refused before it is parsed.

use std::path::{Path, PathBuf};

use hattama_batch::keys;
use hattama_batch::registry::verify_definition;
use hattama_protocol::definition::load_definition;
use hattama_protocol::{LoadedDefinition, PrecinctId, builtin};
use hattama_store::{FirstChair, Session, Store, StoreError, Timestamp};

use crate::error::PrecinctError;

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

/// The definition's exact bytes, once trusted: the demo's, or a file's whose signature verifies
/// with the commission key beside it.
pub fn trusted_bytes(source: &DefinitionSource) -> Result<Vec<u8>, PrecinctError> {
    let path = match source {
        DefinitionSource::Demo => return Ok(builtin::DEMO_JSON.to_vec()),
        DefinitionSource::File(path) => path,
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
    let commission_key = read_text(&path.with_file_name("commission.pub")).ok_or_else(unsigned)?;
    let key_line = keys::public_key_line(&commission_key).map_err(|_| unsigned())?;
    verify_definition(&bytes, &signature, key_line).map_err(|_| unsigned())?;
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
pub fn load(source: &DefinitionSource) -> Result<LoadedDefinition, PrecinctError> {
    let bytes = trusted_bytes(source)?;
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
    let bytes = trusted_bytes(source)?;
    Ok(store.setup_precinct(&bytes, precinct, first_chair, now)?)
}
