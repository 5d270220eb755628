//! The error codes that cross IPC: each has a message in every catalogue, and each code the
//! store and the precinct's use cases can emit is one the UI knows.

use std::path::PathBuf;

use hattama_protocol::{DefinitionError, InputError, PrecinctId};
use hattama_store::{EntryNo, StoreError, TransitionError, UserId};
use serde_json::Value;

use crate::error::ERROR_CODES;

#[test]
fn every_error_code_has_a_message_in_every_catalogue() {
    let catalogues = [
        ("kk", include_str!("../../../ui/src/lib/i18n/kk.json")),
        ("ru", include_str!("../../../ui/src/lib/i18n/ru.json")),
        ("en", include_str!("../../../ui/src/lib/i18n/en.json")),
    ];
    for (locale, text) in catalogues {
        let catalogue: Value = serde_json::from_str(text).unwrap();
        for key in ERROR_CODES {
            let message = catalogue[key].as_str().unwrap_or_default();
            assert!(
                !message.is_empty(),
                "{locale}.json has no message for `{key}`"
            );
        }
    }
}

/// One value of every `StoreError` variant (and every transition and key error): the match in
/// `store_error_variant` has no wildcard, so a new variant fails to compile until it is added.
fn every_store_error() -> Vec<StoreError> {
    let transitions = [
        TransitionError::AlreadyFinal,
        TransitionError::SameUserSecondEntry,
        TransitionError::NotYourEntry {
            entry: EntryNo::First,
            owner: UserId(1),
        },
        TransitionError::FirstEntryNotDone,
        TransitionError::EntryClosed {
            entry: EntryNo::First,
        },
        TransitionError::IncompleteEntry { missing: vec![] },
        TransitionError::Blind {
            entry: EntryNo::First,
        },
        TransitionError::NothingToReconcile,
        TransitionError::NotAgreed,
        TransitionError::UnacknowledgedWarnings { codes: vec![] },
        TransitionError::ErrorsWithoutAct { codes: vec![] },
        TransitionError::NotFinal,
        TransitionError::EmptyReason,
    ];
    for transition in &transitions {
        transition_variant(transition);
    }
    let path = PathBuf::from("hattama.db");
    let io = || std::io::Error::other("test");
    let mut errors: Vec<StoreError> = transitions.into_iter().map(StoreError::from).collect();
    errors.extend([
        StoreError::Corrupt {
            path: path.clone(),
            detail: String::new(),
            backups: vec![],
        },
        StoreError::NotHattama {
            path: path.clone(),
            backups: vec![],
        },
        StoreError::TooNew {
            found: 9,
            supported: 1,
        },
        StoreError::NotSetUp,
        StoreError::AlreadySetUp,
        StoreError::Definition(DefinitionError::Syntax(String::new())),
        StoreError::UnknownPrecinct(PrecinctId {
            region: "abai".into(),
            number: 1,
        }),
        StoreError::UnknownContest(String::new()),
        StoreError::UnknownLine {
            contest: String::new(),
            line: String::new(),
        },
        StoreError::BadValue {
            line: String::new(),
            error: InputError::NotANumber,
        },
        StoreError::LineNotDiffering(String::new()),
        StoreError::UnknownRule(String::new()),
        StoreError::WrongSeverity {
            code: String::new(),
            expected: "warning",
        },
        StoreError::RuleNotFailing(String::new()),
        StoreError::AlreadyAcknowledged(String::new()),
        StoreError::EmptyText("name"),
        StoreError::UnknownUser(String::new()),
        StoreError::DuplicateUser(String::new()),
        StoreError::PinFormat,
        StoreError::WeakPin,
        StoreError::WrongPin,
        StoreError::Locked {
            until: hattama_store::Timestamp(0),
        },
        StoreError::NotPermitted {
            permission: hattama_store::Permission::Finalize,
        },
        StoreError::TypedAnEntry {
            permission: hattama_store::Permission::Reconcile,
        },
        StoreError::PinNeeded,
        StoreError::LastChair,
        StoreError::ActTooShort { min: 20 },
        StoreError::NoChair,
        StoreError::Io {
            path: path.clone(),
            source: io(),
        },
        StoreError::NoDataDir,
        StoreError::BadBackup {
            path,
            reason: String::new(),
        },
        StoreError::Inconsistent(String::new()),
        StoreError::Sqlite(rusqlite::Error::InvalidQuery),
        StoreError::DeviceKeyExists,
        StoreError::NoDeviceKey,
        StoreError::CommissionKeyPinned {
            pinned: String::new(),
            offered: String::new(),
        },
        StoreError::NothingToExport,
        StoreError::UnknownExport(1),
        StoreError::IntegrityFailed {
            detail: String::new(),
        },
        StoreError::AuditBroken {
            seq: 1,
            problem: "edited",
        },
        StoreError::FinalNotVouched {
            contest: String::new(),
            version: 1,
            line: String::new(),
        },
    ]);
    for error in &errors {
        store_error_variant(error);
    }
    errors
}

/// Fails to compile when `TransitionError` gains a variant `every_store_error` does not build.
fn transition_variant(error: &TransitionError) {
    match error {
        TransitionError::AlreadyFinal
        | TransitionError::SameUserSecondEntry
        | TransitionError::NotYourEntry { .. }
        | TransitionError::FirstEntryNotDone
        | TransitionError::EntryClosed { .. }
        | TransitionError::IncompleteEntry { .. }
        | TransitionError::Blind { .. }
        | TransitionError::NothingToReconcile
        | TransitionError::NotAgreed
        | TransitionError::UnacknowledgedWarnings { .. }
        | TransitionError::ErrorsWithoutAct { .. }
        | TransitionError::NotFinal
        | TransitionError::EmptyReason => {}
    }
}

/// Fails to compile when `StoreError` gains a variant `every_store_error` does not build.
fn store_error_variant(error: &StoreError) {
    match error {
        StoreError::Transition(_)
        | StoreError::Corrupt { .. }
        | StoreError::NotHattama { .. }
        | StoreError::TooNew { .. }
        | StoreError::NotSetUp
        | StoreError::AlreadySetUp
        | StoreError::Definition(_)
        | StoreError::UnknownPrecinct(_)
        | StoreError::UnknownContest(_)
        | StoreError::UnknownLine { .. }
        | StoreError::BadValue { .. }
        | StoreError::LineNotDiffering(_)
        | StoreError::UnknownRule(_)
        | StoreError::WrongSeverity { .. }
        | StoreError::RuleNotFailing(_)
        | StoreError::AlreadyAcknowledged(_)
        | StoreError::EmptyText(_)
        | StoreError::UnknownUser(_)
        | StoreError::DuplicateUser(_)
        | StoreError::PinFormat
        | StoreError::WeakPin
        | StoreError::WrongPin
        | StoreError::Locked { .. }
        | StoreError::NotPermitted { .. }
        | StoreError::TypedAnEntry { .. }
        | StoreError::PinNeeded
        | StoreError::LastChair
        | StoreError::ActTooShort { .. }
        | StoreError::NoChair
        | StoreError::Io { .. }
        | StoreError::NoDataDir
        | StoreError::BadBackup { .. }
        | StoreError::Inconsistent(_)
        | StoreError::Sqlite(_)
        | StoreError::DeviceKeyExists
        | StoreError::NoDeviceKey
        | StoreError::NothingToExport
        | StoreError::UnknownExport(_)
        | StoreError::IntegrityFailed { .. }
        | StoreError::AuditBroken { .. }
        | StoreError::FinalNotVouched { .. }
        | StoreError::CommissionKeyPinned { .. } => {}
    }
}

#[test]
fn every_precinct_error_code_is_listed_for_the_ui() {
    for code in hattama_precinct::PrecinctError::CODES {
        let key = format!("error.{code}");
        assert!(
            ERROR_CODES.contains(&key.as_str()),
            "{key} is missing from ERROR_CODES (and so maybe from the catalogues)"
        );
    }
}

#[test]
fn every_store_error_code_is_listed_for_the_ui() {
    for error in every_store_error() {
        let key = format!("error.{}", error.code());
        assert!(
            ERROR_CODES.contains(&key.as_str()),
            "{key} is missing from ERROR_CODES (and so maybe from the catalogues)"
        );
    }
}
