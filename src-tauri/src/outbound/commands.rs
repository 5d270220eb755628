//! Commands of the precinct's outbound side: the device key and its enrolment sheet, the signed
//! export to a removable drive, the printed protocol, and the audit chain check.
//!
//! Thin adapters over `hattama_precinct::{device_key, export, print}`, the same functions
//! `hattama device-key|export|print` call. The passphrase is the chair's: it unlocks the device
//! key for one command and is never kept or logged. Every command touches the disk, so each runs
//! off the main thread.

#![expect(
    clippy::needless_pass_by_value,
    reason = "Tauri hands each command its arguments and `State` by value"
)]

use std::sync::Mutex;

use hattama_batch::keys;
use hattama_precinct::{audit, device_key, export, print};
use hattama_store::StoreError;
use tauri::{AppHandle, Manager, Runtime, State};

use crate::app::dto::LocalText;
use crate::error::IpcError;
use crate::outbound::dto::{
    AuditCheck, DeviceKeyInfo, DriveInfo, ExportInfo, ExportResult, FinalInfo, OutboundOverview,
    SavedFile,
};
use crate::state::{self, AppState, now};

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
    let overview = export::overview(store)?;
    let mut finals = Vec::new();
    for entry in &overview.finals {
        let protocol = &entry.protocol;
        let name = definition
            .contest(&protocol.contest)
            .map(|contest| LocalText::from(&contest.name))
            .ok_or_else(|| StoreError::UnknownContest(protocol.contest.clone()))?;
        finals.push(FinalInfo {
            contest: protocol.contest.clone(),
            template: protocol.template.clone(),
            name,
            version: protocol.version,
            batch_hash: entry.batch_hash.as_deref().map(keys::group_hex),
            printable: entry.printable(),
        });
    }
    Ok(OutboundOverview {
        device_key: overview.device_key.map(DeviceKeyInfo::from),
        finals,
        exports: overview.exports.iter().map(ExportInfo::from).collect(),
        up_to_date: overview.up_to_date,
        suggested_drive: overview
            .suggested_drive
            .map(|mount| mount.mount_point.display().to_string()),
        drives: overview.drives.into_iter().map(DriveInfo::from).collect(),
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
    let mut state = state::lock(&state)?;
    let (store, session) = state.store_and_session()?;
    let key = device_key::make(store, session, &passphrase, &repeated, now())?;
    Ok(key.into())
}

/// Saves the device key's enrolment sheet as a PDF in `folder`; `open_document` then opens it
/// in the desktop's viewer to print.
#[tauri::command(async)]
#[tracing::instrument(skip(state))]
pub(crate) fn save_enrolment_sheet(
    state: State<'_, Mutex<AppState>>,
    folder: String,
) -> Result<SavedFile, IpcError> {
    let mut state = state::lock(&state)?;
    let (store, session) = state.store_and_session()?;
    let sheet = print::enrolment_sheet(store, session)?;
    let saved = print::save_in(&folder, &[sheet])?;
    state.printed(&saved);
    saved
        .into_iter()
        .map(SavedFile::from)
        .next()
        .ok_or_else(|| StoreError::Inconsistent("no enrolment sheet was saved".into()).into())
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
    let mut state = state::lock(&state)?;
    let (store, session) = state.store_and_session()?;
    let exported = export::export(
        store,
        session,
        &passphrase,
        &export::Target::Folder(folder),
        env!("CARGO_PKG_VERSION"),
        now(),
    )?;
    Ok(ExportResult {
        export: ExportInfo::from(&exported.export.batch),
        reused: exported.export.reused,
        payload: exported.payload.display().to_string(),
        signature: exported.signature.display().to_string(),
    })
}

/// Saves the finalized protocol `version` of `contest` (with its batch hash and a QR signed with
/// the device key), its posting copy and the blank form as PDFs in `folder`; `open_document`
/// then opens each in the desktop's viewer to print.
#[tauri::command(async)]
#[tracing::instrument(skip(state, passphrase))]
pub(crate) fn print_protocol(
    state: State<'_, Mutex<AppState>>,
    contest: String,
    version: u32,
    passphrase: String,
    folder: String,
) -> Result<Vec<SavedFile>, IpcError> {
    let mut state = state::lock(&state)?;
    let (store, session) = state.store_and_session()?;
    let pdfs = print::protocol_documents(store, session, &contest, Some(version), &passphrase)?;
    let saved = print::save_in(&folder, &pdfs)?;
    state.printed(&saved);
    tracing::info!(%contest, version, "documents saved");
    Ok(saved.into_iter().map(SavedFile::from).collect())
}

/// Walks the whole audit chain and reports the first broken link, if any.
#[tauri::command(async)]
#[tracing::instrument(skip(state))]
pub(crate) fn verify_audit(state: State<'_, Mutex<AppState>>) -> Result<AuditCheck, IpcError> {
    let mut state = state::lock(&state)?;
    let (store, session) = state.store_and_session()?;
    let report = audit::verify(store, session)?;
    Ok(AuditCheck::from(&report))
}
