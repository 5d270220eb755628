//! Reading protocol QR codes from a picture: a scan or photo (PNG or JPEG) of the printed
//! protocol, or a page rendered to PNG.
//!
//! This module finds and decodes the codes; checking what they say is [`crate::qr::verify`].
//! It reads bytes the caller hands in and opens no file.

use crate::qr::{self, QrError, QrProtocol, SignatureCheck};

/// Why no verified protocol came out of a picture.
#[derive(Debug, thiserror::Error)]
pub enum ScanError {
    /// The bytes are not a PNG or JPEG picture.
    #[error("not a readable PNG or JPEG image: {0}")]
    Image(String),
    /// No QR code could be found or decoded in the picture.
    #[error("no readable QR code in the image")]
    NoCode,
    /// QR codes were found, but none is a Hattama protocol code.
    #[error("the image holds QR codes, but none is a Hattama protocol code")]
    NotHattama,
    /// The Hattama code was found and refused.
    #[error(transparent)]
    Qr(#[from] QrError),
}

impl ScanError {
    /// The stable code (message key suffix; the CLI prints it as `qr.<code>`).
    pub fn code(&self) -> &'static str {
        match self {
            ScanError::Image(_) => "not_an_image",
            ScanError::NoCode => "no_code",
            ScanError::NotHattama => "no_hattama_code",
            ScanError::Qr(error) => error.code(),
        }
    }
}

/// The text of every QR code that decodes in the picture, top to bottom as found.
pub fn read_codes(image: &[u8]) -> Result<Vec<String>, ScanError> {
    let picture = image::load_from_memory(image)
        .map_err(|error| ScanError::Image(error.to_string()))?
        .to_luma8();
    let (width, height) = picture.dimensions();
    let width = usize::try_from(width).map_err(|_| ScanError::Image("too wide".to_owned()))?;
    let height = usize::try_from(height).map_err(|_| ScanError::Image("too tall".to_owned()))?;
    let mut prepared = rqrr::PreparedImage::prepare_from_greyscale(width, height, |x, y| {
        // x and y come from the ranges given just above, so they fit in u32.
        let x = u32::try_from(x).unwrap_or(u32::MAX);
        let y = u32::try_from(y).unwrap_or(u32::MAX);
        picture
            .get_pixel_checked(x, y)
            .map_or(255, |pixel| pixel.0[0])
    });
    let texts: Vec<String> = prepared
        .detect_grids()
        .into_iter()
        .filter_map(|grid| grid.decode().ok())
        .map(|(_meta, text)| text)
        .collect();
    if texts.is_empty() {
        return Err(ScanError::NoCode);
    }
    Ok(texts)
}

/// Finds the Hattama protocol code in a picture and verifies it ([`qr::verify`]).
pub fn verify_image(
    image: &[u8],
    verify_signature: &SignatureCheck<'_>,
) -> Result<QrProtocol, ScanError> {
    let texts = read_codes(image)?;
    let text = texts
        .iter()
        .find(|text| text.starts_with(qr::PREFIX))
        .ok_or(ScanError::NotHattama)?;
    Ok(qr::verify(text, verify_signature)?)
}
