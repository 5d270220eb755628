//! Typing a protocol: one durable save per field change, finishing an entry (which compares the
//! second with the first), and reading an entry back under the blindness rule.

use serde::Serialize;
use serde_json::json;

use hattama_protocol::{Count, FindingReport, Template, Values, check};

use super::{Store, transition, write_tx};
use crate::audit::{self, Action};
use crate::error::StoreError;
use crate::permissions::Permission;
use crate::protocols;
use crate::state::{self, State};
use crate::types::{EntryNo, Session, Timestamp};
use crate::values::{self, HistoryRow, Save};

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

/// What a person typed into one field of an entry, raw, and where.
#[derive(Clone, Copy, Debug)]
pub struct TypedField<'a> {
    /// The contest whose current protocol it is.
    pub contest: &'a str,
    /// The entry.
    pub entry: EntryNo,
    /// The line id.
    pub line: &'a str,
    /// The text as typed; the store parses it (empty clears the field).
    pub raw: &'a str,
}

/// One line's value in an entry (`None` when not typed or cleared).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct LineValue {
    /// The line id.
    pub line: String,
    /// The value.
    pub value: Option<Count>,
}

impl Store {
    /// Saves what `actor` typed into `line` of `entry` of the contest's current protocol, durably:
    /// the value, its history row and its audit row in one transaction, fsynced before this
    /// returns. Empty text clears the field. Returns the parsed value and the findings of the
    /// entry as it now stands.
    pub fn save_value(
        &mut self,
        actor: &Session,
        contest: &str,
        entry: EntryNo,
        line: &str,
        raw: &str,
        now: Timestamp,
    ) -> Result<SavedField, StoreError> {
        let field = TypedField {
            contest,
            entry,
            line,
            raw,
        };
        self.save_value_checked_first(actor, &field, now, |_checked| ())
    }

    /// Saves as [`Store::save_value`] does, and hands `checked` the same answer (the value, the
    /// state, every finding) as soon as it is known: inside the transaction, after the rows are
    /// written and before the commit and its fsync. So a screen can show the checks without
    /// waiting for the disk. `checked` is told nothing that is stored yet: the value is saved only
    /// when this returns `Ok`; on an error the transaction is rolled back and nothing changed.
    pub fn save_value_checked_first(
        &mut self,
        actor: &Session,
        field: &TypedField<'_>,
        now: Timestamp,
        checked: impl FnOnce(&SavedField),
    ) -> Result<SavedField, StoreError> {
        let &TypedField {
            contest,
            entry,
            line,
            raw,
        } = field;
        let _span = tracing::debug_span!(
            "save_value",
            contest,
            entry = entry.number(),
            user = actor.user().0,
            line
        )
        .entered();
        let user = self.require(actor, Permission::Enter)?.id;
        let setup = self.setup.as_ref().ok_or(StoreError::NotSetUp)?;
        let (template, n_rows) = setup.contest_line(contest, line)?;
        let value = parse_field(line, raw)?;
        write_tx(&mut self.conn, |tx| {
            let protocol = protocols::current(tx, contest)?;
            let next = state::edit(protocol.state, entry, user)?;
            if next != protocol.state {
                let started = json!({ "entry": entry.number() });
                let action = Action::EntryStart;
                transition(tx, &protocol, next, Some(user), now, action, started)?;
            }
            let audit_seq = audit::append(
                tx,
                now,
                Some(user),
                Action::ValueSave,
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
                tx,
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
            let values = values::load(tx, protocol.id, entry, template, n_rows)?;
            let saved = SavedField {
                line: line.to_owned(),
                value,
                audit_seq,
                state: next,
                findings: check::reports(template, &values),
            };
            checked(&saved);
            Ok(saved)
        })
    }

    /// Marks `entry` done. An entry is done when every line has a value; finishing the second
    /// entry compares the two and moves to agreed or differing.
    pub fn finish_entry(
        &mut self,
        actor: &Session,
        contest: &str,
        entry: EntryNo,
        now: Timestamp,
    ) -> Result<State, StoreError> {
        let _span = tracing::info_span!(
            "finish_entry",
            contest,
            entry = entry.number(),
            user = actor.user().0
        )
        .entered();
        let user = self.require(actor, Permission::Enter)?.id;
        let setup = self.setup.as_ref().ok_or(StoreError::NotSetUp)?;
        let (template, n_rows) = setup.contest(contest)?;
        write_tx(&mut self.conn, |tx| {
            let protocol = protocols::current(tx, contest)?;
            let values = values::load(tx, protocol.id, entry, template, n_rows)?;
            let missing = check::missing_lines(template, &values);
            let (next, differing) = match entry {
                EntryNo::First => (
                    state::finish_first(protocol.state, user, &missing)?,
                    Vec::new(),
                ),
                EntryNo::Second => {
                    let first = values::load(tx, protocol.id, EntryNo::First, template, n_rows)?;
                    let differing = check::compare(template, &first, &values);
                    let next = state::finish_second(protocol.state, user, &missing, &differing)?;
                    (next, differing)
                }
            };
            let finished = json!({ "entry": entry.number(), "differing": differing });
            let action = Action::EntryFinish;
            transition(tx, &protocol, next, Some(user), now, action, finished)?;
            Ok(next)
        })
    }

    /// The values of `entry`, every line of the form in paper order, when `actor` may see them:
    /// the second entry is blind, so nobody gets the first entry while it is typed.
    pub fn entry_values(
        &self,
        actor: &Session,
        contest: &str,
        entry: EntryNo,
    ) -> Result<Vec<LineValue>, StoreError> {
        let (template, n_rows, values) = self.readable_entry(actor, contest, entry)?;
        Ok(in_paper_order(template, n_rows, &values))
    }

    /// [`Store::entry_values`] with every rule's finding on those values as they now stand, from
    /// one read: what a form opened again (after a restart, say) shows in its check panel.
    pub fn entry_values_and_findings(
        &self,
        actor: &Session,
        contest: &str,
        entry: EntryNo,
    ) -> Result<(Vec<LineValue>, Vec<FindingReport>), StoreError> {
        let (template, n_rows, values) = self.readable_entry(actor, contest, entry)?;
        Ok((
            in_paper_order(template, n_rows, &values),
            check::reports(template, &values),
        ))
    }

    /// `entry`'s template, row count and values, when `user` may read them (the blindness rule).
    fn readable_entry(
        &self,
        actor: &Session,
        contest: &str,
        entry: EntryNo,
    ) -> Result<(&'static Template, usize, Values), StoreError> {
        let user = self.require(actor, Permission::Enter)?.id;
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
        actor: &Session,
        contest: &str,
        entry: EntryNo,
        line: &str,
    ) -> Result<Vec<HistoryRow>, StoreError> {
        let user = self.require(actor, Permission::Enter)?.id;
        self.setup()?.contest(contest)?;
        let protocol = protocols::current(&self.conn, contest)?;
        state::can_read(protocol.state, entry, user)?;
        values::history(&self.conn, protocol.id, entry, line)
    }
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
