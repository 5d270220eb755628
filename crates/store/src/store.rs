//! [`Store`]: one open database, and every operation the app and the CLI perform on it. Each
//! operation that writes is one `BEGIN IMMEDIATE` transaction holding the change, its audit row
//! and any state change, so it is either all on disk or not at all.
//!
//! The store parses typed text and finds lines through `hattama_protocol`, asks the pure
//! [`state`](crate::state) module whether a step is allowed, and persists the result through the
//! per-table modules. It holds no transaction between calls, so nothing waits on a person.

pub(crate) mod export;

use std::collections::BTreeMap;
use std::fs::{self, File};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{Connection, ErrorCode, OpenFlags, Transaction, TransactionBehavior};
use serde::Serialize;
use serde_json::json;

use hattama_protocol::definition::load_definition;
use hattama_protocol::{
    Count, FindingReport, LoadedDefinition, Outcome, PrecinctId, Severity, Template, Values,
    builtin, check,
};

use crate::audit::{self, AuditEntry, AuditReport};
use crate::backup;
use crate::error::StoreError;
use crate::finals;
use crate::paths::{parent_dir, with_suffix};
use crate::protocols::{self, ProtocolRow};
use crate::review::{self, Act};
use crate::schema::{self, APPLICATION_ID};
use crate::setup;
use crate::state::{self, FinalizeFacts, State, TransitionError};
use crate::types::{EntryNo, Role, Timestamp, UserId};
use crate::users::{self, Member, User};
use crate::values::{self, HistoryRow, Save};

/// How a store behaves beyond its file.
#[derive(Clone, Debug)]
pub struct Config {
    /// How many automatic backups to keep (at least 1).
    pub backups_kept: usize,
}

impl Default for Config {
    fn default() -> Config {
        Config { backups_kept: 10 }
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

/// What a field save returns: the parsed value and the live findings of that entry.
#[derive(Clone, Debug, Serialize)]
pub struct SavedField {
    /// The line.
    pub line: String,
    /// The value saved, `None` for a cleared field.
    pub value: Option<Count>,
    /// The audit row recording the save.
    pub audit_seq: i64,
    /// The protocol's state after the save.
    #[serde(skip)]
    pub state: State,
    /// Every rule's finding on this entry's values as they now stand.
    pub findings: Vec<FindingReport>,
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

/// One line's value in an entry (`None` when not typed or cleared).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct LineValue {
    /// The line id.
    pub line: String,
    /// The value.
    pub value: Option<Count>,
}

/// A line on which the two entries differ.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Difference {
    /// The line id.
    pub line: String,
    /// The first entry's value.
    pub first: Option<Count>,
    /// The second entry's value.
    pub second: Option<Count>,
    /// The paper value, once settled.
    pub settled: Option<Count>,
}

/// The agreed (or final) values' findings and what the commission recorded about them.
#[derive(Clone, Debug, Serialize)]
pub struct Review {
    /// Every rule's finding on the agreed values.
    pub findings: Vec<FindingReport>,
    /// Acknowledged warning codes.
    pub acknowledged: Vec<String>,
    /// Acts attached to errors.
    pub acts: Vec<Act>,
}

/// What finalizing did.
#[derive(Debug)]
pub struct Finalized {
    /// The version finalized.
    pub version: i64,
    /// The audit row recording it.
    pub audit_seq: i64,
    /// The automatic backup, or why it could not be written (the finalize itself is durable).
    pub backup: Result<PathBuf, StoreError>,
}

impl Store {
    /// Opens the database at `path` with the default [`Config`], creating it when no file is there.
    pub fn open(path: &Path) -> Result<Store, StoreError> {
        Store::open_with(path, Config::default())
    }

    /// Opens the database at `path`, creating it when no file is there.
    ///
    /// An existing file is never replaced or written to unless it is a Hattama database that
    /// passes `PRAGMA quick_check`: anything else is refused with [`StoreError::NotHattama`] or
    /// [`StoreError::Corrupt`], listing the backups. Opening writes nothing unless the schema
    /// needs a migration (a backup is made first).
    pub fn open_with(path: &Path, config: Config) -> Result<Store, StoreError> {
        let _span = tracing::info_span!("open", path = %path.display()).entered();
        match fs::metadata(path) {
            Ok(meta) if meta.is_file() => {}
            Ok(_) => return Err(not_hattama(path)),
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => create(path)?,
            Err(error) => return Err(StoreError::io(path, error)),
        }
        check_header(path)?;
        let classify = |error: rusqlite::Error| classify(path, error);
        let conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(classify)?;
        conn.busy_timeout(Duration::from_secs(10))?;
        let application_id: i32 = conn
            .pragma_query_value(None, "application_id", |row| row.get(0))
            .map_err(classify)?;
        if application_id != APPLICATION_ID {
            return Err(not_hattama(path));
        }
        let version: i64 = conn
            .pragma_query_value(None, "user_version", |row| row.get(0))
            .map_err(classify)?;
        if schema::current_version() < version {
            return Err(StoreError::TooNew {
                found: version,
                supported: schema::current_version(),
            });
        }
        let problems = pragma_check(&conn, "quick_check").map_err(classify)?;
        if !problems.is_empty() {
            return Err(StoreError::Corrupt {
                path: path.to_owned(),
                detail: problems.join("; "),
                backups: backup::list(path),
            });
        }
        let journal: String = conn
            .pragma_query_value(None, "journal_mode", |row| row.get(0))
            .map_err(classify)?;
        if !journal.eq_ignore_ascii_case("wal") {
            // Only files not made by `create` (a restored backup) get here.
            let _: String = conn.query_row("PRAGMA journal_mode = WAL", [], |row| row.get(0))?;
        }
        conn.pragma_update(None, "synchronous", "FULL")?;
        conn.pragma_update(None, "foreign_keys", true)?;
        let mut store = Store {
            conn,
            path: path.to_owned(),
            config,
            setup: None,
        };
        if version < schema::current_version() {
            tracing::info!(from = version, "migrating");
            if 0 < version {
                let (seq, _) = audit::head(&store.conn)?;
                backup::create(
                    &store.conn,
                    path,
                    seq,
                    Timestamp(0),
                    store.config.backups_kept,
                )?;
            }
            let tx = store
                .conn
                .transaction_with_behavior(TransactionBehavior::Immediate)?;
            schema::migrate(&tx, version)?;
            tx.commit()?;
        }
        store.setup = load_setup(&store.conn)?;
        Ok(store)
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

    fn setup(&self) -> Result<&Setup, StoreError> {
        self.setup.as_ref().ok_or(StoreError::NotSetUp)
    }

    /// Sets up the installation: stores the definition's exact bytes and hash and the precinct,
    /// and creates version 1 of a protocol for each contest the precinct holds.
    pub fn setup_precinct(
        &mut self,
        definition: &[u8],
        precinct: &PrecinctId,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        let _span = tracing::info_span!("setup_precinct", %precinct).entered();
        if self.setup.is_some() {
            return Err(StoreError::AlreadySetUp);
        }
        let loaded = load_definition(definition, builtin::templates())?;
        let Some(found) = loaded.precinct(precinct) else {
            return Err(StoreError::UnknownPrecinct(precinct.clone()));
        };
        let contests = found.contests.clone();
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        if setup::load(&tx)?.is_some() {
            return Err(StoreError::AlreadySetUp);
        }
        setup::insert(
            &tx,
            &loaded.definition.id,
            definition,
            &loaded.hash,
            precinct,
            now,
        )?;
        for contest in &contests {
            protocols::insert(&tx, contest, 1, None, now)?;
        }
        audit::append(
            &tx,
            now,
            None,
            "precinct.setup",
            &json!({
                "election": loaded.definition.id,
                "definition_hash": loaded.hash,
                "region": precinct.region,
                "number": precinct.number,
                "contests": contests,
            }),
        )?;
        tx.commit()?;
        self.setup = Some(Setup {
            definition: loaded,
            precinct: precinct.clone(),
        });
        Ok(())
    }

    /// Adds a user with a PIN of 4 to 12 digits (stored as Argon2id).
    pub fn add_user(
        &mut self,
        name: &str,
        role: Role,
        pin: &str,
        now: Timestamp,
    ) -> Result<UserId, StoreError> {
        let _span = tracing::info_span!("add_user", name, role = role.as_str()).entered();
        let name = name.trim();
        if name.is_empty() {
            return Err(StoreError::EmptyText("name"));
        }
        let pin_hash = users::hash_pin(pin)?;
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let id = users::insert(&tx, name, role, &pin_hash, now)?;
        audit::append(
            &tx,
            now,
            None,
            "user.add",
            &json!({ "id": id.0, "name": name, "role": role.as_str() }),
        )?;
        tx.commit()?;
        Ok(id)
    }

    /// Signs a user in: the user with this name, when the PIN matches.
    pub fn login(&self, name: &str, pin: &str) -> Result<User, StoreError> {
        let (user, pin_hash) = users::by_name(&self.conn, name)?;
        if !users::pin_matches(&pin_hash, pin) {
            return Err(StoreError::WrongPin);
        }
        Ok(user)
    }

    /// Every user.
    pub fn users(&self) -> Result<Vec<User>, StoreError> {
        users::all(&self.conn)
    }

    /// The user with this name.
    pub fn user_by_name(&self, name: &str) -> Result<User, StoreError> {
        users::by_name(&self.conn, name).map(|(user, _)| user)
    }

    /// Adds a commission member (as printed on the protocol).
    pub fn add_member(
        &mut self,
        name: &str,
        position: &str,
        now: Timestamp,
    ) -> Result<i64, StoreError> {
        let (name, position) = (name.trim(), position.trim());
        if name.is_empty() {
            return Err(StoreError::EmptyText("name"));
        }
        if position.is_empty() {
            return Err(StoreError::EmptyText("position"));
        }
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let id = users::insert_member(&tx, name, position, now)?;
        audit::append(
            &tx,
            now,
            None,
            "member.add",
            &json!({ "id": id, "name": name, "position": position }),
        )?;
        tx.commit()?;
        Ok(id)
    }

    /// The commission members.
    pub fn members(&self) -> Result<Vec<Member>, StoreError> {
        users::members(&self.conn)
    }

    /// Saves what `user` typed into `line` of `entry` of the contest's current protocol, durably:
    /// the value, its history row and its audit row in one transaction, fsynced before this
    /// returns. Empty text clears the field. Returns the parsed value and the findings of the
    /// entry as it now stands.
    pub fn save_value(
        &mut self,
        contest: &str,
        entry: EntryNo,
        user: UserId,
        line: &str,
        raw: &str,
        now: Timestamp,
    ) -> Result<SavedField, StoreError> {
        let _span = tracing::debug_span!(
            "save_value",
            contest,
            entry = entry.number(),
            user = user.0,
            line
        )
        .entered();
        let setup = self.setup.as_ref().ok_or(StoreError::NotSetUp)?;
        let (template, n_rows) = setup.contest(contest)?;
        if template.slot(line, n_rows).is_none() {
            return Err(StoreError::UnknownLine {
                contest: contest.to_owned(),
                line: line.to_owned(),
            });
        }
        let value = parse_field(line, raw)?;
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        users::get(&tx, user)?;
        let protocol = protocols::current(&tx, contest)?;
        let next = state::edit(protocol.state, entry, user)?;
        if next != protocol.state {
            transition(
                &tx,
                &protocol,
                next,
                Some(user),
                now,
                "entry.start",
                json!({ "entry": entry.number() }),
            )?;
        }
        let audit_seq = audit::append(
            &tx,
            now,
            Some(user),
            "value.save",
            &json!({
                "contest": contest,
                "version": protocol.version,
                "entry": entry.number(),
                "line": line,
                "value": value.map(Count::get),
                "raw": raw,
            }),
        )?;
        values::save(
            &tx,
            &Save {
                protocol: protocol.id,
                entry,
                line,
                value,
                raw,
                user,
                at: now,
                audit_seq,
            },
        )?;
        let values = values::load(&tx, protocol.id, entry, template, n_rows)?;
        tx.commit()?;
        Ok(SavedField {
            line: line.to_owned(),
            value,
            audit_seq,
            state: next,
            findings: reports(template, &values),
        })
    }

    /// Marks `entry` done. An entry is done when every line has a value; finishing the second
    /// entry compares the two and moves to agreed or differing.
    pub fn finish_entry(
        &mut self,
        contest: &str,
        entry: EntryNo,
        user: UserId,
        now: Timestamp,
    ) -> Result<State, StoreError> {
        let _span = tracing::info_span!(
            "finish_entry",
            contest,
            entry = entry.number(),
            user = user.0
        )
        .entered();
        let setup = self.setup.as_ref().ok_or(StoreError::NotSetUp)?;
        let (template, n_rows) = setup.contest(contest)?;
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        users::get(&tx, user)?;
        let protocol = protocols::current(&tx, contest)?;
        let values = values::load(&tx, protocol.id, entry, template, n_rows)?;
        let missing = missing_lines(template, n_rows, &values);
        let (next, differing) = match entry {
            EntryNo::First => (
                state::finish_first(protocol.state, user, &missing)?,
                Vec::new(),
            ),
            EntryNo::Second => {
                let first = values::load(&tx, protocol.id, EntryNo::First, template, n_rows)?;
                let differing = check::compare(template, &first, &values);
                let next = state::finish_second(protocol.state, user, &missing, &differing)?;
                (next, differing)
            }
        };
        transition(
            &tx,
            &protocol,
            next,
            Some(user),
            now,
            "entry.finish",
            json!({ "entry": entry.number(), "differing": differing }),
        )?;
        tx.commit()?;
        Ok(next)
    }

    /// The values of `entry`, every line of the form in paper order, when `user` may see them:
    /// the second entry is blind, so nobody gets the first entry while it is typed.
    pub fn entry_values(
        &self,
        contest: &str,
        entry: EntryNo,
        user: UserId,
    ) -> Result<Vec<LineValue>, StoreError> {
        let (template, n_rows, values) = self.readable_entry(contest, entry, user)?;
        Ok(in_paper_order(template, n_rows, &values))
    }

    /// [`Store::entry_values`] with every rule's finding on those values as they now stand, from
    /// one read: what a form opened again (after a restart, say) shows in its check panel.
    pub fn entry_values_and_findings(
        &self,
        contest: &str,
        entry: EntryNo,
        user: UserId,
    ) -> Result<(Vec<LineValue>, Vec<FindingReport>), StoreError> {
        let (template, n_rows, values) = self.readable_entry(contest, entry, user)?;
        Ok((
            in_paper_order(template, n_rows, &values),
            reports(template, &values),
        ))
    }

    /// `entry`'s template, row count and values, when `user` may read them (the blindness rule).
    fn readable_entry(
        &self,
        contest: &str,
        entry: EntryNo,
        user: UserId,
    ) -> Result<(&'static Template, usize, Values), StoreError> {
        let (template, n_rows) = self.setup()?.contest(contest)?;
        let protocol = protocols::current(&self.conn, contest)?;
        state::can_read(protocol.state, entry, user)?;
        let values = values::load(&self.conn, protocol.id, entry, template, n_rows)?;
        Ok((template, n_rows, values))
    }

    /// Every value saved for one line of `entry`, oldest first, under the same blindness as
    /// [`Store::entry_values`].
    pub fn history(
        &self,
        contest: &str,
        entry: EntryNo,
        user: UserId,
        line: &str,
    ) -> Result<Vec<HistoryRow>, StoreError> {
        self.setup()?.contest(contest)?;
        let protocol = protocols::current(&self.conn, contest)?;
        state::can_read(protocol.state, entry, user)?;
        values::history(&self.conn, protocol.id, entry, line)
    }

    /// The lines where the two done entries differ, with the paper value once settled.
    pub fn differences(&self, contest: &str) -> Result<Vec<Difference>, StoreError> {
        let (template, n_rows) = self.setup()?.contest(contest)?;
        let protocol = protocols::current(&self.conn, contest)?;
        if !matches!(
            protocol.state,
            State::Differ { .. } | State::Agreed { .. } | State::Final { .. }
        ) {
            return Err(TransitionError::NothingToReconcile.into());
        }
        let first = values::load(&self.conn, protocol.id, EntryNo::First, template, n_rows)?;
        let second = values::load(&self.conn, protocol.id, EntryNo::Second, template, n_rows)?;
        let settled = review::settled(&self.conn, protocol.id)?;
        let mut out = Vec::new();
        for line in check::compare(template, &first, &second) {
            let Some(slot) = template.slot(&line, n_rows) else {
                continue;
            };
            out.push(Difference {
                first: first.get(slot),
                second: second.get(slot),
                settled: settled.get(&line).copied(),
                line,
            });
        }
        Ok(out)
    }

    /// Settles a differing line with the value on the paper, recording who and when. When the
    /// last differing line is settled, the protocol is agreed.
    pub fn reconcile(
        &mut self,
        contest: &str,
        line: &str,
        raw: &str,
        user: UserId,
        now: Timestamp,
    ) -> Result<State, StoreError> {
        let _span = tracing::info_span!("reconcile", contest, line, user = user.0).entered();
        let setup = self.setup.as_ref().ok_or(StoreError::NotSetUp)?;
        let (template, n_rows) = setup.contest(contest)?;
        if template.slot(line, n_rows).is_none() {
            return Err(StoreError::UnknownLine {
                contest: contest.to_owned(),
                line: line.to_owned(),
            });
        }
        let value = Count::parse(raw).map_err(|error| StoreError::BadValue {
            line: line.to_owned(),
            error,
        })?;
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        users::get(&tx, user)?;
        let protocol = protocols::current(&tx, contest)?;
        let first = values::load(&tx, protocol.id, EntryNo::First, template, n_rows)?;
        let second = values::load(&tx, protocol.id, EntryNo::Second, template, n_rows)?;
        let differing = check::compare(template, &first, &second);
        let settled = review::settled(&tx, protocol.id)?;
        let unsettled_after = differing
            .iter()
            .filter(|id| id.as_str() != line && !settled.contains_key(id.as_str()))
            .count();
        let next = state::reconcile(protocol.state, unsettled_after)?;
        if !differing.iter().any(|id| id == line) {
            return Err(StoreError::LineNotDiffering(line.to_owned()));
        }
        let audit_seq = audit::append(
            &tx,
            now,
            Some(user),
            "line.reconcile",
            &json!({
                "contest": contest,
                "version": protocol.version,
                "line": line,
                "value": value.get(),
            }),
        )?;
        review::settle(&tx, protocol.id, line, value, user, now, audit_seq)?;
        if next != protocol.state {
            transition(
                &tx,
                &protocol,
                next,
                Some(user),
                now,
                "reconcile.done",
                json!({}),
            )?;
        }
        tx.commit()?;
        Ok(next)
    }

    /// The findings on the agreed (or final) values, with the acknowledgements and acts so far.
    pub fn review(&self, contest: &str) -> Result<Review, StoreError> {
        let (template, n_rows) = self.setup()?.contest(contest)?;
        let protocol = protocols::current(&self.conn, contest)?;
        if !matches!(protocol.state, State::Agreed { .. } | State::Final { .. }) {
            return Err(TransitionError::NotAgreed.into());
        }
        let values = agreed_values(&self.conn, &protocol, template, n_rows)?;
        let mut findings = reports(template, &values);
        findings.extend(precinct_reports(
            &self.conn,
            self.setup()?,
            template,
            &values,
        )?);
        Ok(Review {
            findings,
            acknowledged: review::acknowledged(&self.conn, protocol.id)?
                .into_iter()
                .collect(),
            acts: review::acts(&self.conn, protocol.id)?,
        })
    }

    /// Records that `user` checked the failing warning `code` against the paper.
    pub fn acknowledge(
        &mut self,
        contest: &str,
        code: &str,
        user: UserId,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        let _span = tracing::info_span!("acknowledge", contest, code, user = user.0).entered();
        let setup = self.setup.as_ref().ok_or(StoreError::NotSetUp)?;
        let (template, n_rows) = setup.contest(contest)?;
        let precinct_rule = builtin::templates().precinct_rules().iter().find(|rule| {
            rule.rule().code.as_str() == code && rule.for_template(&template.id).is_some()
        });
        match precinct_rule {
            Some(rule) if rule.rule().severity != Severity::Warning => {
                return Err(StoreError::WrongSeverity {
                    code: code.to_owned(),
                    expected: "warning",
                });
            }
            Some(_) => {}
            None => rule_of_severity(template, code, Severity::Warning)?,
        }
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        users::get(&tx, user)?;
        let protocol = protocols::current(&tx, contest)?;
        state::review(protocol.state)?;
        let values = agreed_values(&tx, &protocol, template, n_rows)?;
        let mut failed = failing(template, &values);
        failed.extend(
            failing_precinct(&precinct_reports(&tx, setup, template, &values)?)
                .into_iter()
                .map(|(code, _)| code),
        );
        if !failed.iter().any(|failed| failed == code) {
            return Err(StoreError::RuleNotFailing(code.to_owned()));
        }
        review::acknowledge(&tx, protocol.id, code, user, now)?;
        audit::append(
            &tx,
            now,
            Some(user),
            "warning.acknowledge",
            &json!({ "contest": contest, "version": protocol.version, "code": code }),
        )?;
        tx.commit()?;
        Ok(())
    }

    /// Attaches the commission's act explaining the failing error `code`.
    pub fn attach_act(
        &mut self,
        contest: &str,
        code: &str,
        text: &str,
        user: UserId,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        let _span = tracing::info_span!("attach_act", contest, code, user = user.0).entered();
        let setup = self.setup.as_ref().ok_or(StoreError::NotSetUp)?;
        let (template, n_rows) = setup.contest(contest)?;
        rule_of_severity(template, code, Severity::Error)?;
        let text = text.trim();
        if text.is_empty() {
            return Err(StoreError::EmptyText("act"));
        }
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        users::get(&tx, user)?;
        let protocol = protocols::current(&tx, contest)?;
        state::review(protocol.state)?;
        let values = agreed_values(&tx, &protocol, template, n_rows)?;
        if !failing(template, &values)
            .iter()
            .any(|failed| failed == code)
        {
            return Err(StoreError::RuleNotFailing(code.to_owned()));
        }
        let act = Act {
            code: code.to_owned(),
            text: text.to_owned(),
            user,
            at: now,
        };
        review::attach_act(&tx, protocol.id, &act)?;
        audit::append(
            &tx,
            now,
            Some(user),
            "error.act",
            &json!({ "contest": contest, "version": protocol.version, "code": code, "text": text }),
        )?;
        tx.commit()?;
        Ok(())
    }

    /// Finalizes the contest's current protocol with the chair's PIN: needs agreed values, an
    /// act for every failing error and an acknowledgement for every failing warning. Writes the
    /// final values (frozen from then on), then an automatic backup.
    pub fn finalize(
        &mut self,
        contest: &str,
        chair_pin: &str,
        now: Timestamp,
    ) -> Result<Finalized, StoreError> {
        let _span = tracing::info_span!("finalize", contest).entered();
        let setup = self.setup.as_ref().ok_or(StoreError::NotSetUp)?;
        let (template, n_rows) = setup.contest(contest)?;
        let chairs = users::chairs(&self.conn)?;
        if chairs.is_empty() {
            return Err(StoreError::NoChair);
        }
        let Some(chair) = chairs
            .iter()
            .find(|(_, pin_hash)| users::pin_matches(pin_hash, chair_pin))
            .map(|(chair, _)| *chair)
        else {
            return Err(StoreError::WrongPin);
        };
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let protocol = protocols::current(&tx, contest)?;
        state::review(protocol.state)?;
        let values = agreed_values(&tx, &protocol, template, n_rows)?;
        let acknowledged = review::acknowledged(&tx, protocol.id)?;
        let acts = review::acts(&tx, protocol.id)?;
        let mut facts = FinalizeFacts::default();
        for finding in check::check(template, &values) {
            if !matches!(finding.outcome, Outcome::Fail(_)) {
                continue;
            }
            let code = finding.rule.code.as_str();
            match finding.rule.severity {
                Severity::Error => {
                    if !acts.iter().any(|act| act.code == code) {
                        facts.errors_without_act.push(code.to_owned());
                    }
                }
                Severity::Warning => {
                    if !acknowledged.contains(code) {
                        facts.unacknowledged_warnings.push(code.to_owned());
                    }
                }
            }
        }
        let setup = self.setup.as_ref().ok_or(StoreError::NotSetUp)?;
        for (code, severity) in failing_precinct(&precinct_reports(&tx, setup, template, &values)?)
        {
            match severity {
                Severity::Warning if !acknowledged.contains(&code) => {
                    facts.unacknowledged_warnings.push(code);
                }
                Severity::Error if !acts.iter().any(|act| act.code == code) => {
                    facts.errors_without_act.push(code);
                }
                _ => {}
            }
        }
        let next = state::finalize(protocol.state, chair, &facts)?;
        let mut final_values = Vec::new();
        for line in template.line_ids(n_rows) {
            let value = template
                .slot(&line, n_rows)
                .and_then(|slot| values.get(slot));
            let Some(value) = value else {
                return Err(StoreError::Inconsistent(format!(
                    "agreed protocol {contest} has no value on line {line}"
                )));
            };
            final_values.push((line, value));
        }
        finals::insert(&tx, protocol.id, &final_values)?;
        let values_json: serde_json::Map<String, serde_json::Value> = final_values
            .iter()
            .map(|(line, value)| (line.clone(), json!(value.get())))
            .collect();
        let audit_seq = transition(
            &tx,
            &protocol,
            next,
            Some(chair),
            now,
            "protocol.finalize",
            json!({
                "values": values_json,
                "acknowledged": acknowledged,
                "acts": acts.iter().map(|act| act.code.as_str()).collect::<Vec<_>>(),
            }),
        )?;
        tx.commit()?;
        tracing::info!(contest, version = protocol.version, "finalized");
        let backup = backup::create(
            &self.conn,
            &self.path,
            audit_seq,
            now,
            self.config.backups_kept,
        );
        if let Err(error) = &backup {
            tracing::error!(%error, "automatic backup after finalize failed");
        }
        Ok(Finalized {
            version: protocol.version,
            audit_seq,
            backup,
        })
    }

    /// Starts a repeated protocol: the next version of a final protocol, empty, with its reason.
    /// The final version stays as it is. Returns the new version number.
    pub fn repeat(
        &mut self,
        contest: &str,
        reason: &str,
        user: UserId,
        now: Timestamp,
    ) -> Result<i64, StoreError> {
        let _span = tracing::info_span!("repeat", contest, user = user.0).entered();
        self.setup()?.contest(contest)?;
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        users::get(&tx, user)?;
        let protocol = protocols::current(&tx, contest)?;
        state::repeat(protocol.state, reason)?;
        let version = protocol.version + 1;
        let reason = reason.trim();
        protocols::insert(&tx, contest, version, Some(reason), now)?;
        audit::append(
            &tx,
            now,
            Some(user),
            "protocol.repeat",
            &json!({ "contest": contest, "version": version, "reason": reason }),
        )?;
        tx.commit()?;
        Ok(version)
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

    /// Walks the audit chain and compares the value tables with it.
    pub fn verify_audit(&self) -> Result<AuditReport, StoreError> {
        audit::verify(&self.conn)
    }

    /// The audit rows from `from_seq` on.
    pub fn audit_entries(&self, from_seq: i64) -> Result<Vec<AuditEntry>, StoreError> {
        audit::entries(&self.conn, from_seq)
    }

    /// The audit chain head: last seq and its hash (lowercase hex).
    pub fn audit_head(&self) -> Result<(i64, String), StoreError> {
        let (seq, hash) = audit::head(&self.conn)?;
        Ok((seq, audit::hex(&hash)))
    }

    /// `PRAGMA integrity_check`: the problems found, none when the file is sound.
    pub fn integrity_check(&self) -> Result<Vec<String>, StoreError> {
        Ok(pragma_check(&self.conn, "integrity_check")?)
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
    action: &str,
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

fn parse_field(line: &str, raw: &str) -> Result<Option<Count>, StoreError> {
    if raw.trim().is_empty() {
        return Ok(None);
    }
    Count::parse(raw)
        .map(Some)
        .map_err(|error| StoreError::BadValue {
            line: line.to_owned(),
            error,
        })
}

fn reports(template: &Template, values: &Values) -> Vec<FindingReport> {
    check::check(template, values)
        .map(|finding| FindingReport::new(template, values, &finding))
        .collect()
}

/// The precinct-level findings (W06 and the like) on `values` of `template`, each rule checked
/// against its reference protocol of this precinct when that one is agreed or final; a rule whose
/// reference has no agreed values yet is not reported.
fn precinct_reports(
    conn: &Connection,
    setup: &Setup,
    template: &Template,
    values: &Values,
) -> Result<Vec<FindingReport>, StoreError> {
    let set = builtin::templates();
    let mut reports: Vec<FindingReport> = Vec::new();
    for precinct_rule in set.precinct_rules() {
        if precinct_rule.for_template(&template.id).is_none() {
            continue;
        }
        let reference = setup.contests().into_iter().find(|id| {
            setup
                .definition
                .contest(id)
                .is_some_and(|contest| contest.template == precinct_rule.reference)
        });
        let Some(reference) = reference else { continue };
        let (ref_template, ref_rows) = setup.contest(&reference)?;
        let ref_protocol = protocols::current(conn, &reference)?;
        if !matches!(
            ref_protocol.state,
            State::Agreed { .. } | State::Final { .. }
        ) {
            continue;
        }
        let ref_values = agreed_values(conn, &ref_protocol, ref_template, ref_rows)?;
        let found = hattama_protocol::check::check_precinct(
            set,
            &[
                hattama_protocol::check::PrecinctProtocol {
                    template: ref_template,
                    values: &ref_values,
                },
                hattama_protocol::check::PrecinctProtocol { template, values },
            ],
        );
        for report in found {
            let wanted =
                report.template == template.id && report.code == precinct_rule.rule().code.as_str();
            if wanted && !reports.iter().any(|r| r.code == report.code) {
                reports.push(report);
            }
        }
    }
    Ok(reports)
}

/// Codes of the failing precinct-level rules among `reports`.
fn failing_precinct(reports: &[FindingReport]) -> Vec<(String, Severity)> {
    reports
        .iter()
        .filter(|report| report.status == hattama_protocol::Status::Fail)
        .map(|report| (report.code.clone(), report.severity))
        .collect()
}

fn failing(template: &Template, values: &Values) -> Vec<String> {
    check::check(template, values)
        .filter(|finding| matches!(finding.outcome, Outcome::Fail(_)))
        .map(|finding| finding.rule.code.as_str().to_owned())
        .collect()
}

fn rule_of_severity(template: &Template, code: &str, severity: Severity) -> Result<(), StoreError> {
    let Some(rule) = template.rule(code) else {
        return Err(StoreError::UnknownRule(code.to_owned()));
    };
    if rule.severity != severity {
        return Err(StoreError::WrongSeverity {
            code: code.to_owned(),
            expected: match severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
            },
        });
    }
    Ok(())
}

fn missing_lines(template: &Template, n_rows: usize, values: &Values) -> Vec<String> {
    template
        .line_ids(n_rows)
        .into_iter()
        .filter(|line| {
            template
                .slot(line, n_rows)
                .and_then(|slot| values.get(slot))
                .is_none()
        })
        .collect()
}

fn in_paper_order(template: &Template, n_rows: usize, values: &Values) -> Vec<LineValue> {
    template
        .line_ids(n_rows)
        .into_iter()
        .map(|line| LineValue {
            value: template
                .slot(&line, n_rows)
                .and_then(|slot| values.get(slot)),
            line,
        })
        .collect()
}

/// The values the protocol will be finalized with: where the entries agree, their value; where
/// they differ, the paper value settled in reconciliation (`None` until settled).
fn agreed_values(
    conn: &Connection,
    protocol: &ProtocolRow,
    template: &Template,
    n_rows: usize,
) -> Result<Values, StoreError> {
    if matches!(protocol.state, State::Final { .. }) {
        let mut values = Values::new(template, n_rows);
        for (line, value) in finals::load(conn, protocol.id)? {
            if let Some(slot) = template.slot(&line, n_rows) {
                values.set(slot, Some(value));
            }
        }
        return Ok(values);
    }
    let first = values::load(conn, protocol.id, EntryNo::First, template, n_rows)?;
    let second = values::load(conn, protocol.id, EntryNo::Second, template, n_rows)?;
    let settled = review::settled(conn, protocol.id)?;
    let mut agreed = Values::new(template, n_rows);
    for line in template.line_ids(n_rows) {
        let Some(slot) = template.slot(&line, n_rows) else {
            continue;
        };
        let value = if first.get(slot) == second.get(slot) {
            first.get(slot)
        } else {
            settled.get(&line).copied()
        };
        agreed.set(slot, value);
    }
    Ok(agreed)
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

fn load_setup(conn: &Connection) -> Result<Option<Setup>, StoreError> {
    let Some((stored, precinct)) = setup::load(conn)? else {
        return Ok(None);
    };
    let definition = load_definition(&stored.bytes, builtin::templates()).map_err(|error| {
        StoreError::Inconsistent(format!("the stored definition no longer loads: {error}"))
    })?;
    if definition.hash != stored.hash {
        return Err(StoreError::Inconsistent(
            "the stored definition does not match its recorded hash".into(),
        ));
    }
    Ok(Some(Setup {
        definition,
        precinct,
    }))
}

/// Runs `quick_check` or `integrity_check`; the problems, none when sound.
fn pragma_check(conn: &Connection, pragma: &str) -> rusqlite::Result<Vec<String>> {
    let mut stmt = conn.prepare(&format!("PRAGMA {pragma}"))?;
    let rows = stmt.query_map([], |row| row.get::<_, String>(0))?;
    let lines: Vec<String> = rows.collect::<Result<_, _>>()?;
    if lines.len() == 1 && lines[0] == "ok" {
        return Ok(Vec::new());
    }
    Ok(lines)
}

fn not_hattama(path: &Path) -> StoreError {
    StoreError::NotHattama {
        path: path.to_owned(),
        backups: backup::list(path),
    }
}

/// Damage SQLite reports while reading becomes [`StoreError::Corrupt`]; anything else stays an
/// SQLite error.
fn classify(path: &Path, error: rusqlite::Error) -> StoreError {
    match error.sqlite_error_code() {
        Some(ErrorCode::NotADatabase | ErrorCode::DatabaseCorrupt) => StoreError::Corrupt {
            path: path.to_owned(),
            detail: error.to_string(),
            backups: backup::list(path),
        },
        _ => StoreError::Sqlite(error),
    }
}

/// Refuses a file that does not start with the SQLite header (empty, another program's, random
/// bytes) before SQLite touches it.
fn check_header(path: &Path) -> Result<(), StoreError> {
    const HEADER: &[u8; 16] = b"SQLite format 3\0";
    let mut start = [0u8; 16];
    let read = File::open(path).and_then(|mut file| {
        let mut filled = 0;
        while filled < start.len() {
            let n = file.read(&mut start[filled..])?;
            if n == 0 {
                break;
            }
            filled += n;
        }
        Ok(filled)
    });
    match read {
        Ok(16) if &start == HEADER => Ok(()),
        Ok(_) => Err(not_hattama(path)),
        Err(error) => Err(StoreError::io(path, error)),
    }
}

/// Creates a new database at `path`: built under a temporary name, complete with schema and
/// application id, fsynced, then linked into place (never over an existing file) and the folder
/// fsynced. A crash leaves either no file at `path` or a complete one.
fn create(path: &Path) -> Result<(), StoreError> {
    let dir = parent_dir(path);
    fs::create_dir_all(&dir).map_err(|error| StoreError::io(&dir, error))?;
    let staging = with_suffix(path, ".creating");
    for stale in [
        staging.clone(),
        with_suffix(&staging, "-wal"),
        with_suffix(&staging, "-shm"),
        with_suffix(&staging, "-journal"),
    ] {
        if stale.exists() {
            fs::remove_file(&stale).map_err(|error| StoreError::io(&stale, error))?;
        }
    }
    let mut conn = Connection::open(&staging)?;
    let _: String = conn.query_row("PRAGMA journal_mode = WAL", [], |row| row.get(0))?;
    conn.pragma_update(None, "synchronous", "FULL")?;
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    tx.pragma_update(None, "application_id", APPLICATION_ID)?;
    schema::migrate(&tx, 0)?;
    tx.commit()?;
    let _: (i64, i64, i64) = conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |row| {
        Ok((row.get(0)?, row.get(1)?, row.get(2)?))
    })?;
    conn.close().map_err(|(_, error)| StoreError::from(error))?;
    let wal = with_suffix(&staging, "-wal");
    if fs::metadata(&wal).is_ok_and(|meta| 0 < meta.len()) {
        return Err(StoreError::Inconsistent(
            "a new database kept a write-ahead log after closing".into(),
        ));
    }
    File::open(&staging)
        .and_then(|file| file.sync_all())
        .map_err(|error| StoreError::io(&staging, error))?;
    match fs::hard_link(&staging, path) {
        Ok(()) => {}
        // Someone else created it meanwhile: open theirs, drop ours.
        Err(error) if error.kind() == std::io::ErrorKind::AlreadyExists => {}
        Err(error) => return Err(StoreError::io(path, error)),
    }
    fs::remove_file(&staging).map_err(|error| StoreError::io(&staging, error))?;
    backup::sync_dir(&dir)?;
    tracing::info!(path = %path.display(), "database created");
    Ok(())
}
