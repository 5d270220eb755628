//! Reconciling the two entries: the lines where they differ, and settling each with the value
//! on the paper.

use serde::Serialize;
use serde_json::json;

use hattama_protocol::{Count, check};

use super::{Store, transition, write_tx};
use crate::audit::{self, Action};
use crate::error::StoreError;
use crate::permissions::Permission;
use crate::protocols;
use crate::review;
use crate::state::{self, State, TransitionError};
use crate::types::{EntryNo, Session, Timestamp, UserId};
use crate::values;

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

impl Store {
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

    /// Settles a differing line with the value on the paper, recording who and when: a secretary
    /// or a chair who typed neither entry. When the
    /// last differing line is settled, the protocol is agreed.
    pub fn reconcile(
        &mut self,
        actor: &Session,
        contest: &str,
        line: &str,
        raw: &str,
        now: Timestamp,
    ) -> Result<State, StoreError> {
        let _span =
            tracing::info_span!("reconcile", contest, line, user = actor.user().0).entered();
        let user = self.require(actor, Permission::Reconcile)?.id;
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
                }),
            )?;
            review::settle(tx, protocol.id, line, value, user, now, audit_seq)?;
            if next != protocol.state {
                transition(
                    tx,
                    &protocol,
                    next,
                    Some(user),
                    now,
                    Action::ReconcileDone,
                    json!({}),
                )?;
            }
            Ok(next)
        })
    }
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
