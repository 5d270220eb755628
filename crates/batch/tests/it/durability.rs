//! The real writer reaches the disk: under `strace`, writing a batch with [`RealIo`] makes the
//! `fsync` calls on each file and on the folder, and the `syncfs` on the drive, that the write
//! order promises. A recording wrapper around `RealIo` shows where in that order each one falls.

use std::cell::RefCell;
use std::io;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use hattama_batch::write::{BatchFiles, Io, RealIo, paths, write_batch};

use crate::sample::{keys, payload, sign};

fn temp_dir(name: &str) -> PathBuf {
    let dir =
        std::env::temp_dir().join(format!("hattama-durability-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Run by `the_real_writer_flushes_files_folder_and_file_system` in a child under strace; does
/// nothing when run on its own.
#[test]
fn durability_child() {
    let Ok(dir) = std::env::var("HATTAMA_SYNC_DIR") else {
        return;
    };
    let dir = PathBuf::from(dir);
    let payload = std::fs::read(dir.join("staged.payload")).unwrap();
    let signature = std::fs::read_to_string(dir.join("staged.signature")).unwrap();
    let base_name = std::fs::read_to_string(dir.join("staged.name")).unwrap();
    write_batch(
        &RealIo,
        &dir.join("drive"),
        &BatchFiles {
            base_name: &base_name,
            payload: &payload,
            signature: &signature,
        },
    )
    .unwrap();
}

/// The paths (as strace prints them with `-y`) of every call named `call` in `trace`.
fn synced(trace: &str, call: &str) -> Vec<String> {
    trace
        .lines()
        .filter_map(|line| {
            let rest = &line[line.find(&format!("{call}("))? + call.len() + 1..];
            let start = rest.find('<')? + 1;
            let end = rest[start..].find('>')? + start;
            Some(rest[start..end].to_owned())
        })
        .collect()
}

/// Says a test did not run and why: a skip is never silent.
#[expect(clippy::print_stderr, reason = "the skip message is the test's output")]
fn skip(why: &str) {
    eprintln!("SKIPPED the_real_writer_flushes_files_folder_and_file_system: {why}");
}

#[test]
fn the_real_writer_flushes_files_folder_and_file_system() {
    if Command::new("strace")
        .arg("-V")
        .stdout(Stdio::null())
        .status()
        .is_err()
    {
        skip("strace is not installed");
        return;
    }
    let keys = keys();
    let batch = sign(&payload(1, None), &keys.device);
    let dir = temp_dir("strace");
    std::fs::write(dir.join("staged.payload"), &batch.payload).unwrap();
    std::fs::write(dir.join("staged.signature"), &batch.signature).unwrap();
    std::fs::write(dir.join("staged.name"), &batch.base_name).unwrap();
    let drive = dir.join("drive");
    std::fs::create_dir_all(&drive).unwrap();
    let trace_file = dir.join("trace.txt");
    let status = Command::new("strace")
        .arg("-f")
        .arg("-y")
        .args(["-e", "trace=fsync,fdatasync,syncfs", "-o"])
        .arg(&trace_file)
        .arg(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "durability::durability_child",
            "--test-threads=1",
        ])
        .env("HATTAMA_SYNC_DIR", &dir)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .unwrap();
    let trace = std::fs::read_to_string(&trace_file).unwrap_or_default();
    if !status.success() && trace.is_empty() {
        skip(&format!("strace cannot trace here ({status})"));
        std::fs::remove_dir_all(&dir).unwrap();
        return;
    }
    assert!(status.success(), "the traced write failed: {status}");
    let drive_text = std::fs::canonicalize(&drive).unwrap().display().to_string();
    let (payload_path, signature_path, marker) = paths(&drive, &batch.base_name);
    let canonical_name = |path: &Path| {
        format!(
            "{drive_text}/{}",
            path.file_name().unwrap().to_string_lossy()
        )
    };
    let mut fsynced = synced(&trace, "fsync");
    fsynced.extend(synced(&trace, "fdatasync"));
    for file in [
        canonical_name(&marker),
        format!("{}.tmp", canonical_name(&payload_path)),
        format!("{}.tmp", canonical_name(&signature_path)),
    ] {
        assert!(
            fsynced.contains(&file),
            "{file} was never flushed; flushed: {fsynced:?}"
        );
    }
    let folder_syncs = fsynced.iter().filter(|path| **path == drive_text).count();
    assert_eq!(
        folder_syncs, 3,
        "the folder is flushed after each rename and after the marker goes: {fsynced:?}"
    );
    assert_eq!(
        synced(&trace, "syncfs"),
        std::slice::from_ref(&drive_text),
        "the drive's file system is flushed once"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

/// `RealIo`, recording each call and the file name it touched.
struct RecordingIo {
    calls: RefCell<Vec<String>>,
}

impl RecordingIo {
    fn note(&self, call: &str, path: &Path) {
        let name = path.file_name().unwrap().to_string_lossy();
        self.calls.borrow_mut().push(format!("{call} {name}"));
    }
}

impl Io for RecordingIo {
    fn write_file(&self, path: &Path, bytes: &[u8]) -> io::Result<()> {
        self.note("write", path);
        RealIo.write_file(path, bytes)
    }
    fn fsync_file(&self, path: &Path) -> io::Result<()> {
        self.note("fsync", path);
        RealIo.fsync_file(path)
    }
    fn rename(&self, from: &Path, to: &Path) -> io::Result<()> {
        self.note("rename", from);
        RealIo.rename(from, to)
    }
    fn fsync_dir(&self, dir: &Path) -> io::Result<()> {
        self.note("fsync_dir", dir);
        RealIo.fsync_dir(dir)
    }
    fn sync_fs(&self, dir: &Path) -> io::Result<()> {
        self.note("sync_fs", dir);
        RealIo.sync_fs(dir)
    }
    fn read(&self, path: &Path) -> io::Result<Vec<u8>> {
        self.note("read", path);
        RealIo.read(path)
    }
    fn remove(&self, path: &Path) -> io::Result<()> {
        self.note("remove", path);
        RealIo.remove(path)
    }
}

#[test]
fn each_file_is_flushed_before_its_rename_and_the_folder_after() {
    let keys = keys();
    let batch = sign(&payload(1, None), &keys.device);
    let dir = temp_dir("order");
    let drive = dir.join("drive");
    std::fs::create_dir_all(&drive).unwrap();
    let io = RecordingIo {
        calls: RefCell::new(Vec::new()),
    };
    write_batch(
        &io,
        &drive,
        &BatchFiles {
            base_name: &batch.base_name,
            payload: &batch.payload,
            signature: &batch.signature,
        },
    )
    .unwrap();
    let (payload_path, signature_path, marker) = paths(&drive, &batch.base_name);
    let name = |path: &Path| path.file_name().unwrap().to_string_lossy().into_owned();
    let (payload_name, signature_name, marker_name) =
        (name(&payload_path), name(&signature_path), name(&marker));
    let expected = [
        format!("write {marker_name}"),
        format!("fsync {marker_name}"),
        format!("write {payload_name}.tmp"),
        format!("write {signature_name}.tmp"),
        format!("fsync {payload_name}.tmp"),
        format!("fsync {signature_name}.tmp"),
        format!("rename {signature_name}.tmp"),
        "fsync_dir drive".to_owned(),
        format!("rename {payload_name}.tmp"),
        "fsync_dir drive".to_owned(),
        "sync_fs drive".to_owned(),
        format!("read {payload_name}"),
        format!("read {signature_name}"),
        format!("remove {marker_name}"),
        "fsync_dir drive".to_owned(),
    ];
    assert_eq!(*io.calls.borrow(), expected);
    std::fs::remove_dir_all(&dir).unwrap();
}
