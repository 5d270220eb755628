//! [`Store`]: one open database, and every operation the precinct's use cases perform on it.
//! Each operation that writes is one `BEGIN IMMEDIATE` transaction ([`write_tx`]) holding the
//! change, its audit row and any state change, so it is either all on disk or not at all.
//!
//! The operations live in files of one concern each: `open` (opening and creating the file),
//! `people` (setup, users, members), `entry` (typing and finishing an entry), `reconcile`,
//! `finalize` (review, acknowledgements, acts, finalize, repeat), `export` (the device key
//! and signed batches as records) and `vouch` (the blind audit view, and the check before
//! anything is signed or printed).
//!
//! The store parses typed text and finds lines through `hattama_protocol`, asks the pure
//! [`state`](crate::state) module whether a step is allowed, and persists the result through the
//! per-table modules. It holds no transaction between calls, so nothing waits on a person.

mod entry;
pub(crate) mod export;
mod finalize;
mod open;
mod people;
mod reconcile;
mod vouch;

pub use entry::{LineValue, SavedField, TypedField};
pub use finalize::{ACT_MIN_CHARS, Finalized, Review};
pub use people::FirstChair;
pub use reconcile::{Difference, Matched, Reconciled};

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use rusqlite::{Connection, Transaction, TransactionBehavior};
use serde_json::json;

use hattama_protocol::{Count, LoadedDefinition, PrecinctId, Template, builtin};

use crate::audit::{self, Action, AuditChain, AuditEntry, AuditReport};
use crate::backup;
use crate::error::StoreError;
use crate::finals;
use crate::permissions::Permission;
use crate::protocols::{self, ProtocolRow};
use crate::state::State;
use crate::types::{Session, Timestamp, UserId};
use crate::users::{PIN_COST, PinCost};

/// How a store behaves beyond its file.
#[derive(Clone, Debug)]
pub struct Config {
    /// How many automatic backups to keep (at least 1).
    pub backups_kept: usize,
    /// The Argon2id cost of new PIN hashes: [`PIN_COST`](crate::users::PIN_COST) for every
    /// installation; tests that make many users choose less (a hash carries its own cost, so
    /// it verifies whatever the configuration).
    pub pin_cost: PinCost,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            backups_kept: 10,
            pin_cost: PIN_COST,
        }
    }
}

/// The election and precinct this installation serves, loaded from the database.
#[derive(Debug)]
struct Setup {
    definition: LoadedDefinition,
    precinct: PrecinctId,
}

impl Setup {
    /// The template and row count of `contest`, which the precinct must hold.
    fn contest(&self, contest: &str) -> Result<(&'static Template, usize), StoreError> {
        let unknown = || StoreError::UnknownContest(contest.to_owned());
        let precinct = self
            .definition
            .precinct(&self.precinct)
            .ok_or_else(|| StoreError::Inconsistent("the precinct left the definition".into()))?;
        if !precinct.contests.iter().any(|id| id == contest) {
            return Err(unknown());
        }
        let contest = self.definition.contest(contest).ok_or_else(unknown)?;
        let template = builtin::templates()
            .template(&contest.template)
            .ok_or_else(unknown)?;
        Ok((template, contest.rows.len()))
    }

    /// [`Setup::contest`], and `line` must be one of its template's lines.
    fn contest_line(
        &self,
        contest: &str,
        line: &str,
    ) -> Result<(&'static Template, usize), StoreError> {
        let (template, n_rows) = self.contest(contest)?;
        if template.slot(line, n_rows).is_none() {
            return Err(StoreError::UnknownLine {
                contest: contest.to_owned(),
                line: line.to_owned(),
            });
        }
        Ok((template, n_rows))
    }

    fn contests(&self) -> Vec<String> {
        self.definition
            .precinct(&self.precinct)
            .map(|precinct| precinct.contests.clone())
            .unwrap_or_default()
    }
}

/// An open Hattama database.
#[derive(Debug)]
pub struct Store {
    conn: Connection,
    path: PathBuf,
    config: Config,
    setup: Option<Setup>,
}

/// One contest's newest protocol version.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProtocolStatus {
    /// The contest.
    pub contest: String,
    /// Its template id.
    pub template: String,
    /// The newest version.
    pub version: i64,
    /// Where it stands.
    pub state: State,
    /// Why it was repeated (versions from 2 on).
    pub reason: Option<String>,
}

impl Store {
    /// Opens the database at `path` with the default [`Config`], creating it when no file is there.
    pub fn open(path: &Path) -> Result<Store, StoreError> {
        Store::open_with(path, Config::default())
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Closes the database, reporting any error SQLite meets while doing so.
    pub fn close(self) -> Result<(), StoreError> {
        self.conn
            .close()
            .map_err(|(_, error)| StoreError::from(error))
    }

    /// The loaded election definition, once set up.
    pub fn definition(&self) -> Option<&LoadedDefinition> {
        self.setup.as_ref().map(|setup| &setup.definition)
    }

    /// The precinct, once set up.
    pub fn precinct(&self) -> Option<&PrecinctId> {
        self.setup.as_ref().map(|setup| &setup.precinct)
    }

    /// Runs `change` in one `BEGIN IMMEDIATE` transaction and commits it when it returns `Ok`;
    /// an `Err` rolls everything back, so a refused step leaves the file as it was.
    fn write<T>(
        &mut self,
        change: impl FnOnce(&Transaction<'_>) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        write_tx(&mut self.conn, change)
    }

    fn setup(&self) -> Result<&Setup, StoreError> {
        self.setup.as_ref().ok_or(StoreError::NotSetUp)
    }

    /// The newest version of the contest's protocol.
    pub fn status(&self, contest: &str) -> Result<ProtocolStatus, StoreError> {
        let (template, _) = self.setup()?.contest(contest)?;
        let protocol = protocols::current(&self.conn, contest)?;
        Ok(status_of(template, protocol))
    }

    /// The newest version of every protocol of the precinct, in the definition's order.
    pub fn statuses(&self) -> Result<Vec<ProtocolStatus>, StoreError> {
        let setup = self.setup()?;
        let mut out = Vec::new();
        for contest in setup.contests() {
            out.push(self.status(&contest)?);
        }
        Ok(out)
    }

    /// The final values of version `version` of the contest, in paper order.
    pub fn final_values(
        &self,
        contest: &str,
        version: i64,
    ) -> Result<Option<Vec<(String, Count)>>, StoreError> {
        let (template, n_rows) = self.setup()?.contest(contest)?;
        let Some(protocol) = protocols::version(&self.conn, contest, version)? else {
            return Ok(None);
        };
        if !matches!(protocol.state, State::Final { .. }) {
            return Ok(None);
        }
        let stored: BTreeMap<String, Count> =
            finals::load(&self.conn, protocol.id)?.into_iter().collect();
        Ok(Some(
            template
                .line_ids(n_rows)
                .into_iter()
                .filter_map(|line| stored.get(&line).map(|value| (line.clone(), *value)))
                .collect(),
        ))
    }

    /// Walks the audit chain and compares the value and user tables with it. It reveals no
    /// value, so it needs no session: restoring a backup and `hattama audit verify` run it on a
    /// file; the app's command checks [`Permission::VerifyAudit`] first (in the precinct crate).
    pub fn verify_audit(&self) -> Result<AuditReport, StoreError> {
        audit::verify(&self.conn)
    }

    /// The audit rows from `from_seq` on, raw, values and all ([`Permission::ViewAudit`]). What a
    /// person is shown is [`Store::audit_view`], which hides the numbers of unfinished entries.
    pub fn audit_entries(
        &self,
        actor: &Session,
        from_seq: i64,
    ) -> Result<Vec<AuditEntry>, StoreError> {
        self.require(actor, Permission::ViewAudit)?;
        audit::entries(&self.conn, from_seq)
    }

    /// The audit chain head: last seq and its hash (lowercase hex).
    pub fn audit_head(&self) -> Result<(i64, String), StoreError> {
        let (seq, hash) = audit::head(&self.conn)?;
        Ok((seq, audit::hex(&hash)))
    }

    /// The whole audit log, each row with its stored hash (lowercase hex), and the stored head,
    /// read in one transaction so they belong together: what a results batch carries.
    pub fn audit_chain(&self) -> Result<AuditChain, StoreError> {
        let tx = self.conn.unchecked_transaction()?;
        let entries = audit::chain(&tx)?;
        let (seq, hash) = audit::head(&tx)?;
        tx.finish()?;
        Ok(AuditChain {
            entries,
            head: (seq, audit::hex(&hash)),
        })
    }

    /// `PRAGMA integrity_check`: the problems found, none when the file is sound.
    pub fn integrity_check(&self) -> Result<Vec<String>, StoreError> {
        Ok(open::pragma_check(&self.conn, "integrity_check")?)
    }

    /// The automatic backups of this database, newest first.
    pub fn backups(&self) -> Vec<PathBuf> {
        backup::list(&self.path)
    }
}

/// Stores a state change and appends its audit row: contest, version, from, to, and `extra`.
fn transition(
    tx: &Transaction<'_>,
    protocol: &ProtocolRow,
    next: State,
    user: Option<UserId>,
    now: Timestamp,
    action: Action,
    extra: serde_json::Value,
) -> Result<i64, StoreError> {
    protocols::set_state(tx, protocol.id, next, now)?;
    let mut payload = json!({
        "contest": protocol.contest,
        "version": protocol.version,
        "from": protocol.state.phase().as_str(),
        "to": next.phase().as_str(),
    });
    if let (Some(payload), serde_json::Value::Object(extra)) = (payload.as_object_mut(), extra) {
        payload.extend(extra);
    }
    audit::append(tx, now, user, action, &payload)
}

fn status_of(template: &Template, protocol: ProtocolRow) -> ProtocolStatus {
    ProtocolStatus {
        contest: protocol.contest,
        template: template.id.clone(),
        version: protocol.version,
        state: protocol.state,
        reason: protocol.reason,
    }
}

/// One user action as one `BEGIN IMMEDIATE` transaction: `change` runs inside it and the
/// transaction commits only when `change` returns `Ok` (dropping it uncommitted rolls back).
fn write_tx<T>(
    conn: &mut Connection,
    change: impl FnOnce(&Transaction<'_>) -> Result<T, StoreError>,
) -> Result<T, StoreError> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let out = change(&tx)?;
    tx.commit()?;
    Ok(out)
}
