//! The error codes that cross IPC: the list is built from the error types' own tables, every
//! code an error emits is in the generated TypeScript `ErrorCode` union, and each has a message
//! in every catalogue, as has every input error (`error.input.<code>`) a refused count carries.

use std::collections::BTreeSet;
use std::path::PathBuf;

use hattama_batch::keys::KeyError;
use hattama_batch::write::{Step, WriteError};
use hattama_precinct::PrecinctError;
use hattama_print::assemble::AssembleError;
use hattama_print::{FontError, PdfError};
use hattama_protocol::{DefinitionError, InputError, PrecinctId};
use hattama_store::{EntryNo, StoreError, TransitionError, UserId};
use serde_json::Value;

use crate::error::{AppError, IpcError, error_codes, input_error_codes};

/// The committed generated TypeScript, whose `ErrorCode` union the UI's messages are typed by.
const GENERATED: &str = include_str!("../../../ui/src/lib/ipc/generated/ipc.ts");

#[test]
fn every_error_code_has_a_message_in_every_catalogue() {
    let catalogues = [
        ("kk", include_str!("../../../ui/src/lib/i18n/kk.json")),
        ("ru", include_str!("../../../ui/src/lib/i18n/ru.json")),
        ("en", include_str!("../../../ui/src/lib/i18n/en.json")),
    ];
    for (locale, text) in catalogues {
        let catalogue: Value = serde_json::from_str(text).unwrap();
        let input_keys = input_error_codes()
            .into_iter()
            .map(|code| format!("error.input.{code}"));
        for key in error_codes().into_iter().chain(input_keys) {
            let message = catalogue[&key].as_str().unwrap_or_default();
            assert!(
                !message.is_empty(),
                "{locale}.json has no message for `{key}`"
            );
        }
    }
}

#[test]
fn every_error_code_is_listed_once() {
    let codes = error_codes();
    let distinct: BTreeSet<&String> = codes.iter().collect();
    assert_eq!(
        distinct.len(),
        codes.len(),
        "a code is listed twice: {codes:?}"
    );
}

/// The codes of the generated `ErrorCode` union.
fn generated_error_codes() -> BTreeSet<&'static str> {
    let union = GENERATED
        .lines()
        .find_map(|line| line.strip_prefix("export type ErrorCode = "))
        .and_then(|rest| rest.strip_suffix(';'))
        .expect("the generated TypeScript declares an `ErrorCode` union");
    union
        .split(" | ")
        .map(|code| code.trim_matches('"'))
        .collect()
}

#[test]
fn every_code_an_error_emits_is_one_the_generated_typescript_knows() {
    let known = generated_error_codes();
    let emitted = every_app_error()
        .into_iter()
        .map(IpcError::from)
        .chain(every_store_error().into_iter().map(IpcError::from))
        .chain(every_precinct_error().into_iter().map(IpcError::from));
    for error in emitted {
        assert!(
            known.contains(error.code.as_str()),
            "`{}` is emitted but the generated `ErrorCode` union does not know it: give it its \
             arm in its error type's `error_codes!` table and run `cargo xtask codegen`",
            error.code
        );
    }
}

#[test]
fn every_input_error_a_refused_count_carries_is_one_the_generated_typescript_knows() {
    let union = GENERATED
        .lines()
        .find_map(|line| line.strip_prefix("export type InputErrorCode = "))
        .and_then(|rest| rest.strip_suffix(';'))
        .expect("the generated TypeScript declares an `InputErrorCode` union");
    let known: BTreeSet<&str> = union
        .split(" | ")
        .map(|code| code.trim_matches('"'))
        .collect();
    for input in [
        InputError::Empty,
        InputError::NotANumber,
        InputError::Negative,
        InputError::TooLarge,
    ] {
        let error = IpcError::from(StoreError::BadValue {
            line: "L1".into(),
            error: input,
        });
        assert_eq!(error.code, "error.store.bad_value");
        let carried = error.params.get("input").map(String::as_str);
        assert!(
            carried.is_some_and(|code| known.contains(code)),
            "{input:?} is carried as {carried:?}, which the generated `InputErrorCode` does not know"
        );
    }
}

/// One value of every `AppError` variant: the match has no wildcard, so a new variant fails to
/// compile until it is added here.
fn every_app_error() -> Vec<AppError> {
    let errors = vec![
        AppError::UnknownLanguage {
            language: "de".into(),
        },
        AppError::StateUnavailable,
        AppError::NotSignedIn,
        AppError::UnknownEntry { entry: 3 },
        AppError::PathNotText {
            path: String::new(),
        },
        AppError::NotPrinted {
            kind: "protocol".into(),
        },
        AppError::ViewerFailed {
            path: String::new(),
            detail: String::new(),
        },
    ];
    for error in &errors {
        match error {
            AppError::UnknownLanguage { .. }
            | AppError::StateUnavailable
            | AppError::NotSignedIn
            | AppError::UnknownEntry { .. }
            | AppError::PathNotText { .. }
            | AppError::NotPrinted { .. }
            | AppError::ViewerFailed { .. } => {}
        }
    }
    errors
}

/// One value of every `PrecinctError` variant, with every key and drive error it wraps: the
/// match in `precinct_error_variant` has no wildcard, so a new variant fails to compile until
/// it is added here.
fn every_precinct_error() -> Vec<PrecinctError> {
    let io = || std::io::Error::other("test");
    let errors = vec![
        PrecinctError::Store(StoreError::NotSetUp),
        PrecinctError::DefinitionFile {
            path: String::new(),
            detail: String::new(),
        },
        PrecinctError::DefinitionSignature {
            path: String::new(),
        },
        PrecinctError::CommissionKeyNotPinned,
        PrecinctError::CommissionKeyFile {
            path: String::new(),
            detail: String::new(),
        },
        PrecinctError::FingerprintMismatch,
        PrecinctError::PassphraseMismatch,
        PrecinctError::Key(KeyError::WeakPassphrase),
        PrecinctError::Key(KeyError::WrongPassphrase),
        PrecinctError::Key(KeyError::Malformed("public key")),
        PrecinctError::Key(KeyError::Sign(String::new())),
        PrecinctError::NoFolder,
        PrecinctError::NotAFolder {
            path: String::new(),
        },
        PrecinctError::NoDrive,
        PrecinctError::SeveralDrives,
        PrecinctError::Write(WriteError::NoSpace { step: Step::Marker }),
        PrecinctError::Write(WriteError::Io {
            step: Step::Marker,
            source: io(),
        }),
        PrecinctError::Write(WriteError::ReadBackMismatch),
        PrecinctError::Write(WriteError::LinkInPath {
            path: String::new(),
        }),
        PrecinctError::Fonts(FontError::Unreadable {
            path: PathBuf::from("font.ttf"),
            source: io(),
        }),
        PrecinctError::Pdf(PdfError::Subset(String::new())),
        PrecinctError::Assemble(AssembleError::DefinitionHash),
        PrecinctError::NoFinal {
            contest: String::new(),
            version: String::new(),
        },
        PrecinctError::NotExported {
            contest: String::new(),
            version: 1,
        },
        PrecinctError::WriteFile {
            path: String::new(),
            detail: String::new(),
        },
    ];
    for error in &errors {
        precinct_error_variant(error);
    }
    errors
}

/// Fails to compile when `PrecinctError`, `KeyError` or `WriteError` gains a variant
/// `every_precinct_error` does not build.
fn precinct_error_variant(error: &PrecinctError) {
    match error {
        PrecinctError::Key(
            KeyError::WeakPassphrase
            | KeyError::WrongPassphrase
            | KeyError::Malformed(_)
            | KeyError::Sign(_),
        )
        | PrecinctError::Write(
            WriteError::NoSpace { .. }
            | WriteError::Io { .. }
            | WriteError::ReadBackMismatch
            | WriteError::LinkInPath { .. },
        )
        | PrecinctError::Store(_)
        | PrecinctError::DefinitionFile { .. }
        | PrecinctError::DefinitionSignature { .. }
        | PrecinctError::CommissionKeyNotPinned
        | PrecinctError::CommissionKeyFile { .. }
        | PrecinctError::FingerprintMismatch
        | PrecinctError::PassphraseMismatch
        | PrecinctError::NoFolder
        | PrecinctError::NotAFolder { .. }
        | PrecinctError::NoDrive
        | PrecinctError::SeveralDrives
        | PrecinctError::Fonts(_)
        | PrecinctError::Pdf(_)
        | PrecinctError::Assemble(_)
        | PrecinctError::NoFinal { .. }
        | PrecinctError::NotExported { .. }
        | PrecinctError::WriteFile { .. } => {}
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
