//! The entry state machine of one protocol version, as types and pure functions.
//!
//! ```text
//! Empty ─edit(1)→ FirstInProgress ─finish(1)→ FirstDone ─edit(2, other user)→ SecondInProgress
//!   SecondInProgress ─finish(2)→ Agreed            (the entries are equal)
//!                              → Differ ─reconcile every differing line→ Agreed
//!   Agreed ─finalize(chair PIN, warnings acknowledged, an act per error)→ Final
//!   Final ─repeat(reason)→ Empty, as the next version; the final version stays untouched
//! ```
//!
//! Each transition is a function from the current [`State`] and the facts it needs to the next
//! state or a [`TransitionError`]. This module does no I/O and knows no SQL: the caller gathers
//! the facts (which lines are missing or differ, which findings lack an act) inside its
//! transaction and persists the result. Nothing here judges numbers either; the facts come from
//! `hattama_protocol`.

use crate::types::{EntryNo, UserId};

/// Where one protocol version stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum State {
    /// Nothing typed yet.
    Empty,
    /// The first clerk is typing.
    FirstInProgress {
        /// The first clerk.
        first: UserId,
    },
    /// The first entry is complete; waiting for a second clerk.
    FirstDone {
        /// The first clerk.
        first: UserId,
    },
    /// The second clerk is typing, blind to the first entry.
    SecondInProgress {
        /// The first clerk.
        first: UserId,
        /// The second clerk.
        second: UserId,
    },
    /// The entries differ; each differing line is settled against the paper.
    Differ {
        /// The first clerk.
        first: UserId,
        /// The second clerk.
        second: UserId,
    },
    /// The entries agree (or every difference is settled): the values to finalize are known.
    Agreed {
        /// The first clerk.
        first: UserId,
        /// The second clerk.
        second: UserId,
    },
    /// Finalized by the chair; never edited again. A correction is a new version.
    Final {
        /// The first clerk.
        first: UserId,
        /// The second clerk.
        second: UserId,
        /// The chair whose PIN finalized it.
        chair: UserId,
    },
}

/// The name of each state, as stored in the `protocols.state` column.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Phase {
    /// [`State::Empty`].
    Empty,
    /// [`State::FirstInProgress`].
    FirstInProgress,
    /// [`State::FirstDone`].
    FirstDone,
    /// [`State::SecondInProgress`].
    SecondInProgress,
    /// [`State::Differ`].
    Differ,
    /// [`State::Agreed`].
    Agreed,
    /// [`State::Final`].
    Final,
}

impl Phase {
    /// Every phase, in order.
    pub const ALL: [Phase; 7] = [
        Phase::Empty,
        Phase::FirstInProgress,
        Phase::FirstDone,
        Phase::SecondInProgress,
        Phase::Differ,
        Phase::Agreed,
        Phase::Final,
    ];

    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Phase::Empty => "empty",
            Phase::FirstInProgress => "first_in_progress",
            Phase::FirstDone => "first_done",
            Phase::SecondInProgress => "second_in_progress",
            Phase::Differ => "differ",
            Phase::Agreed => "agreed",
            Phase::Final => "final",
        }
    }

    /// The phase with this stored name.
    pub fn parse(text: &str) -> Option<Phase> {
        Phase::ALL.into_iter().find(|phase| phase.as_str() == text)
    }
}

impl State {
    /// The phase of this state.
    pub fn phase(self) -> Phase {
        match self {
            State::Empty => Phase::Empty,
            State::FirstInProgress { .. } => Phase::FirstInProgress,
            State::FirstDone { .. } => Phase::FirstDone,
            State::SecondInProgress { .. } => Phase::SecondInProgress,
            State::Differ { .. } => Phase::Differ,
            State::Agreed { .. } => Phase::Agreed,
            State::Final { .. } => Phase::Final,
        }
    }

    /// The first clerk, once there is one.
    pub fn first(self) -> Option<UserId> {
        match self {
            State::Empty => None,
            State::FirstInProgress { first }
            | State::FirstDone { first }
            | State::SecondInProgress { first, .. }
            | State::Differ { first, .. }
            | State::Agreed { first, .. }
            | State::Final { first, .. } => Some(first),
        }
    }

    /// The second clerk, once there is one.
    pub fn second(self) -> Option<UserId> {
        match self {
            State::Empty | State::FirstInProgress { .. } | State::FirstDone { .. } => None,
            State::SecondInProgress { second, .. }
            | State::Differ { second, .. }
            | State::Agreed { second, .. }
            | State::Final { second, .. } => Some(second),
        }
    }

    /// The chair who finalized, once final.
    pub fn chair(self) -> Option<UserId> {
        match self {
            State::Final { chair, .. } => Some(chair),
            _ => None,
        }
    }

    /// The entry that is typed now: the first until it is done, then the second until it is
    /// done; `None` once both are done (differing, agreed or final).
    pub fn open_entry(self) -> Option<EntryNo> {
        match self {
            State::Empty | State::FirstInProgress { .. } => Some(EntryNo::First),
            State::FirstDone { .. } | State::SecondInProgress { .. } => Some(EntryNo::Second),
            State::Differ { .. } | State::Agreed { .. } | State::Final { .. } => None,
        }
    }

    /// Rebuilds a state from its stored parts; `None` when the parts do not fit together.
    pub fn from_parts(
        phase: Phase,
        first: Option<UserId>,
        second: Option<UserId>,
        chair: Option<UserId>,
    ) -> Option<State> {
        match (phase, first, second, chair) {
            (Phase::Empty, None, None, None) => Some(State::Empty),
            (Phase::FirstInProgress, Some(first), None, None) => {
                Some(State::FirstInProgress { first })
            }
            (Phase::FirstDone, Some(first), None, None) => Some(State::FirstDone { first }),
            (Phase::SecondInProgress, Some(first), Some(second), None) => {
                Some(State::SecondInProgress { first, second })
            }
            (Phase::Differ, Some(first), Some(second), None) => {
                Some(State::Differ { first, second })
            }
            (Phase::Agreed, Some(first), Some(second), None) => {
                Some(State::Agreed { first, second })
            }
            (Phase::Final, Some(first), Some(second), Some(chair)) => Some(State::Final {
                first,
                second,
                chair,
            }),
            _ => None,
        }
    }
}

/// Why a transition is refused. Each variant has a stable [`code`](TransitionError::code), the
/// UI's message key.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum TransitionError {
    /// The protocol is final: a correction is a repeated protocol (a new version), never an edit.
    #[error("the protocol is final; a correction is a repeated protocol")]
    AlreadyFinal,
    /// The second entry must be typed by another user than the first.
    #[error("the second entry must be typed by another user than the first")]
    SameUserSecondEntry,
    /// Another user is typing this entry.
    #[error("{entry} belongs to {owner}")]
    NotYourEntry {
        /// The entry.
        entry: EntryNo,
        /// Who is typing it.
        owner: UserId,
    },
    /// The second entry starts only once the first is marked done.
    #[error("the first entry is not done yet")]
    FirstEntryNotDone,
    /// This entry is done and can no longer be typed into.
    #[error("{entry} is closed")]
    EntryClosed {
        /// The entry.
        entry: EntryNo,
    },
    /// An entry is done only when every line of the form has a value.
    #[error("lines without a value: {missing:?}")]
    IncompleteEntry {
        /// The empty lines, in paper order.
        missing: Vec<String>,
    },
    /// Nobody sees an entry's values while the other entry is being typed blind.
    #[error("{entry} cannot be shown now: the second entry is typed blind")]
    Blind {
        /// The entry asked for.
        entry: EntryNo,
    },
    /// Only differing lines of two done entries are reconciled.
    #[error("there is nothing to reconcile")]
    NothingToReconcile,
    /// Acknowledging, recording acts and finalizing need agreed values.
    #[error("the entries are not agreed yet")]
    NotAgreed,
    /// Failing warnings that nobody has acknowledged against the paper.
    #[error("warnings not acknowledged: {codes:?}")]
    UnacknowledgedWarnings {
        /// Their codes.
        codes: Vec<String>,
    },
    /// Failing errors without an act of the commission.
    #[error("errors without an act: {codes:?}")]
    ErrorsWithoutAct {
        /// Their codes.
        codes: Vec<String>,
    },
    /// Only a final protocol is repeated.
    #[error("the protocol is not final; it can still be corrected without a new version")]
    NotFinal,
    /// A repeated protocol needs its reason written down.
    #[error("a repeated protocol needs a reason")]
    EmptyReason,
}

hattama_protocol::error_codes! {
    pub TransitionError {
        codes {
            TransitionError::AlreadyFinal => "store.already_final",
            TransitionError::SameUserSecondEntry => "store.same_user_second_entry",
            TransitionError::NotYourEntry { .. } => "store.not_your_entry",
            TransitionError::FirstEntryNotDone => "store.first_entry_not_done",
            TransitionError::EntryClosed { .. } => "store.entry_closed",
            TransitionError::IncompleteEntry { .. } => "store.incomplete_entry",
            TransitionError::Blind { .. } => "store.entry_blind",
            TransitionError::NothingToReconcile => "store.nothing_to_reconcile",
            TransitionError::NotAgreed => "store.not_agreed",
            TransitionError::UnacknowledgedWarnings { .. } => "store.unacknowledged_warnings",
            TransitionError::ErrorsWithoutAct { .. } => "store.errors_without_act",
            TransitionError::NotFinal => "store.not_final",
            TransitionError::EmptyReason => "store.empty_reason",
        }
    }
}

/// The state after `user` edits a line of `entry`: the first edit opens the entry.
pub fn edit(state: State, entry: EntryNo, user: UserId) -> Result<State, TransitionError> {
    match (state, entry) {
        (State::Final { .. }, _) => Err(TransitionError::AlreadyFinal),
        (State::Empty, EntryNo::First) => Ok(State::FirstInProgress { first: user }),
        (State::FirstInProgress { first }, EntryNo::First) => {
            if first != user {
                return Err(TransitionError::NotYourEntry {
                    entry,
                    owner: first,
                });
            }
            Ok(state)
        }
        (State::Empty | State::FirstInProgress { .. }, EntryNo::Second) => {
            Err(TransitionError::FirstEntryNotDone)
        }
        (State::FirstDone { first }, EntryNo::Second) => {
            if first == user {
                return Err(TransitionError::SameUserSecondEntry);
            }
            Ok(State::SecondInProgress {
                first,
                second: user,
            })
        }
        (State::SecondInProgress { second, .. }, EntryNo::Second) => {
            if second != user {
                return Err(TransitionError::NotYourEntry {
                    entry,
                    owner: second,
                });
            }
            Ok(state)
        }
        (
            State::FirstDone { .. }
            | State::SecondInProgress { .. }
            | State::Differ { .. }
            | State::Agreed { .. },
            EntryNo::First,
        )
        | (State::Differ { .. } | State::Agreed { .. }, EntryNo::Second) => {
            Err(TransitionError::EntryClosed { entry })
        }
    }
}

/// The state after `user` marks the first entry done; `missing` lists the lines still empty.
pub fn finish_first(
    state: State,
    user: UserId,
    missing: &[String],
) -> Result<State, TransitionError> {
    let first = match state {
        State::FirstInProgress { first } => first,
        State::Final { .. } => return Err(TransitionError::AlreadyFinal),
        State::Empty => {
            return Err(TransitionError::IncompleteEntry {
                missing: missing.to_vec(),
            });
        }
        _ => {
            return Err(TransitionError::EntryClosed {
                entry: EntryNo::First,
            });
        }
    };
    if first != user {
        return Err(TransitionError::NotYourEntry {
            entry: EntryNo::First,
            owner: first,
        });
    }
    if !missing.is_empty() {
        return Err(TransitionError::IncompleteEntry {
            missing: missing.to_vec(),
        });
    }
    Ok(State::FirstDone { first })
}

/// The state after `user` marks the second entry done; `missing` lists its empty lines and
/// `differing` the lines where it differs from the first entry.
pub fn finish_second(
    state: State,
    user: UserId,
    missing: &[String],
    differing: &[String],
) -> Result<State, TransitionError> {
    let (first, second) = match state {
        State::SecondInProgress { first, second } => (first, second),
        State::Final { .. } => return Err(TransitionError::AlreadyFinal),
        State::Empty | State::FirstInProgress { .. } => {
            return Err(TransitionError::FirstEntryNotDone);
        }
        State::FirstDone { .. } => {
            return Err(TransitionError::IncompleteEntry {
                missing: missing.to_vec(),
            });
        }
        State::Differ { .. } | State::Agreed { .. } => {
            return Err(TransitionError::EntryClosed {
                entry: EntryNo::Second,
            });
        }
    };
    if second != user {
        return Err(TransitionError::NotYourEntry {
            entry: EntryNo::Second,
            owner: second,
        });
    }
    if !missing.is_empty() {
        return Err(TransitionError::IncompleteEntry {
            missing: missing.to_vec(),
        });
    }
    if differing.is_empty() {
        return Ok(State::Agreed { first, second });
    }
    Ok(State::Differ { first, second })
}

/// The state after a differing line is settled against the paper; `unsettled` counts the
/// differing lines still without a paper value afterwards.
pub fn reconcile(state: State, unsettled: usize) -> Result<State, TransitionError> {
    match state {
        State::Differ { first, second } => {
            if unsettled == 0 {
                return Ok(State::Agreed { first, second });
            }
            Ok(state)
        }
        State::Final { .. } => Err(TransitionError::AlreadyFinal),
        _ => Err(TransitionError::NothingToReconcile),
    }
}

/// Whether warnings can be acknowledged and acts recorded now: only on agreed values.
pub fn review(state: State) -> Result<(), TransitionError> {
    match state {
        State::Agreed { .. } => Ok(()),
        State::Final { .. } => Err(TransitionError::AlreadyFinal),
        _ => Err(TransitionError::NotAgreed),
    }
}

/// What finalizing needs to know beyond the state, gathered from the agreed values' findings.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FinalizeFacts {
    /// Codes of failing warnings without an acknowledgement.
    pub unacknowledged_warnings: Vec<String>,
    /// Codes of failing errors without an act.
    pub errors_without_act: Vec<String>,
}

/// The state after the chair (whose PIN the caller verified) finalizes.
pub fn finalize(
    state: State,
    chair: UserId,
    facts: &FinalizeFacts,
) -> Result<State, TransitionError> {
    let State::Agreed { first, second } = state else {
        review(state)?;
        return Err(TransitionError::NotAgreed);
    };
    if !facts.errors_without_act.is_empty() {
        return Err(TransitionError::ErrorsWithoutAct {
            codes: facts.errors_without_act.clone(),
        });
    }
    if !facts.unacknowledged_warnings.is_empty() {
        return Err(TransitionError::UnacknowledgedWarnings {
            codes: facts.unacknowledged_warnings.clone(),
        });
    }
    Ok(State::Final {
        first,
        second,
        chair,
    })
}

/// The state of the next version when a final protocol is repeated for `reason`.
///
/// The repeated protocol starts empty and is typed twice again from the new paper, because it is
/// a new paper protocol; nothing is copied from the previous version.
pub fn repeat(state: State, reason: &str) -> Result<State, TransitionError> {
    if !matches!(state, State::Final { .. }) {
        return Err(TransitionError::NotFinal);
    }
    if reason.trim().is_empty() {
        return Err(TransitionError::EmptyReason);
    }
    Ok(State::Empty)
}

/// Whether `user` may see the values of `entry` now. While the second entry is open, nobody sees
/// the first entry, and only the second clerk sees the second; while the two differ, each clerk
/// sees only their own entry, so the reconciler reads the paper rather than the entries; once
/// they agree, everyone sees both.
pub fn can_read(state: State, entry: EntryNo, user: UserId) -> Result<(), TransitionError> {
    let blind = Err(TransitionError::Blind { entry });
    match (state, entry) {
        (State::Empty, _) | (State::Agreed { .. } | State::Final { .. }, _) => Ok(()),
        (State::Differ { first, second }, _) => {
            let typist = match entry {
                EntryNo::First => first,
                EntryNo::Second => second,
            };
            if typist == user {
                return Ok(());
            }
            blind
        }
        (State::FirstInProgress { first }, EntryNo::First) => {
            if first == user {
                return Ok(());
            }
            blind
        }
        (State::FirstInProgress { .. } | State::FirstDone { .. }, EntryNo::Second) => Ok(()),
        (State::FirstDone { .. } | State::SecondInProgress { .. }, EntryNo::First) => blind,
        (State::SecondInProgress { second, .. }, EntryNo::Second) => {
            if second == user {
                return Ok(());
            }
            blind
        }
    }
}

#[cfg(test)]
mod tests;
