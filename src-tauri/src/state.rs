//! The app's managed state: what every command may read or change, behind one `Mutex`.
//!
//! Registered once in `setup`. The store is opened on first use (so a damaged file is reported
//! to the UI as a coded error rather than stopping the app), and the signed-in user lives here,
//! not in the webview: commands act for whoever signed in with a PIN.

use std::path::PathBuf;
use std::sync::{Mutex, MutexGuard};
use std::time::SystemTime;

use hattama_precinct::print::{Document, Saved};
use hattama_precinct::{PrecinctError, installation};
use hattama_store::{Session, Store, StoreError, Timestamp};

use crate::app::dto::Language;
use crate::error::{AppError, IpcError};

/// The state shared by all commands.
#[derive(Debug)]
pub(crate) struct AppState {
    /// The language the user interface is shown in.
    pub(crate) language: Language,
    /// Where the database lives.
    pub(crate) database_path: PathBuf,
    /// The open database, once a command needed it.
    store: Option<Store>,
    /// Who signed in with a PIN, if anyone: the session every acting command acts for. Changed
    /// only through [`AppState::sign_in_as`] and [`AppState::sign_out`].
    pub(crate) session: Option<Session>,
    /// The documents the signed-in person printed, the newest of each kind: the only files
    /// `open_document` hands to the desktop's viewer. Forgotten whenever the person changes, so
    /// nobody opens what somebody else printed.
    printed: Vec<Saved>,
}

impl AppState {
    /// The state at start: Kazakh, and the given database path.
    pub(crate) fn new(database_path: PathBuf) -> AppState {
        AppState {
            language: Language::Kk,
            database_path,
            store: None,
            session: None,
            printed: Vec::new(),
        }
    }

    /// `session` is now the signed-in person; what the one before printed is forgotten.
    pub(crate) fn sign_in_as(&mut self, session: Session) {
        self.printed.clear();
        self.session = Some(session);
    }

    /// Nobody is signed in; what they printed is forgotten.
    pub(crate) fn sign_out(&mut self) {
        self.printed.clear();
        self.session = None;
    }

    /// Remembers `saved` as the newest printed document of its kind.
    pub(crate) fn printed(&mut self, saved: &[Saved]) {
        for file in saved {
            self.printed
                .retain(|earlier| earlier.document != file.document);
            self.printed.push(file.clone());
        }
    }

    /// The newest document of `kind` printed in this run, if any.
    pub(crate) fn printed_file(&self, kind: Document) -> Option<&Saved> {
        self.printed.iter().find(|saved| saved.document == kind)
    }

    /// The store, opened (or created) at `database_path` on first use.
    pub(crate) fn store(&mut self) -> Result<&mut Store, PrecinctError> {
        let store = match self.store.take() {
            Some(store) => store,
            None => installation::open(&self.database_path)?,
        };
        Ok(self.store.insert(store))
    }

    /// The store and the session, if anyone is signed in (for what every screen may read).
    pub(crate) fn store_and_any_session(
        &mut self,
    ) -> Result<(&mut Store, Option<&Session>), PrecinctError> {
        if self.store.is_none() {
            self.store = Some(installation::open(&self.database_path)?);
        }
        let store = self
            .store
            .as_mut()
            .ok_or_else(|| StoreError::Inconsistent("the store did not open".into()))?;
        Ok((store, self.session.as_ref()))
    }

    /// The store and the signed-in user's session, for commands that act for someone;
    /// `app.not_signed_in` when nobody is.
    pub(crate) fn store_and_session(&mut self) -> Result<(&mut Store, &Session), IpcError> {
        if self.session.is_none() {
            return Err(AppError::NotSignedIn.into());
        }
        if self.store.is_none() {
            self.store = Some(installation::open(&self.database_path)?);
        }
        match (self.store.as_mut(), self.session.as_ref()) {
            (Some(store), Some(session)) => Ok((store, session)),
            _ => Err(AppError::NotSignedIn.into()),
        }
    }
}

/// The laptop clock, recorded as information only (the store never decides on it).
pub(crate) fn now() -> Timestamp {
    Timestamp::from_system(SystemTime::now())
}

/// Locks the state, turning a poisoned lock into an error the webview can show.
pub(crate) fn lock(state: &Mutex<AppState>) -> Result<MutexGuard<'_, AppState>, AppError> {
    state.lock().map_err(|_poisoned| AppError::StateUnavailable)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_one_person_printed_is_not_opened_for_the_next() {
        let mut state = AppState::new(PathBuf::from("hattama.db"));
        let saved = Saved {
            document: Document::Protocol,
            path: PathBuf::from("protocol.pdf"),
        };
        state.printed(std::slice::from_ref(&saved));
        assert_eq!(
            state
                .printed_file(Document::Protocol)
                .map(|file| &file.path),
            Some(&saved.path)
        );
        state.sign_out();
        assert!(state.printed_file(Document::Protocol).is_none());
    }
}
