//! Harness for the end-to-end tests: starts the real app through `tauri-driver` and drives its webview.
//!
//! Each [`Session`] starts its own `tauri-driver` on its own port pair, with `HATTAMA_DB` pointing
//! into its own temporary directory (or, with [`Session::start_at_home`], no `HATTAMA_DB` and a
//! home of its own there), so tests run in parallel without sharing anything. The driver
//! is stopped with SIGTERM (never SIGKILL, which leaves `WebKitWebDriver` holding the test's
//! output open). Every wait has a deadline and fails showing what it saw.
//!
//! This crate needs a display (`xvfb-run`), `tauri-driver` and `WebKitWebDriver` on `PATH`, and a
//! debug app binary with its frontend embedded (and, for a test that runs it, the `hattama` CLI):
//! `cargo xtask e2e` sets all of that up.
//!
//! `driver` holds the processes and folders behind a session, `page` finds elements and waits
//! for them, `keyboard` types and presses keys, `inspect` runs scripts, checks and screenshots,
//! `desktop` answers the system's file dialog and holds the one test double: a recording
//! `xdg-open` in place of the desktop's PDF viewer, which cannot run headless.

mod desktop;
mod driver;
mod inspect;
mod keyboard;
mod page;

use std::net::{Ipv4Addr, SocketAddrV4, TcpStream};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder};
use serde_json::{Value, json};

use crate::driver::{Database, Driver, TempDir, free_port_pair};

/// Keys for [`Session::press`].
pub use fantoccini::key::Key;

/// How long a condition may take to come true before a test fails.
pub const DEADLINE: Duration = Duration::from_secs(15);

/// The pause a person leaves between two keys: about four keys a second.
pub const HUMAN_PAUSE: Duration = Duration::from_millis(250);

/// How keys reach the app in [`Session::type_keys`]: as a person types, or all in one burst.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Typing {
    /// One key at a time, [`HUMAN_PAUSE`] after each, every key its own `WebDriver` action.
    Human,
    /// Every key in one `WebDriver` action sequence, with no pause at all.
    Burst,
}

/// How long the driver and the app may take to start.
const START_DEADLINE: Duration = Duration::from_secs(30);

/// The environment variable that names the app binary under test (default: the workspace's debug build).
pub const APP_ENV: &str = "HATTAMA_APP";

/// Set to `1` to write screenshots into `docs/screenshots/`.
pub const SCREENSHOTS_ENV: &str = "HATTAMA_SCREENSHOTS";

/// The environment variable that names the `hattama` CLI binary the tests run (default: the
/// workspace's debug build, which `cargo xtask e2e` builds).
pub const CLI_ENV: &str = "HATTAMA_CLI";

/// The workspace root.
pub fn workspace_root() -> PathBuf {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest.parent().unwrap_or(manifest).to_path_buf()
}

/// The app binary under test: `HATTAMA_APP`, else `hattama-app` in the Cargo target dir's debug build.
pub fn app_binary() -> PathBuf {
    if let Some(path) = std::env::var_os(APP_ENV) {
        return PathBuf::from(path);
    }
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map_or_else(|| workspace_root().join("target"), PathBuf::from);
    target.join("debug").join("hattama-app")
}

/// The `hattama` command line: `HATTAMA_CLI`, else `hattama` in the Cargo target dir's debug build.
pub fn cli_binary() -> PathBuf {
    if let Some(path) = std::env::var_os(CLI_ENV) {
        return PathBuf::from(path);
    }
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map_or_else(|| workspace_root().join("target"), PathBuf::from);
    target.join("debug").join("hattama")
}

/// A home of a session's own, for an app started without `HATTAMA_DB`
/// ([`Session::start_at_home`]): `HOME` and `XDG_DATA_HOME` name two folders in the session's
/// temporary folder, so the platform's default database location lies there too.
#[derive(Clone, Debug)]
pub struct Home {
    /// What `HOME` names.
    pub home: PathBuf,
    /// What `XDG_DATA_HOME` names.
    pub data_home: PathBuf,
}

impl Home {
    /// The environment that puts a program in this home (`HATTAMA_DB` is the caller's to remove).
    pub fn env(&self) -> [(&'static str, &Path); 2] {
        [("HOME", &self.home), ("XDG_DATA_HOME", &self.data_home)]
    }

    /// The database the app and the CLI open here by default, as
    /// `hattama_precinct::installation::database_path` documents it for Linux:
    /// `$XDG_DATA_HOME/hattama/hattama.db`.
    pub fn default_database(&self) -> PathBuf {
        self.data_home.join("hattama").join("hattama.db")
    }
}

/// A message from the UI's catalogue for `locale` (`kk`, `ru`, `en`), to assert which language shows.
pub fn message(locale: &str, key: &str) -> String {
    let text = match locale {
        "kk" => include_str!("../../ui/src/lib/i18n/kk.json"),
        "ru" => include_str!("../../ui/src/lib/i18n/ru.json"),
        "en" => include_str!("../../ui/src/lib/i18n/en.json"),
        other => panic!("no catalogue for locale `{other}`"),
    };
    let catalogue: Value = serde_json::from_str(text).expect("the catalogues are valid JSON");
    match catalogue[key].as_str() {
        Some(message) => message.to_owned(),
        None => panic!("{locale}.json has no key `{key}`"),
    }
}

/// One app instance under its own driver session. Call [`Session::finish`] at the end of a test.
pub struct Session {
    /// The `fantoccini` client, for what the helpers below do not cover.
    pub client: Client,
    driver: Driver,
    database: Database,
    /// The file the app opens: what `database` names or, without `HATTAMA_DB`, the default.
    path: PathBuf,
    dir: TempDir,
}

impl Session {
    /// Starts a driver and the app on a fresh database, and connects to it.
    pub async fn start() -> Session {
        let dir = TempDir::new();
        let database = Database::Named(dir.0.join("hattama.db"));
        Session::launch(dir, database).await
    }

    /// Starts the app on a database that `prepare` fills first (it gets the database path), as
    /// on a laptop that was set up before; files beside the database go away with the session.
    pub async fn start_prepared(prepare: &dyn Fn(&Path)) -> Session {
        let dir = TempDir::new();
        let path = dir.0.join("hattama.db");
        prepare(&path);
        Session::launch(dir, Database::Named(path)).await
    }

    /// Starts the app without `HATTAMA_DB`, in a [`Home`] of its own that `prepare` gets first
    /// (to set the installation up there with the CLI, say): the app opens the platform's
    /// default database, as on a clerk's laptop.
    pub async fn start_at_home(prepare: &dyn Fn(&Home)) -> Session {
        let dir = TempDir::new();
        let home = Home {
            home: dir.0.join("home"),
            data_home: dir.0.join("data"),
        };
        for folder in [&home.home, &home.data_home] {
            std::fs::create_dir_all(folder).expect("the home folders can be made");
        }
        prepare(&home);
        Session::launch(dir, Database::Default(home)).await
    }

    /// Ends this session (the app exits) and starts the app again on the same database, as a
    /// clerk would after closing the laptop.
    pub async fn restart(self) -> Session {
        let (dir, database) = self.close().await;
        Session::launch(dir, database).await
    }

    async fn launch(dir: TempDir, database: Database) -> Session {
        let app = app_binary();
        assert!(
            app.is_file(),
            "no app binary at {}: build it with `cargo xtask e2e` (or set {APP_ENV})",
            app.display()
        );
        let (port, native_port) = free_port_pair();
        let desktop = desktop::fake_desktop(&dir.0);
        let driver = Driver::start(
            port,
            native_port,
            &database,
            &desktop,
            dir.0.join("driver.log"),
        );
        let started = Instant::now();
        while TcpStream::connect(SocketAddrV4::new(Ipv4Addr::LOCALHOST, port)).is_err() {
            assert!(
                started.elapsed() < START_DEADLINE,
                "tauri-driver did not listen on port {port} within {START_DEADLINE:?}; its log:\n{}",
                driver.log()
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        let mut capabilities = serde_json::Map::new();
        capabilities.insert("browserName".to_owned(), json!("wry"));
        capabilities.insert(
            "tauri:options".to_owned(),
            json!({ "application": app.display().to_string() }),
        );
        let connected = ClientBuilder::native()
            .capabilities(capabilities)
            .connect(&format!("http://127.0.0.1:{port}"))
            .await;
        let client = match connected {
            Ok(client) => client,
            Err(error) => panic!(
                "no WebDriver session: {error}; driver log:\n{}",
                driver.log()
            ),
        };
        let path = match &database {
            Database::Named(path) => path.clone(),
            Database::Default(home) => home.default_database(),
        };
        Session {
            client,
            driver,
            database,
            path,
            dir,
        }
    }

    /// The database this session's app opens: the one `HATTAMA_DB` names, or the default one
    /// in its [`Home`].
    pub fn database(&self) -> &Path {
        &self.path
    }

    /// Ends the driver session (which closes the app) and stops the driver.
    pub async fn finish(self) {
        let (dir, _) = self.close().await;
        drop(dir);
    }

    /// Closes the driver session (the app exits) and stops the driver, failing when the session
    /// did not close cleanly; gives back the folder and the database, which outlive the app.
    async fn close(self) -> (TempDir, Database) {
        let Session {
            client,
            mut driver,
            database,
            dir,
            ..
        } = self;
        let closed = client.close().await;
        driver.stop();
        if let Err(error) = closed {
            panic!(
                "the session did not close cleanly: {error}; driver log:\n{}",
                driver.log()
            );
        }
        (dir, database)
    }
}
