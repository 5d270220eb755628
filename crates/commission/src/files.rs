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
    std::fs::File::open(&tmp)
        .and_then(|file| file.sync_all())
        .map_err(failed)?;
    std::fs::rename(&tmp, path).map_err(|source| CommissionError::write(path, source))
}

/// [`write_atomic`] for a secret (a key file): on Unix the temporary file is created `0600`
/// before a byte is written to it, whatever the umask, and the rename keeps that mode.
pub(crate) fn write_private_atomic(path: &Path, bytes: &[u8]) -> Result<(), CommissionError> {
    use std::io::Write;
    let tmp = path.with_extension("tmp");
    let failed = |source| CommissionError::write(&tmp, source);
    match std::fs::remove_file(&tmp) {
        Ok(()) => {}
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {}
        Err(error) => return Err(failed(error)),
    }
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(&tmp).map_err(failed)?;
    file.write_all(bytes).map_err(failed)?;
    file.sync_all().map_err(failed)?;
    drop(file);
    std::fs::rename(&tmp, path).map_err(|source| CommissionError::write(path, source))
}

/// The signature file of a signed file: `FILE.minisig`.
pub fn signature_path(file: &Path) -> PathBuf {
    let mut name = file.as_os_str().to_owned();
    name.push(".minisig");
    PathBuf::from(name)
}

#[cfg(all(test, unix))]
mod tests {
    use std::os::unix::fs::PermissionsExt;

    use super::*;

    #[test]
    fn a_key_file_is_the_owners_only() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("commission.key");
        write_private_atomic(&path, b"secret").unwrap();
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
        assert_eq!(std::fs::read(&path).unwrap(), b"secret");
    }
}
