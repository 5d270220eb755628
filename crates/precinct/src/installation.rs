//! The installation: where its database lives and opening it. The app and the CLI both open
//! [`database_path`], so they always see the same precinct: `--db FILE` (the CLI), else
//! `HATTAMA_DB`, else `hattama/hattama.db` in the platform's data folder.

use std::path::{Path, PathBuf};

use hattama_store::{Store, StoreError, db_path};

use crate::error::PrecinctError;

/// The database file: `flag` if given, else `HATTAMA_DB` if set and not empty, else
/// `hattama/hattama.db` in the platform data folder (on Linux `$XDG_DATA_HOME` or
/// `~/.local/share`, on Windows `%LOCALAPPDATA%`).
pub fn database_path(flag: Option<&Path>) -> Result<PathBuf, PrecinctError> {
    Ok(db_path(flag)?)
}

/// Opens (or creates) the installation's database at `path`, creating its folder first.
pub fn open(path: &Path) -> Result<Store, PrecinctError> {
    if let Some(dir) = path.parent()
        && !dir.as_os_str().is_empty()
    {
        std::fs::create_dir_all(dir).map_err(|source| StoreError::Io {
            path: dir.to_owned(),
            source,
        })?;
    }
    Ok(Store::open(path)?)
}
