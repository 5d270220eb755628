//! Where the database lives: `HATTAMA_DB` when set (tests, the CLI, a second installation on one
//! laptop), otherwise `hattama/hattama.db` in the platform's data folder (on Linux
//! `$XDG_DATA_HOME` or `~/.local/share`; on Windows `%LOCALAPPDATA%`, the per-user folder that a
//! roaming profile does not copy to a server). Backups go to a `backups` folder beside the file.

use std::path::{Path, PathBuf};

use crate::error::StoreError;

/// The environment variable that overrides the database path; the desktop app reads it too.
pub const DB_ENV: &str = "HATTAMA_DB";

/// The database path: `flag` if given, else `HATTAMA_DB` if set and not empty, else the
/// platform data folder.
pub fn db_path(flag: Option<&Path>) -> Result<PathBuf, StoreError> {
    if let Some(path) = flag {
        return Ok(path.to_owned());
    }
    match std::env::var_os(DB_ENV) {
        Some(path) if !path.is_empty() => Ok(PathBuf::from(path)),
        _ => data_dir()
            .map(|dir| dir.join("hattama").join("hattama.db"))
            .ok_or(StoreError::NoDataDir),
    }
}

/// The platform's data folder: `dirs::data_dir` on Linux; on Windows the local one
/// (`C:\Users\NAME\AppData\Local`), since `dirs::data_dir` there is the roaming folder, which a
/// domain profile copies to and from a server at every sign-in.
fn data_dir() -> Option<PathBuf> {
    if cfg!(windows) {
        dirs::data_local_dir()
    } else {
        dirs::data_dir()
    }
}

/// The folder holding the database at `db` (`.` for a bare file name).
pub fn parent_dir(db: &Path) -> PathBuf {
    match db.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent.to_owned(),
        _ => PathBuf::from("."),
    }
}

/// The backups folder of the database at `db`.
pub fn backups_dir(db: &Path) -> PathBuf {
    parent_dir(db).join("backups")
}

/// `db` with `suffix` appended to its file name (`hattama.db` → `hattama.db-wal`).
pub fn with_suffix(db: &Path, suffix: &str) -> PathBuf {
    let mut name = db.file_name().unwrap_or_default().to_owned();
    name.push(suffix);
    db.with_file_name(name)
}

/// Creates `dir` and any missing parents; on Unix each folder created is `0700` (owner only),
/// whatever the umask. A folder that exists already keeps its mode: it may be shared (`/tmp`).
pub(crate) fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(dir)
}

/// Creates an empty file at `path` that must not exist yet, readable and writable by its owner
/// only on Unix (`0600`, whatever the umask), before anything secret is written to it.
pub(crate) fn create_private_file(path: &Path) -> std::io::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path).map(drop)
}

/// On Unix, takes group and other permissions off an existing file (a database made by an
/// older build was `0644`); a missing file is left alone.
pub(crate) fn make_private(path: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let meta = match std::fs::metadata(path) {
            Ok(meta) => meta,
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(()),
            Err(error) => return Err(error),
        };
        let mode = meta.permissions().mode();
        if mode & 0o077 != 0 {
            std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode & 0o700))?;
        }
    }
    #[cfg(not(unix))]
    let _ = path;
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::path::{Path, PathBuf};

    use super::{backups_dir, make_private, parent_dir, with_suffix};

    #[test]
    fn a_bare_file_name_lives_in_the_current_folder() {
        assert_eq!(parent_dir(Path::new("hattama.db")), PathBuf::from("."));
        assert_eq!(
            backups_dir(Path::new("hattama.db")),
            PathBuf::from("./backups")
        );
        assert_eq!(
            parent_dir(Path::new("/data/hattama/hattama.db")),
            PathBuf::from("/data/hattama")
        );
        assert_eq!(
            backups_dir(Path::new("/data/hattama/hattama.db")),
            PathBuf::from("/data/hattama/backups")
        );
        assert_eq!(
            with_suffix(Path::new("/data/hattama.db"), "-wal"),
            PathBuf::from("/data/hattama.db-wal")
        );
    }

    #[cfg(unix)]
    #[test]
    fn a_file_others_can_read_is_made_private_and_a_private_one_is_not_touched() {
        use std::os::unix::fs::{MetadataExt, PermissionsExt};
        let dir = tempfile::tempdir().unwrap();
        let shared = dir.path().join("hattama.db");
        std::fs::write(&shared, b"").unwrap();
        std::fs::set_permissions(&shared, std::fs::Permissions::from_mode(0o644)).unwrap();
        make_private(&shared).unwrap();
        let meta = std::fs::metadata(&shared).unwrap();
        assert_eq!(meta.permissions().mode() & 0o777, 0o600);
        // Already private: no change of mode, not even a rewrite of the same one (its change
        // time stays as it was).
        std::thread::sleep(std::time::Duration::from_millis(20));
        make_private(&shared).unwrap();
        let again = std::fs::metadata(&shared).unwrap();
        assert_eq!(
            (again.ctime(), again.ctime_nsec()),
            (meta.ctime(), meta.ctime_nsec())
        );
        // A missing file is left alone; a path that cannot be looked at is an error.
        make_private(&dir.path().join("hattama.db-wal")).unwrap();
        assert!(make_private(&shared.join("hattama.db-wal")).is_err());
    }
}
