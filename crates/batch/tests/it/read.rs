//! What a refused file from a drive says: its code, which the UI's message key is made of, and its
//! text, which names what the file is, for the commission and the log.

use std::os::unix::fs::symlink;
use std::path::Path;
use std::process::Command;

use hattama_batch::read::{FileKind, ReadError, read_limited};

fn refused(path: &Path, limit: u64) -> ReadError {
    read_limited(path, limit).unwrap_err()
}

#[test]
fn a_refused_file_names_what_it_is_in_its_code_and_its_text() {
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("folder");
    std::fs::create_dir(&folder).unwrap();
    let fifo = dir.path().join("pipe");
    assert!(
        Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    let link = dir.path().join("link");
    symlink(&folder, &link).unwrap();
    for (path, kind, name) in [
        (folder.as_path(), FileKind::Directory, "folder"),
        (fifo.as_path(), FileKind::Fifo, "named pipe"),
        (link.as_path(), FileKind::Symlink, "symbolic link"),
        (
            Path::new("/dev/null"),
            FileKind::CharDevice,
            "character device",
        ),
    ] {
        let error = refused(path, 1024);
        assert_eq!(
            error,
            ReadError::NotRegularFile {
                file: path.display().to_string(),
                kind
            }
        );
        assert_eq!(error.code(), "not_regular_file");
        assert_eq!(kind.to_string(), name);
        assert_eq!(
            error.to_string(),
            format!(
                "{} is a {name}, not a regular file: only regular files are read from a drive",
                path.display()
            )
        );
    }
}

#[test]
fn a_file_over_its_limit_or_missing_has_its_own_code() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("batch.json");
    std::fs::write(&file, b"0123456789").unwrap();
    assert_eq!(read_limited(&file, 10).unwrap(), b"0123456789");
    let over = refused(&file, 9);
    assert_eq!(over.code(), "too_large");
    assert_eq!(
        over.to_string(),
        format!(
            "{} is larger than 9 bytes, the most this file can hold",
            file.display()
        )
    );
    let missing = refused(&dir.path().join("gone.json"), 10);
    assert_eq!(missing.code(), "unreadable_file");
    assert!(missing.to_string().starts_with("cannot read "), "{missing}");
}
