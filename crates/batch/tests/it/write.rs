//! Writing a batch to a drive: every injected fault (short write, ENOSPC, EIO, failing rename or
//! sync) at every step, a real process crash between any two steps, a real full file system
//! (tmpfs) and a real FAT32 file system (an image mounted with fusefat). After each: a clear
//! error, never a final-named payload that fails verification, and a retry that succeeds.

use std::cell::Cell;
use std::io;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use hattama_batch::export::SignedBatch;
use hattama_batch::receive::verify_batch;
use hattama_batch::write::{BatchFiles, Io, RealIo, WriteError, paths, write_batch};
use hattama_protocol::Mode;

use crate::sample::{Keys, expect, keys, payload, sign};

/// The kinds of device failure injected.
#[derive(Clone, Copy, Debug)]
enum Fault {
    /// Half the bytes reach the file, then the write fails.
    ShortWrite,
    /// ENOSPC.
    NoSpace,
    /// EIO.
    DeviceError,
}

/// Real file-system calls, with the `fail_at`-th call (counting from 1) failing as `fault`.
struct FaultyIo {
    fail_at: usize,
    fault: Fault,
    calls: Cell<usize>,
}

impl FaultyIo {
    fn hit(&self) -> bool {
        self.calls.set(self.calls.get() + 1);
        self.calls.get() == self.fail_at
    }

    fn error(&self) -> io::Error {
        match self.fault {
            Fault::ShortWrite => io::Error::new(io::ErrorKind::WriteZero, "short write"),
            Fault::NoSpace => io::Error::from_raw_os_error(28),
            Fault::DeviceError => io::Error::from_raw_os_error(5),
        }
    }
}

impl Io for FaultyIo {
    fn write_file(&self, path: &Path, bytes: &[u8]) -> io::Result<()> {
        if self.hit() {
            if let Fault::ShortWrite | Fault::NoSpace = self.fault {
                RealIo.write_file(path, &bytes[..bytes.len() / 2])?;
            }
            return Err(self.error());
        }
        RealIo.write_file(path, bytes)
    }
    fn fsync_file(&self, path: &Path) -> io::Result<()> {
        if self.hit() {
            Err(self.error())
        } else {
            RealIo.fsync_file(path)
        }
    }
    fn rename(&self, from: &Path, to: &Path) -> io::Result<()> {
        if self.hit() {
            Err(self.error())
        } else {
            RealIo.rename(from, to)
        }
    }
    fn fsync_dir(&self, dir: &Path) -> io::Result<()> {
        if self.hit() {
            Err(self.error())
        } else {
            RealIo.fsync_dir(dir)
        }
    }
    fn sync_fs(&self, dir: &Path) -> io::Result<()> {
        if self.hit() {
            Err(self.error())
        } else {
            RealIo.sync_fs(dir)
        }
    }
    fn read(&self, path: &Path) -> io::Result<Vec<u8>> {
        if self.hit() {
            return match self.fault {
                // A bad stick: the read succeeds but returns other bytes.
                Fault::ShortWrite => RealIo.read(path).map(|mut bytes| {
                    bytes.truncate(bytes.len() / 2);
                    bytes
                }),
                _ => Err(self.error()),
            };
        }
        RealIo.read(path)
    }
    fn remove(&self, path: &Path) -> io::Result<()> {
        if self.hit() {
            Err(self.error())
        } else {
            RealIo.remove(path)
        }
    }
}

/// How many `Io` calls a successful write makes.
const CALLS: usize = 15;

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("hattama-write-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn files(batch: &SignedBatch) -> BatchFiles<'_> {
    BatchFiles {
        base_name: &batch.base_name,
        payload: &batch.payload,
        signature: &batch.signature,
    }
}

/// No final-named payload that fails verification; returns whether a verifying one exists.
fn assert_safe(dir: &Path, batch: &SignedBatch, keys: &Keys) -> bool {
    let (payload, signature, _) = paths(dir, &batch.base_name);
    if !payload.exists() {
        return false;
    }
    let bytes = std::fs::read(&payload).unwrap();
    let signature =
        std::fs::read_to_string(&signature).expect("a final payload always has its signature");
    verify_batch(&bytes, &signature, &keys.registry, &expect(Mode::Test))
        .expect("a final-named payload verifies");
    true
}

fn leftovers(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.ends_with(".tmp"))
        .collect()
}

#[test]
fn a_clean_write_verifies_and_leaves_no_marker() {
    let keys = keys();
    let batch = sign(&payload(1, None), &keys.device);
    let dir = temp_dir("clean");
    let written = write_batch(&RealIo, &dir, &files(&batch)).unwrap();
    assert!(assert_safe(&dir, &batch, &keys));
    assert_eq!(
        written.payload.file_name().unwrap().to_string_lossy(),
        format!("{}.json", batch.base_name)
    );
    let names: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    assert_eq!(names.len(), 2, "payload and signature only: {names:?}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn every_fault_at_every_step_fails_cleanly_and_a_retry_succeeds() {
    let keys = keys();
    let batch = sign(&payload(1, None), &keys.device);
    for fault in [Fault::ShortWrite, Fault::NoSpace, Fault::DeviceError] {
        for fail_at in 1..=CALLS {
            let dir = temp_dir("fault");
            let io = FaultyIo {
                fail_at,
                fault,
                calls: Cell::new(0),
            };
            let result = write_batch(&io, &dir, &files(&batch));
            let error =
                result.expect_err(&format!("{fault:?} at call {fail_at} must fail the export"));
            match (fault, &error) {
                (Fault::NoSpace, WriteError::NoSpace { .. })
                | (Fault::DeviceError, WriteError::Io { .. })
                | (Fault::ShortWrite, WriteError::Io { .. } | WriteError::ReadBackMismatch) => {}
                (fault, error) => panic!("{fault:?} at call {fail_at} gave {error:?}"),
            }
            assert!(!error.to_string().is_empty());
            let survived = assert_safe(&dir, &batch, &keys);
            // The payload reaches its final name at call 9; a failed read-back (12, 13) removes it.
            // After a failing folder or file-system sync (10, 11) or marker removal (14, 15) the
            // verified batch stays, and the retry writes the same bytes again.
            assert_eq!(
                survived,
                [10, 11, 14, 15].contains(&fail_at),
                "{fault:?} at {fail_at}"
            );
            assert_eq!(
                leftovers(&dir),
                Vec::<String>::new(),
                "{fault:?} at {fail_at}"
            );
            write_batch(&RealIo, &dir, &files(&batch))
                .unwrap_or_else(|e| panic!("retry after {fault:?} at {fail_at}: {e}"));
            assert!(assert_safe(&dir, &batch, &keys));
            std::fs::remove_dir_all(&dir).unwrap();
        }
    }
}

/// An `Io` that kills its process (no unwinding, no cleanup) at its `crash_at`-th call.
struct CrashingIo {
    crash_at: usize,
    calls: Cell<usize>,
}

impl CrashingIo {
    fn tick(&self) {
        self.calls.set(self.calls.get() + 1);
        if self.calls.get() == self.crash_at {
            std::process::abort();
        }
    }
}

impl Io for CrashingIo {
    fn write_file(&self, path: &Path, bytes: &[u8]) -> io::Result<()> {
        self.tick();
        RealIo.write_file(path, bytes)
    }
    fn fsync_file(&self, path: &Path) -> io::Result<()> {
        self.tick();
        RealIo.fsync_file(path)
    }
    fn rename(&self, from: &Path, to: &Path) -> io::Result<()> {
        self.tick();
        RealIo.rename(from, to)
    }
    fn fsync_dir(&self, dir: &Path) -> io::Result<()> {
        self.tick();
        RealIo.fsync_dir(dir)
    }
    fn sync_fs(&self, dir: &Path) -> io::Result<()> {
        self.tick();
        RealIo.sync_fs(dir)
    }
    fn read(&self, path: &Path) -> io::Result<Vec<u8>> {
        self.tick();
        RealIo.read(path)
    }
    fn remove(&self, path: &Path) -> io::Result<()> {
        self.tick();
        RealIo.remove(path)
    }
}

/// Entry point of the child process that `a_crash_between_any_two_steps_is_safe` starts: it writes
/// the batch staged in `HATTAMA_CRASH_DIR` and dies at call `HATTAMA_CRASH_AT`. When the test
/// harness runs it without those variables (a plain `cargo test`), it only checks that the staged
/// write works without crashing.
#[test]
fn crash_child() {
    let (Ok(dir), Ok(crash_at)) = (
        std::env::var("HATTAMA_CRASH_DIR"),
        std::env::var("HATTAMA_CRASH_AT"),
    ) else {
        let keys = keys();
        let batch = sign(&payload(1, None), &keys.device);
        let dir = temp_dir("child");
        let io = CrashingIo {
            crash_at: usize::MAX,
            calls: Cell::new(0),
        };
        write_batch(&io, &dir, &files(&batch)).unwrap();
        assert_eq!(
            io.calls.get(),
            CALLS,
            "update CALLS: a successful write makes this many calls"
        );
        std::fs::remove_dir_all(&dir).unwrap();
        return;
    };
    let dir = PathBuf::from(dir);
    let payload = std::fs::read(dir.join("staged.payload")).unwrap();
    let signature = std::fs::read_to_string(dir.join("staged.signature")).unwrap();
    let base_name = std::fs::read_to_string(dir.join("staged.name")).unwrap();
    let out = dir.join("drive");
    let io = CrashingIo {
        crash_at: crash_at.parse().unwrap(),
        calls: Cell::new(0),
    };
    let _ = write_batch(
        &io,
        &out,
        &BatchFiles {
            base_name: &base_name,
            payload: &payload,
            signature: &signature,
        },
    );
}

#[test]
fn a_crash_between_any_two_steps_is_safe() {
    let keys = keys();
    let batch = sign(&payload(1, None), &keys.device);
    for crash_at in 1..=CALLS {
        let dir = temp_dir("crash");
        std::fs::write(dir.join("staged.payload"), &batch.payload).unwrap();
        std::fs::write(dir.join("staged.signature"), &batch.signature).unwrap();
        std::fs::write(dir.join("staged.name"), &batch.base_name).unwrap();
        let drive = dir.join("drive");
        std::fs::create_dir_all(&drive).unwrap();
        let status = Command::new(std::env::current_exe().unwrap())
            .args([
                "--exact",
                "write::crash_child",
                "--nocapture",
                "--test-threads=1",
            ])
            .env("HATTAMA_CRASH_DIR", &dir)
            .env("HATTAMA_CRASH_AT", crash_at.to_string())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .unwrap();
        assert!(!status.success(), "the child must die at call {crash_at}");
        assert_safe(&drive, &batch, &keys);
        write_batch(&RealIo, &drive, &files(&batch))
            .unwrap_or_else(|e| panic!("retry after a crash at {crash_at}: {e}"));
        assert!(assert_safe(&drive, &batch, &keys));
        let marker = paths(&drive, &batch.base_name).2;
        assert!(!marker.exists(), "the retry removes the in-progress marker");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}

/// Mounts something at a fresh folder and unmounts it when dropped.
struct Mounted {
    point: PathBuf,
    unmount: &'static [&'static str],
}

impl Drop for Mounted {
    fn drop(&mut self) {
        let _ = Command::new(self.unmount[0])
            .args(&self.unmount[1..])
            .arg(&self.point)
            .status();
    }
}

fn run(program: &str, args: &[&str]) {
    let status = Command::new(program)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("`{program}` is needed for this test ({e}); `cargo xtask test` installs it (Debian packages dosfstools, fusefat)"));
    assert!(
        status.status.success(),
        "{program} {args:?} failed: {}",
        String::from_utf8_lossy(&status.stderr)
    );
}

#[test]
fn a_full_drive_gives_no_space_and_a_retry_after_freeing_succeeds() {
    let keys = keys();
    let batch = sign(&payload(1, None), &keys.device);
    let point = temp_dir("tmpfs");
    run(
        "mount",
        &[
            "-t",
            "tmpfs",
            "-o",
            "size=64k",
            "tmpfs",
            point.to_str().unwrap(),
        ],
    );
    let mounted = Mounted {
        point: point.clone(),
        unmount: &["umount"],
    };
    // Fill the file system so that the payload no longer fits.
    let filler = point.join("filler.bin");
    let mut size = 64 * 1024;
    while std::fs::write(&filler, vec![0_u8; size]).is_err() {
        size -= 4096;
    }
    let error = write_batch(&RealIo, &point, &files(&batch)).unwrap_err();
    assert!(matches!(error, WriteError::NoSpace { .. }), "{error:?}");
    assert_eq!(error.code(), "batch.drive_full");
    assert!(!assert_safe(&point, &batch, &keys));
    std::fs::remove_file(&filler).unwrap();
    write_batch(&RealIo, &point, &files(&batch)).unwrap();
    assert!(assert_safe(&point, &batch, &keys));
    drop(mounted);
}

#[test]
fn writes_to_a_real_fat32_file_system() {
    let keys = keys();
    let batch = sign(&payload(1, None), &keys.device);
    let dir = temp_dir("fat32");
    let image = dir.join("stick.img");
    let point = dir.join("stick");
    std::fs::create_dir_all(&point).unwrap();
    run(
        "mkfs.vfat",
        &["-F", "32", "-C", image.to_str().unwrap(), "40000"],
    );
    {
        run(
            "fusefat",
            &[
                "-o",
                "rw+",
                image.to_str().unwrap(),
                point.to_str().unwrap(),
            ],
        );
        let _mounted = Mounted {
            point: point.clone(),
            unmount: &["fusermount", "-u"],
        };
        write_batch(&RealIo, &point, &files(&batch)).unwrap();
        assert!(assert_safe(&point, &batch, &keys));
    }
    // Unplugged and plugged in again: the batch is there and verifies.
    run(
        "fusefat",
        &["-o", "ro", image.to_str().unwrap(), point.to_str().unwrap()],
    );
    let mounted = Mounted {
        point: point.clone(),
        unmount: &["fusermount", "-u"],
    };
    assert!(
        assert_safe(&point, &batch, &keys),
        "the batch survives unmounting the FAT32 image"
    );
    drop(mounted);
    std::fs::remove_dir_all(&dir).unwrap();
}

/// A hostile stick in `dir`: a file outside it, and what a link planted there points at.
struct Outside {
    file: PathBuf,
    bytes: &'static [u8],
}

fn outside(dir: &Path) -> Outside {
    let file = dir.join("outside-secret.txt");
    let bytes: &'static [u8] = b"a file elsewhere on the laptop\n";
    std::fs::write(&file, bytes).unwrap();
    Outside { file, bytes }
}

impl Outside {
    fn assert_unchanged(&self) {
        assert_eq!(std::fs::read(&self.file).unwrap(), self.bytes);
    }
}

#[test]
fn a_symlinked_in_progress_marker_is_refused_and_the_file_it_points_at_is_unchanged() {
    let keys = keys();
    let batch = sign(&payload(1, None), &keys.device);
    let dir = temp_dir("link-marker");
    let stick = dir.join("stick");
    std::fs::create_dir_all(&stick).unwrap();
    let target = outside(&dir);
    let (payload_file, signature_file, marker) = paths(&stick, &batch.base_name);
    std::os::unix::fs::symlink(&target.file, &marker).unwrap();

    let error = write_batch(&RealIo, &stick, &files(&batch)).unwrap_err();
    assert!(
        matches!(&error, WriteError::LinkInPath { path } if *path == marker.display().to_string()),
        "{error:?}"
    );
    assert_eq!(error.code(), "batch.link_in_path");
    target.assert_unchanged();
    assert!(!payload_file.exists() && !signature_file.exists());
    assert!(leftovers(&stick).is_empty());
    assert!(
        std::fs::symlink_metadata(&marker)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_symlink_at_any_name_the_export_writes_is_refused() {
    let keys = keys();
    let batch = sign(&payload(1, None), &keys.device);
    let dir = temp_dir("link-names");
    let target = outside(&dir);
    let stick = dir.join("stick");
    let (payload_file, signature_file, marker) = paths(&stick, &batch.base_name);
    let tmp = |path: &Path| PathBuf::from(format!("{}.tmp", path.display()));
    for planted in [
        tmp(&payload_file),
        tmp(&signature_file),
        payload_file.clone(),
        signature_file.clone(),
        marker,
    ] {
        let _ = std::fs::remove_dir_all(&stick);
        std::fs::create_dir_all(&stick).unwrap();
        std::os::unix::fs::symlink(&target.file, &planted).unwrap();
        let error = write_batch(&RealIo, &stick, &files(&batch)).unwrap_err();
        assert_eq!(error.code(), "batch.link_in_path", "{}", planted.display());
        target.assert_unchanged();
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_symlinked_target_folder_or_a_symlink_on_the_way_to_it_is_refused() {
    let keys = keys();
    let batch = sign(&payload(1, None), &keys.device);
    let dir = temp_dir("link-folder");
    let elsewhere = dir.join("elsewhere");
    std::fs::create_dir_all(elsewhere.join("inner")).unwrap();
    let stick = dir.join("stick");
    std::fs::create_dir_all(&stick).unwrap();
    // The folder named is itself a link.
    let linked = stick.join("batches");
    std::os::unix::fs::symlink(&elsewhere, &linked).unwrap();
    let error = write_batch(&RealIo, &linked, &files(&batch)).unwrap_err();
    assert!(
        matches!(&error, WriteError::LinkInPath { path } if *path == linked.display().to_string()),
        "{error:?}"
    );
    // A folder reached through a link on the stick.
    let through = linked.join("inner");
    let error = write_batch(&RealIo, &through, &files(&batch)).unwrap_err();
    assert!(
        matches!(&error, WriteError::LinkInPath { path } if *path == linked.display().to_string()),
        "{error:?}"
    );
    for folder in [&elsewhere, &elsewhere.join("inner")] {
        let names: Vec<_> = std::fs::read_dir(folder)
            .unwrap()
            .map(|entry| entry.unwrap().file_name())
            .filter(|name| name != "inner")
            .collect();
        assert!(names.is_empty(), "nothing written outside: {names:?}");
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_stale_marker_and_temporary_files_of_an_earlier_attempt_are_replaced() {
    let keys = keys();
    let batch = sign(&payload(1, None), &keys.device);
    let dir = temp_dir("stale");
    let (payload_file, _, marker) = paths(&dir, &batch.base_name);
    std::fs::write(&marker, b"left by a crash").unwrap();
    std::fs::write(format!("{}.tmp", payload_file.display()), b"half a batch").unwrap();
    write_batch(&RealIo, &dir, &files(&batch)).unwrap();
    assert!(assert_safe(&dir, &batch, &keys));
    assert!(!marker.exists() && leftovers(&dir).is_empty());
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_new_file_is_never_created_through_a_link() {
    let dir = temp_dir("write-new");
    let target = outside(&dir);
    let link = dir.join("planted");
    std::os::unix::fs::symlink(&target.file, &link).unwrap();
    let error = hattama_batch::write::write_new(&link, b"overwritten?").unwrap_err();
    assert_eq!(
        error.to_string(),
        format!("{} is a symbolic link", link.display())
    );
    target.assert_unchanged();
    // A dangling link is not followed to create its target either.
    let dangling = dir.join("dangling");
    let nowhere = dir.join("nowhere.txt");
    std::os::unix::fs::symlink(&nowhere, &dangling).unwrap();
    assert!(hattama_batch::write::write_new(&dangling, b"created?").is_err());
    assert!(!nowhere.exists());
    // A folder of that name is no link, and is left as it is.
    let folder = dir.join("folder");
    std::fs::create_dir(&folder).unwrap();
    let error = hattama_batch::write::write_new(&folder, b"replaced?").unwrap_err();
    assert_eq!(error.kind(), io::ErrorKind::AlreadyExists, "{error}");
    assert!(folder.is_dir());
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn removing_a_file_that_is_gone_is_done_and_any_other_failure_is_reported() {
    let dir = temp_dir("remove");
    let file = dir.join("batch.json.tmp");
    std::fs::write(&file, b"half a batch").unwrap();
    RealIo.remove(&file).unwrap();
    assert!(!file.exists());
    // Already gone (a retry after a crash): nothing to do.
    RealIo.remove(&file).unwrap();
    // A folder is not removed as a file: the failure is the caller's to see.
    let folder = dir.join("folder.tmp");
    std::fs::create_dir(&folder).unwrap();
    assert!(RealIo.remove(&folder).is_err());
    assert!(folder.is_dir());
    std::fs::remove_dir_all(&dir).unwrap();
}
