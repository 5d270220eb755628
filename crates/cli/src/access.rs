//! How a precinct command reaches its store: the `--db` and `--user` options, opening the
//! database (`--db`, else `HATTAMA_DB`, else the platform data folder, as
//! [`installation::database_path`] says), signing the person in with their PIN, the time an
//! action records, and how a store's or a use case's refusal is reported (message and code).

use std::path::PathBuf;
use std::time::SystemTime;

use anyhow::{Result, anyhow};
use clap::Args;
use hattama_precinct::{PrecinctError, installation, people};
use hattama_store::{Session, Store, StoreError, Timestamp};

use crate::secret::{Secret, Secrets};

/// The database path option every store command takes.
#[derive(Debug, Args)]
pub(crate) struct DbArg {
    /// The database file (default: `HATTAMA_DB`, else the platform data folder).
    #[arg(long)]
    pub(crate) db: Option<PathBuf>,
}

/// Who acts: signed in with their PIN before anything else happens. The PIN is never an
/// argument: it is read as the secret `pin` (a prompt, `HATTAMA_PIN` or `--pin-stdin`).
#[derive(Debug, Args)]
pub(crate) struct SignInArgs {
    /// The user's name (their PIN is read: a prompt, `HATTAMA_PIN` or `--pin-stdin`).
    #[arg(long)]
    pub(crate) user: String,
}

pub(crate) fn now() -> Timestamp {
    Timestamp::from_system(SystemTime::now())
}

/// A store error as the CLI reports it: the message and the stable code.
pub(crate) fn refused(error: StoreError) -> anyhow::Error {
    let code = error.code();
    anyhow::Error::new(error).context(format!("[{code}]"))
}

/// A precinct use case's error as the CLI reports it: the message and the stable code.
pub(crate) fn failed(error: PrecinctError) -> anyhow::Error {
    match error {
        PrecinctError::Store(error) => refused(error),
        other => {
            let code = other.code();
            anyhow::Error::new(other).context(format!("[{code}]"))
        }
    }
}

pub(crate) fn open(db: &DbArg) -> Result<Store> {
    let path = installation::database_path(db.db.as_deref()).map_err(failed)?;
    installation::open(&path).map_err(|error| match error {
        PrecinctError::Store(error) => store_refusal(error),
        other => failed(other),
    })
}

/// A store that does not open: with the newest backup named, when there is one.
fn store_refusal(error: StoreError) -> anyhow::Error {
    match &error {
        StoreError::Corrupt { backups, .. } | StoreError::NotHattama { backups, .. } => {
            match backups.first() {
                Some(newest) => anyhow!(
                    "{error} [{}]; the newest backup is {}: `hattama restore` puts it in place",
                    error.code(),
                    newest.display()
                ),
                None => refused(error),
            }
        }
        _ => refused(error),
    }
}

/// Opens the store at `db` and signs `who` in with their PIN (the secret `pin`, read first):
/// the store and the session every action of this command acts for.
pub(crate) fn open_as(
    db: &DbArg,
    who: &SignInArgs,
    secrets: &mut Secrets,
) -> Result<(Store, Session)> {
    let mut store = open(db)?;
    let (session, _) = sign_in_keeping_pin(&mut store, who, secrets)?;
    Ok((store, session))
}

/// Signs `who` in with their PIN (the secret `pin`, read first), also returning the PIN, for an
/// action that checks it again.
pub(crate) fn sign_in_keeping_pin(
    store: &mut Store,
    who: &SignInArgs,
    secrets: &mut Secrets,
) -> Result<(Session, Secret)> {
    let pin = secrets.read("pin")?;
    let session = people::sign_in(store, &who.user, &pin, now()).map_err(failed)?;
    Ok((session, pin))
}
