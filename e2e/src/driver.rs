//! The processes and folders behind a [`crate::Session`]: its temporary folder, the
//! `tauri-driver` it starts (with the app's database location in its environment) and the
//! two free ports it listens on.

use std::fs::File;
use std::net::{Ipv4Addr, SocketAddrV4, TcpListener};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

use crate::{DEADLINE, Home};

/// The environment variable the app reads its database path from.
const DATABASE_ENV: &str = "HATTAMA_DB";

/// How the app under test is told where its database is.
#[derive(Clone, Debug)]
pub(crate) enum Database {
    /// `HATTAMA_DB` names this file.
    Named(PathBuf),
    /// No `HATTAMA_DB`: the app finds the platform's default in this home.
    Default(Home),
}

/// A directory under the system temp dir, removed on drop.
pub(crate) struct TempDir(pub(crate) PathBuf);

impl TempDir {
    pub(crate) fn new() -> TempDir {
        static NEXT: AtomicU32 = AtomicU32::new(0);
        let name = format!(
            "hattama-e2e-{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        );
        let path = std::env::temp_dir().join(name);
        std::fs::create_dir_all(&path).expect("the temp dir is writable");
        TempDir(path)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A running `tauri-driver`, stopped with SIGTERM on drop.
pub(crate) struct Driver {
    child: Child,
    log: PathBuf,
}

impl Driver {
    /// Starts `tauri-driver` on `port` (and `WebKitWebDriver` behind it on `native_port`), with
    /// the environment `database` gives the app it starts and `desktop` first on its `PATH` (the
    /// fake `xdg-open`, `crate::desktop`), its output into `log`.
    pub(crate) fn start(
        port: u16,
        native_port: u16,
        database: &Database,
        desktop: &Path,
        log: PathBuf,
    ) -> Driver {
        let out = File::create(&log).expect("the driver log can be created");
        let err = out.try_clone().expect("the driver log can be shared");
        let mut command = Command::new("tauri-driver");
        command.args([
            "--port",
            &port.to_string(),
            "--native-port",
            &native_port.to_string(),
        ]);
        match database {
            Database::Named(path) => {
                command.env(DATABASE_ENV, path);
            }
            Database::Default(home) => {
                command.env_remove(DATABASE_ENV).envs(home.env());
            }
        }
        let mut path = std::ffi::OsString::from(desktop.as_os_str());
        if let Some(inherited) = std::env::var_os("PATH") {
            path.push(":");
            path.push(inherited);
        }
        let child = command
            .env("PATH", path)
            .stdin(Stdio::null())
            .stdout(out)
            .stderr(err)
            .spawn()
            .expect("tauri-driver must be on PATH: `cargo install tauri-driver --locked`");
        Driver { child, log }
    }

    /// The driver's output so far, for failure messages.
    pub(crate) fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// Sends SIGTERM and waits for the driver to exit; SIGKILL would hang the test run.
    pub(crate) fn stop(&mut self) {
        if matches!(self.child.try_wait(), Ok(Some(_))) {
            return;
        }
        let _ = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        let deadline = Instant::now() + DEADLINE;
        while Instant::now() < deadline {
            if matches!(self.child.try_wait(), Ok(Some(_))) {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        self.stop();
    }
}

/// Two free local ports, for the driver and the native `WebKitWebDriver` behind it.
pub(crate) fn free_port_pair() -> (u16, u16) {
    let bind = || {
        TcpListener::bind(SocketAddrV4::new(Ipv4Addr::LOCALHOST, 0)).expect("a local port is free")
    };
    let (first, second) = (bind(), bind());
    let port = |listener: &TcpListener| listener.local_addr().expect("bound").port();
    (port(&first), port(&second))
}
