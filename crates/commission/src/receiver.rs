//! What the receiving side trusts: the verified registry, the election definition and the mode,
//! and checking one batch file against them.

use std::path::{Path, PathBuf};

use hattama_batch::receive::{Expect, VerifiedBatch, VerifyError, read_and_verify};
use hattama_batch::registry::Registry;
use hattama_print::qr::QrExpect;
use hattama_protocol::definition::load_definition;
use hattama_protocol::{LoadedDefinition, Mode, PrecinctId, TemplateSet, builtin};

use crate::error::CommissionError;
use crate::registry;

/// Where the receiver's trust comes from.
#[derive(Clone, Debug)]
pub struct ReceiverConfig {
    /// The registry folder.
    pub registry: PathBuf,
    /// The commission's public key; `None` for `commission.pub` in the registry folder.
    pub commission_key: Option<PathBuf>,
    /// The election definition: `demo` or a path.
    pub definition: String,
    /// `Live` refuses test batches; `Test` refuses live ones.
    pub mode: Mode,
}

/// The receiver's expectations: registry, definition, templates, mode.
#[derive(Debug)]
pub struct Receiver {
    /// The verified registry of device keys.
    pub registry: Registry,
    /// The election definition.
    pub definition: LoadedDefinition,
    /// The templates its contests use.
    pub templates: TemplateSet,
    /// The mode batches must have.
    pub mode: Mode,
}

/// The election definition the commission works with: `demo` for the built-in one, or a file.
pub fn definition(
    name: &str,
    templates: &TemplateSet,
) -> Result<LoadedDefinition, CommissionError> {
    let failed = |source| CommissionError::Definition {
        name: name.to_owned(),
        source,
    };
    if name == "demo" {
        return load_definition(builtin::DEMO_JSON, templates).map_err(failed);
    }
    let bytes =
        std::fs::read(name).map_err(|source| CommissionError::read(Path::new(name), source))?;
    load_definition(&bytes, templates).map_err(failed)
}

impl Receiver {
    /// Loads the registry (verified with the commission key) and the definition, which must be
    /// for the same election.
    pub fn load(config: &ReceiverConfig) -> Result<Receiver, CommissionError> {
        let templates = builtin::templates().clone();
        let definition = definition(&config.definition, &templates)?;
        let registry = registry::load(&config.registry, config.commission_key.as_deref())?;
        if registry.election != definition.definition.id {
            return Err(CommissionError::ElectionMismatch {
                registry: registry.election,
                definition: definition.definition.id,
            });
        }
        Ok(Receiver {
            registry,
            definition,
            templates,
            mode: config.mode,
        })
    }

    /// What a batch must match.
    pub fn expect(&self) -> Expect<'_> {
        Expect {
            definition: &self.definition,
            templates: &self.templates,
            mode: self.mode,
        }
    }

    /// Verifies the batch file `payload_file` (its signature beside it as `FILE.minisig`),
    /// read as hostile input: regular files only, bounded in size, never blocking.
    pub fn verify_file(&self, payload_file: &Path) -> Result<VerifiedBatch, VerifyError> {
        read_and_verify(payload_file, &self.registry, &self.expect()).result
    }

    /// What a printed protocol's QR must match, given the precinct of the key that signed it.
    pub fn qr_expect<'a>(&'a self, key_precinct: Option<&'a PrecinctId>) -> QrExpect<'a> {
        QrExpect {
            definition: &self.definition,
            templates: &self.templates,
            mode: self.mode,
            key_precinct,
        }
    }
}
