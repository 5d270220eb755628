//! [`CommissionError`]: why a commission use case failed, with a stable code the CLI prints.

use std::path::PathBuf;

use hattama_batch::keys::KeyError;
use hattama_batch::read::ReadError;
use hattama_batch::registry::RegistryError;
use hattama_protocol::definition::DefinitionError;
use hattama_protocol::tally::TallyOverflow;
use hattama_store::receiver::ReceiverError;

/// Why a commission use case did not happen.
#[derive(Debug, thiserror::Error)]
pub enum CommissionError {
    /// A file could not be read.
    #[error("cannot read {}: {source}", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// What the system said.
        source: std::io::Error,
    },
    /// A file could not be written.
    #[error("cannot write {}: {source}", path.display())]
    Write {
        /// The file.
        path: PathBuf,
        /// What the system said.
        source: std::io::Error,
    },
    /// The registry does not load or change.
    #[error("registry in {}: {source}", dir.display())]
    Registry {
        /// The registry folder.
        dir: PathBuf,
        /// Why.
        source: RegistryError,
    },
    /// A file on the stick could not be listed or read safely.
    #[error(transparent)]
    Stick(#[from] ReadError),
    /// A key operation failed.
    #[error(transparent)]
    Key(#[from] KeyError),
    /// The election definition does not load.
    #[error("definition {name}: {source}")]
    Definition {
        /// `demo` or the file.
        name: String,
        /// Why.
        source: DefinitionError,
    },
    /// The registry and the definition are for different elections.
    #[error("the registry is for election {registry}, the definition is {definition}")]
    ElectionMismatch {
        /// The registry's election.
        registry: String,
        /// The definition's election.
        definition: String,
    },
    /// The folder already holds a key that would be overwritten.
    #[error("{} already holds a key", path.display())]
    KeyExists {
        /// The existing key file.
        path: PathBuf,
    },
    /// Not a key id.
    #[error("`{0}` is not a key id (16 hex digits)")]
    BadKeyId(String),
    /// The receiver database refused or failed.
    #[error(transparent)]
    Receiver(#[from] ReceiverError),
    /// A total overflowed (impossible with valid counts).
    #[error(transparent)]
    Tally(#[from] TallyOverflow),
}

impl CommissionError {
    /// The stable code (printed in brackets by the CLI).
    pub fn code(&self) -> String {
        match self {
            CommissionError::Read { .. } => "commission.read".to_owned(),
            CommissionError::Write { .. } => "commission.write".to_owned(),
            CommissionError::Registry { source, .. } => format!("batch.{}", source.code()),
            CommissionError::Key(error) => format!("batch.{}", error.code()),
            CommissionError::Stick(error) => format!("batch.{}", error.code()),
            CommissionError::Definition { .. } => "commission.bad_definition".to_owned(),
            CommissionError::ElectionMismatch { .. } => "commission.election_mismatch".to_owned(),
            CommissionError::KeyExists { .. } => "commission.key_exists".to_owned(),
            CommissionError::BadKeyId(_) => "commission.bad_key_id".to_owned(),
            CommissionError::Receiver(_) => "commission.receiver".to_owned(),
            CommissionError::Tally(_) => "commission.tally_overflow".to_owned(),
        }
    }

    pub(crate) fn read(path: &std::path::Path, source: std::io::Error) -> CommissionError {
        CommissionError::Read {
            path: path.to_owned(),
            source,
        }
    }

    pub(crate) fn write(path: &std::path::Path, source: std::io::Error) -> CommissionError {
        CommissionError::Write {
            path: path.to_owned(),
            source,
        }
    }
}
