//! Verifying one batch: [`verify_batch`] over bytes already read, [`read_and_verify`] over the
//! two files on a drive. The order of the checks is in [`crate::receive`]; the content checks
//! after parsing are in `receive::content`.

use hattama_protocol::{LoadedDefinition, Mode, TemplateSet};

use crate::format::{self, Payload};
use crate::keys::{self, KeyId, SignatureProblem};
use crate::read::{self, MAX_PAYLOAD_BYTES, MAX_SIGNATURE_BYTES, ReadError};
use crate::receive::content::{check_content, check_log};
use crate::receive::refusal::VerifyError;
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
