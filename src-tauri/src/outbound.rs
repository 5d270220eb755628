//! Commands of the precinct's outbound side: the device key and its enrolment sheet, the signed
//! export to a removable drive, the printed protocol, and the audit chain check.
//!
//! Thin adapters over the store (`create_device_key`, `export`, `record_export_written`), the
//! batch crate (`write_batch`, `find_removable_drives`) and the print crate (`assemble`, `pdf`),
//! as `hattama device-key|export|print` use them. The passphrase is the chair's: it unlocks the
//! device key for one command and is never kept or logged. Every command touches the disk, so
//! each runs off the main thread.

#![expect(
    clippy::needless_pass_by_value,
    reason = "Tauri hands each command its arguments and `State` by value"
)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use hattama_batch::write::{BatchFiles, RealIo, WriteError, write_batch};
use hattama_batch::{drives, keys};
use hattama_print::assemble::{self, AssembleError, FinalVersion};
use hattama_print::pdf::{self, Act};
use hattama_print::{FontError, PdfError, fonts, qr};
use hattama_store::{FinalProtocol, Store, StoreError};
use tauri::{AppHandle, Manager, Runtime, State};

use crate::dto::LocalText;
use crate::error::IpcError;
use crate::outbound_dto::{
    AuditCheck, DeviceKeyInfo, DocumentKind, DriveInfo, ExportInfo, ExportResult, FinalInfo,
    OutboundOverview, SavedFile,
};
use crate::precinct::now;
use crate::state::{self, AppState};

/// What can go wrong on the outbound side besides the store's refusals. Each code is listed in
/// `error::ERROR_CODES`, so the catalogues must have its message.
#[derive(Debug, thiserror::Error)]
pub(crate) enum OutboundError {
    /// The passphrase and its repetition differ.
    #[error("the passphrases differ")]
    PassphraseMismatch,
    /// No folder was given.
    #[error("no folder given")]
    NoFolder,
    /// The path is not an existing folder.
    #[error("{path} is not a folder")]
    NotAFolder {
        /// The path as given.
        path: String,
    },
    /// Writing the batch to the drive failed; nothing is left under the final name.
    #[error(transparent)]
    Write(#[from] WriteError),
    /// The fonts for the printed documents are missing or broken.
    #[error(transparent)]
    Fonts(#[from] FontError),
    /// A PDF could not be laid out.
    #[error(transparent)]
    Pdf(#[from] PdfError),
    /// The document's input could not be filled from the precinct's values.
    #[error(transparent)]
    Assemble(#[from] AssembleError),
    /// The contest has no final protocol of that version.
    #[error("contest {contest} has no final version {version}")]
    NoFinal {
        /// The contest.
        contest: String,
        /// The version asked for.
        version: u32,
    },
    /// The protocol was not exported yet, and the paper carries its batch hash.
    #[error("contest {contest} version {version} is not exported yet")]
    NotExported {
        /// The contest.
        contest: String,
        /// The version.
        version: u32,
    },
    /// A document could not be saved.
    #[error("cannot write {path}: {detail}")]
    WriteFile {
        /// The file.
        path: String,
        /// What the system said.
        detail: String,
    },
}

impl OutboundError {
    fn code(&self) -> String {
        match self {
            OutboundError::PassphraseMismatch => "device_key.mismatch".to_owned(),
            OutboundError::NoFolder => "export.no_folder".to_owned(),
            OutboundError::NotAFolder { .. } => "export.not_a_folder".to_owned(),
            OutboundError::Write(error) => format!("batch.{}", error.code()),
            OutboundError::Fonts(_) => "print.fonts".to_owned(),
            OutboundError::Pdf(_) => "print.pdf".to_owned(),
            OutboundError::Assemble(_) => "print.assemble".to_owned(),
            OutboundError::NoFinal { .. } => "print.no_final".to_owned(),
            OutboundError::NotExported { .. } => "print.not_exported".to_owned(),
            OutboundError::WriteFile { .. } => "print.write_file".to_owned(),
        }
    }

    fn params(&self) -> BTreeMap<String, String> {
        let pairs: Vec<(&str, String)> = match self {
            OutboundError::PassphraseMismatch
            | OutboundError::NoFolder
            | OutboundError::Write(WriteError::NoSpace { .. } | WriteError::ReadBackMismatch) => {
                Vec::new()
            }
            OutboundError::NotAFolder { path } => vec![("path", path.clone())],
            OutboundError::Write(WriteError::Io { source, .. }) => {
                vec![("detail", source.to_string())]
            }
            OutboundError::Fonts(error) => vec![("detail", error.to_string())],
            OutboundError::Pdf(error) => vec![("detail", error.to_string())],
            OutboundError::Assemble(error) => vec![("detail", error.to_string())],
            OutboundError::NoFinal { contest, version }
            | OutboundError::NotExported { contest, version } => {
                vec![
                    ("contest", contest.clone()),
                    ("version", version.to_string()),
                ]
            }
            OutboundError::WriteFile { path, detail } => {
                vec![("path", path.clone()), ("detail", detail.clone())]
            }
        };
        pairs
            .into_iter()
            .map(|(name, value)| (name.to_owned(), value))
            .collect()
    }
}

impl From<OutboundError> for IpcError {
    fn from(error: OutboundError) -> IpcError {
        tracing::warn!(%error, "outbound command failed");
        IpcError {
            code: format!("error.{}", error.code()),
            params: error.params(),
        }
    }
}

/// The folder `path` names, which must exist.
fn folder(path: &str) -> Result<PathBuf, OutboundError> {
    let trimmed = path.trim();
    if trimmed.is_empty() {
        return Err(OutboundError::NoFolder);
    }
    let folder = PathBuf::from(trimmed);
    if !folder.is_dir() {
        return Err(OutboundError::NotAFolder {
            path: trimmed.to_owned(),
        });
    }
    Ok(folder)
}

/// Writes `bytes` to `path` through a temporary name, so no half-written PDF keeps the name.
fn save(kind: DocumentKind, path: &Path, bytes: &[u8]) -> Result<SavedFile, OutboundError> {
    let failed = |error: std::io::Error| OutboundError::WriteFile {
        path: path.display().to_string(),
        detail: error.to_string(),
    };
    let partial = path.with_extension("pdf.part");
    std::fs::write(&partial, bytes).map_err(failed)?;
    std::fs::rename(&partial, path).map_err(failed)?;
    Ok(SavedFile {
        kind,
        path: path.display().to_string(),
    })
}

/// The precinct as the print crate takes it.
fn printing_precinct(store: &Store) -> Result<assemble::Precinct<'_>, StoreError> {
    let (Some(definition), Some(precinct)) = (store.definition(), store.precinct()) else {
        return Err(StoreError::NotSetUp);
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

/// The folder suggested for saving documents: the user's Documents, else home, else nothing.
fn documents_folder<R: Runtime>(app: &AppHandle<R>) -> String {
    let path = app.path();
    path.document_dir()
        .or_else(|_| path.home_dir())
        .map(|dir| dir.display().to_string())
        .unwrap_or_default()
}

/// The device key, the finalized protocols, the exports so far and the drives mounted now.
#[tauri::command(async)]
#[tracing::instrument(skip(app, state))]
pub(crate) fn outbound_overview<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, Mutex<AppState>>,
) -> Result<OutboundOverview, IpcError> {
    let mut state = state::lock(&state)?;
    let store = state.store()?;
    let definition = store.definition().ok_or(StoreError::NotSetUp)?;
    let exports = store.exports()?;
    let mut finals = Vec::new();
    let mut carried = Vec::new();
    for protocol in store.final_protocols()? {
        let name = definition
            .contest(&protocol.contest)
            .map(|contest| LocalText::from(&contest.name))
            .ok_or_else(|| StoreError::UnknownContest(protocol.contest.clone()))?;
        let batch_hash = store
            .batch_hash_of(&protocol.contest, protocol.version)?
            .map(|hash| keys::group_hex(&hash));
        carried.push((protocol.contest.clone(), protocol.version));
        finals.push(FinalInfo {
            contest: protocol.contest,
            template: protocol.template,
            name,
            version: protocol.version,
            batch_hash,
        });
    }
    let up_to_date = exports
        .last()
        .is_some_and(|newest| !carried.is_empty() && newest.protocols == carried);
    Ok(OutboundOverview {
        device_key: store.device_key()?.map(DeviceKeyInfo::from),
        finals,
        exports: exports.iter().map(ExportInfo::from).collect(),
        up_to_date,
        drives: drives::find_removable_drives()
            .into_iter()
            .map(DriveInfo::from)
            .collect(),
        documents_folder: documents_folder(&app),
    })
}

/// Makes the device key, its secret key encrypted with the chair's passphrase (typed twice).
#[tauri::command(async)]
#[tracing::instrument(skip_all)]
pub(crate) fn create_device_key(
    state: State<'_, Mutex<AppState>>,
    passphrase: String,
    repeated: String,
) -> Result<DeviceKeyInfo, IpcError> {
    if passphrase != repeated {
        return Err(OutboundError::PassphraseMismatch.into());
    }
    let mut state = state::lock(&state)?;
    let key = state.store()?.create_device_key(&passphrase, now())?;
    tracing::info!(key_id = %key.key_id, "device key made");
    Ok(key.into())
}

/// Saves the device key's enrolment sheet as a PDF in `folder`.
#[tauri::command(async)]
#[tracing::instrument(skip(state))]
pub(crate) fn save_enrolment_sheet(
    state: State<'_, Mutex<AppState>>,
    folder: String,
) -> Result<SavedFile, IpcError> {
    let dir = self::folder(&folder)?;
    let mut state = state::lock(&state)?;
    let store = state.store()?;
    let key = store.device_key()?.ok_or(StoreError::NoDeviceKey)?;
    let precinct = printing_precinct(store)?;
    let sheet = assemble::enrolment(
        &precinct,
        &key.key_id,
        &key.fingerprint,
        &key.public_key,
        chrono::Local::now().date_naive(),
    );
    let fonts = fonts::load_installed().map_err(OutboundError::from)?;
    let bytes = pdf::enrolment_sheet(&sheet, &fonts).map_err(OutboundError::from)?;
    let kind = DocumentKind::Enrolment;
    let path = dir.join(format!("{}-{}.pdf", file_stem(&precinct), kind.as_str()));
    Ok(save(kind, &path, &bytes)?)
}

/// Signs a batch of every finalized protocol (or takes the earlier one when nothing is new),
/// writes it to `folder` crash-safely, reads it back, and records where it went. Only an `Ok`
/// means the drive may be removed.
#[tauri::command(async)]
#[tracing::instrument(skip(state, passphrase))]
pub(crate) fn export_batch(
    state: State<'_, Mutex<AppState>>,
    passphrase: String,
    folder: String,
) -> Result<ExportResult, IpcError> {
    let dir = self::folder(&folder)?;
    let export = {
        let mut state = state::lock(&state)?;
        state
            .store()?
            .export(&passphrase, env!("CARGO_PKG_VERSION"), now())?
    };
    // The lock is not held while the drive syncs: a slow stick must not stall the other screens.
    let written = write_batch(
        &RealIo,
        &dir,
        &BatchFiles {
            base_name: &export.base_name,
            payload: &export.payload,
            signature: &export.signature,
        },
    )
    .map_err(OutboundError::from)?;
    let place = dir.display().to_string();
    state::lock(&state)?
        .store()?
        .record_export_written(export.sequence, &place, now())?;
    tracing::info!(sequence = export.sequence, reused = export.reused, %place, "batch written");
    Ok(ExportResult {
        export: ExportInfo::from(&export),
        reused: export.reused,
        payload: written.payload.display().to_string(),
        signature: written.signature.display().to_string(),
    })
}

fn final_version(protocol: &FinalProtocol) -> FinalVersion {
    FinalVersion {
        contest: protocol.contest.clone(),
        version: protocol.version,
        reason: protocol.reason.clone(),
        // The paper shows the laptop's local time with its offset; the store keeps UTC.
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

/// Saves the finalized protocol `version` of `contest` (with its batch hash and a QR signed with
/// the device key), its posting copy and the blank form as PDFs in `folder`.
#[tauri::command(async)]
#[tracing::instrument(skip(state, passphrase))]
pub(crate) fn print_protocol(
    state: State<'_, Mutex<AppState>>,
    contest: String,
    version: u32,
    passphrase: String,
    folder: String,
) -> Result<Vec<SavedFile>, IpcError> {
    let dir = self::folder(&folder)?;
    let mut state = state::lock(&state)?;
    let store = state.store()?;
    let no_final = || OutboundError::NoFinal {
        contest: contest.clone(),
        version,
    };
    let finals = store.final_protocols()?;
    let found = finals
        .iter()
        .find(|p| p.contest == contest && p.version == version)
        .ok_or_else(no_final)?;
    let batch_hash =
        store
            .batch_hash_of(&contest, version)?
            .ok_or_else(|| OutboundError::NotExported {
                contest: contest.clone(),
                version,
            })?;
    let secret = store.device_secret_key()?.ok_or(StoreError::NoDeviceKey)?;
    let key = keys::unlock(&secret, Some(&passphrase)).map_err(StoreError::from)?;
    let key_id = keys::public_key_id(&key.public_key()).map_err(StoreError::from)?;
    let precinct = printing_precinct(store)?;
    let protocol = final_version(found);
    let data =
        assemble::qr_protocol(&precinct, &protocol, key_id.0).map_err(OutboundError::from)?;
    let message = qr::message(&data)
        .map_err(AssembleError::from)
        .map_err(OutboundError::from)?;
    let (_, signature) = key.sign_raw(&message).map_err(StoreError::from)?;
    let printable = assemble::printable(
        &precinct,
        &protocol,
        &batch_hash,
        qr::encode(&message, &signature),
    )
    .map_err(OutboundError::from)?;
    let blank = assemble::blank(&precinct, &contest).map_err(OutboundError::from)?;
    let fonts = fonts::load_installed().map_err(OutboundError::from)?;
    let stem = format!("{}-{contest}-v{version}", file_stem(&precinct));
    let documents = [
        (DocumentKind::Protocol, pdf::protocol(&printable, &fonts)),
        (DocumentKind::Posting, pdf::posting_copy(&printable, &fonts)),
        (DocumentKind::Blank, pdf::blank_protocol(&blank, &fonts)),
    ];
    let mut saved = Vec::with_capacity(documents.len());
    for (kind, bytes) in documents {
        let bytes = bytes.map_err(OutboundError::from)?;
        let path = dir.join(format!("{stem}-{}.pdf", kind.as_str()));
        saved.push(save(kind, &path, &bytes)?);
    }
    tracing::info!(%contest, version, "documents saved");
    Ok(saved)
}

/// Walks the whole audit chain and reports the first broken link, if any.
#[tauri::command(async)]
#[tracing::instrument(skip(state))]
pub(crate) fn verify_audit(state: State<'_, Mutex<AppState>>) -> Result<AuditCheck, IpcError> {
    let mut state = state::lock(&state)?;
    let report = state.store()?.verify_audit()?;
    Ok(AuditCheck::from(&report))
}
