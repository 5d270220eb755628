//! Reconciling the two entries, blind: the lines where they differ (never either entry's values),
//! and settling each with the value the reconciler reads on the paper. Only once the value is
//! typed does the store say whether it matched entry 1, entry 2 or neither; a value on neither
//! entry is stored only when the reconciler confirms it.

use serde::Serialize;
use serde_json::json;

use hattama_protocol::{Count, Template, Values, check};

use super::{Store, transition, write_tx};
use crate::audit::{self, Action};
use crate::error::StoreError;
use crate::permissions::Permission;
use crate::protocols;
use crate::review;
use crate::state::{self, State, TransitionError};
use crate::types::{EntryNo, Session, Timestamp, UserId};
use crate::values;

/// Which entry a paper value matched on a differing line.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Matched {
    /// The first entry's value.
    First,
    /// The second entry's value.
    Second,
    /// Neither entry: both clerks misread the paper, and the reconciler confirmed it.
    Neither,
}

impl Matched {
    /// The name stored in the audit row: `first`, `second` or `neither`.
    pub fn as_str(self) -> &'static str {
        match self {
            Matched::First => "first",
            Matched::Second => "second",
            Matched::Neither => "neither",
        }
    }

    /// Which entry `paper` matches, given the two entries' values on the line.
    fn of(paper: Count, first: Option<Count>, second: Option<Count>) -> Matched {
        if first == Some(paper) {
            return Matched::First;
        }
        if second == Some(paper) {
            return Matched::Second;
        }
        Matched::Neither
    }
}

/// A line on which the two entries differ. It carries neither entry's value: the reconciler
/// reads the paper, not the clerks' typing.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Difference {
    /// The line id.
    pub line: String,
    /// The paper value, once settled.
    pub settled: Option<Count>,
    /// Which entry the paper value matched, once settled.
    pub matched: Option<Matched>,
}

/// What settling a line did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reconciled {
    /// The paper value is stored; `matched` says which entry it matched, `state` where the
    /// protocol stands now (agreed once the last line is settled).
    Settled {
        /// Which entry the value matched.
        matched: Matched,
        /// The protocol's state afterwards.
        state: State,
    },
    /// The value matches neither entry and was not confirmed: nothing was stored. Asking again
    /// with `confirm_neither` stores it.
    NeedsConfirmation,
}

impl Store {
    /// The lines where the two done entries differ, with the paper value and the entry it
    /// matched once settled; never an entry's value.
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
            let settled = settled.get(&line).copied();
            let matched = settled.and_then(|paper| {
                let (one, two) = on_line(template, n_rows, &first, &second, &line)?;
                Some(Matched::of(paper, one, two))
            });
            out.push(Difference {
                line,
                settled,
                matched,
            });
        }
        Ok(out)
    }

    /// Settles a differing line with the value `raw` read on the paper, parsed exactly as an
    /// entry field is. A value equal to entry 1's or entry 2's is stored at once and the answer
    /// says which; a value on neither entry is stored only with `confirm_neither`, otherwise
    /// nothing changes and the answer is [`Reconciled::NeedsConfirmation`]. The audit row
    /// records the value typed and which entry it matched. When the last differing line is
    /// settled, the protocol is agreed. The reconciler is a secretary or a chair who typed
    /// neither entry.
    pub fn reconcile(
        &mut self,
        actor: &Session,
        contest: &str,
        line: &str,
        raw: &str,
        confirm_neither: bool,
        now: Timestamp,
    ) -> Result<Reconciled, StoreError> {
        let _span =
            tracing::info_span!("reconcile", contest, line, user = actor.user().0).entered();
        let user = self.require(actor, Permission::Reconcile)?.id;
        let setup = self.setup.as_ref().ok_or(StoreError::NotSetUp)?;
        let (template, n_rows) = setup.contest_line(contest, line)?;
        let value = Count::parse(raw).map_err(|error| StoreError::BadValue {
            line: line.to_owned(),
            error,
        })?;
        write_tx(&mut self.conn, |tx| {
            let protocol = protocols::current(tx, contest)?;
            typed_neither(protocol.state, user, Permission::Reconcile)?;
            let first = values::load(tx, protocol.id, EntryNo::First, template, n_rows)?;
            let second = values::load(tx, protocol.id, EntryNo::Second, template, n_rows)?;
            let differing = check::compare(template, &first, &second);
            let settled = review::settled(tx, protocol.id)?;
            let unsettled_after = differing
                .iter()
                .filter(|id| id.as_str() != line && !settled.contains_key(id.as_str()))
                .count();
            let next = state::reconcile(protocol.state, unsettled_after)?;
            if !differing.iter().any(|id| id == line) {
                return Err(StoreError::LineNotDiffering(line.to_owned()));
            }
            let (one, two) = on_line(template, n_rows, &first, &second, line)
                .ok_or_else(|| StoreError::Inconsistent(format!("no slot for line {line}")))?;
            let matched = Matched::of(value, one, two);
            if matched == Matched::Neither && !confirm_neither {
                // Nothing was written: the transaction commits no change.
                return Ok(Reconciled::NeedsConfirmation);
            }
            let audit_seq = audit::append(
                tx,
                now,
                Some(user),
                Action::LineReconcile,
                &json!({
                    "contest": contest,
                    "version": protocol.version,
                    "line": line,
                    "value": value.get(),
                    "raw": raw,
                    "matched": matched.as_str(),
                }),
            )?;
            review::settle(tx, protocol.id, line, value, user, now, audit_seq)?;
            if next != protocol.state {
                let action = Action::ReconcileDone;
                transition(tx, &protocol, next, Some(user), now, action, json!({}))?;
            }
            Ok(Reconciled::Settled {
                matched,
                state: next,
            })
        })
    }
}

/// The two entries' values on `line`, or `None` when the form has no such line.
fn on_line(
    template: &Template,
    n_rows: usize,
    first: &Values,
    second: &Values,
    line: &str,
) -> Option<(Option<Count>, Option<Count>)> {
    let slot = template.slot(line, n_rows)?;
    Some((first.get(slot), second.get(slot)))
}

/// Refuses `user` for `permission` on a protocol whose entry they typed: whoever checks the
/// protocol against the paper typed neither entry.
pub(super) fn typed_neither(
    state: State,
    user: UserId,
    permission: Permission,
) -> Result<(), StoreError> {
    if state.first() == Some(user) || state.second() == Some(user) {
        return Err(StoreError::TypedAnEntry { permission });
    }
    Ok(())
}
