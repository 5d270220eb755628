//! Printing: the finalized protocol (with its batch hash and a QR signed with the device key),
//! its posting copy, the blank form and the device key's enrolment sheet, as PDF files whose
//! names say precinct, contest and version. One path for the app and the CLI.

use std::path::{Path, PathBuf};

use hattama_batch::keys;
use hattama_print::assemble::{self, FinalVersion};
use hattama_print::pdf::{self, Act, PrintableProtocol};
use hattama_print::{fonts, qr};
use hattama_store::{FinalProtocol, Store, StoreError};

use crate::device_key;
use crate::error::PrecinctError;

/// Which document a PDF holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Document {
    /// The device key's enrolment sheet.
    Enrolment,
    /// The results protocol, the legal original.
    Protocol,
    /// The large-print copy posted at the polling station.
    Posting,
    /// The blank form for the count by hand.
    Blank,
}

impl Document {
    /// The word in the file name.
    pub fn as_str(self) -> &'static str {
        match self {
            Document::Enrolment => "enrolment",
            Document::Protocol => "protocol",
            Document::Posting => "posting",
            Document::Blank => "blank",
        }
    }
}

/// A PDF ready to save, with the file name it is saved under.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pdf {
    /// Which document.
    pub document: Document,
    /// The file name (no folder).
    pub file_name: String,
    /// The bytes.
    pub bytes: Vec<u8>,
}

/// A PDF saved.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Saved {
    /// Which document.
    pub document: Document,
    /// Where it is.
    pub path: PathBuf,
}

/// The precinct as the print crate takes it.
fn precinct(store: &Store) -> Result<assemble::Precinct<'_>, PrecinctError> {
    let (Some(definition), Some(precinct)) = (store.definition(), store.precinct()) else {
        return Err(StoreError::NotSetUp.into());
    };
    let members = store
        .members()?
        .iter()
        .map(|member| assemble::member(&member.name, &member.position))
        .collect();
    Ok(assemble::Precinct {
        definition,
        precinct,
        members,
    })
}

/// The start of every document file name: region and precinct number.
fn file_stem(precinct: &assemble::Precinct<'_>) -> String {
    format!(
        "hattama-{}-{:04}",
        precinct.precinct.region, precinct.precinct.number
    )
}

/// The device key's enrolment sheet.
pub fn enrolment_sheet(store: &Store) -> Result<Pdf, PrecinctError> {
    let key = device_key::get(store)?.ok_or(StoreError::NoDeviceKey)?;
    let precinct = precinct(store)?;
    let sheet = assemble::enrolment(
        &precinct,
        &key.key_id,
        &key.fingerprint,
        &key.public_key,
        chrono::Local::now().date_naive(),
    );
    let bytes = pdf::enrolment_sheet(&sheet, &fonts::load_installed()?)?;
    let document = Document::Enrolment;
    Ok(Pdf {
        document,
        file_name: format!("{}-{}.pdf", file_stem(&precinct), document.as_str()),
        bytes,
    })
}

/// The blank form of `contest`.
pub fn blank_form(store: &Store, contest: &str) -> Result<Pdf, PrecinctError> {
    let precinct = precinct(store)?;
    let blank = assemble::blank(&precinct, contest)?;
    let bytes = pdf::blank_protocol(&blank, &fonts::load_installed()?)?;
    let document = Document::Blank;
    Ok(Pdf {
        document,
        file_name: format!(
            "{}-{contest}-{}.pdf",
            file_stem(&precinct),
            document.as_str()
        ),
        bytes,
    })
}

/// The finalized protocol `version` of `contest` (the newest final one when `None`), its posting
/// copy and the contest's blank form. The QR is signed with the device key, unlocked with the
/// chair's `passphrase`.
pub fn protocol_documents(
    store: &Store,
    contest: &str,
    version: Option<u32>,
    passphrase: &str,
) -> Result<Vec<Pdf>, PrecinctError> {
    let (version, printable) = printable_protocol(store, contest, version, passphrase)?;
    let precinct = precinct(store)?;
    let fonts = fonts::load_installed()?;
    let stem = format!("{}-{contest}-v{version}", file_stem(&precinct));
    let blank = assemble::blank(&precinct, contest)?;
    let documents = [
        (Document::Protocol, pdf::protocol(&printable, &fonts)?),
        (Document::Posting, pdf::posting_copy(&printable, &fonts)?),
        (Document::Blank, pdf::blank_protocol(&blank, &fonts)?),
    ];
    Ok(documents
        .into_iter()
        .map(|(document, bytes)| Pdf {
            document,
            file_name: format!("{stem}-{}.pdf", document.as_str()),
            bytes,
        })
        .collect())
}

/// The finalized protocol's printable form and its version.
fn printable_protocol(
    store: &Store,
    contest: &str,
    version: Option<u32>,
    passphrase: &str,
) -> Result<(u32, PrintableProtocol), PrecinctError> {
    let finals = store.final_protocols()?;
    let found = finals
        .iter()
        .filter(|protocol| protocol.contest == contest)
        .filter(|protocol| version.is_none_or(|wanted| wanted == protocol.version))
        .max_by_key(|protocol| protocol.version)
        .ok_or_else(|| PrecinctError::NoFinal {
            contest: contest.to_owned(),
            version: version.map(|v| v.to_string()).unwrap_or_default(),
        })?;
    let batch_hash = crate::export::batch_hash_in(&store.exports()?, contest, found.version)
        .ok_or_else(|| PrecinctError::NotExported {
            contest: contest.to_owned(),
            version: found.version,
        })?;
    let key = device_key::unlock(store, passphrase)?;
    let key_id = keys::public_key_id(&key.public_key())?;
    let precinct = precinct(store)?;
    let protocol = final_version(found);
    let data = assemble::qr_protocol(&precinct, &protocol, key_id.0)?;
    let message = qr::message(&data).map_err(assemble::AssembleError::from)?;
    let (_, signature) = key.sign_raw(&message)?;
    let printable = assemble::printable(
        &precinct,
        &protocol,
        &batch_hash,
        qr::encode(&message, &signature),
    )?;
    Ok((found.version, printable))
}

/// A finalized protocol as the print crate takes it.
fn final_version(protocol: &FinalProtocol) -> FinalVersion {
    FinalVersion {
        contest: protocol.contest.clone(),
        version: protocol.version,
        reason: protocol.reason.clone(),
        // The paper shows the laptop's local time (`TZ`, else the system's zone) with its
        // offset at that instant; the store keeps UTC.
        signed_at: protocol
            .finalized_at
            .to_utc()
            .with_timezone(&chrono::Local)
            .fixed_offset(),
        values: protocol.values.clone(),
        acknowledged: protocol
            .acknowledged
            .iter()
            .map(|(code, by, _)| (code.clone(), by.clone()))
            .collect(),
        acts: protocol
            .acts
            .iter()
            .map(|(code, text, by, _)| Act {
                code: code.clone(),
                text: text.clone(),
                by: by.clone(),
            })
            .collect(),
    }
}

/// Saves each PDF in `folder` (which must exist) under its file name.
pub fn save_in(folder: &str, pdfs: &[Pdf]) -> Result<Vec<Saved>, PrecinctError> {
    let dir = crate::export::existing_folder(folder)?;
    pdfs.iter()
        .map(|pdf| {
            let path = dir.join(&pdf.file_name);
            save_as(&path, &pdf.bytes)?;
            Ok(Saved {
                document: pdf.document,
                path,
            })
        })
        .collect()
}

/// Writes `bytes` to `path` through a temporary name, so no half-written PDF keeps the name.
pub fn save_as(path: &Path, bytes: &[u8]) -> Result<(), PrecinctError> {
    let failed = |error: std::io::Error| PrecinctError::WriteFile {
        path: path.display().to_string(),
        detail: error.to_string(),
    };
    let mut partial = path.as_os_str().to_owned();
    partial.push(".part");
    let partial = PathBuf::from(partial);
    std::fs::write(&partial, bytes).map_err(failed)?;
    hattama_durable::replace(&partial, path).map_err(failed)?;
    Ok(())
}
