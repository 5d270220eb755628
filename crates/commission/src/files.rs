//! Reading and writing the commission's small files: texts read whole, files replaced atomically.

use std::path::{Path, PathBuf};

use crate::error::CommissionError;

/// The text of `path`.
pub(crate) fn read_text(path: &Path) -> Result<String, CommissionError> {
    std::fs::read_to_string(path).map_err(|source| CommissionError::read(path, source))
}

/// The bytes of `path`.
pub(crate) fn read_bytes(path: &Path) -> Result<Vec<u8>, CommissionError> {
    std::fs::read(path).map_err(|source| CommissionError::read(path, source))
}

/// Writes `bytes` to `path` through a synced temporary file and a rename.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), CommissionError> {
    let tmp = path.with_extension("tmp");
    let failed = |source| CommissionError::write(&tmp, source);
    std::fs::write(&tmp, bytes).map_err(failed)?;
    hattama_durable::sync_file(&tmp).map_err(failed)?;
    hattama_durable::replace(&tmp, path).map_err(|source| CommissionError::write(path, source))
}

/// The signature file of a signed file: `FILE.minisig`.
pub fn signature_path(file: &Path) -> PathBuf {
    let mut name = file.as_os_str().to_owned();
    name.push(".minisig");
    PathBuf::from(name)
}
