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

#[cfg(test)]
mod tests {
    use std::os::fd::AsFd;
    use std::time::Duration;

    use rustix::io::FdFlags;

    use super::{is_link_refused, open_no_follow};

    #[test]
    fn a_link_swapped_in_before_the_open_is_refused_as_a_link() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("batch.json");
        std::fs::write(&file, b"{}").unwrap();
        let link = dir.path().join("link.json");
        std::os::unix::fs::symlink(&file, &link).unwrap();
        let error = open_no_follow(&link).unwrap_err();
        assert!(is_link_refused(&error), "{error}");
        let missing = open_no_follow(&dir.path().join("gone.json")).unwrap_err();
        assert!(!is_link_refused(&missing), "{missing}");
    }

    #[test]
    fn a_fifo_swapped_in_before_the_open_does_not_block_it() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("batch.json");
        let made = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap();
        assert!(made.success());
        // With no writer, a blocking open would wait for one for ever.
        let (sent, answer) = std::sync::mpsc::channel();
        std::thread::spawn(move || sent.send(open_no_follow(&fifo).is_ok()).unwrap());
        assert_eq!(answer.recv_timeout(Duration::from_secs(10)), Ok(true));
    }

    #[test]
    fn a_file_opened_from_a_drive_is_not_inherited_by_a_child_process() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("batch.json");
        std::fs::write(&file, b"{}").unwrap();
        let opened = open_no_follow(&file).unwrap();
        let flags = rustix::io::fcntl_getfd(opened.as_fd()).unwrap();
        assert!(flags.contains(FdFlags::CLOEXEC));
    }
}
