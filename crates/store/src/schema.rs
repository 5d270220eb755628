//! The database schema as versioned migrations, and applying them.
//!
//! `PRAGMA user_version` holds the number of migrations applied. An applied migration is never
//! edited: a change to the schema is a new entry at the end of [`MIGRATIONS`], and the tidy test
//! `applied_migrations_are_unchanged` pins the SHA-256 of each one. Every table is `STRICT`;
//! triggers make the audit log, the value history and everything final append-only, so even a
//! bug in this crate cannot edit them (an outside edit that drops the triggers is caught by
//! `audit verify`).

use rusqlite::Transaction;
use serde_json::json;

use crate::audit::{self, Action};
use crate::error::StoreError;
use crate::types::Timestamp;
use crate::users;

/// `PRAGMA application_id` of a Hattama database: "HTMA" in ASCII. A file without it belongs to
/// another program and is refused.
pub const APPLICATION_ID: i32 = 0x4854_4D41;

/// One schema step.
#[derive(Clone, Copy, Debug)]
pub struct Migration {
    /// The `user_version` after this step.
    pub version: i64,
    /// What it does, in a sentence.
    pub summary: &'static str,
    /// The SQL, run as one batch inside the migration's transaction.
    pub sql: &'static str,
}

/// Every migration, in order. Append only.
pub const MIGRATIONS: &[Migration] = &[
    Migration {
        version: 1,
        summary: "definition, precinct, users, members, protocols, entries, history, reconciliations, acknowledgements, acts, final values, audit log",
        sql: V1,
    },
    Migration {
        version: 2,
        summary: "the device key, signed exports and where each was written",
        sql: V2,
    },
    Migration {
        version: 3,
        summary: "wrong-PIN counters and lockouts per user; the paper number of an act",
        sql: V3,
    },
    Migration {
        version: 4,
        summary: "users join the audit chain: never deleted, removed by a mark, changed only with their audit row",
        sql: V4,
    },
    Migration {
        version: 5,
        summary: "the commission key the operator confirmed against the commission's paper",
        sql: V5,
    },
    Migration {
        version: 6,
        summary: "fewer pages per save: entry values without a rowid, the value history keyed by its audit row",
        sql: V6,
    },
];

/// The schema version this build writes.
pub fn current_version() -> i64 {
    MIGRATIONS.last().map_or(0, |migration| migration.version)
}

/// Applies every migration after `from`, in the caller's transaction, and sets `user_version`.
pub fn migrate(tx: &Transaction<'_>, from: i64) -> Result<(), StoreError> {
    migrate_between(tx, from, current_version())
}

/// Applies the migrations after `from` up to and including `to`, with their steps in Rust, and
/// sets `user_version`: [`migrate`], and tests making a database of an earlier version.
pub fn migrate_between(tx: &Transaction<'_>, from: i64, to: i64) -> Result<(), StoreError> {
    for migration in MIGRATIONS
        .iter()
        .filter(|m| from < m.version && m.version <= to)
    {
        tracing::info!(version = migration.version, "applying migration");
        tx.execute_batch(migration.sql)?;
        if migration.version == 4 {
            vouch_existing_users(tx)?;
        }
        tx.pragma_update(None, "user_version", migration.version)?;
    }
    Ok(())
}

/// Migration 4's step in Rust: the users a database already holds enter the chain in one
/// `users.vouched` row (with their PIN digests), so `audit verify` can compare the table from
/// then on. A database without users gets no row.
fn vouch_existing_users(tx: &Transaction<'_>) -> Result<(), StoreError> {
    let rows = users::rows_for_verify(tx)?;
    if rows.is_empty() {
        return Ok(());
    }
    let listed: Vec<serde_json::Value> = rows
        .iter()
        .map(|(id, name, role, pin, _)| json!({ "id": id, "name": name, "role": role, "pin": pin }))
        .collect();
    audit::append(
        tx,
        Timestamp(0),
        None,
        Action::UsersVouched,
        &json!({ "users": listed }),
    )?;
    Ok(())
}

const V1: &str = r"
CREATE TABLE definition (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    election TEXT NOT NULL,
    hash TEXT NOT NULL,
    bytes BLOB NOT NULL,
    loaded_at INTEGER NOT NULL
) STRICT;

CREATE TABLE precinct (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    region TEXT NOT NULL,
    number INTEGER NOT NULL CHECK (1 <= number),
    set_up_at INTEGER NOT NULL
) STRICT;

CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE CHECK (name <> ''),
    role TEXT NOT NULL CHECK (role IN ('clerk', 'secretary', 'chair')),
    pin_hash TEXT NOT NULL,
    created_at INTEGER NOT NULL
) STRICT;

CREATE TABLE members (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL CHECK (name <> ''),
    position TEXT NOT NULL CHECK (position <> ''),
    added_at INTEGER NOT NULL
) STRICT;

CREATE TABLE protocols (
    id INTEGER PRIMARY KEY,
    contest TEXT NOT NULL,
    version INTEGER NOT NULL CHECK (1 <= version),
    state TEXT NOT NULL CHECK (state IN ('empty', 'first_in_progress', 'first_done',
        'second_in_progress', 'differ', 'agreed', 'final')),
    first_user INTEGER REFERENCES users (id),
    second_user INTEGER REFERENCES users (id),
    reason TEXT,
    started_at INTEGER NOT NULL,
    finalized_by INTEGER REFERENCES users (id),
    finalized_at INTEGER,
    UNIQUE (contest, version)
) STRICT;

CREATE TABLE entry_values (
    protocol INTEGER NOT NULL REFERENCES protocols (id),
    entry INTEGER NOT NULL CHECK (entry IN (1, 2)),
    line TEXT NOT NULL,
    value INTEGER CHECK (value BETWEEN 0 AND 9999999),
    user_id INTEGER NOT NULL REFERENCES users (id),
    saved_at INTEGER NOT NULL,
    audit_seq INTEGER NOT NULL,
    PRIMARY KEY (protocol, entry, line)
) STRICT;

CREATE TABLE value_history (
    id INTEGER PRIMARY KEY,
    protocol INTEGER NOT NULL REFERENCES protocols (id),
    entry INTEGER NOT NULL CHECK (entry IN (1, 2)),
    line TEXT NOT NULL,
    value INTEGER CHECK (value BETWEEN 0 AND 9999999),
    raw TEXT NOT NULL,
    user_id INTEGER NOT NULL REFERENCES users (id),
    saved_at INTEGER NOT NULL,
    audit_seq INTEGER NOT NULL UNIQUE
) STRICT;

CREATE TABLE reconciliations (
    protocol INTEGER NOT NULL REFERENCES protocols (id),
    line TEXT NOT NULL,
    value INTEGER NOT NULL CHECK (value BETWEEN 0 AND 9999999),
    user_id INTEGER NOT NULL REFERENCES users (id),
    settled_at INTEGER NOT NULL,
    audit_seq INTEGER NOT NULL,
    PRIMARY KEY (protocol, line)
) STRICT;

CREATE TABLE acknowledgements (
    protocol INTEGER NOT NULL REFERENCES protocols (id),
    code TEXT NOT NULL,
    user_id INTEGER NOT NULL REFERENCES users (id),
    at INTEGER NOT NULL,
    PRIMARY KEY (protocol, code)
) STRICT;

CREATE TABLE acts (
    id INTEGER PRIMARY KEY,
    protocol INTEGER NOT NULL REFERENCES protocols (id),
    code TEXT NOT NULL,
    text TEXT NOT NULL CHECK (text <> ''),
    user_id INTEGER NOT NULL REFERENCES users (id),
    at INTEGER NOT NULL
) STRICT;

CREATE TABLE final_values (
    protocol INTEGER NOT NULL REFERENCES protocols (id),
    line TEXT NOT NULL,
    value INTEGER NOT NULL CHECK (value BETWEEN 0 AND 9999999),
    PRIMARY KEY (protocol, line)
) STRICT;

CREATE TABLE audit (
    seq INTEGER PRIMARY KEY CHECK (1 <= seq),
    at INTEGER NOT NULL,
    user_id INTEGER,
    action TEXT NOT NULL,
    payload TEXT NOT NULL,
    prev_hash BLOB NOT NULL CHECK (length(prev_hash) = 32),
    hash BLOB NOT NULL CHECK (length(hash) = 32)
) STRICT;

CREATE TABLE audit_head (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    seq INTEGER NOT NULL,
    hash BLOB NOT NULL CHECK (length(hash) = 32)
) STRICT;

INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, zeroblob(32));

CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER audit_head_no_delete BEFORE DELETE ON audit_head
BEGIN SELECT RAISE(ABORT, 'the audit head is never deleted'); END;

CREATE TRIGGER history_no_update BEFORE UPDATE ON value_history
BEGIN SELECT RAISE(ABORT, 'value history is append-only'); END;
CREATE TRIGGER history_no_delete BEFORE DELETE ON value_history
BEGIN SELECT RAISE(ABORT, 'value history is append-only'); END;

CREATE TRIGGER definition_no_update BEFORE UPDATE ON definition
BEGIN SELECT RAISE(ABORT, 'the election definition is never replaced'); END;
CREATE TRIGGER definition_no_delete BEFORE DELETE ON definition
BEGIN SELECT RAISE(ABORT, 'the election definition is never replaced'); END;
CREATE TRIGGER precinct_no_update BEFORE UPDATE ON precinct
BEGIN SELECT RAISE(ABORT, 'the precinct is never replaced'); END;
CREATE TRIGGER precinct_no_delete BEFORE DELETE ON precinct
BEGIN SELECT RAISE(ABORT, 'the precinct is never replaced'); END;

CREATE TRIGGER protocols_final_no_update BEFORE UPDATE ON protocols WHEN OLD.state = 'final'
BEGIN SELECT RAISE(ABORT, 'a final protocol is never edited'); END;
CREATE TRIGGER protocols_no_delete BEFORE DELETE ON protocols
BEGIN SELECT RAISE(ABORT, 'protocols are never deleted'); END;

CREATE TRIGGER entry_values_final_no_insert BEFORE INSERT ON entry_values
WHEN (SELECT state FROM protocols WHERE id = NEW.protocol) = 'final'
BEGIN SELECT RAISE(ABORT, 'a final protocol is never edited'); END;
CREATE TRIGGER entry_values_final_no_update BEFORE UPDATE ON entry_values
WHEN (SELECT state FROM protocols WHERE id = OLD.protocol) = 'final'
BEGIN SELECT RAISE(ABORT, 'a final protocol is never edited'); END;
CREATE TRIGGER entry_values_no_delete BEFORE DELETE ON entry_values
BEGIN SELECT RAISE(ABORT, 'entry values are cleared, never deleted'); END;

CREATE TRIGGER reconciliations_final_no_insert BEFORE INSERT ON reconciliations
WHEN (SELECT state FROM protocols WHERE id = NEW.protocol) = 'final'
BEGIN SELECT RAISE(ABORT, 'a final protocol is never edited'); END;
CREATE TRIGGER reconciliations_final_no_update BEFORE UPDATE ON reconciliations
WHEN (SELECT state FROM protocols WHERE id = OLD.protocol) = 'final'
BEGIN SELECT RAISE(ABORT, 'a final protocol is never edited'); END;
CREATE TRIGGER reconciliations_no_delete BEFORE DELETE ON reconciliations
BEGIN SELECT RAISE(ABORT, 'reconciliations are never deleted'); END;

CREATE TRIGGER acknowledgements_final_no_insert BEFORE INSERT ON acknowledgements
WHEN (SELECT state FROM protocols WHERE id = NEW.protocol) = 'final'
BEGIN SELECT RAISE(ABORT, 'a final protocol is never edited'); END;
CREATE TRIGGER acknowledgements_no_update BEFORE UPDATE ON acknowledgements
BEGIN SELECT RAISE(ABORT, 'acknowledgements are append-only'); END;
CREATE TRIGGER acknowledgements_no_delete BEFORE DELETE ON acknowledgements
BEGIN SELECT RAISE(ABORT, 'acknowledgements are append-only'); END;

CREATE TRIGGER acts_final_no_insert BEFORE INSERT ON acts
WHEN (SELECT state FROM protocols WHERE id = NEW.protocol) = 'final'
BEGIN SELECT RAISE(ABORT, 'a final protocol is never edited'); END;
CREATE TRIGGER acts_no_update BEFORE UPDATE ON acts
BEGIN SELECT RAISE(ABORT, 'acts are append-only'); END;
CREATE TRIGGER acts_no_delete BEFORE DELETE ON acts
BEGIN SELECT RAISE(ABORT, 'acts are append-only'); END;

CREATE TRIGGER final_values_final_no_insert BEFORE INSERT ON final_values
WHEN (SELECT state FROM protocols WHERE id = NEW.protocol) = 'final'
BEGIN SELECT RAISE(ABORT, 'a final protocol is never edited'); END;
CREATE TRIGGER final_values_no_update BEFORE UPDATE ON final_values
BEGIN SELECT RAISE(ABORT, 'final values are never edited'); END;
CREATE TRIGGER final_values_no_delete BEFORE DELETE ON final_values
BEGIN SELECT RAISE(ABORT, 'final values are never edited'); END;
";

const V2: &str = r"
CREATE TABLE device_key (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    key_id TEXT NOT NULL,
    public_key TEXT NOT NULL,
    secret_key TEXT NOT NULL,
    created_at INTEGER NOT NULL
) STRICT;
CREATE TRIGGER device_key_no_update BEFORE UPDATE ON device_key
BEGIN SELECT RAISE(ABORT, 'the device key is never replaced'); END;
CREATE TRIGGER device_key_no_delete BEFORE DELETE ON device_key
BEGIN SELECT RAISE(ABORT, 'the device key is never replaced'); END;

CREATE TABLE exports (
    sequence INTEGER PRIMARY KEY CHECK (1 <= sequence),
    hash TEXT NOT NULL UNIQUE,
    previous TEXT,
    base_name TEXT NOT NULL,
    payload BLOB NOT NULL,
    signature TEXT NOT NULL,
    protocols TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    audit_seq INTEGER NOT NULL
) STRICT;
CREATE TRIGGER exports_no_update BEFORE UPDATE ON exports
BEGIN SELECT RAISE(ABORT, 'exports are never changed'); END;
CREATE TRIGGER exports_no_delete BEFORE DELETE ON exports
BEGIN SELECT RAISE(ABORT, 'exports are never changed'); END;

CREATE TABLE export_writes (
    sequence INTEGER NOT NULL REFERENCES exports (sequence),
    place TEXT NOT NULL,
    at INTEGER NOT NULL
) STRICT;
CREATE TRIGGER export_writes_no_update BEFORE UPDATE ON export_writes
BEGIN SELECT RAISE(ABORT, 'export records are append-only'); END;
CREATE TRIGGER export_writes_no_delete BEFORE DELETE ON export_writes
BEGIN SELECT RAISE(ABORT, 'export records are append-only'); END;
";

const V3: &str = r"
CREATE TABLE pin_attempts (
    user_id INTEGER PRIMARY KEY REFERENCES users (id),
    failures INTEGER NOT NULL CHECK (0 <= failures),
    locks INTEGER NOT NULL CHECK (0 <= locks),
    locked_until INTEGER
) STRICT;

ALTER TABLE acts ADD COLUMN paper_number TEXT;
";

const V4: &str = r"
ALTER TABLE users ADD COLUMN removed_at INTEGER;

CREATE TRIGGER users_no_delete BEFORE DELETE ON users
BEGIN SELECT RAISE(ABORT, 'users are never deleted; removing one marks the row'); END;
CREATE TRIGGER users_fixed BEFORE UPDATE OF id, name, pin_hash, created_at ON users
BEGIN SELECT RAISE(ABORT, 'a user''s name and PIN hash are never changed'); END;
CREATE TRIGGER users_removed_fixed BEFORE UPDATE ON users WHEN OLD.removed_at IS NOT NULL
BEGIN SELECT RAISE(ABORT, 'a removed user is never changed'); END;
CREATE TRIGGER users_change_audited BEFORE UPDATE OF role, removed_at ON users
WHEN NOT EXISTS (
    SELECT 1 FROM audit JOIN audit_head ON audit.seq = audit_head.seq
    WHERE audit.action IN ('user.change', 'user.remove')
      AND json_extract(audit.payload, '$.id') = NEW.id
)
BEGIN SELECT RAISE(ABORT, 'a user changes only together with its audit row'); END;
";

const V5: &str = r"
CREATE TABLE commission_key (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    key_id TEXT NOT NULL,
    public_key TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    pinned_at INTEGER NOT NULL,
    audit_seq INTEGER NOT NULL
) STRICT;
CREATE TRIGGER commission_key_no_update BEFORE UPDATE ON commission_key
BEGIN SELECT RAISE(ABORT, 'the pinned commission key is never replaced'); END;
CREATE TRIGGER commission_key_no_delete BEFORE DELETE ON commission_key
BEGIN SELECT RAISE(ABORT, 'the pinned commission key is never replaced'); END;
";

/// A field save wrote six pages: the audit row, the audit head, `entry_values` and its primary
/// key's separate index, `value_history` and its `audit_seq` index. Here `entry_values` becomes
/// one b-tree (`WITHOUT ROWID`, keyed by its primary key) and `value_history` is keyed by its
/// audit row (`audit_seq` is the rowid; it was unique already, and orders the rows as `id` did),
/// so a save writes four. The rows are copied as they are; each table's triggers are made again
/// as V1 made them (`DROP TABLE` fires no trigger and takes the table's own with it).
const V6: &str = r"
CREATE TABLE entry_values_v6 (
    protocol INTEGER NOT NULL REFERENCES protocols (id),
    entry INTEGER NOT NULL CHECK (entry IN (1, 2)),
    line TEXT NOT NULL,
    value INTEGER CHECK (value BETWEEN 0 AND 9999999),
    user_id INTEGER NOT NULL REFERENCES users (id),
    saved_at INTEGER NOT NULL,
    audit_seq INTEGER NOT NULL,
    PRIMARY KEY (protocol, entry, line)
) STRICT, WITHOUT ROWID;
INSERT INTO entry_values_v6 (protocol, entry, line, value, user_id, saved_at, audit_seq)
SELECT protocol, entry, line, value, user_id, saved_at, audit_seq FROM entry_values;
DROP TABLE entry_values;
ALTER TABLE entry_values_v6 RENAME TO entry_values;

CREATE TRIGGER entry_values_final_no_insert BEFORE INSERT ON entry_values
WHEN (SELECT state FROM protocols WHERE id = NEW.protocol) = 'final'
BEGIN SELECT RAISE(ABORT, 'a final protocol is never edited'); END;
CREATE TRIGGER entry_values_final_no_update BEFORE UPDATE ON entry_values
WHEN (SELECT state FROM protocols WHERE id = OLD.protocol) = 'final'
BEGIN SELECT RAISE(ABORT, 'a final protocol is never edited'); END;
CREATE TRIGGER entry_values_no_delete BEFORE DELETE ON entry_values
BEGIN SELECT RAISE(ABORT, 'entry values are cleared, never deleted'); END;

CREATE TABLE value_history_v6 (
    audit_seq INTEGER PRIMARY KEY,
    protocol INTEGER NOT NULL REFERENCES protocols (id),
    entry INTEGER NOT NULL CHECK (entry IN (1, 2)),
    line TEXT NOT NULL,
    value INTEGER CHECK (value BETWEEN 0 AND 9999999),
    raw TEXT NOT NULL,
    user_id INTEGER NOT NULL REFERENCES users (id),
    saved_at INTEGER NOT NULL
) STRICT;
INSERT INTO value_history_v6 (audit_seq, protocol, entry, line, value, raw, user_id, saved_at)
SELECT audit_seq, protocol, entry, line, value, raw, user_id, saved_at FROM value_history;
DROP TABLE value_history;
ALTER TABLE value_history_v6 RENAME TO value_history;

CREATE TRIGGER history_no_update BEFORE UPDATE ON value_history
BEGIN SELECT RAISE(ABORT, 'value history is append-only'); END;
CREATE TRIGGER history_no_delete BEFORE DELETE ON value_history
BEGIN SELECT RAISE(ABORT, 'value history is append-only'); END;
";

#[cfg(test)]
mod tests {
    use hattama_protocol::definition::sha256_hex;

    use super::*;

    /// SHA-256 of each applied migration's SQL. A migration that has shipped is never edited:
    /// change the schema with a new migration, and add its hash here.
    const APPLIED: &[(i64, &str)] = &[
        (
            1,
            "7b21da6048de0d540a55fea99c3c61499f2bf7d31f51530d18f0ec34a6c88454",
        ),
        (
            2,
            "da7c743dae28879e846c2af4ff3981344ce033de176eabd8a329e79e955483bf",
        ),
        (
            3,
            "39cf950a99bbbd851867fe5a8c3bb9f22f5547d6d8e40bb7bfdda1f76c44f283",
        ),
        (
            4,
            "f314f09301cabb2cce21f91bcc403382ada8814594311dd8ec98ac73fdfbaaf8",
        ),
        (
            5,
            "70453c16daaa3a4fe697640c6c9c53e337d905df07b479b52975bca2dcd475ae",
        ),
        (
            6,
            "91e4033cb686a12069d92b2e941fc634247337791221dead3a0e8a4dba97c786",
        ),
    ];

    #[test]
    fn applied_migrations_are_unchanged() {
        let actual: Vec<(i64, String)> = MIGRATIONS
            .iter()
            .map(|m| (m.version, sha256_hex(m.sql.as_bytes())))
            .collect();
        let pinned: Vec<(i64, String)> = APPLIED
            .iter()
            .map(|(version, hash)| (*version, (*hash).to_owned()))
            .collect();
        assert_eq!(
            actual, pinned,
            "an applied migration changed, or a new one is not pinned yet: never edit an applied \
             migration; append a new one and pin its hash in APPLIED"
        );
    }

    /// Versions start at 1 and only go up. (Versions 3 and 4 are another branch's; once both
    /// are in, the list counts up with no gap again.)
    #[test]
    fn versions_go_up_from_one() {
        assert_eq!(MIGRATIONS.first().map(|m| m.version), Some(1));
        for pair in MIGRATIONS.windows(2) {
            assert!(pair[0].version < pair[1].version, "{pair:?}");
        }
    }
}
