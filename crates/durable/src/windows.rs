//! Windows: `FlushFileBuffers` (std's `sync_all`) on handles opened for writing, folders opened
//! with `FILE_FLAG_BACKUP_SEMANTICS`, and the volume flushed only where the rights allow.
//!
//! Everything here goes through the standard library (`OpenOptionsExt::custom_flags`,
//! `File::sync_all`, `fs::rename`); the workspace forbids `unsafe`, so no Win32 function is
//! called directly. `fs::rename` is `MoveFileExW` with `MOVEFILE_REPLACE_EXISTING` (or, where the
//! file system supports it, the same rename by handle with POSIX semantics); the write-through
//! part of `MOVEFILE_WRITE_THROUGH` is the flush of the renamed file in [`replace`].

use std::fs::OpenOptions;
use std::io;
use std::os::windows::fs::OpenOptionsExt;
use std::path::{Component, Path, Prefix};

/// `FILE_FLAG_BACKUP_SEMANTICS` from the Windows SDK's `winbase.h`: without it a folder cannot be
/// opened at all.
const FILE_FLAG_BACKUP_SEMANTICS: u32 = 0x0200_0000;

pub(crate) fn sync_file(path: &Path) -> io::Result<()> {
    // FlushFileBuffers refuses a handle without write access ("Access denied", os error 5).
    OpenOptions::new().write(true).open(path)?.sync_all()
}

pub(crate) fn sync_dir(dir: &Path) -> io::Result<()> {
    let folder = OpenOptions::new()
        .write(true)
        .custom_flags(FILE_FLAG_BACKUP_SEMANTICS)
        .open(dir);
    match folder {
        Ok(folder) => match folder.sync_all() {
            Ok(()) => Ok(()),
            // A file system (or Wine) that cannot flush a folder handle: the entries that matter
            // were written by flushing the renamed files themselves (`replace`).
            Err(error) if cannot_flush_folder(&error) => Ok(()),
            Err(error) => Err(error),
        },
        Err(error) if cannot_flush_folder(&error) => Ok(()),
        Err(error) => Err(error),
    }
}

pub(crate) fn sync_file_system(dir: &Path) -> io::Result<()> {
    let Some(volume) = volume_of(dir) else {
        // A network share: its server decides when its disk is written.
        return Ok(());
    };
    match OpenOptions::new().write(true).open(&volume) {
        Ok(handle) => handle.sync_all(),
        // Opening a volume for writing needs administrator rights; a commission's account
        // usually has none. Each file was flushed on its own before this step.
        Err(error) if error.kind() == io::ErrorKind::PermissionDenied => Ok(()),
        Err(error) if cannot_flush_folder(&error) => Ok(()),
        Err(error) => Err(error),
    }
}

pub(crate) fn replace(from: &Path, to: &Path) -> io::Result<()> {
    std::fs::rename(from, to)?;
    // What MOVEFILE_WRITE_THROUGH promises: the file under its new name is on the device.
    sync_file(to)
}

/// The volume device (`\\.\E:`) of a path on a lettered drive, `None` for anything else.
fn volume_of(dir: &Path) -> Option<String> {
    let absolute = std::path::absolute(dir).ok()?;
    let letter = match absolute.components().next()? {
        Component::Prefix(prefix) => match prefix.kind() {
            Prefix::Disk(letter) | Prefix::VerbatimDisk(letter) => letter,
            _ => return None,
        },
        _ => return None,
    };
    Some(format!(r"\\.\{}:", char::from(letter)))
}

/// Errors that say "this handle cannot be flushed here", not "the device failed":
/// `ERROR_ACCESS_DENIED` (5), `ERROR_INVALID_FUNCTION` (1) and `ERROR_INVALID_PARAMETER` (87).
fn cannot_flush_folder(error: &io::Error) -> bool {
    matches!(error.raw_os_error(), Some(1 | 5 | 87))
}
