//! Opening a file from a drive on Unix: `O_NOFOLLOW | O_NONBLOCK`, and the special file kinds
//! (FIFOs, sockets, devices) a Unix file system can hold.

use std::fs::File;
use std::os::unix::fs::FileTypeExt;
use std::path::Path;

use rustix::fs::{Mode, OFlags};

use crate::read::FileKind;

/// What a name that is neither a regular file, a link nor a folder is.
pub(crate) fn special_kind(file_type: std::fs::FileType) -> FileKind {
    if file_type.is_fifo() {
        FileKind::Fifo
    } else if file_type.is_socket() {
        FileKind::Socket
    } else if file_type.is_char_device() {
        FileKind::CharDevice
    } else if file_type.is_block_device() {
        FileKind::BlockDevice
    } else {
        FileKind::Other
    }
}

/// Opens `path` for reading without following a link and without blocking on a FIFO.
pub(crate) fn open_no_follow(path: &Path) -> std::io::Result<File> {
    let fd = rustix::fs::open(
        path,
        OFlags::RDONLY | OFlags::NOFOLLOW | OFlags::NONBLOCK | OFlags::CLOEXEC | OFlags::NOCTTY,
        Mode::empty(),
    )?;
    Ok(File::from(fd))
}

/// Whether the open failed because the name is a link (`ELOOP` under `O_NOFOLLOW`).
pub(crate) fn is_link_refused(error: &std::io::Error) -> bool {
    error.raw_os_error() == Some(rustix::io::Errno::LOOP.raw_os_error())
}
