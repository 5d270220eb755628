//! The drive writer's file calls on Windows: a file is created with `CREATE_NEW` (which fails on
//! any name already there, a link included), and every other open uses
//! `FILE_FLAG_OPEN_REPARSE_POINT`, so a symbolic link or junction is opened as itself and then
//! refused by its type instead of being followed. Flushing follows `hattama_durable`'s rules
//! (a handle opened for writing; a folder or volume only where the rights allow).

use std::fs::{File, OpenOptions};
use std::io;
use std::os::windows::fs::OpenOptionsExt;
use std::path::Path;

/// `FILE_FLAG_OPEN_REPARSE_POINT` from the Windows SDK's `winbase.h`.
const FILE_FLAG_OPEN_REPARSE_POINT: u32 = 0x0020_0000;

/// Refuses a handle that turned out to be a link (opened as itself).
fn not_a_link(file: File, path: &Path) -> io::Result<File> {
    if file.metadata()?.file_type().is_symlink() {
        return Err(io::Error::other(format!(
            "{} is a symbolic link",
            path.display()
        )));
    }
    Ok(file)
}

/// Refuses `path` if it is a link, without following it.
fn refuse_link(path: &Path) -> io::Result<()> {
    if std::fs::symlink_metadata(path)?.file_type().is_symlink() {
        return Err(io::Error::other(format!(
            "{} is a symbolic link",
            path.display()
        )));
    }
    Ok(())
}

/// Creates `path`, which must not exist, for writing.
pub(super) fn create_new(path: &Path) -> io::Result<File> {
    OpenOptions::new()
        .write(true)
        .create_new(true)
        .custom_flags(FILE_FLAG_OPEN_REPARSE_POINT)
        .open(path)
}

/// Opens `path` for reading; a link is opened as itself and refused.
pub(super) fn open_read(path: &Path) -> io::Result<File> {
    let file = OpenOptions::new()
        .read(true)
        .custom_flags(FILE_FLAG_OPEN_REPARSE_POINT)
        .open(path)?;
    not_a_link(file, path)
}

/// Flushes the file at `path` (`FlushFileBuffers` needs a handle opened for writing).
pub(super) fn sync_file(path: &Path) -> io::Result<()> {
    refuse_link(path)?;
    hattama_durable::sync_file(path)
}

/// Flushes the folder's entries, as far as Windows allows.
pub(super) fn sync_dir(dir: &Path) -> io::Result<()> {
    refuse_link(dir)?;
    hattama_durable::sync_dir(dir)
}

/// Flushes the volume holding `dir`, as far as the rights allow.
pub(super) fn sync_file_system(dir: &Path) -> io::Result<()> {
    refuse_link(dir)?;
    hattama_durable::sync_file_system(dir)
}
