//! The people at the precinct laptop: signing in, and what a chair does with users and
//! members. Each function forwards to the store, which checks the permission table
//! (`hattama_store::permissions`) and audits the action; the app and the CLI call these.

use hattama_store::{Permission, Role, Session, Store, Timestamp, UserId};

use crate::error::PrecinctError;

/// Signs `name` in with `pin`, through the wrong-PIN counter: the only way to a [`Session`].
pub fn sign_in(
    store: &mut Store,
    name: &str,
    pin: &str,
    now: Timestamp,
) -> Result<Session, PrecinctError> {
    Ok(store.sign_in(name, pin, now)?)
}

/// What the signed-in user may do, by the permission table: the controls the app shows.
pub fn allowed(store: &Store, actor: &Session) -> Result<Vec<Permission>, PrecinctError> {
    Ok(store.allowed(actor)?)
}

/// A user to add: the name typed at sign-in, the role and the new PIN, with the acting chair's
/// own PIN again when the new user is a chair. No `Debug`: it holds PINs.
#[derive(Clone, Copy)]
pub struct NewUser<'a> {
    /// The name.
    pub name: &'a str,
    /// The role.
    pub role: Role,
    /// The new user's PIN.
    pub pin: &'a str,
    /// The acting chair's PIN, asked again to add a chair.
    pub actor_pin: Option<&'a str>,
}

/// Adds a user (a chair adds; a new chair needs the acting chair's PIN again).
pub fn add_user(
    store: &mut Store,
    actor: &Session,
    user: &NewUser<'_>,
    now: Timestamp,
) -> Result<UserId, PrecinctError> {
    Ok(store.add_user(actor, user.name, user.role, user.pin, user.actor_pin, now)?)
}

/// Gives a user another role (a chair; making a chair needs the acting chair's PIN again).
pub fn change_role(
    store: &mut Store,
    actor: &Session,
    user: UserId,
    role: Role,
    actor_pin: Option<&str>,
    now: Timestamp,
) -> Result<(), PrecinctError> {
    Ok(store.change_role(actor, user, role, actor_pin, now)?)
}

/// Removes a user (a chair).
pub fn remove_user(
    store: &mut Store,
    actor: &Session,
    user: UserId,
    now: Timestamp,
) -> Result<(), PrecinctError> {
    Ok(store.remove_user(actor, user, now)?)
}

/// Lifts a clerk's or a secretary's lockout (a chair).
pub fn unlock_user(
    store: &mut Store,
    actor: &Session,
    user: UserId,
    now: Timestamp,
) -> Result<(), PrecinctError> {
    Ok(store.unlock_user(actor, user, now)?)
}

/// Adds a commission member to the signature block (a chair).
pub fn add_member(
    store: &mut Store,
    actor: &Session,
    name: &str,
    position: &str,
    now: Timestamp,
) -> Result<i64, PrecinctError> {
    Ok(store.add_member(actor, name, position, now)?)
}
