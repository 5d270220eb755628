//! Hattama's printed documents: the results protocol (the legal original), its large-print
//! posting copy, the blank protocol for the count by hand and the device enrolment sheet, as PDF
//! bytes; numbers in words in Kazakh and Russian; and the signed protocol data in the QR code.
//!
//! The crate takes values and returns bytes. It opens no database, reads no clock or time zone
//! (the caller passes times with their UTC offset, [`time`]), and reads
//! files only when asked to find the installed fonts ([`fonts::load_installed`]). Key handling
//! and signing belong to the batch crate: [`qr`] builds the bytes to sign and checks a signature
//! through a function the caller passes in.
//!
//! ```no_run
//! use hattama_print::{fonts, pdf, qr, words};
//! use hattama_protocol::Count;
//!
//! # fn example(protocol: &pdf::PrintableProtocol) -> Result<(), Box<dyn std::error::Error>> {
//! assert_eq!(words::ru(Count::new(1_021).unwrap()), "одна тысяча двадцать один");
//! let fonts = fonts::load_installed()?;
//! let bytes: Vec<u8> = pdf::protocol(protocol, &fonts)?;
//! let checked = qr::verify(&protocol.qr_text, &|_key_id, _message, _signature| true)?;
//! # let _ = (bytes, checked);
//! # Ok(())
//! # }
//! ```

#![warn(missing_docs)]

pub mod assemble;
pub mod fonts;
pub mod pdf;
pub mod qr;
pub mod scan;
pub mod time;
pub mod words;

pub use fonts::{FontError, Fonts};
pub use pdf::PdfError;
pub use qr::{QrError, QrProtocol};
pub use scan::ScanError;
