//! Unit tests of the protocol state machine: every transition, allowed and refused.

use super::*;

const ANA: UserId = UserId(1);
const BEK: UserId = UserId(2);
const CHAIR: UserId = UserId(3);

fn lines(ids: &[&str]) -> Vec<String> {
    ids.iter().map(|id| (*id).to_owned()).collect()
}

fn agreed() -> State {
    State::Agreed {
        first: ANA,
        second: BEK,
    }
}

fn final_state() -> State {
    State::Final {
        first: ANA,
        second: BEK,
        chair: CHAIR,
    }
}

#[test]
fn the_open_entry_follows_the_state() {
    assert_eq!(State::Empty.open_entry(), Some(EntryNo::First));
    assert_eq!(
        State::FirstInProgress { first: ANA }.open_entry(),
        Some(EntryNo::First)
    );
    assert_eq!(
        State::FirstDone { first: ANA }.open_entry(),
        Some(EntryNo::Second)
    );
    let second = State::SecondInProgress {
        first: ANA,
        second: BEK,
    };
    assert_eq!(second.open_entry(), Some(EntryNo::Second));
    let differ = State::Differ {
        first: ANA,
        second: BEK,
    };
    assert_eq!(differ.open_entry(), None);
    assert_eq!(agreed().open_entry(), None);
    assert_eq!(final_state().open_entry(), None);
}

#[test]
fn the_whole_path_with_differences() {
    let state = edit(State::Empty, EntryNo::First, ANA).unwrap();
    assert_eq!(state, State::FirstInProgress { first: ANA });
    assert_eq!(edit(state, EntryNo::First, ANA), Ok(state));
    let state = finish_first(state, ANA, &[]).unwrap();
    assert_eq!(state, State::FirstDone { first: ANA });
    let state = edit(state, EntryNo::Second, BEK).unwrap();
    assert_eq!(
        state,
        State::SecondInProgress {
            first: ANA,
            second: BEK
        }
    );
    let state = finish_second(state, BEK, &[], &lines(&["L3"])).unwrap();
    assert_eq!(
        state,
        State::Differ {
            first: ANA,
            second: BEK
        }
    );
    assert_eq!(reconcile(state, 1), Ok(state));
    let state = reconcile(state, 0).unwrap();
    assert_eq!(state, agreed());
    let state = finalize(state, CHAIR, &FinalizeFacts::default()).unwrap();
    assert_eq!(state, final_state());
    assert_eq!(repeat(state, "recount ordered"), Ok(State::Empty));
}

#[test]
fn equal_entries_are_agreed_at_once() {
    let state = State::SecondInProgress {
        first: ANA,
        second: BEK,
    };
    assert_eq!(finish_second(state, BEK, &[], &[]), Ok(agreed()));
}

#[test]
fn second_entry_by_the_first_clerk_is_refused() {
    let state = State::FirstDone { first: ANA };
    assert_eq!(
        edit(state, EntryNo::Second, ANA),
        Err(TransitionError::SameUserSecondEntry)
    );
}

#[test]
fn entries_belong_to_whoever_opened_them() {
    assert_eq!(
        edit(State::FirstInProgress { first: ANA }, EntryNo::First, BEK),
        Err(TransitionError::NotYourEntry {
            entry: EntryNo::First,
            owner: ANA
        })
    );
    let second = State::SecondInProgress {
        first: ANA,
        second: BEK,
    };
    assert_eq!(
        edit(second, EntryNo::Second, CHAIR),
        Err(TransitionError::NotYourEntry {
            entry: EntryNo::Second,
            owner: BEK
        })
    );
    assert_eq!(
        finish_first(State::FirstInProgress { first: ANA }, BEK, &[]),
        Err(TransitionError::NotYourEntry {
            entry: EntryNo::First,
            owner: ANA
        })
    );
}

#[test]
fn second_entry_waits_for_the_first() {
    for state in [State::Empty, State::FirstInProgress { first: ANA }] {
        assert_eq!(
            edit(state, EntryNo::Second, BEK),
            Err(TransitionError::FirstEntryNotDone)
        );
    }
}

#[test]
fn done_entries_are_closed() {
    assert_eq!(
        edit(State::FirstDone { first: ANA }, EntryNo::First, ANA),
        Err(TransitionError::EntryClosed {
            entry: EntryNo::First
        })
    );
    assert_eq!(
        edit(agreed(), EntryNo::Second, BEK),
        Err(TransitionError::EntryClosed {
            entry: EntryNo::Second
        })
    );
}

#[test]
fn a_final_protocol_is_never_edited() {
    for entry in [EntryNo::First, EntryNo::Second] {
        assert_eq!(
            edit(final_state(), entry, ANA),
            Err(TransitionError::AlreadyFinal)
        );
    }
    assert_eq!(
        reconcile(final_state(), 0),
        Err(TransitionError::AlreadyFinal)
    );
    assert_eq!(review(final_state()), Err(TransitionError::AlreadyFinal));
    assert_eq!(
        finalize(final_state(), CHAIR, &FinalizeFacts::default()),
        Err(TransitionError::AlreadyFinal)
    );
    // Finishing an entry of a final protocol says it is final, not that the entry is closed.
    assert_eq!(
        finish_first(final_state(), ANA, &[]),
        Err(TransitionError::AlreadyFinal)
    );
}

#[test]
fn an_entry_nobody_typed_is_not_done_and_names_its_empty_lines() {
    assert_eq!(
        finish_first(State::Empty, ANA, &lines(&["L1", "L2"])),
        Err(TransitionError::IncompleteEntry {
            missing: lines(&["L1", "L2"])
        })
    );
}

#[test]
fn an_entry_with_empty_lines_is_not_done() {
    assert_eq!(
        finish_first(State::FirstInProgress { first: ANA }, ANA, &lines(&["L9"])),
        Err(TransitionError::IncompleteEntry {
            missing: lines(&["L9"])
        })
    );
    let second = State::SecondInProgress {
        first: ANA,
        second: BEK,
    };
    assert_eq!(
        finish_second(second, BEK, &lines(&["L1"]), &[]),
        Err(TransitionError::IncompleteEntry {
            missing: lines(&["L1"])
        })
    );
}

#[test]
fn finalizing_needs_agreed_values_acts_and_acknowledgements() {
    let state = State::Differ {
        first: ANA,
        second: BEK,
    };
    assert_eq!(
        finalize(state, CHAIR, &FinalizeFacts::default()),
        Err(TransitionError::NotAgreed)
    );
    let facts = FinalizeFacts {
        unacknowledged_warnings: lines(&["W01"]),
        errors_without_act: lines(&["E01"]),
    };
    assert_eq!(
        finalize(agreed(), CHAIR, &facts),
        Err(TransitionError::ErrorsWithoutAct {
            codes: lines(&["E01"])
        })
    );
    let facts = FinalizeFacts {
        unacknowledged_warnings: lines(&["W01"]),
        errors_without_act: Vec::new(),
    };
    assert_eq!(
        finalize(agreed(), CHAIR, &facts),
        Err(TransitionError::UnacknowledgedWarnings {
            codes: lines(&["W01"])
        })
    );
}

#[test]
fn only_a_final_protocol_is_repeated_and_only_with_a_reason() {
    assert_eq!(repeat(agreed(), "x"), Err(TransitionError::NotFinal));
    assert_eq!(
        repeat(final_state(), "  "),
        Err(TransitionError::EmptyReason)
    );
}

#[test]
fn reconciling_needs_differences() {
    assert_eq!(
        reconcile(agreed(), 0),
        Err(TransitionError::NothingToReconcile)
    );
    assert_eq!(
        reconcile(State::Empty, 0),
        Err(TransitionError::NothingToReconcile)
    );
}

#[test]
fn the_second_entry_is_blind() {
    let second = State::SecondInProgress {
        first: ANA,
        second: BEK,
    };
    for user in [ANA, BEK, CHAIR] {
        assert_eq!(
            can_read(second, EntryNo::First, user),
            Err(TransitionError::Blind {
                entry: EntryNo::First
            })
        );
        assert_eq!(
            can_read(State::FirstDone { first: ANA }, EntryNo::First, user),
            Err(TransitionError::Blind {
                entry: EntryNo::First
            })
        );
    }
    assert_eq!(can_read(second, EntryNo::Second, BEK), Ok(()));
    assert_eq!(
        can_read(second, EntryNo::Second, ANA),
        Err(TransitionError::Blind {
            entry: EntryNo::Second
        })
    );
    assert_eq!(
        can_read(State::FirstInProgress { first: ANA }, EntryNo::First, BEK),
        Err(TransitionError::Blind {
            entry: EntryNo::First
        })
    );
    for entry in [EntryNo::First, EntryNo::Second] {
        assert_eq!(can_read(agreed(), entry, CHAIR), Ok(()));
    }
}

#[test]
fn differing_entries_are_blind_to_everyone_but_their_clerk() {
    let differ = State::Differ {
        first: ANA,
        second: BEK,
    };
    assert_eq!(can_read(differ, EntryNo::First, ANA), Ok(()));
    assert_eq!(can_read(differ, EntryNo::Second, BEK), Ok(()));
    for (entry, user) in [
        (EntryNo::First, BEK),
        (EntryNo::First, CHAIR),
        (EntryNo::Second, ANA),
        (EntryNo::Second, CHAIR),
    ] {
        assert_eq!(
            can_read(differ, entry, user),
            Err(TransitionError::Blind { entry })
        );
    }
}

#[test]
fn stored_parts_round_trip() {
    let states = [
        State::Empty,
        State::FirstInProgress { first: ANA },
        State::FirstDone { first: ANA },
        State::SecondInProgress {
            first: ANA,
            second: BEK,
        },
        State::Differ {
            first: ANA,
            second: BEK,
        },
        agreed(),
        final_state(),
    ];
    for state in states {
        let phase = Phase::parse(state.phase().as_str()).unwrap();
        let back = State::from_parts(phase, state.first(), state.second(), state.chair());
        assert_eq!(back, Some(state));
    }
    assert_eq!(
        State::from_parts(Phase::Agreed, Some(ANA), None, None),
        None
    );
}
