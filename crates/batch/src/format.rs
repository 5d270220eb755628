//! The batch payload: what one export carries, its canonical bytes, file names and the signed
//! trusted comment. `docs/batch-format.md` is the specification; this module is its one reader
//! and writer.
//!
//! The payload is JSON written by [`encode`] in one canonical form (fields in declaration order,
//! protocols sorted by contest then version, values in the template's paper order), so the same
//! content always gives the same bytes and the same hash. [`decode`] is only ever called on bytes
//! whose signature has verified.

use serde::{Deserialize, Serialize};

use hattama_protocol::definition::{is_id, sha256_hex};
use hattama_protocol::{Mode, PrecinctId};

/// The `format` field of every payload.
pub const FORMAT_NAME: &str = "hattama-batch";
/// The payload version this build writes and reads. Version 1 (no audit log) is refused: its
/// history cannot be checked (`docs/batch-format.md`).
pub const FORMAT_VERSION: u32 = 2;

/// One export: every finalized protocol of a precinct, chained to the previous export.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Payload {
    /// Always `hattama-batch`.
    pub format: String,
    /// Payload version, `2`.
    pub version: u32,
    /// The election and the exact definition the precinct used.
    pub election: ElectionRef,
    /// The precinct.
    pub precinct: PrecinctId,
    /// 1 for the first export of this precinct, then 2, 3, ….
    pub sequence: u64,
    /// SHA-256 (hex) of the previous export's payload bytes; `null` for sequence 1.
    pub previous: Option<String>,
    /// The head of the precinct's audit chain when the batch was made.
    pub audit_head: AuditHead,
    /// The app version that wrote it.
    pub app_version: String,
    /// The laptop's clock when it was made: informational only, never trusted.
    pub created_at: String,
    /// The protocols, sorted by contest id, then version.
    pub protocols: Vec<BatchProtocol>,
    /// The precinct's whole audit log, from entry 1 to the head, so the receiver can recompute
    /// the chain, compare it with the batches before and hold the finals to it.
    pub audit_log: Vec<LogEntry>,
}

/// One entry of the precinct's audit log, with exactly what its hash is computed over
/// (`hattama_protocol::audit_chain`) and the hash itself.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LogEntry {
    /// Position in the chain, from 1.
    pub seq: u64,
    /// Milliseconds since 1970 UTC by the laptop's clock, as hashed (informational).
    pub at: i64,
    /// The acting user's id at the precinct, `null` for the installation itself.
    pub user: Option<i64>,
    /// The action, e.g. `protocol.finalize`.
    pub action: String,
    /// The payload JSON text, exactly as hashed.
    pub payload: String,
    /// SHA-256 of the entry's encoding, lowercase hex; the previous entry's hash is part of it.
    pub hash: String,
}

/// Which election and definition.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ElectionRef {
    /// The election id.
    pub id: String,
    /// SHA-256 of the definition file's bytes.
    pub definition_hash: String,
    /// Test or live.
    pub mode: Mode,
}

/// The audit chain head: its last sequence number and hash.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuditHead {
    /// The last audit entry's sequence number.
    pub seq: u64,
    /// Its hash.
    pub hash: String,
}

/// One finalized protocol version.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BatchProtocol {
    /// The contest id.
    pub contest: String,
    /// Its template id.
    pub template: String,
    /// The template version.
    pub template_version: u32,
    /// 1 for the first final protocol, 2 for the first repeated protocol, ….
    pub version: u32,
    /// Why a repeated protocol was made (versions above 1).
    pub repeated_reason: Option<String>,
    /// When the chair finalized it (laptop clock).
    pub finalized_at: String,
    /// Who finalized it.
    pub finalized_by: String,
    /// Every line's value, in the template's paper order (rows as `L8.k`).
    pub values: Vec<LineValue>,
    /// Warnings acknowledged against the paper.
    pub acknowledged: Vec<Acknowledged>,
    /// Acts attached to errors.
    pub acts: Vec<Act>,
}

/// One line's value.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LineValue {
    /// The line id.
    pub line: String,
    /// The value, 0 to 9,999,999.
    pub value: u32,
}

/// A warning acknowledged.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Acknowledged {
    /// The rule code.
    pub code: String,
    /// Who acknowledged it.
    pub by: String,
    /// When.
    pub at: String,
}

/// An act attached to an error.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Act {
    /// The rule code.
    pub code: String,
    /// The act's text.
    pub text: String,
    /// Who attached it.
    pub by: String,
    /// When.
    pub at: String,
}

/// The canonical bytes of a payload (protocols sorted by contest, then version).
pub fn encode(payload: &Payload) -> Vec<u8> {
    let mut payload = payload.clone();
    payload
        .protocols
        .sort_by(|a, b| (&a.contest, a.version).cmp(&(&b.contest, b.version)));
    let mut bytes = serde_json::to_vec_pretty(&payload).unwrap_or_default();
    bytes.push(b'\n');
    bytes
}

/// Parses payload bytes. Call only after the signature verified.
pub fn decode(bytes: &[u8]) -> Result<Payload, String> {
    let payload: Payload = serde_json::from_slice(bytes).map_err(|error| error.to_string())?;
    if payload.format != FORMAT_NAME {
        return Err(format!(
            "format is `{}`, not `{FORMAT_NAME}`",
            payload.format
        ));
    }
    if payload.version != FORMAT_VERSION {
        return Err(format!(
            "payload version {} (this build reads {FORMAT_VERSION})",
            payload.version
        ));
    }
    // The election and region ids go into file names and the trusted comment: only an id as a
    // definition has them is one (a region `ab a` would write a comment nobody parses).
    for (what, id) in [
        ("election id", &payload.election.id),
        ("precinct region", &payload.precinct.region),
    ] {
        if !is_id(id) {
            return Err(format!("{what} `{id}` is not an id"));
        }
    }
    Ok(payload)
}

/// The batch hash: SHA-256 of the payload bytes, lowercase hex.
pub fn batch_hash(bytes: &[u8]) -> String {
    sha256_hex(bytes)
}

/// The base file name of a batch (without extension):
/// `hattama-<election>-<region>-<number>-<sequence>`.
pub fn base_name(election: &str, precinct: &PrecinctId, sequence: u64) -> String {
    format!(
        "hattama-{election}-{}-{:04}-{sequence:04}",
        precinct.region, precinct.number
    )
}

/// The payload file's extension.
pub const PAYLOAD_EXT: &str = "json";
/// The signature file is the payload file name plus this extension.
pub const SIGNATURE_EXT: &str = "minisig";
/// The marker present while an export is being written.
pub const IN_PROGRESS_EXT: &str = "in-progress";

/// The signed trusted comment: what the signature says about the bytes, checked by receivers.
pub fn trusted_comment(payload: &Payload, bytes: &[u8]) -> String {
    format!(
        "hattama-batch v{FORMAT_VERSION} precinct={} seq={} size={} sha256={}",
        payload.precinct,
        payload.sequence,
        bytes.len(),
        batch_hash(bytes)
    )
}

/// The fields of a batch's trusted comment, as text, unparsed: a receiver compares each with what
/// the payload has ([`trusted_comment`] of it), so `seq=01` or `sha256=ABC…` never agree.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StatedBatch<'a> {
    /// `precinct=` (region/number).
    pub precinct: &'a str,
    /// `seq=`.
    pub seq: &'a str,
    /// `size=` (bytes).
    pub size: &'a str,
    /// `sha256=` (lowercase hex).
    pub sha256: &'a str,
}

/// Splits a trusted comment of the one form [`trusted_comment`] writes: `hattama-batch v2`, then
/// `precinct=`, `seq=`, `size=` and `sha256=` in this order, separated by single spaces. `None` for
/// anything else.
pub fn parse_trusted_comment(comment: &str) -> Option<StatedBatch<'_>> {
    let mut parts = comment.split(' ');
    let mut field = |prefix: &str| parts.next().and_then(|part| part.strip_prefix(prefix));
    if field(FORMAT_NAME) != Some("") || field("v") != Some(FORMAT_VERSION.to_string().as_str()) {
        return None;
    }
    let stated = StatedBatch {
        precinct: field("precinct=")?,
        seq: field("seq=")?,
        size: field("size=")?,
        sha256: field("sha256=")?,
    };
    parts.next().is_none().then_some(stated)
}

/// The version a batch trusted comment states (`hattama-batch vN …`), of any version, so that a
/// batch of another version is named as such rather than as a malformed comment.
pub fn stated_version(comment: &str) -> Option<u32> {
    let rest = comment.strip_prefix(FORMAT_NAME)?.strip_prefix(" v")?;
    let digits = rest.split(' ').next()?;
    if digits.is_empty() || digits.starts_with('0') || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok()
}

/// The `size=` a trusted comment states.
pub fn stated_size(trusted_comment: &str) -> Option<usize> {
    trusted_comment
        .split_whitespace()
        .find_map(|part| part.strip_prefix("size="))
        .and_then(|size| size.parse().ok())
}
