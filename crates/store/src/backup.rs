//! Backups: a consistent copy of the database (`VACUUM INTO`) in the `backups` folder beside it,
//! made after every finalize, the newest [`Config::backups_kept`](crate::Config) kept; and
//! restoring one.
//!
//! A backup is written under a temporary name, fsynced, renamed and its folder fsynced, so a
//! crash never leaves a partial file under a backup's name. Names are
//! `hattama-<audit seq, 12 digits>-<unix ms>.db`, so they sort oldest first by name.

use std::fs;
use std::path::{Path, PathBuf};

use rusqlite::Connection;

use crate::error::StoreError;
use crate::paths::{backups_dir, create_private_dir, create_private_file, parent_dir, with_suffix};
use crate::types::Timestamp;

const PREFIX: &str = "hattama-";
const SUFFIX: &str = ".db";

/// Fsyncs a folder, so a rename in it is durable (on Windows, as far as the platform can:
/// `hattama_durable::sync_dir`).
pub fn sync_dir(dir: &Path) -> Result<(), StoreError> {
    hattama_durable::sync_dir(dir).map_err(|error| StoreError::io(dir, error))
}

/// Writes a backup of `conn` (whose file is `db`) as of audit row `seq`; keeps the newest `keep`.
pub fn create(
    conn: &Connection,
    db: &Path,
    seq: i64,
    now: Timestamp,
    keep: usize,
) -> Result<PathBuf, StoreError> {
    let dir = backups_dir(db);
    create_private_dir(&dir).map_err(|error| StoreError::io(&dir, error))?;
    let name = format!("{PREFIX}{seq:012}-{}{SUFFIX}", now.0);
    let path = dir.join(&name);
    let partial = dir.join(format!("{name}.partial"));
    if partial.exists() {
        fs::remove_file(&partial).map_err(|error| StoreError::io(&partial, error))?;
    }
    // An empty file made 0600 first: `VACUUM INTO` fills it without changing its mode.
    create_private_file(&partial).map_err(|error| StoreError::io(&partial, error))?;
    let target = partial
        .to_str()
        .ok_or_else(|| StoreError::io(&partial, std::io::Error::other("path is not UTF-8")))?;
    conn.execute("VACUUM INTO ?1", [target])?;
    hattama_durable::sync_file(&partial).map_err(|error| StoreError::io(&partial, error))?;
    hattama_durable::replace(&partial, &path).map_err(|error| StoreError::io(&path, error))?;
    sync_dir(&dir)?;
    prune(&dir, keep)?;
    tracing::info!(backup = %path.display(), "backup written");
    Ok(path)
}

/// The backups of the database at `db`, newest first.
pub fn list(db: &Path) -> Vec<PathBuf> {
    list_in(&backups_dir(db))
}

fn list_in(dir: &Path) -> Vec<PathBuf> {
    let Ok(read) = fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut names: Vec<String> = read
        .filter_map(Result::ok)
        .filter_map(|entry| entry.file_name().into_string().ok())
        .filter(|name| name.starts_with(PREFIX) && name.ends_with(SUFFIX))
        .collect();
    names.sort_unstable_by(|a, b| b.cmp(a));
    names.into_iter().map(|name| dir.join(name)).collect()
}

fn prune(dir: &Path, keep: usize) -> Result<(), StoreError> {
    for old in list_in(dir).into_iter().skip(keep.max(1)) {
        fs::remove_file(&old).map_err(|error| StoreError::io(&old, error))?;
    }
    Ok(())
}

/// What [`restore`] did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Restored {
    /// The backup copied into place.
    pub from: PathBuf,
    /// Where the replaced file (and its `-wal` and `-shm`, if any) were moved, kept for inspection.
    pub moved_aside: Vec<PathBuf>,
}

/// Puts the backup `backup` in place of the database at `db`. The backup is first copied beside
/// `db` and checked (it must open as a Hattama database, pass `integrity_check` and verify its
/// audit chain); only then is the current file, with its `-wal` and `-shm`, moved aside to
/// `<name>.replaced-<unix ms>` and the copy renamed into place. Data entered after the backup was
/// made is not in it: the caller must say so.
pub fn restore(backup: &Path, db: &Path, now: Timestamp) -> Result<Restored, StoreError> {
    let bad = |reason: String| StoreError::BadBackup {
        path: backup.to_owned(),
        reason,
    };
    let staging = with_suffix(db, ".restoring");
    for stale in [
        staging.clone(),
        with_suffix(&staging, "-wal"),
        with_suffix(&staging, "-shm"),
    ] {
        if stale.exists() {
            fs::remove_file(&stale).map_err(|error| StoreError::io(&stale, error))?;
        }
    }
    create_private_file(&staging).map_err(|error| StoreError::io(&staging, error))?;
    let copied = fs::read(backup).and_then(|bytes| fs::write(&staging, bytes));
    copied.map_err(|error| StoreError::io(backup, error))?;
    hattama_durable::sync_file(&staging).map_err(|error| StoreError::io(&staging, error))?;
    {
        let store = crate::Store::open(&staging).map_err(|error| bad(error.to_string()))?;
        let problems = store
            .integrity_check()
            .map_err(|error| bad(error.to_string()))?;
        if !problems.is_empty() {
            return Err(bad(problems.join("; ")));
        }
        let report = store
            .verify_audit()
            .map_err(|error| bad(error.to_string()))?;
        if let Some(broken) = report.broken {
            return Err(bad(format!("audit chain broken at {}", broken.seq)));
        }
        store.close()?;
    }
    let mut moved_aside = Vec::new();
    for suffix in ["", "-wal", "-shm"] {
        let current = with_suffix(db, suffix);
        if current.exists() {
            let aside = with_suffix(db, &format!(".replaced-{}{suffix}", now.0));
            fs::rename(&current, &aside).map_err(|error| StoreError::io(&current, error))?;
            moved_aside.push(aside);
        }
    }
    hattama_durable::replace(&staging, db).map_err(|error| StoreError::io(db, error))?;
    sync_dir(&parent_dir(db))?;
    tracing::info!(from = %backup.display(), db = %db.display(), "backup restored");
    Ok(Restored {
        from: backup.to_owned(),
        moved_aside,
    })
}
