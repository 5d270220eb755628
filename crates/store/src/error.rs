//! [`StoreError`]: every way a store operation can be refused or fail, each with a stable code
//! (the UI's message key) and the parameters a message needs.
//!
//! Refusals (a wrong PIN, a value out of range, a transition the state machine forbids) leave the
//! database unchanged: they are detected before the transaction writes, and a failed transaction
//! rolls back.

use std::collections::BTreeMap;
use std::path::PathBuf;

use hattama_protocol::{DefinitionError, InputError, PrecinctId};

use crate::permissions::Permission;
use crate::state::TransitionError;
use crate::types::Timestamp;

/// Why a store operation did not happen.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The state machine refuses the step (same user for both entries, a final protocol, …).
    #[error(transparent)]
    Transition(#[from] TransitionError),
    /// The file is damaged: SQLite cannot read it, or `quick_check` reports problems. Nothing was
    /// written to it; the newest backups are listed, newest first.
    #[error("{} is damaged ({detail}); restore a backup", path.display())]
    Corrupt {
        /// The database file.
        path: PathBuf,
        /// What SQLite reported.
        detail: String,
        /// Backups next to it, newest first.
        backups: Vec<PathBuf>,
    },
    /// The file is not a Hattama database (another program's file, or an empty file). Nothing was
    /// written to it.
    #[error("{} is not a Hattama database", path.display())]
    NotHattama {
        /// The file.
        path: PathBuf,
        /// Backups next to it, newest first.
        backups: Vec<PathBuf>,
    },
    /// The database was written by a newer Hattama.
    #[error("the database has schema version {found}; this build reads up to {supported}")]
    TooNew {
        /// The file's schema version.
        found: i64,
        /// The newest version this build knows.
        supported: i64,
    },
    /// No election definition and precinct are set up yet.
    #[error("the precinct is not set up yet")]
    NotSetUp,
    /// The precinct is set up already; one installation serves one precinct.
    #[error("the precinct is already set up")]
    AlreadySetUp,
    /// The election definition did not load.
    #[error("the election definition does not load: {0}")]
    Definition(#[from] DefinitionError),
    /// The definition has no such precinct.
    #[error("the definition has no precinct {0}")]
    UnknownPrecinct(PrecinctId),
    /// The precinct holds no such contest.
    #[error("the precinct holds no contest `{0}`")]
    UnknownContest(String),
    /// The protocol form has no such line (or row number).
    #[error("the protocol of `{contest}` has no line `{line}`")]
    UnknownLine {
        /// The contest.
        contest: String,
        /// The line id as given.
        line: String,
    },
    /// The typed text is not a count (a letter, a sign, above 9,999,999); `hattama_protocol` judged it.
    #[error("line {line}: {error}")]
    BadValue {
        /// The line.
        line: String,
        /// What is wrong, as the protocol crate says.
        error: InputError,
    },
    /// Reconciling a line on which the two entries agree.
    #[error("the entries agree on line {0}; only differing lines are reconciled")]
    LineNotDiffering(String),
    /// The template has no rule with this code.
    #[error("the protocol has no rule `{0}`")]
    UnknownRule(String),
    /// Acknowledging a rule that is not a warning, or attaching an act to a rule that is not an error.
    #[error("rule {code} is not {expected}")]
    WrongSeverity {
        /// The rule.
        code: String,
        /// `warning` or `error`.
        expected: &'static str,
    },
    /// Acknowledging or explaining a rule that holds on the agreed values.
    #[error("rule {0} does not fail on the agreed values")]
    RuleNotFailing(String),
    /// The warning is acknowledged already.
    #[error("warning {0} is already acknowledged")]
    AlreadyAcknowledged(String),
    /// An act or a name with no text.
    #[error("{0} cannot be empty")]
    EmptyText(&'static str),
    /// No user with this id or name.
    #[error("no user `{0}`")]
    UnknownUser(String),
    /// A user with this name exists already.
    #[error("a user named `{0}` exists already")]
    DuplicateUser(String),
    /// A PIN must be 6 to 12 digits.
    #[error("a PIN is 6 to 12 digits")]
    PinFormat,
    /// A PIN that is one digit repeated (`111111`) or a straight run up or down (`123456`,
    /// `654321`): the first ones anybody tries.
    #[error("a PIN may not be one digit repeated or a straight run")]
    WeakPin,
    /// The name and PIN do not match a user (an unknown name gets the same answer).
    #[error("wrong PIN")]
    WrongPin,
    /// Too many wrong PINs in a row: the user is locked out until the given time (or until a
    /// chair unlocks a clerk or a secretary). The PIN was not checked.
    #[error("locked out after wrong PINs until {}", until.to_rfc3339())]
    Locked {
        /// The end of the lockout.
        until: Timestamp,
    },
    /// The signed-in user's role does not allow this action (or the user was removed).
    /// Nothing was read or written.
    #[error("{} is not permitted for this user", permission.code())]
    NotPermitted {
        /// The action refused.
        permission: Permission,
    },
    /// Reconciling, acknowledging or attaching an act to a protocol whose entry this user typed:
    /// someone who typed neither entry checks it against the paper.
    #[error("{} is for someone who typed neither entry", permission.code())]
    TypedAnEntry {
        /// The action refused.
        permission: Permission,
    },
    /// Adding a chair needs the acting chair's own PIN again.
    #[error("adding a chair needs your PIN again")]
    PinNeeded,
    /// The last chair cannot be removed or given another role.
    #[error("the installation needs at least one chair")]
    LastChair,
    /// An act's description is too short to explain anything.
    #[error("an act's description has at least {min} characters")]
    ActTooShort {
        /// The least number of characters.
        min: usize,
    },
    /// Finalizing needs a chair, and there is none among the users.
    #[error("no user has the chair role")]
    NoChair,
    /// A file operation failed.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file or folder.
        path: PathBuf,
        /// The error.
        source: std::io::Error,
    },
    /// The platform has no data folder and no path was given.
    #[error("no data folder on this platform; set HATTAMA_DB")]
    NoDataDir,
    /// A backup to restore is itself unusable.
    #[error("backup {} is unusable: {reason}", path.display())]
    BadBackup {
        /// The backup.
        path: PathBuf,
        /// Why.
        reason: String,
    },
    /// The stored data contradicts itself (a state that cannot be, a definition that no longer
    /// loads). A bug or an outside edit; `audit verify` says more.
    #[error("inconsistent database: {0}")]
    Inconsistent(String),
    /// SQLite failed (disk full, I/O error, locked for too long).
    #[error("database error: {0}")]
    Sqlite(#[from] rusqlite::Error),
    /// The device key was made already; it is never replaced on this installation.
    #[error("this installation already has a device key")]
    DeviceKeyExists,
    /// No device key yet: it is made at setup, before the first export.
    #[error("this installation has no device key yet")]
    NoDeviceKey,
    /// Nothing is finalized yet, so there is nothing to export.
    #[error("no protocol is finalized yet")]
    NothingToExport,
    /// No export with this sequence number.
    #[error("no export with sequence {0}")]
    UnknownExport(u64),
    /// `PRAGMA integrity_check` found damage: nothing is signed, exported or printed from a file
    /// SQLite itself does not vouch for.
    #[error("the database fails its integrity check: {detail}")]
    IntegrityFailed {
        /// The first problem SQLite reported.
        detail: String,
    },
    /// The audit chain is broken (or a table disagrees with it): nothing is signed, exported or
    /// printed until the commission has looked at it.
    #[error("the audit log is broken at record {seq}: {problem}")]
    AuditBroken {
        /// The record where it breaks.
        seq: i64,
        /// How (`edited`, `unlinked`, `missing`, `truncated`, `table_mismatch`).
        problem: &'static str,
    },
    /// A final value is not the one the audit log recorded when the protocol was finalized (an
    /// edit at rest): it is never signed, exported or printed.
    #[error("final value {contest} v{version} line {line} is not the one the audit log recorded")]
    FinalNotVouched {
        /// The contest.
        contest: String,
        /// The protocol version.
        version: i64,
        /// The first line that disagrees.
        line: String,
    },
    /// Another commission key is pinned already; the pinned key is never replaced.
    #[error("commission key {pinned} is pinned on this installation, not {offered}")]
    CommissionKeyPinned {
        /// The pinned key's id.
        pinned: String,
        /// The key offered instead.
        offered: String,
    },
}

hattama_protocol::error_codes! {
    pub StoreError {
        nested {
            StoreError::Transition(error) => error: TransitionError,
        }
        codes {
            StoreError::Corrupt { .. } => "store.corrupt",
            StoreError::NotHattama { .. } => "store.not_hattama",
            StoreError::TooNew { .. } => "store.too_new",
            StoreError::NotSetUp => "store.not_set_up",
            StoreError::AlreadySetUp => "store.already_set_up",
            StoreError::Definition(_) => "store.bad_definition",
            StoreError::UnknownPrecinct(_) => "store.unknown_precinct",
            StoreError::UnknownContest(_) => "store.unknown_contest",
            StoreError::UnknownLine { .. } => "store.unknown_line",
            StoreError::BadValue { .. } => "store.bad_value",
            StoreError::LineNotDiffering(_) => "store.line_not_differing",
            StoreError::UnknownRule(_) => "store.unknown_rule",
            StoreError::WrongSeverity { .. } => "store.wrong_severity",
            StoreError::RuleNotFailing(_) => "store.rule_not_failing",
            StoreError::AlreadyAcknowledged(_) => "store.already_acknowledged",
            StoreError::EmptyText(_) => "store.empty_text",
            StoreError::UnknownUser(_) => "store.unknown_user",
            StoreError::DuplicateUser(_) => "store.duplicate_user",
            StoreError::PinFormat => "store.pin_format",
            StoreError::WeakPin => "store.weak_pin",
            StoreError::WrongPin => "store.wrong_pin",
            StoreError::Locked { .. } => "store.locked",
            StoreError::NotPermitted { .. } => "store.not_permitted",
            StoreError::TypedAnEntry { .. } => "store.typed_an_entry",
            StoreError::PinNeeded => "store.pin_needed",
            StoreError::LastChair => "store.last_chair",
            StoreError::ActTooShort { .. } => "store.act_too_short",
            StoreError::NoChair => "store.no_chair",
            StoreError::Io { .. } => "store.io",
            StoreError::NoDataDir => "store.no_data_dir",
            StoreError::BadBackup { .. } => "store.bad_backup",
            StoreError::Inconsistent(_) => "store.inconsistent",
            StoreError::Sqlite(_) => "store.sqlite",
            StoreError::DeviceKeyExists => "store.device_key_exists",
            StoreError::NoDeviceKey => "store.no_device_key",
            StoreError::NothingToExport => "store.nothing_to_export",
            StoreError::UnknownExport(_) => "store.unknown_export",
            StoreError::IntegrityFailed { .. } => "store.integrity_failed",
            StoreError::AuditBroken { .. } => "store.audit_broken",
            StoreError::FinalNotVouched { .. } => "store.final_not_vouched",
            StoreError::CommissionKeyPinned { .. } => "store.commission_key_pinned",
        }
    }
}

impl StoreError {
    /// The parameters a message for this error fills in, by name.
    pub fn params(&self) -> BTreeMap<&'static str, String> {
        let mut params = BTreeMap::new();
        let join = |items: &[String]| items.join(", ");
        match self {
            StoreError::Transition(error) => match error {
                TransitionError::NotYourEntry { entry, owner } => {
                    params.insert("entry", entry.number().to_string());
                    params.insert("owner", owner.0.to_string());
                }
                TransitionError::EntryClosed { entry } | TransitionError::Blind { entry } => {
                    params.insert("entry", entry.number().to_string());
                }
                TransitionError::IncompleteEntry { missing } => {
                    params.insert("lines", join(missing));
                }
                TransitionError::UnacknowledgedWarnings { codes }
                | TransitionError::ErrorsWithoutAct { codes } => {
                    params.insert("codes", join(codes));
                }
                _ => {}
            },
            StoreError::Corrupt {
                path,
                detail,
                backups,
            } => {
                params.insert("path", path.display().to_string());
                params.insert("detail", detail.clone());
                if let Some(newest) = backups.first() {
                    params.insert("backup", newest.display().to_string());
                }
            }
            StoreError::NotHattama { path, backups } => {
                params.insert("path", path.display().to_string());
                if let Some(newest) = backups.first() {
                    params.insert("backup", newest.display().to_string());
                }
            }
            StoreError::TooNew { found, supported } => {
                params.insert("found", found.to_string());
                params.insert("supported", supported.to_string());
            }
            StoreError::UnknownPrecinct(precinct) => {
                params.insert("precinct", precinct.to_string());
            }
            StoreError::UnknownContest(contest) => {
                params.insert("contest", contest.clone());
            }
            StoreError::UnknownLine { contest, line } => {
                params.insert("contest", contest.clone());
                params.insert("line", line.clone());
            }
            StoreError::BadValue { line, error } => {
                params.insert("line", line.clone());
                params.insert("input", error.code().to_owned());
            }
            StoreError::LineNotDiffering(line) => {
                params.insert("line", line.clone());
            }
            StoreError::UnknownRule(code)
            | StoreError::RuleNotFailing(code)
            | StoreError::AlreadyAcknowledged(code) => {
                params.insert("code", code.clone());
            }
            StoreError::WrongSeverity { code, expected } => {
                params.insert("code", code.clone());
                params.insert("expected", (*expected).to_owned());
            }
            StoreError::EmptyText(what) => {
                params.insert("what", (*what).to_owned());
            }
            StoreError::UnknownUser(user) | StoreError::DuplicateUser(user) => {
                params.insert("user", user.clone());
            }
            StoreError::Io { path, .. } | StoreError::BadBackup { path, .. } => {
                params.insert("path", path.display().to_string());
            }
            StoreError::UnknownExport(sequence) => {
                params.insert("sequence", sequence.to_string());
            }
            StoreError::IntegrityFailed { detail } => {
                params.insert("detail", detail.clone());
            }
            StoreError::AuditBroken { seq, problem } => {
                params.insert("seq", seq.to_string());
                params.insert("problem", (*problem).to_owned());
            }
            StoreError::FinalNotVouched {
                contest,
                version,
                line,
            } => {
                params.insert("contest", contest.clone());
                params.insert("version", version.to_string());
                params.insert("line", line.clone());
            }
            StoreError::CommissionKeyPinned { pinned, offered } => {
                params.insert("pinned", pinned.clone());
                params.insert("offered", offered.clone());
            }
            StoreError::Locked { until } => {
                params.insert("until", until.to_rfc3339());
            }
            StoreError::NotPermitted { permission } | StoreError::TypedAnEntry { permission } => {
                params.insert("action", permission.code().to_owned());
            }
            StoreError::ActTooShort { min } => {
                params.insert("min", min.to_string());
            }
            _ => {}
        }
        params
    }

    pub(crate) fn io(path: &std::path::Path, source: std::io::Error) -> StoreError {
        StoreError::Io {
            path: path.to_owned(),
            source,
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;
    use std::path::{Path, PathBuf};

    use hattama_protocol::{InputError, PrecinctId};

    use super::StoreError;
    use crate::state::TransitionError;
    use crate::types::{EntryNo, Timestamp, UserId};

    /// One error of every kind whose message names something, with made-up details.
    fn named_errors() -> Vec<StoreError> {
        let db = PathBuf::from("/data/hattama.db");
        let backup = PathBuf::from("/data/backups/hattama-000000000012-1.db");
        vec![
            StoreError::Transition(TransitionError::NotYourEntry {
                entry: EntryNo::First,
                owner: UserId(2),
            }),
            StoreError::Transition(TransitionError::EntryClosed {
                entry: EntryNo::First,
            }),
            StoreError::Transition(TransitionError::Blind {
                entry: EntryNo::First,
            }),
            StoreError::Transition(TransitionError::IncompleteEntry {
                missing: vec!["L2".into(), "L9".into()],
            }),
            StoreError::Transition(TransitionError::UnacknowledgedWarnings {
                codes: vec!["W01".into()],
            }),
            StoreError::Transition(TransitionError::ErrorsWithoutAct {
                codes: vec!["E04".into()],
            }),
            StoreError::Corrupt {
                path: db.clone(),
                detail: "database disk image is malformed".into(),
                backups: vec![backup.clone()],
            },
            StoreError::NotHattama {
                path: db.clone(),
                backups: vec![backup.clone()],
            },
            StoreError::TooNew {
                found: 9,
                supported: 8,
            },
            StoreError::UnknownPrecinct(PrecinctId {
                region: "abai".into(),
                number: 7,
            }),
            StoreError::UnknownContest("senate".into()),
            StoreError::UnknownLine {
                contest: "majilis-list".into(),
                line: "L99".into(),
            },
            StoreError::BadValue {
                line: "L2".into(),
                error: InputError::Negative,
            },
            StoreError::LineNotDiffering("L2".into()),
            StoreError::UnknownRule("E99".into()),
            StoreError::RuleNotFailing("E01".into()),
            StoreError::AlreadyAcknowledged("W01".into()),
            StoreError::WrongSeverity {
                code: "E01".into(),
                expected: "warning",
            },
            StoreError::EmptyText("reason"),
            StoreError::UnknownUser("Ana".into()),
            StoreError::DuplicateUser("Bek".into()),
            StoreError::Locked {
                until: Timestamp(1_679_245_500_000),
            },
            StoreError::ActTooShort { min: 10 },
            StoreError::Io {
                path: db.clone(),
                source: std::io::Error::other("disk full"),
            },
            StoreError::BadBackup {
                path: backup,
                reason: "audit chain broken at 3".into(),
            },
            StoreError::UnknownExport(3),
            StoreError::IntegrityFailed {
                detail: "page 4 is never used".into(),
            },
            StoreError::AuditBroken {
                seq: 12,
                problem: "hash",
            },
            StoreError::FinalNotVouched {
                contest: "majilis-list".into(),
                version: 2,
                line: "L9".into(),
            },
            StoreError::CommissionKeyPinned {
                pinned: "0123456789ABCDEF".into(),
                offered: "FEDCBA9876543210".into(),
            },
        ]
    }

    /// The `{name}` placeholders of a message.
    fn placeholders(message: &str) -> BTreeSet<String> {
        message
            .split('{')
            .skip(1)
            .filter_map(|rest| rest.split_once('}').map(|(name, _)| name.to_owned()))
            .collect()
    }

    #[test]
    fn every_name_a_store_error_message_shows_is_in_its_params() {
        let catalogues = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../ui/src/lib/i18n");
        for language in ["kk", "ru", "en"] {
            let text = std::fs::read_to_string(catalogues.join(format!("{language}.json")))
                .expect("the UI's message catalogue");
            let messages: serde_json::Value = serde_json::from_str(&text).expect("JSON");
            for error in named_errors() {
                let key = format!("error.{}", error.code());
                let message = messages[&key].as_str().unwrap_or_else(|| panic!("{key}"));
                let wanted = placeholders(message);
                assert!(!wanted.is_empty(), "{language} {key} names nothing");
                let params = error.params();
                for name in &wanted {
                    assert!(
                        params
                            .get(name.as_str())
                            .is_some_and(|value| !value.is_empty()),
                        "{language} {key} shows {{{name}}}, which {params:?} lacks"
                    );
                }
            }
        }
    }

    #[test]
    fn a_damaged_database_names_the_newest_backup_to_restore() {
        let newest = PathBuf::from("/data/backups/hattama-000000000012-9.db");
        let older = PathBuf::from("/data/backups/hattama-000000000003-1.db");
        for error in [
            StoreError::Corrupt {
                path: "/data/hattama.db".into(),
                detail: "malformed".into(),
                backups: vec![newest.clone(), older.clone()],
            },
            StoreError::NotHattama {
                path: "/data/hattama.db".into(),
                backups: vec![newest.clone(), older],
            },
        ] {
            let params = error.params();
            assert_eq!(params["path"], "/data/hattama.db");
            assert_eq!(params["backup"], newest.display().to_string());
        }
        let none = StoreError::NotHattama {
            path: "/data/hattama.db".into(),
            backups: Vec::new(),
        };
        assert!(!none.params().contains_key("backup"));
    }
}
