//! [`PrecinctError`]: why a precinct use case refused or failed, with the stable code (the UI's
//! message key without `error.`) and the parameters its message fills in. The app sends code and
//! parameters over IPC; the CLI prints the message and the code.

use std::collections::BTreeMap;

use hattama_batch::keys::KeyError;
use hattama_batch::write::WriteError;
use hattama_print::assemble::AssembleError;
use hattama_print::{FontError, PdfError};
use hattama_store::StoreError;

/// Why a precinct use case did not happen. A refusal changes nothing.
#[derive(Debug, thiserror::Error)]
pub enum PrecinctError {
    /// The store refused or failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The definition file could not be read.
    #[error("cannot read {path}: {detail}")]
    DefinitionFile {
        /// The path as given.
        path: String,
        /// What the system said.
        detail: String,
    },
    /// A definition file whose signature is missing or does not verify with the pinned
    /// commission key.
    #[error("the definition file {path} is not signed by the pinned commission key")]
    DefinitionSignature {
        /// The definition file.
        path: String,
    },
    /// A definition file was offered before any commission key was confirmed and pinned.
    #[error("no commission key is pinned yet: confirm the commission key against its paper first")]
    CommissionKeyNotPinned,
    /// The commission key file could not be read or is not a public key.
    #[error("cannot use the commission key {path}: {detail}")]
    CommissionKeyFile {
        /// The key file.
        path: String,
        /// What is wrong.
        detail: String,
    },
    /// The groups typed do not match the commission key's fingerprint: the key is not the one
    /// on the commission's paper, or a group was mistyped. Which one is not said.
    #[error("the typed groups do not match the commission key's fingerprint")]
    FingerprintMismatch,
    /// The passphrase and its repetition differ.
    #[error("the passphrases differ")]
    PassphraseMismatch,
    /// A key operation failed (wrong passphrase, a weak one, a damaged key file).
    #[error(transparent)]
    Key(#[from] KeyError),
    /// No folder was given.
    #[error("no folder given")]
    NoFolder,
    /// The path is not an existing folder.
    #[error("{path} is not a folder")]
    NotAFolder {
        /// The path as given.
        path: String,
    },
    /// No removable drive is mounted and no folder was given.
    #[error("no removable drive is mounted; insert one or name a folder")]
    NoDrive,
    /// Several removable drives are mounted and no folder was given.
    #[error("several removable drives are mounted; name the one to write to")]
    SeveralDrives,
    /// Writing the batch to the drive failed; nothing is left under the final name.
    #[error(transparent)]
    Write(#[from] WriteError),
    /// The fonts for the printed documents are missing or broken.
    #[error(transparent)]
    Fonts(#[from] FontError),
    /// A PDF could not be laid out.
    #[error(transparent)]
    Pdf(#[from] PdfError),
    /// The document's input could not be filled from the precinct's values.
    #[error(transparent)]
    Assemble(#[from] AssembleError),
    /// The contest has no final protocol of that version (or none at all).
    #[error("contest {contest} has no final version {version}")]
    NoFinal {
        /// The contest.
        contest: String,
        /// The version asked for, empty for "the newest".
        version: String,
    },
    /// The protocol was not exported yet, and the paper carries its batch hash.
    #[error(
        "contest {contest} version {version} is not exported yet: export it first, the printed protocol carries its batch hash"
    )]
    NotExported {
        /// The contest.
        contest: String,
        /// The version.
        version: u32,
    },
    /// A document could not be saved.
    #[error("cannot write {path}: {detail}")]
    WriteFile {
        /// The file.
        path: String,
        /// What the system said.
        detail: String,
    },
}

hattama_protocol::error_codes! {
    pub PrecinctError {
        nested {
            PrecinctError::Store(error) => error: StoreError,
            PrecinctError::Write(error) => error: WriteError,
        }
        codes {
            PrecinctError::DefinitionFile { .. } => "app.definition_file",
            PrecinctError::DefinitionSignature { .. } => "app.definition_signature",
            PrecinctError::CommissionKeyNotPinned => "app.commission_key_not_pinned",
            PrecinctError::CommissionKeyFile { .. } => "app.commission_key_file",
            PrecinctError::FingerprintMismatch => "app.fingerprint_mismatch",
            PrecinctError::PassphraseMismatch => "device_key.mismatch",
            PrecinctError::Key(KeyError::WeakPassphrase) => "store.weak_passphrase",
            PrecinctError::Key(KeyError::WrongPassphrase) => "store.wrong_passphrase",
            PrecinctError::Key(KeyError::Malformed(_) | KeyError::Sign(_)) => "store.key_failed",
            PrecinctError::NoFolder => "export.no_folder",
            PrecinctError::NotAFolder { .. } => "export.not_a_folder",
            PrecinctError::NoDrive => "export.no_drive",
            PrecinctError::SeveralDrives => "export.several_drives",
            PrecinctError::Fonts(_) => "print.fonts",
            PrecinctError::Pdf(_) => "print.pdf",
            PrecinctError::Assemble(_) => "print.assemble",
            PrecinctError::NoFinal { .. } => "print.no_final",
            PrecinctError::NotExported { .. } => "print.not_exported",
            PrecinctError::WriteFile { .. } => "print.write_file",
        }
    }
}

impl PrecinctError {
    /// The parameters a message for this error fills in, by name.
    pub fn params(&self) -> BTreeMap<String, String> {
        let pairs: Vec<(&str, String)> = match self {
            PrecinctError::Store(error) => {
                return error
                    .params()
                    .into_iter()
                    .map(|(name, value)| (name.to_owned(), value))
                    .collect();
            }
            PrecinctError::DefinitionFile { path, detail }
            | PrecinctError::CommissionKeyFile { path, detail }
            | PrecinctError::WriteFile { path, detail } => {
                vec![("path", path.clone()), ("detail", detail.clone())]
            }
            PrecinctError::DefinitionSignature { path } | PrecinctError::NotAFolder { path } => {
                vec![("path", path.clone())]
            }
            PrecinctError::Write(WriteError::Io { source, .. }) => {
                vec![("detail", source.to_string())]
            }
            PrecinctError::Write(WriteError::LinkInPath { path }) => vec![("path", path.clone())],
            PrecinctError::Fonts(error) => vec![("detail", error.to_string())],
            PrecinctError::Pdf(error) => vec![("detail", error.to_string())],
            PrecinctError::Assemble(error) => vec![("detail", error.to_string())],
            PrecinctError::NoFinal { contest, version } => {
                vec![("contest", contest.clone()), ("version", version.clone())]
            }
            PrecinctError::NotExported { contest, version } => {
                vec![
                    ("contest", contest.clone()),
                    ("version", version.to_string()),
                ]
            }
            PrecinctError::PassphraseMismatch
            | PrecinctError::CommissionKeyNotPinned
            | PrecinctError::FingerprintMismatch
            | PrecinctError::Key(_)
            | PrecinctError::NoFolder
            | PrecinctError::NoDrive
            | PrecinctError::SeveralDrives
            | PrecinctError::Write(_) => Vec::new(),
        };
        pairs
            .into_iter()
            .map(|(name, value)| (name.to_owned(), value))
            .collect()
    }
}
