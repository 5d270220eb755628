//! Reading batch files from a drive, which is hostile input: only regular files, never through a
//! symbolic link, never blocking, and never more than a documented limit.
//!
//! A payload or signature file is read by [`read_limited`]: the name is looked at without
//! following a link (`lstat`), so a FIFO, a device, a folder or a link (to `/dev/zero`, say) is
//! refused as [`ReadError::NotRegularFile`] before it is opened; the file is then opened with
//! `O_NOFOLLOW | O_NONBLOCK` (a FIFO swapped in after the look still cannot block or be followed)
//! and checked again on the open descriptor (on Windows, `FILE_FLAG_OPEN_REPARSE_POINT` opens a
//! link or junction itself, which that check then refuses; see `read/windows.rs`). A file whose size is above the limit is refused
//! before a byte is read ([`ReadError::TooLarge`]); one that grows while it is read is refused
//! after at most limit + 1 bytes. So a sparse 8 GiB file costs one `fstat`, not 8 GiB of memory.
//!
//! [`batch_files`] lists what an import reads: the `hattama-*.json` entries directly in each
//! folder given (subfolders are not entered), and each file named on its own. Entries are listed
//! whatever their type, so that a link or a FIFO named like a batch is reported as refused rather
//! than silently skipped.
//!
//! The limits, and how they were derived, are in `docs/batch-format.md` ("Size limits").

#[cfg(unix)]
mod unix;
#[cfg(windows)]
mod windows;

use std::io::Read;
use std::path::{Path, PathBuf};

#[cfg(unix)]
use crate::read::unix as platform;
#[cfg(windows)]
use crate::read::windows as platform;

/// The largest payload a receiver reads, in bytes (8 MiB).
///
/// The largest real precinct holds 5 protocols of 50 rows; with every protocol repeated twice
/// (3 versions each), every warning acknowledged and every error given a long act, its protocols
/// encode to about 0.3 MB (a test measures it). The audit log a batch is to carry is allowed 8,000
/// entries of at most 512 bytes (4.1 MB: 620 entries type 5 × 62 lines twice, so that is every
/// value typed about ten times over, with the reviews, acts and finalizations). That is 4.4 MB;
/// 8 MiB leaves more than 3 MiB to spare, and is small enough for every core of a laptop to hold
/// one batch at once.
pub const MAX_PAYLOAD_BYTES: u64 = 8 * 1024 * 1024;

/// The largest signature file a receiver reads, in bytes.
///
/// A canonical signature is four lines: the fixed untrusted comment (37 bytes), 100 and 88 base64
/// characters, and the trusted comment, whose fields (an election id and region id of at most 255
/// bytes each, three numbers and a 64-digit hash) fit in 700 bytes.
pub const MAX_SIGNATURE_BYTES: u64 = 4096;

/// What a name on a drive turned out to be, when it is not a regular file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileKind {
    /// A symbolic link (never followed).
    Symlink,
    /// A folder.
    Directory,
    /// A named pipe: reading it could wait forever.
    Fifo,
    /// A socket.
    Socket,
    /// A character device such as `/dev/zero`.
    CharDevice,
    /// A block device.
    BlockDevice,
    /// Anything else.
    Other,
}

impl FileKind {
    fn of(file_type: std::fs::FileType) -> Option<FileKind> {
        Some(if file_type.is_file() {
            return None;
        } else if file_type.is_symlink() {
            FileKind::Symlink
        } else if file_type.is_dir() {
            FileKind::Directory
        } else {
            platform::special_kind(file_type)
        })
    }

    /// A stable name for messages and reports.
    pub fn name(self) -> &'static str {
        match self {
            FileKind::Symlink => "symbolic link",
            FileKind::Directory => "folder",
            FileKind::Fifo => "named pipe",
            FileKind::Socket => "socket",
            FileKind::CharDevice => "character device",
            FileKind::BlockDevice => "block device",
            FileKind::Other => "special file",
        }
    }
}

impl std::fmt::Display for FileKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// Why a file from a drive was not read.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ReadError {
    /// Not a regular file: a link, a folder, a FIFO, a device.
    #[error("{file} is a {kind}, not a regular file: only regular files are read from a drive")]
    NotRegularFile {
        /// The file's path.
        file: String,
        /// What it is.
        kind: FileKind,
    },
    /// Larger than the limit.
    #[error("{file} is larger than {limit} bytes, the most this file can hold")]
    TooLarge {
        /// The file's path.
        file: String,
        /// The limit in bytes.
        limit: u64,
    },
    /// Missing, or the system refused to read it.
    #[error("cannot read {file}: {reason}")]
    Unreadable {
        /// The file's path.
        file: String,
        /// The system's reason.
        reason: String,
    },
}

impl ReadError {
    /// The stable code (message key suffix).
    pub fn code(&self) -> &'static str {
        match self {
            ReadError::NotRegularFile { .. } => "not_regular_file",
            ReadError::TooLarge { .. } => "too_large",
            ReadError::Unreadable { .. } => "unreadable_file",
        }
    }
}

/// Reads the regular file at `path`, refusing anything else and anything above `limit` bytes.
pub fn read_limited(path: &Path, limit: u64) -> Result<Vec<u8>, ReadError> {
    let file_name = || path.display().to_string();
    let unreadable = |error: std::io::Error| ReadError::Unreadable {
        file: file_name(),
        reason: error.to_string(),
    };
    let not_regular = |kind| ReadError::NotRegularFile {
        file: file_name(),
        kind,
    };
    let too_large = || ReadError::TooLarge {
        file: file_name(),
        limit,
    };
    // Look before opening: opening a device or a FIFO can itself have effects.
    let seen = std::fs::symlink_metadata(path).map_err(unreadable)?;
    if let Some(kind) = FileKind::of(seen.file_type()) {
        return Err(not_regular(kind));
    }
    let file = platform::open_no_follow(path).map_err(|error| {
        if platform::is_link_refused(&error) {
            // Swapped for a link between the look and the open.
            not_regular(FileKind::Symlink)
        } else {
            unreadable(error)
        }
    })?;
    let opened = file.metadata().map_err(unreadable)?;
    if let Some(kind) = FileKind::of(opened.file_type()) {
        return Err(not_regular(kind));
    }
    if limit < opened.len() {
        return Err(too_large());
    }
    let capacity = usize::try_from(opened.len()).unwrap_or(0);
    let mut bytes = Vec::with_capacity(capacity);
    file.take(limit.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(unreadable)?;
    if limit < u64::try_from(bytes.len()).unwrap_or(u64::MAX) {
        return Err(too_large());
    }
    Ok(bytes)
}

/// The signature file of a payload file: its name plus `.minisig`.
pub fn signature_path(payload: &Path) -> PathBuf {
    let mut name = payload.as_os_str().to_owned();
    name.push(".");
    name.push(crate::format::SIGNATURE_EXT);
    PathBuf::from(name)
}

/// Whether a file name is that of a batch payload: `hattama-*.json`.
pub fn is_batch_name(name: &str) -> bool {
    name.starts_with("hattama-") && name.ends_with(".json")
}

/// The batch payload files an import of `paths` reads, sorted: for a folder, its entries named
/// `hattama-*.json` (whatever their type, so that a link or FIFO is reported, not skipped; the
/// folder's subfolders are not entered); for anything else, the path itself.
pub fn batch_files(paths: &[PathBuf]) -> Result<Vec<PathBuf>, ReadError> {
    let mut files = Vec::new();
    for path in paths {
        let unreadable = |error: std::io::Error| ReadError::Unreadable {
            file: path.display().to_string(),
            reason: error.to_string(),
        };
        // A folder named on the command line may be reached through a link (a mount point);
        // what is inside it is never followed.
        if !path.is_dir() {
            files.push(path.clone());
            continue;
        }
        for entry in std::fs::read_dir(path).map_err(unreadable)? {
            let entry = entry.map_err(unreadable)?;
            if entry.file_name().to_str().is_some_and(is_batch_name) {
                files.push(entry.path());
            }
        }
    }
    files.sort();
    Ok(files)
}
