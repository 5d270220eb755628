//! Making a batch: canonical payload bytes, the signature over exactly those bytes, the file name.

use crate::format::{self, Payload};
use crate::keys::{KeyError, UnlockedKey};

/// A signed batch ready to write.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SignedBatch {
    /// The base file name (no extension).
    pub base_name: String,
    /// The payload bytes.
    pub payload: Vec<u8>,
    /// The `.minisig` text over exactly those bytes.
    pub signature: String,
    /// SHA-256 of the payload bytes: the batch hash printed on paper and chained by the next batch.
    pub hash: String,
}

/// Encodes `payload` canonically and signs the bytes with the device key.
pub fn sign_batch(payload: &Payload, key: &UnlockedKey) -> Result<SignedBatch, KeyError> {
    let bytes = format::encode(payload);
    let signature = key.sign(&bytes, &format::trusted_comment(payload, &bytes))?;
    Ok(SignedBatch {
        base_name: format::base_name(&payload.election.id, &payload.precinct, payload.sequence),
        hash: format::batch_hash(&bytes),
        payload: bytes,
        signature,
    })
}
