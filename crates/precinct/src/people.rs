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

/// Adds a user (a chair adds; a new chair needs the acting chair's `actor_pin` again).
pub fn add_user(
    store: &mut Store,
    actor: &Session,
    name: &str,
    role: Role,
    pin: &str,
    actor_pin: Option<&str>,
    now: Timestamp,
) -> Result<UserId, PrecinctError> {
    Ok(store.add_user(actor, name, role, pin, actor_pin, now)?)
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
