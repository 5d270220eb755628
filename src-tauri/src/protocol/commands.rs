//! Commands about one protocol: its form, typing an entry field by field, finishing an entry,
//! reconciling differences, the review (acknowledgements, acts), finalizing, repeating, and the
//! audit log.
//!
//! Thin adapters: every sum, comparison and permission is the store's (which asks the protocol
//! crate). The UI sends what was typed, raw; the store parses, saves and checks it.

#![expect(
    clippy::needless_pass_by_value,
    reason = "Tauri hands each command its arguments and `State` by value"
)]

use std::sync::Mutex;

use hattama_precinct::protocol::{ActPaper, PaperValue, TypedField};
use hattama_precinct::{audit, protocol};
use hattama_store::EntryNo;
use tauri::State;
use tauri::ipc::Channel;

use crate::error::{AppError, IpcError};
use crate::protocol::dto::{
    AuditLog, AuditRow, Difference, ProtocolForm, ProtocolState, ReconcileOutcome, ReviewInfo,
    SavedField,
};
use crate::state::{self, AppState, now};

fn entry_no(entry: u8) -> Result<EntryNo, AppError> {
    EntryNo::from_number(i64::from(entry)).ok_or(AppError::UnknownEntry { entry })
}

/// The form of `contest`'s newest version: lines in paper order, the state, and the open entry's
/// values when the signed-in user may see them (the second entry is blind).
#[tauri::command(async)]
#[tracing::instrument(skip(state))]
pub(crate) fn open_protocol(
    state: State<'_, Mutex<AppState>>,
    contest: String,
) -> Result<ProtocolForm, IpcError> {
    let mut state = state::lock(&state)?;
    let (store, session) = state.store_and_any_session()?;
    let form = protocol::form(store, session, &contest)?;
    Ok(ProtocolForm::of(&form)?)
}

/// Saves what was typed into `line` of `entry`, raw; the store parses, saves and checks it.
/// The checks go out on `checked` as soon as they are known, before the write is made durable,
/// so the check panel does not wait for the disk; the answer (the same fields) comes once the
/// value is stored. A message that could not be sent is only logged: the answer still carries it.
#[tauri::command(async)]
#[tracing::instrument(skip(state, checked))]
pub(crate) fn save_value(
    state: State<'_, Mutex<AppState>>,
    contest: String,
    entry: u8,
    line: String,
    raw: String,
    checked: Channel<SavedField>,
) -> Result<SavedField, IpcError> {
    let entry = entry_no(entry)?;
    let mut state = state::lock(&state)?;
    let (store, session) = state.store_and_session()?;
    let send_early = |early: &hattama_store::SavedField| {
        if let Err(error) = checked.send(SavedField::from(early)) {
            tracing::warn!(%error, "the checks could not be sent before the save");
        }
    };
    let typed = TypedField {
        contest: &contest,
        entry,
        line: &line,
        raw: &raw,
    };
    let saved = protocol::save_value(store, session, &typed, now(), send_early)?;
    Ok(SavedField::from(&saved))
}

/// Marks `entry` done (every line must have a value); the second compares with the first.
#[tauri::command(async)]
#[tracing::instrument(skip(state))]
pub(crate) fn finish_entry(
    state: State<'_, Mutex<AppState>>,
    contest: String,
    entry: u8,
) -> Result<ProtocolState, IpcError> {
    let entry = entry_no(entry)?;
    let mut state = state::lock(&state)?;
    let (store, session) = state.store_and_session()?;
    Ok(protocol::finish_entry(store, session, &contest, entry, now())?.into())
}

/// The lines on which the two finished entries differ; blind, without either entry's value.
#[tauri::command(async)]
#[tracing::instrument(skip(state))]
pub(crate) fn differences(
    state: State<'_, Mutex<AppState>>,
    contest: String,
) -> Result<Vec<Difference>, IpcError> {
    let mut state = state::lock(&state)?;
    let differences = state.store()?.differences(&contest)?;
    Ok(differences.iter().map(Difference::from).collect())
}

/// Settles a differing line with the value read on the paper; says which entry it matched, or
/// that a value on neither entry needs `confirm_neither`.
#[tauri::command(async)]
#[tracing::instrument(skip(state))]
pub(crate) fn reconcile(
    state: State<'_, Mutex<AppState>>,
    contest: String,
    line: String,
    raw: String,
    confirm_neither: bool,
) -> Result<ReconcileOutcome, IpcError> {
    let mut state = state::lock(&state)?;
    let (store, session) = state.store_and_session()?;
    let paper = PaperValue {
        contest: &contest,
        line: &line,
        raw: &raw,
        confirm_neither,
    };
    Ok(protocol::reconcile(store, session, &paper, now())?.into())
}

/// The agreed values' checks, acknowledgements and acts.
#[tauri::command(async)]
#[tracing::instrument(skip(state))]
pub(crate) fn review(
    state: State<'_, Mutex<AppState>>,
    contest: String,
) -> Result<ReviewInfo, IpcError> {
    let mut state = state::lock(&state)?;
    Ok(ReviewInfo::from(&state.store()?.review(&contest)?))
}

/// Records that the signed-in user checked the failing warning `code` against the paper.
#[tauri::command(async)]
#[tracing::instrument(skip(state))]
pub(crate) fn acknowledge(
    state: State<'_, Mutex<AppState>>,
    contest: String,
    code: String,
) -> Result<(), IpcError> {
    let mut state = state::lock(&state)?;
    let (store, session) = state.store_and_session()?;
    Ok(protocol::acknowledge(
        store,
        session,
        &contest,
        &code,
        now(),
    )?)
}

/// Attaches the commission's act (its paper `number` and description) explaining the failing
/// error `code`.
#[tauri::command(async)]
#[tracing::instrument(skip(state, text))]
pub(crate) fn attach_act(
    state: State<'_, Mutex<AppState>>,
    contest: String,
    code: String,
    number: String,
    text: String,
) -> Result<(), IpcError> {
    let mut state = state::lock(&state)?;
    let (store, session) = state.store_and_session()?;
    let act = ActPaper {
        contest: &contest,
        code: &code,
        paper_number: &number,
        text: &text,
    };
    Ok(protocol::attach_act(store, session, &act, now())?)
}

/// Finalizes the protocol, by the chair signed in; returns the version finalized.
#[tauri::command(async)]
#[tracing::instrument(skip(state))]
pub(crate) fn finalize(
    state: State<'_, Mutex<AppState>>,
    contest: String,
) -> Result<i64, IpcError> {
    let mut state = state::lock(&state)?;
    let (store, session) = state.store_and_session()?;
    Ok(protocol::finalize(store, session, &contest, now())?.version)
}

/// Starts a repeated protocol (the next version, empty) for `reason`; returns its version.
#[tauri::command(async)]
#[tracing::instrument(skip(state))]
pub(crate) fn repeat_protocol(
    state: State<'_, Mutex<AppState>>,
    contest: String,
    reason: String,
) -> Result<i64, IpcError> {
    let mut state = state::lock(&state)?;
    let (store, session) = state.store_and_session()?;
    Ok(protocol::repeat(store, session, &contest, &reason, now())?)
}

/// The audit log, newest first, as the signed-in user may see it (numbers of unfinished
/// entries left out), and whether its hash chain holds.
#[tauri::command(async)]
#[tracing::instrument(skip_all)]
pub(crate) fn audit_log(state: State<'_, Mutex<AppState>>) -> Result<AuditLog, IpcError> {
    let mut state = state::lock(&state)?;
    let (store, session) = state.store_and_session()?;
    let rows = audit::entries(store, session, 0)?;
    let intact = audit::verify(store, session)?.is_ok();
    let rows = rows.iter().rev().map(AuditRow::from).collect();
    Ok(AuditLog { intact, rows })
}
