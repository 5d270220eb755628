//! Making writes durable, once for every platform: flushing a file, a folder and a whole file
//! system, and replacing a file by a rename. The store (the database, its backups) and the batch
//! writer (the files on a USB stick) both call these, so the rules of each platform live here
//! only.
//!
//! The platforms differ in what can be flushed and with which access:
//!
//! - **Linux and other Unix systems** ([`unix`]): `fsync` works on any open descriptor, including a
//!   read-only one and a folder's; a folder's `fsync` makes the names in it (a rename, a link, a
//!   removal) durable; `syncfs` flushes the file system holding a folder.
//! - **Windows** (`windows`): `FlushFileBuffers` needs a handle opened for writing (a read-only
//!   handle gives "Access denied", os error 5); a folder opens only with
//!   `FILE_FLAG_BACKUP_SEMANTICS`; flushing a volume needs administrator rights; a file that is
//!   open cannot be renamed, replaced or removed. A file's directory entry (its name after a
//!   rename) is written when the file itself is flushed: NTFS writes its log, FAT its directory
//!   entry. So [`replace`] flushes the renamed file, which is what `MoveFileExW`'s
//!   `MOVEFILE_WRITE_THROUGH` does, and [`sync_dir`] and [`sync_file_system`] do what the rights
//!   allow (see `docs/batch-format.md`, "Crash safety on Windows").
//!
//! This crate does not write or open files for anyone: callers close every handle of their own
//! before they ask for a rename, as Windows requires.

#![warn(missing_docs)]

#[cfg(unix)]
mod unix;
#[cfg(unix)]
use crate::unix as platform;

#[cfg(windows)]
mod windows;
#[cfg(windows)]
use crate::windows as platform;

use std::io;
use std::path::Path;

/// Flushes the data and metadata of the file at `path` to the device. No other handle of the
/// caller's need be closed, but the file must be writable on Windows.
pub fn sync_file(path: &Path) -> io::Result<()> {
    platform::sync_file(path)
}

/// Flushes the entries of the folder `dir` (a rename, a new link, a removal in it) to the device,
/// as far as the platform can (on Windows the renamed files are flushed themselves by
/// [`replace`]).
pub fn sync_dir(dir: &Path) -> io::Result<()> {
    platform::sync_dir(dir)
}

/// Flushes the whole file system (volume) holding the folder `dir`, as far as the rights allow:
/// on Windows flushing a volume needs administrator rights, and without them only what
/// [`sync_file`] and [`replace`] flushed is known to be on the device.
pub fn sync_file_system(dir: &Path) -> io::Result<()> {
    platform::sync_file_system(dir)
}

/// Renames `from` to `to` in one folder, replacing `to` if it exists, atomically (a reader sees
/// the old file or the new one, never a mix), and, on Windows, flushes the renamed file so that
/// its new name is on the device when this returns. Neither file may be open anywhere.
pub fn replace(from: &Path, to: &Path) -> io::Result<()> {
    platform::replace(from, to)
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::{replace, sync_dir, sync_file, sync_file_system};

    fn write(path: &Path, text: &str) {
        std::fs::write(path, text).unwrap();
    }

    #[test]
    fn replace_puts_the_new_file_under_the_old_name_durably() {
        let dir = tempfile::tempdir().unwrap();
        let old = dir.path().join("batch.json");
        let new = dir.path().join("batch.json.tmp");
        write(&old, "old");
        write(&new, "new");
        sync_file(&new).unwrap();
        replace(&new, &old).unwrap();
        sync_dir(dir.path()).unwrap();
        sync_file_system(dir.path()).unwrap();
        assert_eq!(std::fs::read_to_string(&old).unwrap(), "new");
        assert!(!new.exists());
    }

    #[test]
    fn replace_onto_a_new_name_creates_it() {
        let dir = tempfile::tempdir().unwrap();
        let from = dir.path().join("a.tmp");
        let to = dir.path().join("a");
        write(&from, "bytes");
        replace(&from, &to).unwrap();
        assert_eq!(std::fs::read(&to).unwrap(), b"bytes");
    }

    #[test]
    fn a_missing_file_is_reported_not_created() {
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("missing");
        let error = sync_file(&missing).unwrap_err();
        assert_eq!(error.kind(), std::io::ErrorKind::NotFound);
        assert!(!missing.exists());
        let error = replace(&missing, &dir.path().join("to")).unwrap_err();
        assert_eq!(error.kind(), std::io::ErrorKind::NotFound);
    }
}
