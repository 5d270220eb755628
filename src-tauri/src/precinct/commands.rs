//! Commands about the precinct as a whole: first-run setup, users and members, signing in with
//! a PIN, and the overview the dashboard shows.
//!
//! Thin adapters like every command: parse, call the store, convert to DTOs, map errors. Each
//! touches the database, so each runs off the main thread (`async`).

#![expect(
    clippy::needless_pass_by_value,
    reason = "Tauri hands each command its arguments and `State` by value"
)]

use std::sync::Mutex;

use hattama_precinct::definition::{self, DefinitionSource};
use hattama_precinct::people::{self, NewUser};
use hattama_protocol::PrecinctId;
use hattama_store::{FirstChair, Session, Store, StoreError, UserId};
use tauri::State;

use crate::error::IpcError;
use crate::precinct::dto::{
    CommissionKeyChallenge, DefinitionChoices, MemberInfo, Overview, PrecinctOverview, SessionInfo,
    UserInfo, UserRole,
};
use crate::protocol::dto::ProtocolSummary;
use crate::state::{self, AppState, now};

/// Where the UI's definition comes from: the built-in demo when `path` is `None`.
fn source(path: Option<String>) -> DefinitionSource {
    path.map_or(DefinitionSource::Demo, |path| {
        DefinitionSource::File(path.into())
    })
}

/// The commission key beside the definition file at `path`, to confirm against the paper.
#[tauri::command(async)]
#[tracing::instrument(skip(state))]
pub(crate) fn commission_key_challenge(
    state: State<'_, Mutex<AppState>>,
    path: String,
) -> Result<CommissionKeyChallenge, IpcError> {
    let mut state = state::lock(&state)?;
    let key =
        definition::read_commission_key(&definition::commission_key_path(path.as_ref(), None))?;
    let challenge = definition::challenge(state.store()?, &key)?;
    Ok(CommissionKeyChallenge::from(&challenge))
}

/// Pins the commission key beside the definition file at `path` once `groups` are the blanked
/// groups of its fingerprint as the commission's paper shows them.
#[tauri::command(async)]
#[tracing::instrument(skip(state))]
pub(crate) fn pin_commission_key(
    state: State<'_, Mutex<AppState>>,
    path: String,
    groups: Vec<String>,
) -> Result<CommissionKeyChallenge, IpcError> {
    let mut state = state::lock(&state)?;
    let key =
        definition::read_commission_key(&definition::commission_key_path(path.as_ref(), None))?;
    let store = state.store()?;
    definition::pin_commission_key(store, &key, &groups, now())?;
    Ok(CommissionKeyChallenge::from(&definition::challenge(
        store, &key,
    )?))
}

/// What a definition (the demo when `path` is `null`) offers: its regions and precincts. A file
/// loads only with the signature of the pinned commission key.
#[tauri::command(async)]
#[tracing::instrument(skip(state))]
pub(crate) fn definition_choices(
    state: State<'_, Mutex<AppState>>,
    path: Option<String>,
) -> Result<DefinitionChoices, IpcError> {
    let mut state = state::lock(&state)?;
    let loaded = definition::load(state.store()?, &source(path))?;
    Ok(DefinitionChoices::from(&loaded))
}

/// Sets the laptop up for one precinct of a definition (the demo when `path` is `null`), with
/// the person setting up as its first chair (`chair_name`, `chair_pin`), signed in from now on.
#[tauri::command(async)]
#[tracing::instrument(skip(state, chair_pin))]
pub(crate) fn setup_precinct(
    state: State<'_, Mutex<AppState>>,
    path: Option<String>,
    region: String,
    number: u32,
    chair_name: String,
    chair_pin: String,
) -> Result<Overview, IpcError> {
    let mut state = state::lock(&state)?;
    let precinct = PrecinctId { region, number };
    let first = FirstChair {
        name: &chair_name,
        pin: &chair_pin,
    };
    let session = definition::setup(state.store()?, &source(path), &precinct, &first, now())?;
    state.sign_in_as(session);
    overview_of(&mut state)
}

/// Adds a user who signs in with `pin`, by the signed-in chair; adding a chair needs the
/// chair's own PIN again (`chair_pin`).
#[tauri::command(async)]
#[tracing::instrument(skip(state, pin, chair_pin))]
pub(crate) fn add_user(
    state: State<'_, Mutex<AppState>>,
    name: String,
    role: UserRole,
    pin: String,
    chair_pin: Option<String>,
) -> Result<Overview, IpcError> {
    let mut state = state::lock(&state)?;
    let (store, session) = state.store_and_session()?;
    let user = NewUser {
        name: &name,
        role: role.into(),
        pin: &pin,
        actor_pin: chair_pin.as_deref(),
    };
    people::add_user(store, session, &user, now())?;
    overview_of(&mut state)
}

/// Lifts a clerk's or a secretary's lockout, by the signed-in chair.
#[tauri::command(async)]
#[tracing::instrument(skip(state))]
pub(crate) fn unlock_user(
    state: State<'_, Mutex<AppState>>,
    user: i64,
) -> Result<Overview, IpcError> {
    let mut state = state::lock(&state)?;
    let (store, session) = state.store_and_session()?;
    people::unlock_user(store, session, UserId(user), now())?;
    overview_of(&mut state)
}

/// Adds a commission member at `position` (`chair`, `deputy_chair`, `secretary`, `member`),
/// by the signed-in chair.
#[tauri::command(async)]
#[tracing::instrument(skip(state))]
pub(crate) fn add_member(
    state: State<'_, Mutex<AppState>>,
    name: String,
    position: String,
) -> Result<Overview, IpcError> {
    let mut state = state::lock(&state)?;
    let (store, session) = state.store_and_session()?;
    people::add_member(store, session, &name, &position, now())?;
    overview_of(&mut state)
}

/// Signs `name` in when `pin` matches (five wrong in a row lock the user out); commands act
/// for this user from now on.
#[tauri::command(async)]
#[tracing::instrument(skip(state, pin))]
pub(crate) fn login(
    state: State<'_, Mutex<AppState>>,
    name: String,
    pin: String,
) -> Result<SessionInfo, IpcError> {
    let mut state = state::lock(&state)?;
    state.sign_out();
    let store = state.store()?;
    let session = people::sign_in(store, &name, &pin, now())?;
    let info = SessionInfo {
        user: UserInfo {
            id: session.user().0,
            name: session.name().to_owned(),
            role: session.role().into(),
        },
        allowed: allowed_codes(store, &session)?,
    };
    state.sign_in_as(session);
    Ok(info)
}

/// Signs the current user out.
#[tauri::command(async)]
#[tracing::instrument(skip_all)]
pub(crate) fn logout(state: State<'_, Mutex<AppState>>) -> Result<(), IpcError> {
    state::lock(&state)?.sign_out();
    Ok(())
}

/// The codes of what `session` may do now (`perm.finalize`, …).
fn allowed_codes(store: &Store, session: &Session) -> Result<Vec<String>, IpcError> {
    Ok(people::allowed(store, session)?
        .into_iter()
        .map(|permission| permission.code().to_owned())
        .collect())
}

/// The precinct (once set up), its protocols, the users and who is signed in.
#[tauri::command(async)]
#[tracing::instrument(skip_all)]
pub(crate) fn overview(state: State<'_, Mutex<AppState>>) -> Result<Overview, IpcError> {
    let mut state = state::lock(&state)?;
    overview_of(&mut state)
}

fn overview_of(state: &mut AppState) -> Result<Overview, IpcError> {
    let (store, session) = state.store_and_any_session()?;
    let users = store.users()?;
    let (user, allowed) = match session {
        Some(session) => {
            let user = users.iter().find(|user| user.id == session.user());
            (user.map(UserInfo::from), allowed_codes(store, session)?)
        }
        None => (None, Vec::new()),
    };
    Ok(Overview {
        precinct: precinct_overview(store)?,
        users: users.iter().map(UserInfo::from).collect(),
        members: store.members()?.iter().map(MemberInfo::from).collect(),
        user,
        allowed,
    })
}

fn precinct_overview(store: &Store) -> Result<Option<PrecinctOverview>, IpcError> {
    let (Some(loaded), Some(id)) = (store.definition(), store.precinct()) else {
        return Ok(None);
    };
    let inconsistent = || StoreError::Inconsistent("the precinct left the definition".into());
    let precinct = loaded.precinct(id).ok_or_else(inconsistent)?;
    let region = loaded.region(&id.region).ok_or_else(inconsistent)?;
    let protocols = store
        .statuses()?
        .iter()
        .map(|status| ProtocolSummary::of(loaded, status))
        .collect::<Result<_, _>>()?;
    Ok(Some(PrecinctOverview {
        election: (&loaded.definition.name).into(),
        demo: loaded.definition.demo,
        test: loaded.definition.mode == hattama_protocol::Mode::Test,
        region: (&region.name).into(),
        number: id.number,
        address: (&precinct.address).into(),
        protocols,
    }))
}
