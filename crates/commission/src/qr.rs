//! Checking the QR code of a printed protocol from a scan or photo: its signature must verify
//! with a valid registered device key, and that key must belong to the precinct the QR names.

use hattama_batch::keys::{self, KeyId};
use hattama_batch::registry::{KeyStatus, Registry};
use hattama_print::qr::QrProtocol;
use hattama_print::scan::{self, ScanError};

/// Why a QR was not accepted.
#[derive(Debug, thiserror::Error)]
pub enum QrRefusal {
    /// No Hattama QR was found, or its signature does not verify with a valid registered key.
    #[error(transparent)]
    Scan(#[from] ScanError),
    /// The signature verifies, with a key registered for another precinct.
    #[error("the QR is signed with another precinct's key")]
    KeyPrecinctMismatch,
}

impl QrRefusal {
    /// The stable code.
    pub fn code(&self) -> &'static str {
        match self {
            QrRefusal::Scan(_) => "qr.not_verified",
            QrRefusal::KeyPrecinctMismatch => "qr.key_precinct_mismatch",
        }
    }
}

/// Reads the QR code in `image` (PNG or JPEG) and verifies it against `registry`.
pub fn verify_image(image: &[u8], registry: &Registry) -> Result<QrProtocol, QrRefusal> {
    let check = |key_id: &[u8; 8], message: &[u8], signature: &[u8; 64]| {
        registry
            .entry(KeyId(*key_id))
            .filter(|entry| entry.status == KeyStatus::Valid)
            .is_some_and(|entry| keys::verify_raw(&entry.public_key, message, signature))
    };
    let data = scan::verify_image(image, &check)?;
    let key_precinct = registry
        .entry(KeyId(data.key_id))
        .map(|entry| &entry.precinct);
    if key_precinct != Some(&data.precinct) {
        return Err(QrRefusal::KeyPrecinctMismatch);
    }
    Ok(data)
}
