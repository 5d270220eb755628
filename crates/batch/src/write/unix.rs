//! The drive writer's file calls on Unix: every open with `O_NOFOLLOW`, so a link planted on a
//! stick is never followed (`ELOOP`), and `syncfs` on the folder for the whole file system.

use std::fs::File;
use std::io;
use std::path::Path;

use rustix::fs::{Mode, OFlags};

/// Opens `path` with `flags` and `O_NOFOLLOW`: a link at its last component is refused (ELOOP).
fn open_nofollow(path: &Path, flags: OFlags) -> io::Result<File> {
    // Files a batch or a document creates are readable by all (0644, less the umask): they are
    // meant to be read by the commission.
    let mode = Mode::RUSR | Mode::WUSR | Mode::RGRP | Mode::ROTH;
    let fd = rustix::fs::open(
        path,
        flags | OFlags::NOFOLLOW | OFlags::CLOEXEC | OFlags::NOCTTY,
        mode,
    )?;
    Ok(File::from(fd))
}

/// Creates `path`, which must not exist (`O_CREAT | O_EXCL`), for writing.
pub(super) fn create_new(path: &Path) -> io::Result<File> {
    open_nofollow(path, OFlags::WRONLY | OFlags::CREATE | OFlags::EXCL)
}

/// Opens `path` for reading.
pub(super) fn open_read(path: &Path) -> io::Result<File> {
    open_nofollow(path, OFlags::RDONLY)
}

/// Flushes the file at `path` (a read-only descriptor is enough on Unix).
pub(super) fn sync_file(path: &Path) -> io::Result<()> {
    open_nofollow(path, OFlags::RDONLY)?.sync_all()
}

/// Flushes the folder's entries.
pub(super) fn sync_dir(dir: &Path) -> io::Result<()> {
    open_nofollow(dir, OFlags::RDONLY | OFlags::DIRECTORY)?.sync_all()
}

/// Flushes the whole file system holding `dir`.
pub(super) fn sync_file_system(dir: &Path) -> io::Result<()> {
    let folder = open_nofollow(dir, OFlags::RDONLY | OFlags::DIRECTORY)?;
    rustix::fs::syncfs(&folder).map_err(io::Error::from)
}
