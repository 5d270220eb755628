//! Opening a file from a drive on Windows: `FILE_FLAG_OPEN_REPARSE_POINT`, so a symbolic link or
//! a junction is opened as itself, never followed; the check on the open handle then sees a link
//! and refuses it. Windows file systems hold no FIFOs or device nodes (named pipes and devices
//! live in their own namespaces, `\\.\pipe\` and `\\.\`), so nothing opened here can block.

use std::fs::{File, OpenOptions};
use std::os::windows::fs::OpenOptionsExt;
use std::path::Path;

use crate::read::FileKind;

/// `FILE_FLAG_OPEN_REPARSE_POINT` from the Windows SDK's `winbase.h`.
const FILE_FLAG_OPEN_REPARSE_POINT: u32 = 0x0020_0000;

/// What a name that is neither a regular file, a link nor a folder is.
pub(crate) fn special_kind(_file_type: std::fs::FileType) -> FileKind {
    FileKind::Other
}

/// Opens `path` for reading; a link is opened as itself.
pub(crate) fn open_no_follow(path: &Path) -> std::io::Result<File> {
    OpenOptions::new()
        .read(true)
        .custom_flags(FILE_FLAG_OPEN_REPARSE_POINT)
        .open(path)
}

/// A link is never refused by the open itself here: it is opened, and refused by its type.
pub(crate) fn is_link_refused(_error: &std::io::Error) -> bool {
    false
}
