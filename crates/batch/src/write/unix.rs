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

#[cfg(test)]
mod tests {
    use std::io::Write as _;
    use std::os::fd::AsFd;
    use std::os::unix::fs::PermissionsExt;

    use rustix::io::FdFlags;

    use super::{create_new, open_read, sync_dir, sync_file, sync_file_system};

    /// This process's umask, as the kernel reports it.
    fn umask() -> u32 {
        let status = std::fs::read_to_string("/proc/self/status").unwrap();
        let line = status
            .lines()
            .find_map(|line| line.strip_prefix("Umask:"))
            .unwrap();
        u32::from_str_radix(line.trim(), 8).unwrap()
    }

    #[test]
    fn a_new_file_on_a_drive_is_the_owners_to_write_and_everyones_to_read() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("batch.json");
        let mut file = create_new(&path).unwrap();
        file.write_all(b"{}").unwrap();
        let flags = rustix::io::fcntl_getfd(file.as_fd()).unwrap();
        assert!(flags.contains(FdFlags::CLOEXEC), "not inherited by a child");
        drop(file);
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o644 & !umask(), "{mode:o}");
        // It exists now: a second create is refused, and nothing is truncated.
        assert!(create_new(&path).is_err());
        assert_eq!(std::fs::read(&path).unwrap(), b"{}");
    }

    #[test]
    fn no_call_follows_a_link_planted_at_its_name() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("elsewhere.json");
        std::fs::write(&target, b"not ours").unwrap();
        let link = dir.path().join("batch.json");
        std::os::unix::fs::symlink(&target, &link).unwrap();
        let folder_link = dir.path().join("folder");
        std::os::unix::fs::symlink(dir.path(), &folder_link).unwrap();
        let loops = |result: std::io::Result<()>| {
            result.is_err_and(|error| {
                error.raw_os_error() == Some(rustix::io::Errno::LOOP.raw_os_error())
            })
        };
        // `O_EXCL` alone already refuses any name that exists, a link among them.
        let exists = create_new(&link).unwrap_err();
        assert_eq!(exists.kind(), std::io::ErrorKind::AlreadyExists, "{exists}");
        assert!(loops(open_read(&link).map(drop)));
        assert!(loops(sync_file(&link)));
        // A link to a folder is not that folder (`ENOTDIR` with `O_DIRECTORY`).
        assert!(sync_dir(&folder_link).is_err());
        assert_eq!(std::fs::read(&target).unwrap(), b"not ours");
    }

    #[test]
    fn a_folder_flush_is_refused_on_a_file() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("batch.json");
        std::fs::write(&file, b"{}").unwrap();
        sync_dir(dir.path()).unwrap();
        sync_file_system(dir.path()).unwrap();
        for result in [sync_dir(&file), sync_file_system(&file)] {
            let error = result.unwrap_err();
            assert_eq!(error.kind(), std::io::ErrorKind::NotADirectory, "{error}");
        }
    }
}
