//! Writing a signed batch to a removable drive so that a crash, a full stick or a yanked cable
//! never leaves a file under a final name that fails verification.
//!
//! The steps, in order ([`Step`]): mark the export in progress; write the payload and the
//! signature to temporary files in the same folder and fsync each; rename the signature, then the
//! payload, to their final names, fsyncing the folder after each; sync the whole file system; read
//! both back and verify them; only then remove the marker and say "safe to remove". A final-named
//! payload appears only by an atomic rename of a fully written and synced file, after its
//! signature is in place; if the read-back fails, the final files are removed again.
//!
//! On Windows the same steps hold with the platform's rules (`hattama_durable`): every handle is
//! closed before its file is renamed or removed, a flush opens the file for writing, and the
//! rename flushes the renamed file, as `MOVEFILE_WRITE_THROUGH` would.
//!
//! All file-system calls go through [`Io`], so tests can make any step fail the way a real device
//! does (short write, ENOSPC, EIO, a failing rename) and check the outcome; [`RealIo`] is the one
//! used in the app and the CLI, and the tests also run it on real file systems.
//!
//! A stick is hostile too. Before anything is written, [`refuse_links`] refuses a target folder
//! that is, or passes through, a symbolic link, and a link at any name the export uses (marker,
//! temporary and final files); [`RealIo`] then creates each file with `O_CREAT | O_EXCL |
//! O_NOFOLLOW` (a stale regular file of an earlier attempt is removed first, a link never is
//! followed) and opens files for syncing and reading back with `O_NOFOLLOW`. So nothing outside
//! the folder is ever written through a link planted on the stick. On Windows the same holds
//! with `CREATE_NEW` and `FILE_FLAG_OPEN_REPARSE_POINT` (a link is opened as itself, then refused
//! by its type); the platform halves are `write/unix.rs` and `write/windows.rs`.

#[cfg(unix)]
mod unix;
#[cfg(unix)]
use crate::write::unix as platform;
#[cfg(windows)]
mod windows;
#[cfg(windows)]
use crate::write::windows as platform;

use std::fs;
use std::io::{self, Read, Write};
use std::path::{Component, Path, PathBuf};

/// The file-system operations an export needs.
pub trait Io {
    /// Creates `path` anew (removing a regular file of that name first, never following a link)
    /// and writes all of `bytes`.
    fn write_file(&self, path: &Path, bytes: &[u8]) -> io::Result<()>;
    /// Flushes `path`'s data and metadata to the device.
    fn fsync_file(&self, path: &Path) -> io::Result<()>;
    /// Renames atomically within one folder.
    fn rename(&self, from: &Path, to: &Path) -> io::Result<()>;
    /// Flushes a folder's entries to the device.
    fn fsync_dir(&self, dir: &Path) -> io::Result<()>;
    /// Flushes the whole file system holding `dir`.
    fn sync_fs(&self, dir: &Path) -> io::Result<()>;
    /// Reads a whole file.
    fn read(&self, path: &Path) -> io::Result<Vec<u8>>;
    /// Removes a file; a missing file is not an error.
    fn remove(&self, path: &Path) -> io::Result<()>;
}

/// The real file system.
#[derive(Clone, Copy, Debug, Default)]
pub struct RealIo;

impl Io for RealIo {
    fn write_file(&self, path: &Path, bytes: &[u8]) -> io::Result<()> {
        write_new(path, bytes)
    }

    fn fsync_file(&self, path: &Path) -> io::Result<()> {
        platform::sync_file(path)
    }

    fn rename(&self, from: &Path, to: &Path) -> io::Result<()> {
        hattama_durable::replace(from, to)
    }

    fn fsync_dir(&self, dir: &Path) -> io::Result<()> {
        platform::sync_dir(dir)
    }

    fn sync_fs(&self, dir: &Path) -> io::Result<()> {
        platform::sync_file_system(dir)
    }

    fn read(&self, path: &Path) -> io::Result<Vec<u8>> {
        let mut bytes = Vec::new();
        platform::open_read(path)?.read_to_end(&mut bytes)?;
        Ok(bytes)
    }

    fn remove(&self, path: &Path) -> io::Result<()> {
        match fs::remove_file(path) {
            Err(error) if error.kind() == io::ErrorKind::NotFound => Ok(()),
            other => other,
        }
    }
}

/// Creates `path` anew (`O_CREAT | O_EXCL | O_NOFOLLOW`, on Windows `CREATE_NEW`) and writes all of `bytes`. A regular file
/// already there (left by an earlier attempt) is removed first; a link or anything else there is
/// refused, and nothing is written through it.
pub fn write_new(path: &Path, bytes: &[u8]) -> io::Result<()> {
    match fs::symlink_metadata(path) {
        Ok(seen) if seen.file_type().is_file() => fs::remove_file(path)?,
        Ok(seen) if seen.file_type().is_symlink() => {
            return Err(io::Error::other(format!(
                "{} is a symbolic link",
                path.display()
            )));
        }
        Ok(_) => {
            return Err(io::Error::new(
                io::ErrorKind::AlreadyExists,
                format!("{} exists and is not a regular file", path.display()),
            ));
        }
        // Nothing there, or nothing that can be looked at: the exclusive create says which.
        Err(_) => {}
    }
    let mut file = platform::create_new(path)?;
    file.write_all(bytes)
}

/// Refuses a folder `dir` that is, or passes through, a symbolic link (any component of its
/// absolute path), and a symbolic link at any of `files`: writing there could land outside the
/// folder. Looks only, writes nothing.
pub fn refuse_links(dir: &Path, files: &[&Path]) -> Result<(), WriteError> {
    let is_link =
        |path: &Path| fs::symlink_metadata(path).is_ok_and(|seen| seen.file_type().is_symlink());
    let refused = |path: &Path| WriteError::LinkInPath {
        path: path.display().to_string(),
    };
    let absolute = std::path::absolute(dir).map_err(|source| WriteError::Io {
        step: Step::Marker,
        source,
    })?;
    let mut prefix = PathBuf::new();
    for component in absolute.components() {
        prefix.push(component);
        if matches!(component, Component::Normal(_) | Component::ParentDir) && is_link(&prefix) {
            return Err(refused(&prefix));
        }
    }
    match files.iter().find(|file| is_link(file)) {
        Some(file) => Err(refused(file)),
        None => Ok(()),
    }
}

/// The step of an export, for error messages and fault injection.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Step {
    /// Creating the in-progress marker.
    Marker,
    /// Writing the payload's temporary file.
    WritePayload,
    /// Writing the signature's temporary file.
    WriteSignature,
    /// Flushing the temporary files.
    SyncFiles,
    /// Renaming the signature to its final name.
    RenameSignature,
    /// Renaming the payload to its final name.
    RenamePayload,
    /// Flushing the folder and the file system.
    SyncFolder,
    /// Reading back and verifying.
    ReadBack,
    /// Removing the marker.
    Finish,
}

/// Why an export did not complete. Nothing is left under a final name that would fail to verify.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    /// The device is full.
    #[error("the drive is full ({step:?})")]
    NoSpace {
        /// Where it happened.
        step: Step,
    },
    /// The device or file system failed.
    #[error("the drive failed at {step:?}: {source}")]
    Io {
        /// Where it happened.
        step: Step,
        /// The error.
        source: io::Error,
    },
    /// What was read back is not what was written: a bad stick.
    #[error("the drive returned different bytes than were written; use another drive")]
    ReadBackMismatch,
    /// The folder is, or passes through, a symbolic link, or a link sits at a name the export
    /// would write: refused before anything is written.
    #[error("{path} is a symbolic link: nothing is written through a link")]
    LinkInPath {
        /// The link.
        path: String,
    },
}

hattama_protocol::error_codes! {
    pub WriteError {
        codes {
            WriteError::NoSpace { .. } => "batch.drive_full",
            WriteError::Io { .. } => "batch.drive_failed",
            WriteError::ReadBackMismatch => "batch.drive_read_back",
            WriteError::LinkInPath { .. } => "batch.link_in_path",
        }
    }
}

/// What to write: the base name (see [`crate::format::base_name`]), the payload and its signature.
#[derive(Clone, Debug)]
pub struct BatchFiles<'a> {
    /// Base name without extension.
    pub base_name: &'a str,
    /// The payload bytes.
    pub payload: &'a [u8],
    /// The `.minisig` text.
    pub signature: &'a str,
}

/// Where a completed export put its files.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Written {
    /// The payload file.
    pub payload: PathBuf,
    /// The signature file.
    pub signature: PathBuf,
}

/// The paths of a batch's files in `dir`.
pub fn paths(dir: &Path, base_name: &str) -> (PathBuf, PathBuf, PathBuf) {
    let payload = dir.join(format!("{base_name}.{}", crate::format::PAYLOAD_EXT));
    let signature = dir.join(format!(
        "{base_name}.{}.{}",
        crate::format::PAYLOAD_EXT,
        crate::format::SIGNATURE_EXT
    ));
    let marker = dir.join(format!("{base_name}.{}", crate::format::IN_PROGRESS_EXT));
    (payload, signature, marker)
}

fn step_error(step: Step) -> impl Fn(io::Error) -> WriteError {
    move |source| {
        // ENOSPC on Unix, ERROR_DISK_FULL and ERROR_HANDLE_DISK_FULL on Windows.
        if source.kind() == io::ErrorKind::StorageFull {
            WriteError::NoSpace { step }
        } else {
            WriteError::Io { step, source }
        }
    }
}

/// Writes a batch into `dir` by the steps in the module docs; `Ok` means safe to remove the drive.
/// On error, temporary files are cleaned up as far as the device allows and no final-named file
/// that fails verification remains; calling again retries from the start.
pub fn write_batch(io: &dyn Io, dir: &Path, files: &BatchFiles<'_>) -> Result<Written, WriteError> {
    let (payload, signature, marker) = paths(dir, files.base_name);
    let payload_tmp = tmp_path(&payload);
    let signature_tmp = tmp_path(&signature);
    refuse_links(
        dir,
        &[&marker, &payload_tmp, &signature_tmp, &payload, &signature],
    )?;
    let result = write_steps(
        io,
        dir,
        files,
        (&payload, &signature, &marker),
        (&payload_tmp, &signature_tmp),
    );
    if result.is_err() {
        // Best effort: the device may be gone. What matters is what was never renamed.
        let _ = io.remove(&payload_tmp);
        let _ = io.remove(&signature_tmp);
    }
    result.map(|()| Written { payload, signature })
}

fn write_steps(
    io: &dyn Io,
    dir: &Path,
    files: &BatchFiles<'_>,
    (payload, signature, marker): (&Path, &Path, &Path),
    (payload_tmp, signature_tmp): (&Path, &Path),
) -> Result<(), WriteError> {
    io.write_file(marker, b"export in progress: do not remove the drive\n")
        .map_err(step_error(Step::Marker))?;
    io.fsync_file(marker).map_err(step_error(Step::Marker))?;
    io.write_file(payload_tmp, files.payload)
        .map_err(step_error(Step::WritePayload))?;
    io.write_file(signature_tmp, files.signature.as_bytes())
        .map_err(step_error(Step::WriteSignature))?;
    io.fsync_file(payload_tmp)
        .map_err(step_error(Step::SyncFiles))?;
    io.fsync_file(signature_tmp)
        .map_err(step_error(Step::SyncFiles))?;
    io.rename(signature_tmp, signature)
        .map_err(step_error(Step::RenameSignature))?;
    io.fsync_dir(dir)
        .map_err(step_error(Step::RenameSignature))?;
    io.rename(payload_tmp, payload)
        .map_err(step_error(Step::RenamePayload))?;
    io.fsync_dir(dir).map_err(step_error(Step::SyncFolder))?;
    io.sync_fs(dir).map_err(step_error(Step::SyncFolder))?;
    let read_payload = io.read(payload).map_err(step_error(Step::ReadBack));
    let read_signature = io.read(signature).map_err(step_error(Step::ReadBack));
    let matches = match (&read_payload, &read_signature) {
        (Ok(read_payload), Ok(read_signature)) => {
            read_payload.as_slice() == files.payload
                && read_signature.as_slice() == files.signature.as_bytes()
        }
        _ => false,
    };
    if !matches {
        // Never leave a final-named payload that might not verify.
        let _ = io.remove(payload);
        let _ = io.fsync_dir(dir);
        read_payload?;
        read_signature?;
        return Err(WriteError::ReadBackMismatch);
    }
    io.remove(marker).map_err(step_error(Step::Finish))?;
    io.fsync_dir(dir).map_err(step_error(Step::Finish))?;
    Ok(())
}

fn tmp_path(path: &Path) -> PathBuf {
    let mut name = path
        .file_name()
        .map(std::ffi::OsStr::to_os_string)
        .unwrap_or_default();
    name.push(".tmp");
    path.with_file_name(name)
}
