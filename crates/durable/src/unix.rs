//! Linux and other Unix systems: `fsync` on any descriptor, a folder's included, and `syncfs`.

use std::fs::File;
use std::io;
use std::path::Path;

pub(crate) fn sync_file(path: &Path) -> io::Result<()> {
    File::open(path)?.sync_all()
}

pub(crate) fn sync_dir(dir: &Path) -> io::Result<()> {
    File::open(dir)?.sync_all()
}

pub(crate) fn sync_file_system(dir: &Path) -> io::Result<()> {
    let folder = File::open(dir)?;
    rustix::fs::syncfs(&folder).map_err(io::Error::from)
}

pub(crate) fn replace(from: &Path, to: &Path) -> io::Result<()> {
    // rename(2) replaces `to` atomically; the caller makes it durable with `sync_dir`.
    std::fs::rename(from, to)
}
