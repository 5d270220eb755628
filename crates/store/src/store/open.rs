//! Opening the database file: refusing anything that is not a sound Hattama database without
//! writing to it, creating a new one crash-safely, migrating an older schema after a backup,
//! and loading the stored setup.

use std::fs::{self, File};
use std::io::Read;
use std::path::Path;
use std::time::Duration;

use rusqlite::config::DbConfig;
use rusqlite::{Connection, ErrorCode, OpenFlags, TransactionBehavior};

use hattama_protocol::builtin;
use hattama_protocol::definition::load_definition;

use super::{Config, Setup, Store};
use crate::audit;
use crate::backup;
use crate::error::StoreError;
use crate::paths::{
    create_private_dir, create_private_file, make_private, parent_dir, with_suffix,
};
use crate::schema::{self, APPLICATION_ID};
use crate::setup;
use crate::types::Timestamp;

impl Store {
    /// Opens the database at `path`, creating it when no file is there.
    ///
    /// An existing file is never replaced or written to unless it is a Hattama database that
    /// passes `PRAGMA quick_check`: anything else is refused with [`StoreError::NotHattama`] or
    /// [`StoreError::Corrupt`], listing the backups. Opening writes nothing unless the schema
    /// needs a migration (a backup is made first).
    pub fn open_with(path: &Path, config: Config) -> Result<Store, StoreError> {
        let _span = tracing::info_span!("open", path = %path.display()).entered();
        match fs::metadata(path) {
            Ok(meta) if meta.is_file() => {}
            Ok(_) => return Err(not_hattama(path)),
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => create(path)?,
            Err(error) => return Err(StoreError::io(path, error)),
        }
        check_header(path)?;
        for file in [
            path.to_owned(),
            with_suffix(path, "-wal"),
            with_suffix(path, "-shm"),
        ] {
            make_private(&file).map_err(|error| StoreError::io(&file, error))?;
        }
        let classify = |error: rusqlite::Error| classify(path, error);
        let conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(classify)?;
        conn.busy_timeout(Duration::from_secs(10))?;
        let application_id: i32 = conn
            .pragma_query_value(None, "application_id", |row| row.get(0))
            .map_err(classify)?;
        if application_id != APPLICATION_ID {
            return Err(not_hattama(path));
        }
        let version: i64 = conn
            .pragma_query_value(None, "user_version", |row| row.get(0))
            .map_err(classify)?;
        if schema::current_version() < version {
            return Err(StoreError::TooNew {
                found: version,
                supported: schema::current_version(),
            });
        }
        let problems = pragma_check(&conn, "quick_check").map_err(classify)?;
        if !problems.is_empty() {
            return Err(StoreError::Corrupt {
                path: path.to_owned(),
                detail: problems.join("; "),
                backups: backup::list(path),
            });
        }
        let journal: String = conn
            .pragma_query_value(None, "journal_mode", |row| row.get(0))
            .map_err(classify)?;
        if !journal.eq_ignore_ascii_case("wal") {
            // Only files not made by `create` (a restored backup) get here.
            let _: String = conn.query_row("PRAGMA journal_mode = WAL", [], |row| row.get(0))?;
        }
        conn.pragma_update(None, "synchronous", "FULL")?;
        conn.pragma_update(None, "foreign_keys", true)?;
        // A cached statement keeps its plan: without this, SQLite marks `column = ?` as worth
        // re-planning for each new value, and rusqlite clears the bindings of every statement it
        // puts back in its cache, so each such query was parsed again on every use.
        conn.set_db_config(DbConfig::SQLITE_DBCONFIG_ENABLE_QPSG, true)?;
        let mut store = Store {
            conn,
            path: path.to_owned(),
            config,
            setup: None,
        };
        if version < schema::current_version() {
            tracing::info!(from = version, "migrating");
            if 0 < version {
                let (seq, _) = audit::head(&store.conn)?;
                backup::create(
                    &store.conn,
                    path,
                    seq,
                    Timestamp(0),
                    store.config.backups_kept,
                )?;
            }
            let tx = store
                .conn
                .transaction_with_behavior(TransactionBehavior::Immediate)?;
            schema::migrate(&tx, version)?;
            tx.commit()?;
        }
        store.setup = load_setup(&store.conn)?;
        Ok(store)
    }
}

fn load_setup(conn: &Connection) -> Result<Option<Setup>, StoreError> {
    let Some((stored, precinct)) = setup::load(conn)? else {
        return Ok(None);
    };
    let definition = load_definition(&stored.bytes, builtin::templates()).map_err(|error| {
        StoreError::Inconsistent(format!("the stored definition no longer loads: {error}"))
    })?;
    if definition.hash != stored.hash {
        return Err(StoreError::Inconsistent(
            "the stored definition does not match its recorded hash".into(),
        ));
    }
    Ok(Some(Setup {
        definition,
        precinct,
    }))
}

/// Runs `quick_check` or `integrity_check`; the problems, none when sound.
pub(super) fn pragma_check(conn: &Connection, pragma: &str) -> rusqlite::Result<Vec<String>> {
    let mut stmt = conn.prepare(&format!("PRAGMA {pragma}"))?;
    let rows = stmt.query_map([], |row| row.get::<_, String>(0))?;
    let lines: Vec<String> = rows.collect::<Result<_, _>>()?;
    if lines.len() == 1 && lines[0] == "ok" {
        return Ok(Vec::new());
    }
    Ok(lines)
}

fn not_hattama(path: &Path) -> StoreError {
    StoreError::NotHattama {
        path: path.to_owned(),
        backups: backup::list(path),
    }
}

/// Damage SQLite reports while reading becomes [`StoreError::Corrupt`]; anything else stays an
/// SQLite error.
fn classify(path: &Path, error: rusqlite::Error) -> StoreError {
    match error.sqlite_error_code() {
        Some(ErrorCode::NotADatabase | ErrorCode::DatabaseCorrupt) => StoreError::Corrupt {
            path: path.to_owned(),
            detail: error.to_string(),
            backups: backup::list(path),
        },
        _ => StoreError::Sqlite(error),
    }
}

/// Refuses a file that does not start with the SQLite header (empty, another program's, random
/// bytes) before SQLite touches it.
fn check_header(path: &Path) -> Result<(), StoreError> {
    const HEADER: &[u8; 16] = b"SQLite format 3\0";
    let read = File::open(path).and_then(|file| {
        let mut start = Vec::with_capacity(HEADER.len());
        file.take(16).read_to_end(&mut start)?;
        Ok(start)
    });
    match read {
        Ok(start) if start == HEADER => Ok(()),
        Ok(_) => Err(not_hattama(path)),
        Err(error) => Err(StoreError::io(path, error)),
    }
}

/// Creates a new database at `path`: built under a temporary name, complete with schema and
/// application id, fsynced, then linked into place (never over an existing file) and the folder
/// fsynced. A crash leaves either no file at `path` or a complete one.
fn create(path: &Path) -> Result<(), StoreError> {
    let dir = parent_dir(path);
    create_private_dir(&dir).map_err(|error| StoreError::io(&dir, error))?;
    let staging = with_suffix(path, ".creating");
    for stale in [
        staging.clone(),
        with_suffix(&staging, "-wal"),
        with_suffix(&staging, "-shm"),
        with_suffix(&staging, "-journal"),
    ] {
        if stale.exists() {
            fs::remove_file(&stale).map_err(|error| StoreError::io(&stale, error))?;
        }
    }
    // Made 0600 before SQLite opens it; SQLite gives the -wal and -shm the same mode.
    create_private_file(&staging).map_err(|error| StoreError::io(&staging, error))?;
    let mut conn = Connection::open(&staging)?;
    let _: String = conn.query_row("PRAGMA journal_mode = WAL", [], |row| row.get(0))?;
    conn.pragma_update(None, "synchronous", "FULL")?;
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    tx.pragma_update(None, "application_id", APPLICATION_ID)?;
    schema::migrate(&tx, 0)?;
    tx.commit()?;
    let _: (i64, i64, i64) = conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |row| {
        Ok((row.get(0)?, row.get(1)?, row.get(2)?))
    })?;
    // The last connection's close removes the checkpointed write-ahead log.
    conn.close().map_err(|(_, error)| StoreError::from(error))?;
    // Every connection to the staging file is closed: Windows removes no file that is open.
    hattama_durable::sync_file(&staging).map_err(|error| StoreError::io(&staging, error))?;
    // A link never replaces a file: one made at `path` meanwhile is refused, not overwritten.
    fs::hard_link(&staging, path).map_err(|error| StoreError::io(path, error))?;
    fs::remove_file(&staging).map_err(|error| StoreError::io(&staging, error))?;
    backup::sync_dir(&dir)?;
    tracing::info!(path = %path.display(), "database created");
    Ok(())
}

#[cfg(test)]
mod tests {
    use rusqlite::{OptionalExtension, StatementStatus};

    use super::*;

    /// A cached query with `column = ?` keeps its plan when bound to new values. Without the
    /// query planner stability guarantee each use parsed and planned the query again, a third of
    /// a field save's CPU time.
    #[test]
    fn cached_statements_are_not_prepared_again() {
        let dir = tempfile::tempdir().expect("temp dir");
        let store = Store::open(&dir.path().join("hattama.db")).expect("open");
        let sql = "SELECT version FROM protocols WHERE contest = ?1 ORDER BY version DESC LIMIT 1";
        for contest in ["a", "b", "a", "c"] {
            let found: Option<i64> = store
                .conn
                .prepare_cached(sql)
                .expect("prepare")
                .query_row([contest], |row| row.get(0))
                .optional()
                .expect("query");
            assert_eq!(found, None);
        }
        let stmt = store.conn.prepare_cached(sql).expect("prepare");
        assert_eq!(stmt.get_status(StatementStatus::Run), 4);
        assert_eq!(stmt.get_status(StatementStatus::RePrepare), 0);
    }
}
