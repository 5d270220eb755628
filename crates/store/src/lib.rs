//! Hattama's durable local store: one SQLite file per installation holding the election
//! definition, the precinct, users, and every protocol's two entries, reconciliation, findings
//! decisions and final versions, with a hash-chained audit log of every change.
//!
//! Durability: WAL with `synchronous=FULL`, one `BEGIN IMMEDIATE` transaction per user action
//! (a field save is one), and the audit row in the same transaction as the change. A value whose
//! save returned `Ok` survives a power cut; the crash test kills a writer with SIGKILL hundreds
//! of times to show it (`HATTAMA_CRASH_KILLS=1000 cargo test -p hattama-store --test crash` for
//! the long run).
//!
//! What a save costs: one `fsync` of the WAL (4 frames: the audit row, the audit head, the
//! entry value and the history row). Every 1000 frames the save that crosses them also runs
//! SQLite's checkpoint (an `fsync` of the WAL and one of the database), and the next save,
//! which restarts the WAL from its start, one `fsync` of the WAL header; the file keeps its size,
//! so it grows only in a session's first 1000 frames. The connection sets the query planner
//! stability guarantee (`SQLITE_DBCONFIG_ENABLE_QPSG`), so a cached statement keeps its plan
//! instead of being parsed again for each new bound value; it changes nothing that reaches the
//! disk.
//! `cargo bench -p hattama-store --bench save` measures a save beside the `fsync` floor.
//!
//! Judging numbers is not this crate's job: it parses typed text with
//! [`hattama_protocol::Count::parse`], finds lines with `Template::slot`, checks with
//! `hattama_protocol::check` and compares entries with `check::compare`. Which rules block
//! finalizing comes from each rule's severity in the template.
//!
//! ```
//! use hattama_store::{EntryNo, FirstChair, Role, Store, Timestamp};
//! use hattama_protocol::{PrecinctId, builtin};
//!
//! # fn main() -> Result<(), hattama_store::StoreError> {
//! let mut store = Store::open(std::path::Path::new("hattama.db"))?;
//! let now = Timestamp(1_679_245_200_000);
//! let precinct = PrecinctId { region: "abai".into(), number: 1 };
//! let first = FirstChair { name: "Dana", pin: "590417" };
//! let chair = store.setup_precinct(builtin::DEMO_JSON, &precinct, &first, now)?;
//! store.add_user(&chair, "Ana", Role::Clerk, "402917", None, now)?;
//! let ana = store.sign_in("Ana", "402917", now)?;
//! let saved = store.save_value(&ana, "majilis-list", EntryNo::First, "L1", "1203", now)?;
//! assert_eq!(saved.value.map(|count| count.get()), Some(1203));
//! # Ok(())
//! # }
//! ```
//!
//! Modules: [`state`] is the pure entry state machine; [`audit`] the hash chain and its check;
//! [`backup`] backups and restore; [`schema`] the migrations; the other modules are one per
//! table, with free functions over a `rusqlite` connection or transaction.

#![warn(missing_docs)]

pub mod audit;
pub mod backup;
pub mod commission_key;
pub mod device_key;
mod error;
pub mod exports;
pub mod finals;
pub mod paths;
pub mod permissions;
pub mod pin_attempts;
pub mod protocols;
pub mod receiver;
pub mod review;
pub mod schema;
pub mod setup;
pub mod state;
mod store;
mod types;
pub mod users;
pub mod values;

pub use audit::{Action, AuditChain, AuditEntry, AuditReport, AuditViewRow, Break, BreakKind};
pub use backup::{Restored, restore};
pub use commission_key::{CommissionKey, PinnedKey};
pub use device_key::StoredKey;
pub use error::StoreError;
pub use exports::ExportRow;
pub use paths::{DB_ENV, db_path};
pub use permissions::Permission;
pub use review::Act;
pub use state::{Phase, State, TransitionError};
pub use store::export::FinalProtocol;
pub use store::{
    ACT_MIN_CHARS, Config, Difference, Finalized, FirstChair, LineValue, Matched, ProtocolStatus,
    Reconciled, Review, SavedField, Store, TypedField,
};
pub use types::{EntryNo, Role, Session, Timestamp, UserId};
pub use users::{Member, PIN_COST, PinCost, User};
pub use values::HistoryRow;
