//! Why a batch is refused: [`VerifyError`], each with a stable code, and [`ModeName`], a mode as
//! a word for its messages. What is checked, and in which order, is in [`crate::receive`].

use hattama_protocol::{Mode, PrecinctId};

use crate::format;
use crate::keys::KeyId;
use crate::read::FileKind;

/// Why a batch is refused. Each has a stable code for messages and reports.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum VerifyError {
    /// The payload is larger than [`MAX_PAYLOAD_BYTES`](crate::read::MAX_PAYLOAD_BYTES).
    #[error("the batch file is larger than {limit} bytes, the most a batch may hold")]
    PayloadTooLarge {
        /// The limit in bytes.
        limit: u64,
    },
    /// The signature file is larger than [`MAX_SIGNATURE_BYTES`](crate::read::MAX_SIGNATURE_BYTES).
    #[error("the signature file is larger than {limit} bytes, the most a signature may hold")]
    SignatureTooLarge {
        /// The limit in bytes.
        limit: u64,
    },
    /// A file of the batch is a link, a folder, a FIFO or a device: never read.
    #[error("{file} is a {kind}, not a regular file: only regular files are read from a drive")]
    NotRegularFile {
        /// The file's path.
        file: String,
        /// What it is.
        kind: FileKind,
    },
    /// A file of the batch is missing or the system refused to read it.
    #[error("cannot read {file}: {reason}")]
    Unreadable {
        /// The file's path.
        file: String,
        /// The system's reason.
        reason: String,
    },
    /// The signature file is not a minisign signature.
    #[error("the signature file is damaged or not a signature")]
    MalformedSignature,
    /// The key is not in the registry.
    #[error("key {0} is not in the registry")]
    UnknownKey(KeyId),
    /// The key was revoked.
    #[error("key {0} was revoked")]
    RevokedKey(KeyId),
    /// The payload is shorter than what was signed.
    #[error("the batch file is truncated ({actual} of {stated} bytes)")]
    Truncated {
        /// Bytes present.
        actual: usize,
        /// Bytes signed.
        stated: usize,
    },
    /// The payload is longer than what was signed.
    #[error("the batch file has {extra} bytes appended")]
    TrailingBytes {
        /// Bytes beyond what was signed.
        extra: usize,
    },
    /// The bytes do not match the signature.
    #[error("the batch does not match its signature: it was altered")]
    BadSignature,
    /// Signed by a registered key, but in a batch format version this build does not read
    /// (version 1 carried no audit log, so its history cannot be checked).
    #[error(
        "the batch is in format version {version}; this build reads only version {}",
        format::FORMAT_VERSION
    )]
    UnsupportedVersion {
        /// The version the signed trusted comment states.
        version: u32,
    },
    /// The signed trusted comment is not `hattama-batch v2 precinct=… seq=… size=… sha256=…`.
    #[error("the signed trusted comment is not a Hattama batch comment: {0:?}")]
    TrustedCommentMalformed(String),
    /// The signed trusted comment states another precinct, sequence, size or hash than the
    /// payload has.
    #[error("the signed trusted comment says {field}={stated}, but the batch has {actual}")]
    TrustedCommentMismatch {
        /// The field: `precinct`, `seq`, `size` or `sha256`.
        field: &'static str,
        /// What the comment states.
        stated: String,
        /// What the payload has.
        actual: String,
    },
    /// Signed, but not a payload this build reads.
    #[error("the batch content is not a valid payload: {0}")]
    Malformed(String),
    /// The key belongs to another precinct than the payload names.
    #[error(
        "signed with the key of precinct {key_precinct}, but the batch is for {batch_precinct}"
    )]
    KeyPrecinctMismatch {
        /// The precinct the registry gives the key.
        key_precinct: PrecinctId,
        /// The precinct the payload names.
        batch_precinct: PrecinctId,
    },
    /// Another election.
    #[error("the batch is for election {0}")]
    WrongElection(String),
    /// Another definition file than the commission's.
    #[error("the batch was made with another definition file (hash {0})")]
    DefinitionMismatch(String),
    /// The payload's mode is not the mode of the definition it names.
    #[error("the batch says it is a {payload} batch, but its definition is for {definition} use")]
    ModeMismatch {
        /// The mode the payload states.
        payload: ModeName,
        /// The definition's mode.
        definition: ModeName,
    },
    /// A test batch offered in live mode.
    #[error("a test batch cannot be imported in live mode")]
    TestBatchInLiveMode,
    /// A live batch offered to a test receiver.
    #[error("a live batch cannot be imported in test mode")]
    LiveBatchInTestMode,
    /// Protocols not in canonical order, or one listed twice.
    #[error("the protocols are out of order or listed twice")]
    ProtocolsOutOfOrder,
    /// A protocol that does not fit the definition or its template.
    #[error("protocol {contest}: {reason}")]
    BadProtocol {
        /// The contest.
        contest: String,
        /// What is wrong.
        reason: String,
    },
    /// The audit log the batch carries does not hash as a chain: entry `seq` is out of place or
    /// its hash is not the hash of its contents after the entry before.
    #[error("the batch's audit log is broken at entry {seq}")]
    AuditLogBroken {
        /// The first entry that does not fit.
        seq: u64,
    },
    /// The audit head the batch states is not the end of the log it carries.
    #[error("the batch states audit head #{stated_seq}, but its log ends at #{log_seq}")]
    AuditHeadMismatch {
        /// The head's sequence number as stated.
        stated_seq: u64,
        /// The last entry of the carried log (0 when empty).
        log_seq: u64,
    },
}

impl VerifyError {
    /// The stable code (message key suffix).
    pub fn code(&self) -> &'static str {
        match self {
            VerifyError::PayloadTooLarge { .. } => "payload_too_large",
            VerifyError::SignatureTooLarge { .. } => "signature_too_large",
            VerifyError::NotRegularFile { .. } => "not_regular_file",
            VerifyError::Unreadable { .. } => "unreadable_file",
            VerifyError::TrustedCommentMalformed(_) => "trusted_comment_malformed",
            VerifyError::TrustedCommentMismatch { .. } => "trusted_comment_mismatch",
            VerifyError::ModeMismatch { .. } => "mode_mismatch",
            VerifyError::MalformedSignature => "malformed_signature",
            VerifyError::UnknownKey(_) => "unknown_key",
            VerifyError::RevokedKey(_) => "revoked_key",
            VerifyError::Truncated { .. } => "truncated",
            VerifyError::TrailingBytes { .. } => "trailing_bytes",
            VerifyError::BadSignature => "bad_signature",
            VerifyError::Malformed(_) => "malformed_payload",
            VerifyError::KeyPrecinctMismatch { .. } => "key_precinct_mismatch",
            VerifyError::WrongElection(_) => "wrong_election",
            VerifyError::DefinitionMismatch(_) => "definition_mismatch",
            VerifyError::TestBatchInLiveMode => "test_batch_in_live_mode",
            VerifyError::LiveBatchInTestMode => "live_batch_in_test_mode",
            VerifyError::ProtocolsOutOfOrder => "protocols_out_of_order",
            VerifyError::BadProtocol { .. } => "bad_protocol",
            VerifyError::UnsupportedVersion { .. } => "unsupported_version",
            VerifyError::AuditLogBroken { .. } => "audit_log_broken",
            VerifyError::AuditHeadMismatch { .. } => "audit_head_mismatch",
        }
    }
}

/// A mode as a word for messages: `test` or `live`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ModeName(pub Mode);

impl std::fmt::Display for ModeName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self.0 {
            Mode::Test => "test",
            Mode::Live => "live",
        })
    }
}
