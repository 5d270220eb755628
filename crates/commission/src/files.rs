//! Reading and writing the commission's small files: texts read whole, files replaced atomically,
//! and secret key files created new, readable and writable by their owner only.

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

/// Writes a secret (an encrypted key file) as a new file at `path`, mode 0600 whatever the
/// umask, never over an existing file nor through a link: a synced temporary file created with
/// `create_new`, then hard-linked to its name (which fails when the name exists) and removed.
pub(crate) fn write_secret_new(path: &Path, bytes: &[u8]) -> Result<(), CommissionError> {
    use std::io::Write as _;
    let mut tmp_name = path.as_os_str().to_owned();
    tmp_name.push(".tmp");
    let tmp = PathBuf::from(tmp_name);
    let failed = |source| CommissionError::write(&tmp, source);
    // A temporary file left by a crash is ours; a link there is removed, not followed.
    match std::fs::remove_file(&tmp) {
        Err(error) if error.kind() != std::io::ErrorKind::NotFound => return Err(failed(error)),
        _ => {}
    }
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        options.mode(0o600);
    }
    let mut file = options.open(&tmp).map_err(failed)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        // The umask may have taken bits off 0600; set exactly 0600.
        file.set_permissions(std::fs::Permissions::from_mode(0o600))
            .map_err(failed)?;
    }
    file.write_all(bytes)
        .and_then(|()| file.sync_all())
        .map_err(failed)?;
    drop(file);
    let linked = std::fs::hard_link(&tmp, path);
    let removed = std::fs::remove_file(&tmp);
    linked.map_err(|source| CommissionError::write(path, source))?;
    removed.map_err(failed)?;
    if let Some(dir) = path.parent() {
        hattama_durable::sync_dir(dir).map_err(|source| CommissionError::write(dir, source))?;
    }
    Ok(())
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
        write_secret_new(&path, b"secret").unwrap();
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
        assert_eq!(std::fs::read(&path).unwrap(), b"secret");
    }
}
