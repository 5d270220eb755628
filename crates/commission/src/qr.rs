//! Checking the QR code of a printed protocol from a scan or photo: its signature must verify
//! with a valid registered device key of the precinct the QR names, and its election, definition
//! hash, mode, contest and lines must be those of the receiver's definition
//! (`hattama_print::qr::check_expected`), as for a batch.

use hattama_batch::keys::{self, KeyId};
use hattama_batch::registry::KeyStatus;
use hattama_print::qr::{QrProtocol, check_expected};
use hattama_print::scan::{self, ScanError};

use crate::receiver::Receiver;

/// Reads the QR code in `image` (PNG or JPEG) and checks it against what `receiver` trusts.
pub fn verify_image(image: &[u8], receiver: &Receiver) -> Result<QrProtocol, ScanError> {
    let registry = &receiver.registry;
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
    check_expected(&data, &receiver.qr_expect(key_precinct))?;
    Ok(data)
}
