//! The receiving side at the territorial commission: verify a batch, then decide what importing
//! it means given what was imported before.
//!
//! [`verify_batch`] checks, in this order, and stops at the first failure with its own
//! [`VerifyError`]: neither file is larger than its limit ([`crate::read`]); the signature file is
//! well formed; its key is in the registry, not revoked; the payload bytes verify (and if not,
//! whether they were cut short or had bytes appended, from the size the signature states); the
//! signed trusted comment has its one form and states the payload's size and SHA-256; only then is
//! the payload parsed; the trusted comment names the payload's precinct and sequence; the key
//! belongs to the precinct the payload names; election and definition hash match the receiver's,
//! the payload's mode is the definition's, and test/live agrees with the receiver's mode; the
//! protocols are in canonical order, belong to contests the precinct holds, carry every line of
//! their template, and have no failing error check without an act. [`read_and_verify`] reads the
//! two files from a drive first, within the same limits, refusing anything but regular files.
//!
//! [`decide`] is pure: given the batches already imported for the precinct, an identical batch is a
//! no-op, a different batch with a known sequence is a conflict held for a person, an older
//! sequence is a replay, a gap or a wrong `previous` hash breaks the chain.

use std::collections::BTreeMap;

use hattama_protocol::audit_chain;
use hattama_protocol::check::check;
use hattama_protocol::{Count, InputError, Outcome, Values};
use hattama_protocol::{LoadedDefinition, Mode, PrecinctId, Severity, TemplateSet};

use crate::format::{self, AuditHead, Payload};
use crate::keys::{self, KeyId, SignatureProblem};
use crate::read::{self, FileKind, MAX_PAYLOAD_BYTES, MAX_SIGNATURE_BYTES, ReadError};
use crate::registry::{KeyLookup, KeyStatus};

/// What the receiver expects of every batch.
#[derive(Clone, Copy, Debug)]
pub struct Expect<'a> {
    /// The definition the commission handed out (id, hash, mode).
    pub definition: &'a LoadedDefinition,
    /// The template set it uses.
    pub templates: &'a TemplateSet,
    /// Whether the receiver runs in live mode (test batches refused) or test mode.
    pub mode: Mode,
}

/// A batch whose signature verified and whose content is consistent.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VerifiedBatch {
    /// The parsed payload.
    pub payload: Payload,
    /// SHA-256 of the payload bytes.
    pub hash: String,
    /// The key that signed it.
    pub key_id: KeyId,
}

/// Why a batch is refused. Each has a stable code for messages and reports.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum VerifyError {
    /// The payload is larger than [`MAX_PAYLOAD_BYTES`].
    #[error("the batch file is larger than {limit} bytes, the most a batch may hold")]
    PayloadTooLarge {
        /// The limit in bytes.
        limit: u64,
    },
    /// The signature file is larger than [`MAX_SIGNATURE_BYTES`].
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

/// Verifies a batch's bytes and signature against the registry, then checks its content.
pub fn verify_batch(
    bytes: &[u8],
    signature: &str,
    registry: &dyn KeyLookup,
    expect: &Expect<'_>,
) -> Result<VerifiedBatch, VerifyError> {
    if exceeds(bytes.len(), MAX_PAYLOAD_BYTES) {
        return Err(VerifyError::PayloadTooLarge {
            limit: MAX_PAYLOAD_BYTES,
        });
    }
    if exceeds(signature.len(), MAX_SIGNATURE_BYTES) {
        return Err(VerifyError::SignatureTooLarge {
            limit: MAX_SIGNATURE_BYTES,
        });
    }
    let key_id = keys::signature_key_id(signature).map_err(|_| VerifyError::MalformedSignature)?;
    let entry = registry
        .lookup(key_id)
        .ok_or(VerifyError::UnknownKey(key_id))?;
    if entry.status == KeyStatus::Revoked {
        return Err(VerifyError::RevokedKey(key_id));
    }
    let comment = match keys::verify(&entry.public_key, bytes, signature) {
        Ok(comment) => comment,
        Err(SignatureProblem::Malformed) => return Err(VerifyError::MalformedSignature),
        Err(SignatureProblem::OtherKey | SignatureProblem::Invalid) => {
            let stated = keys::unverified_trusted_comment(signature)
                .and_then(|comment| format::stated_size(&comment));
            return Err(match stated {
                Some(stated) if bytes.len() < stated => VerifyError::Truncated {
                    actual: bytes.len(),
                    stated,
                },
                Some(stated) if stated < bytes.len() => VerifyError::TrailingBytes {
                    extra: bytes.len() - stated,
                },
                _ => VerifyError::BadSignature,
            });
        }
    };
    // The trusted comment is signed too, and `minisign -V` shows it: it must tell the truth.
    if let Some(version) =
        format::stated_version(&comment).filter(|version| *version != format::FORMAT_VERSION)
    {
        return Err(VerifyError::UnsupportedVersion { version });
    }
    let stated = format::parse_trusted_comment(&comment)
        .ok_or_else(|| VerifyError::TrustedCommentMalformed(comment.clone()))?;
    let hash = format::batch_hash(bytes);
    let mismatch = |field, stated: &str, actual: String| {
        (stated != actual).then(|| VerifyError::TrustedCommentMismatch {
            field,
            stated: stated.to_owned(),
            actual,
        })
    };
    if let Some(error) = mismatch("size", stated.size, bytes.len().to_string())
        .or_else(|| mismatch("sha256", stated.sha256, hash.clone()))
    {
        return Err(error);
    }
    // The bytes are what the key signed: now, and only now, read them.
    let payload = format::decode(bytes).map_err(VerifyError::Malformed)?;
    if let Some(error) = mismatch("precinct", stated.precinct, payload.precinct.to_string())
        .or_else(|| mismatch("seq", stated.seq, payload.sequence.to_string()))
    {
        return Err(error);
    }
    if payload.precinct != entry.precinct {
        return Err(VerifyError::KeyPrecinctMismatch {
            key_precinct: entry.precinct.clone(),
            batch_precinct: payload.precinct.clone(),
        });
    }
    check_content(&payload, expect)?;
    check_log(&payload)?;
    Ok(VerifiedBatch {
        payload,
        hash,
        key_id,
    })
}

fn exceeds(len: usize, limit: u64) -> bool {
    u64::try_from(len).map_or(true, |len| limit < len)
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

/// A batch's files as read from a drive, and what verifying them gave.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileVerified {
    /// The payload bytes (empty when they could not be read).
    pub payload: Vec<u8>,
    /// The signature text (empty when it could not be read).
    pub signature: String,
    /// The verified batch, or why it is refused.
    pub result: Result<VerifiedBatch, VerifyError>,
}

/// Reads the payload file at `path` and its signature beside it (`path` + `.minisig`) as
/// [`read::read_limited`] does, each within its limit, then verifies them with [`verify_batch`].
pub fn read_and_verify(
    path: &std::path::Path,
    registry: &dyn KeyLookup,
    expect: &Expect<'_>,
) -> FileVerified {
    let refused = |error: VerifyError| FileVerified {
        payload: Vec::new(),
        signature: String::new(),
        result: Err(error),
    };
    let payload = match read::read_limited(path, MAX_PAYLOAD_BYTES) {
        Ok(payload) => payload,
        Err(error) => return refused(read_refusal(error, false)),
    };
    let signature = match read::read_limited(&read::signature_path(path), MAX_SIGNATURE_BYTES) {
        // Not UTF-8: kept as its lossy text, which no signature check accepts.
        Ok(bytes) => String::from_utf8(bytes)
            .unwrap_or_else(|error| String::from_utf8_lossy(error.as_bytes()).into_owned()),
        Err(error) => return refused(read_refusal(error, true)),
    };
    let result = verify_batch(&payload, &signature, registry, expect);
    FileVerified {
        payload,
        signature,
        result,
    }
}

fn read_refusal(error: ReadError, signature: bool) -> VerifyError {
    match error {
        ReadError::TooLarge { limit, .. } if signature => VerifyError::SignatureTooLarge { limit },
        ReadError::TooLarge { limit, .. } => VerifyError::PayloadTooLarge { limit },
        ReadError::NotRegularFile { file, kind } => VerifyError::NotRegularFile { file, kind },
        ReadError::Unreadable { file, reason } => VerifyError::Unreadable { file, reason },
    }
}

fn check_content(payload: &Payload, expect: &Expect<'_>) -> Result<(), VerifyError> {
    let definition = expect.definition;
    if payload.election.id != definition.definition.id {
        return Err(VerifyError::WrongElection(payload.election.id.clone()));
    }
    if payload.election.definition_hash != definition.hash {
        return Err(VerifyError::DefinitionMismatch(
            payload.election.definition_hash.clone(),
        ));
    }
    if payload.election.mode != definition.definition.mode {
        return Err(VerifyError::ModeMismatch {
            payload: ModeName(payload.election.mode),
            definition: ModeName(definition.definition.mode),
        });
    }
    match (payload.election.mode, expect.mode) {
        (Mode::Test, Mode::Live) => return Err(VerifyError::TestBatchInLiveMode),
        (Mode::Live, Mode::Test) => return Err(VerifyError::LiveBatchInTestMode),
        _ => {}
    }
    let ordered = payload
        .protocols
        .windows(2)
        .all(|pair| (&pair[0].contest, pair[0].version) < (&pair[1].contest, pair[1].version));
    if !ordered {
        return Err(VerifyError::ProtocolsOutOfOrder);
    }
    let Some(precinct) = definition.precinct(&payload.precinct) else {
        return Err(VerifyError::BadProtocol {
            contest: String::new(),
            reason: format!("precinct {} is not in the definition", payload.precinct),
        });
    };
    for protocol in &payload.protocols {
        let bad = |reason: String| VerifyError::BadProtocol {
            contest: protocol.contest.clone(),
            reason,
        };
        if !precinct.contests.contains(&protocol.contest) {
            return Err(bad("the precinct does not hold this contest".to_owned()));
        }
        let contest = definition
            .contest(&protocol.contest)
            .ok_or_else(|| bad("unknown contest".to_owned()))?;
        if contest.template != protocol.template {
            return Err(bad(format!(
                "template {} instead of {}",
                protocol.template, contest.template
            )));
        }
        let template = expect
            .templates
            .template(&contest.template)
            .ok_or_else(|| bad("unknown template".to_owned()))?;
        if template.version != protocol.template_version {
            return Err(bad(format!(
                "template version {} instead of {}",
                protocol.template_version, template.version
            )));
        }
        if protocol.version == 0 || (1 < protocol.version) != protocol.repeated_reason.is_some() {
            return Err(bad(
                "a repeated protocol (version 2 and up), and only it, gives a reason".to_owned(),
            ));
        }
        // Every line of the template, once, in paper order, each a valid count.
        let n_rows = contest.rows.len();
        let line_ids = template.line_ids(n_rows);
        let in_order = protocol.values.len() == line_ids.len()
            && protocol
                .values
                .iter()
                .zip(&line_ids)
                .all(|(given, expected)| &given.line == expected);
        if !in_order {
            return Err(bad(
                "lines are missing, repeated or not in the template's order".to_owned(),
            ));
        }
        let mut values = Values::new(template, n_rows);
        for (given, id) in protocol.values.iter().zip(&line_ids) {
            let count = Count::new(given.value)
                .ok_or_else(|| bad(format!("line {id}: {}", InputError::TooLarge)))?;
            let slot = template
                .slot(id, n_rows)
                .ok_or_else(|| bad(format!("unknown line {id}")))?;
            values.set(slot, Some(count));
        }
        for finding in check(template, &values) {
            let failing_error = finding.rule.severity == Severity::Error
                && matches!(finding.outcome, Outcome::Fail(_));
            if failing_error
                && !protocol
                    .acts
                    .iter()
                    .any(|act| act.code == finding.rule.code.as_str())
            {
                return Err(bad(format!(
                    "{} fails and no act is attached",
                    finding.rule.code
                )));
            }
        }
    }
    Ok(())
}

/// Recomputes the chain of the carried audit log from entry 1 and holds the stated head to its
/// end.
fn check_log(payload: &Payload) -> Result<(), VerifyError> {
    let mut prev_hash = audit_chain::GENESIS;
    for (idx, entry) in payload.audit_log.iter().enumerate() {
        let broken = VerifyError::AuditLogBroken { seq: entry.seq };
        let expected_seq = u64::try_from(idx).map_or(u64::MAX, |idx| idx.saturating_add(1));
        let seq = i64::try_from(entry.seq).map_err(|_| broken.clone())?;
        if entry.seq != expected_seq {
            return Err(VerifyError::AuditLogBroken { seq: expected_seq });
        }
        let link = audit_chain::Link {
            seq,
            at: entry.at,
            user: entry.user,
            action: &entry.action,
            payload: &entry.payload,
        };
        let hash = audit_chain::link_hash(&link, &prev_hash);
        if audit_chain::parse_hash(&entry.hash) != Some(hash) {
            return Err(broken);
        }
        prev_hash = hash;
    }
    let log_seq = payload.audit_log.last().map_or(0, |entry| entry.seq);
    if payload.audit_head.seq != log_seq
        || audit_chain::parse_hash(&payload.audit_head.hash) != Some(prev_hash)
    {
        return Err(VerifyError::AuditHeadMismatch {
            stated_seq: payload.audit_head.seq,
            log_seq,
        });
    }
    Ok(())
}

/// The first protocol of the batch whose values are not those its audit log's finalize entry
/// for that contest and version records (the last such entry, as the precinct's own check reads
/// the log), or that has no finalize entry at all: `(contest, version)`.
pub fn unvouched(payload: &Payload) -> Option<(String, u32)> {
    let mut finalized: std::collections::HashMap<(String, u32), BTreeMap<String, u64>> =
        std::collections::HashMap::new();
    for entry in &payload.audit_log {
        if entry.action != audit_chain::FINALIZE_ACTION {
            continue;
        }
        let Ok(logged) = serde_json::from_str::<serde_json::Value>(&entry.payload) else {
            continue;
        };
        let contest = logged["contest"].as_str();
        let version = logged["version"]
            .as_u64()
            .and_then(|v| u32::try_from(v).ok());
        let values = logged["values"].as_object().map(|values| {
            values
                .iter()
                .filter_map(|(line, value)| Some((line.clone(), value.as_u64()?)))
                .collect::<BTreeMap<_, _>>()
        });
        if let (Some(contest), Some(version), Some(values)) = (contest, version, values) {
            finalized.insert((contest.to_owned(), version), values);
        }
    }
    payload
        .protocols
        .iter()
        .find(|protocol| {
            let carried: BTreeMap<String, u64> = protocol
                .values
                .iter()
                .map(|value| (value.line.clone(), u64::from(value.value)))
                .collect();
            finalized.get(&(protocol.contest.clone(), protocol.version)) != Some(&carried)
        })
        .map(|protocol| (protocol.contest.clone(), protocol.version))
}

/// A batch already imported for a precinct: its sequence, hash, audit head and the protocol
/// versions it brought in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Imported {
    /// Its sequence number.
    pub sequence: u64,
    /// Its hash.
    pub hash: String,
    /// The audit head it stated: a later batch's log must hold this entry with this hash.
    pub audit_head: AuditHead,
    /// The protocol versions imported from it, with their values in paper order. A version
    /// carried again by a later batch is listed with the batch that brought it in.
    pub protocols: Vec<ImportedProtocol>,
}

/// A final protocol version as imported: what a later batch carrying it must repeat.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportedProtocol {
    /// The contest id.
    pub contest: String,
    /// The protocol version.
    pub version: u32,
    /// `(line, value)` in paper order.
    pub values: Vec<(String, u32)>,
}

impl Imported {
    /// What importing `batch` on top of `before` records: its head, and the protocol versions
    /// none of `before` brought in.
    pub fn of(batch: &VerifiedBatch, before: &[Imported]) -> Imported {
        let known = |contest: &str, version: u32| {
            before.iter().any(|earlier| {
                earlier
                    .protocols
                    .iter()
                    .any(|p| p.contest == contest && p.version == version)
            })
        };
        Imported {
            sequence: batch.payload.sequence,
            hash: batch.hash.clone(),
            audit_head: batch.payload.audit_head.clone(),
            protocols: batch
                .payload
                .protocols
                .iter()
                .filter(|p| !known(&p.contest, p.version))
                .map(|p| ImportedProtocol {
                    contest: p.contest.clone(),
                    version: p.version,
                    values: p.values.iter().map(|v| (v.line.clone(), v.value)).collect(),
                })
                .collect(),
        }
    }
}

/// What importing a verified batch means.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Decision {
    /// The next batch in the chain: import it.
    Import,
    /// This exact batch is already imported: nothing to do.
    AlreadyImported,
    /// A different batch with a sequence already imported: hold it for a person, never replace.
    Conflict {
        /// The hash of the batch already imported with this sequence.
        existing: String,
    },
    /// An older sequence than the newest imported, never seen before: a replay.
    Replayed {
        /// The newest sequence imported.
        newest: u64,
    },
    /// A sequence beyond the next one: a batch is missing.
    Gap {
        /// The sequence expected next.
        expected: u64,
    },
    /// The `previous` hash does not name the batch imported before.
    ChainBroken,
    /// The batch's audit log does not extend the log of a batch imported before: the history
    /// was rewritten. Held for a person, never imported.
    HistoryRewritten {
        /// The earlier batch's sequence.
        earlier_sequence: u64,
        /// The audit head it stated, which this batch's log does not hold.
        earlier_head: AuditHead,
    },
    /// The batch carries other values for a protocol version already imported. Held for a
    /// person, never imported.
    ValuesDiffer {
        /// The contest.
        contest: String,
        /// The protocol version.
        version: u32,
        /// The sequence of the batch that brought the imported values.
        earlier_sequence: u64,
    },
    /// A protocol the batch carries is not what its own audit log finalized. Held for a
    /// person, never imported.
    FinalNotInLog {
        /// The contest.
        contest: String,
        /// The protocol version.
        version: u32,
    },
}

impl Decision {
    /// The stable code (message key suffix).
    pub fn code(&self) -> &'static str {
        match self {
            Decision::Import => "import",
            Decision::AlreadyImported => "already_imported",
            Decision::Conflict { .. } => "conflict",
            Decision::Replayed { .. } => "replayed",
            Decision::Gap { .. } => "sequence_gap",
            Decision::ChainBroken => "chain_broken",
            Decision::HistoryRewritten { .. } => "history_rewritten",
            Decision::ValuesDiffer { .. } => "values_differ",
            Decision::FinalNotInLog { .. } => "final_not_in_log",
        }
    }

    /// Whether the batch is held for a person (recorded beside what is imported, never in the
    /// tally).
    pub fn is_held(&self) -> bool {
        matches!(
            self,
            Decision::Conflict { .. }
                | Decision::HistoryRewritten { .. }
                | Decision::ValuesDiffer { .. }
                | Decision::FinalNotInLog { .. }
        )
    }

    /// The decision's parameters for messages and reports, as (name, value) pairs.
    pub fn params(&self) -> Vec<(&'static str, String)> {
        match self {
            Decision::Import | Decision::AlreadyImported | Decision::ChainBroken => Vec::new(),
            Decision::Conflict { existing } => vec![("existing_hash", existing.clone())],
            Decision::Replayed { newest } => vec![("newest", newest.to_string())],
            Decision::Gap { expected } => vec![("expected", expected.to_string())],
            Decision::HistoryRewritten {
                earlier_sequence,
                earlier_head,
            } => vec![
                ("earlier_sequence", earlier_sequence.to_string()),
                ("earlier_head_seq", earlier_head.seq.to_string()),
                ("earlier_head_hash", earlier_head.hash.clone()),
            ],
            Decision::ValuesDiffer {
                contest,
                version,
                earlier_sequence,
            } => vec![
                ("contest", contest.clone()),
                ("version", version.to_string()),
                ("earlier_sequence", earlier_sequence.to_string()),
            ],
            Decision::FinalNotInLog { contest, version } => vec![
                ("contest", contest.clone()),
                ("version", version.to_string()),
            ],
        }
    }
}

/// Decides what to do with `batch` given the batches already imported for its precinct.
pub fn decide(batch: &VerifiedBatch, imported: &[Imported]) -> Decision {
    let sequence = batch.payload.sequence;
    if let Some(same) = imported.iter().find(|earlier| earlier.sequence == sequence) {
        return if same.hash == batch.hash {
            Decision::AlreadyImported
        } else {
            Decision::Conflict {
                existing: same.hash.clone(),
            }
        };
    }
    let newest = imported.iter().max_by_key(|earlier| earlier.sequence);
    let next = match newest {
        None if sequence == 1 && batch.payload.previous.is_none() => true,
        None if sequence == 1 => return Decision::ChainBroken,
        None => return Decision::Gap { expected: 1 },
        Some(newest) if sequence < newest.sequence => {
            return Decision::Replayed {
                newest: newest.sequence,
            };
        }
        Some(newest) if sequence != newest.sequence + 1 => {
            return Decision::Gap {
                expected: newest.sequence + 1,
            };
        }
        Some(newest) => batch.payload.previous.as_deref() == Some(newest.hash.as_str()),
    };
    if !next {
        return Decision::ChainBroken;
    }
    held(batch, imported).unwrap_or(Decision::Import)
}

/// Why a batch that continues the chain of batch hashes is still held: its log forks from an
/// earlier batch's, it changes an imported protocol version, or its own log does not vouch for
/// a protocol it carries.
fn held(batch: &VerifiedBatch, imported: &[Imported]) -> Option<Decision> {
    let log = &batch.payload.audit_log;
    let mut by_sequence: Vec<&Imported> = imported.iter().collect();
    by_sequence.sort_by_key(|earlier| earlier.sequence);
    for earlier in &by_sequence {
        let head = &earlier.audit_head;
        let extends = head.seq == 0
            || usize::try_from(head.seq - 1)
                .ok()
                .and_then(|idx| log.get(idx))
                .is_some_and(|entry| entry.seq == head.seq && entry.hash == head.hash);
        if !extends {
            return Some(Decision::HistoryRewritten {
                earlier_sequence: earlier.sequence,
                earlier_head: head.clone(),
            });
        }
    }
    for protocol in &batch.payload.protocols {
        for earlier in &by_sequence {
            let Some(known) = earlier
                .protocols
                .iter()
                .find(|p| p.contest == protocol.contest && p.version == protocol.version)
            else {
                continue;
            };
            let same = known.values.len() == protocol.values.len()
                && known
                    .values
                    .iter()
                    .zip(&protocol.values)
                    .all(|((line, value), carried)| {
                        *line == carried.line && *value == carried.value
                    });
            if !same {
                return Some(Decision::ValuesDiffer {
                    contest: protocol.contest.clone(),
                    version: protocol.version,
                    earlier_sequence: earlier.sequence,
                });
            }
        }
    }
    unvouched(&batch.payload).map(|(contest, version)| Decision::FinalNotInLog { contest, version })
}

/// Decides what an import of many batches does, taking them as they are verified, in file order,
/// while giving exactly the outcome of taking them in precinct and sequence order (file order
/// among equals). So recording can start before the last batch is verified.
///
/// A batch is decided at once when its precinct's chain reaches up to it. A batch that comes
/// before its predecessor (a gap) waits, and so does every later batch of that precinct, to be
/// decided in precinct and sequence order by [`ImportPlan::finish`]. A precinct's batches decided
/// at once are in file order, each of a sequence the chain has already reached or reaches next,
/// which is the order sorting would give them up to ties that cannot change a decision.
#[derive(Debug)]
pub struct ImportPlan<T> {
    histories: std::collections::HashMap<PrecinctId, Vec<Imported>>,
    waiting: Vec<T>,
    waiting_precincts: std::collections::HashSet<PrecinctId>,
}

impl<T: std::borrow::Borrow<VerifiedBatch>> ImportPlan<T> {
    /// A plan over what the receiver has already imported: every precinct's batches.
    pub fn new(histories: std::collections::HashMap<PrecinctId, Vec<Imported>>) -> Self {
        Self {
            histories,
            waiting: Vec::new(),
            waiting_precincts: std::collections::HashSet::new(),
        }
    }

    /// Takes the next batch in file order: its decision now, or `None` when it waits.
    pub fn offer(&mut self, item: T) -> Option<(T, Decision)> {
        self.take(item, true)
    }

    /// Decides the batches that waited, in precinct and sequence order (file order among equals).
    pub fn finish(mut self) -> Vec<(T, Decision)> {
        let mut waiting = std::mem::take(&mut self.waiting);
        waiting.sort_by(|a, b| {
            let (a, b) = (a.borrow(), b.borrow());
            (&a.payload.precinct, a.payload.sequence)
                .cmp(&(&b.payload.precinct, b.payload.sequence))
        });
        waiting
            .into_iter()
            .filter_map(|item| self.take(item, false))
            .collect()
    }

    fn take(&mut self, item: T, may_wait: bool) -> Option<(T, Decision)> {
        let batch = item.borrow();
        if may_wait && self.waiting_precincts.contains(&batch.payload.precinct) {
            self.waiting.push(item);
            return None;
        }
        let history = self
            .histories
            .entry(batch.payload.precinct.clone())
            .or_default();
        let decision = decide(batch, history);
        match decision {
            Decision::Gap { .. } if may_wait => {
                self.waiting_precincts
                    .insert(batch.payload.precinct.clone());
                self.waiting.push(item);
                return None;
            }
            Decision::Import => {
                let imported = Imported::of(batch, history);
                history.push(imported);
            }
            _ => {}
        }
        Some((item, decision))
    }
}
