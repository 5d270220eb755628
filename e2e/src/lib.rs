//! Harness for the end-to-end tests: starts the real app through `tauri-driver` and drives its webview.
//!
//! Each [`Session`] starts its own `tauri-driver` on its own port pair, with `HATTAMA_DB` pointing
//! into its own temporary directory, so tests run in parallel without sharing anything. The driver
//! is stopped with SIGTERM (never SIGKILL, which leaves `WebKitWebDriver` holding the test's
//! output open). Every wait has a deadline and fails showing what it saw.
//!
//! This crate needs a display (`xvfb-run`), `tauri-driver` and `WebKitWebDriver` on `PATH`, and a
//! debug app binary with its frontend embedded: `cargo xtask e2e` sets all of that up.
//!
//! One test double, and only one: the desktop's PDF viewer. A headless machine has no desktop
//! to open a PDF in, so each session puts a recording `xdg-open` first on the app's `PATH`; it
//! writes down what the app asked the desktop to open ([`Session::desktop_opened`]) and exits
//! successfully, as `xdg-open` does once it handed the file to the viewer. Everything else is
//! real, the GTK file dialog included: [`Session::choose_in_file_dialog`] types into it on the X
//! keyboard with `xdotool`, as a person would.

use std::fs::File;
use std::net::{Ipv4Addr, SocketAddrV4, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

use fantoccini::actions::{InputSource, KeyAction, KeyActions};
use fantoccini::elements::Element;
use fantoccini::error::CmdError;
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{Value, json};

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

/// Starts repainting an invisible spot every few milliseconds (see [`Session::screenshot`]): the
/// colour of a no-break space, which has no ink, so the captured pixels stay the page's own.
const REPAINT_START: &str = "const spot = document.createElement('div');\n\
    spot.id = 'hattama-repaint';\n\
    spot.textContent = '\\u00a0';\n\
    spot.style.cssText = 'position:fixed;left:0;top:0;pointer-events:none';\n\
    document.body.append(spot);\n\
    let odd = false;\n\
    window.hattamaRepaint = setInterval(() => {\n\
      odd = !odd;\n\
      spot.style.color = odd ? 'red' : 'blue';\n\
    }, 5);";

/// Stops what [`REPAINT_START`] started and removes its spot.
const REPAINT_STOP: &str = "clearInterval(window.hattamaRepaint);\n\
    document.getElementById('hattama-repaint')?.remove();";

/// The environment variable the app reads its database path from.
const DATABASE_ENV: &str = "HATTAMA_DB";

/// The stand-in for the desktop's `xdg-open` (see the crate docs): appends its arguments, one
/// call per line, to the file named after `#LOG#`, and succeeds.
const FAKE_XDG_OPEN: &str = "#!/bin/sh
    # Stands in for the desktop's PDF viewer, which cannot run headless: records what the
    # app asked the desktop to open, one call per line, and succeeds as xdg-open does.
    printf '%s\\n' \"$*\" >> '#LOG#'
";

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

/// A directory under the system temp dir, removed on drop.
struct TempDir(PathBuf);

impl TempDir {
    fn new() -> TempDir {
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
struct Driver {
    child: Child,
    log: PathBuf,
}

impl Driver {
    fn start(port: u16, native_port: u16, dir: &Path, log: PathBuf) -> Driver {
        let out = File::create(&log).expect("the driver log can be created");
        let err = out.try_clone().expect("the driver log can be shared");
        let desktop = fake_desktop(dir);
        let mut path = std::ffi::OsString::from(desktop.as_os_str());
        if let Some(inherited) = std::env::var_os("PATH") {
            path.push(":");
            path.push(inherited);
        }
        let database = dir.join("hattama.db");
        let child = Command::new("tauri-driver")
            .args([
                "--port",
                &port.to_string(),
                "--native-port",
                &native_port.to_string(),
            ])
            .env(DATABASE_ENV, database)
            .env("PATH", path)
            .stdin(Stdio::null())
            .stdout(out)
            .stderr(err)
            .spawn()
            .expect("tauri-driver must be on PATH: `cargo install tauri-driver --locked`");
        Driver { child, log }
    }

    /// The driver's output so far, for failure messages.
    fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// Sends SIGTERM and waits for the driver to exit; SIGKILL would hang the test run.
    fn stop(&mut self) {
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

/// Writes the recording `xdg-open` into `dir/desktop/` and returns that folder, to go first on
/// the app's `PATH`; its calls land in [`opened_log`].
fn fake_desktop(dir: &Path) -> PathBuf {
    use std::os::unix::fs::PermissionsExt as _;
    let bin = dir.join("desktop");
    std::fs::create_dir_all(&bin).expect("the fake desktop's folder can be made");
    let log = opened_log(dir);
    let script = FAKE_XDG_OPEN.replace("#LOG#", &log.display().to_string());
    let fake = bin.join("xdg-open");
    std::fs::write(&fake, script).expect("the fake xdg-open can be written");
    std::fs::set_permissions(&fake, std::fs::Permissions::from_mode(0o755))
        .expect("the fake xdg-open can be made executable");
    bin
}

/// Where the fake `xdg-open` of the session in `dir` records its calls.
fn opened_log(dir: &Path) -> PathBuf {
    dir.join("xdg-open.calls")
}

/// Two free local ports, for the driver and the native `WebKitWebDriver` behind it.
fn free_port_pair() -> (u16, u16) {
    let bind = || {
        TcpListener::bind(SocketAddrV4::new(Ipv4Addr::LOCALHOST, 0)).expect("a local port is free")
    };
    let (first, second) = (bind(), bind());
    let port = |listener: &TcpListener| listener.local_addr().expect("bound").port();
    (port(&first), port(&second))
}

/// One app instance under its own driver session. Call [`Session::finish`] at the end of a test.
pub struct Session {
    /// The `fantoccini` client, for what the helpers below do not cover.
    pub client: Client,
    driver: Driver,
    database: PathBuf,
    dir: TempDir,
}

impl Session {
    /// Starts a driver and the app on a fresh database, and connects to it.
    pub async fn start() -> Session {
        Session::launch(TempDir::new()).await
    }

    /// Ends this session (the app exits) and starts the app again on the same database, as a
    /// clerk would after closing the laptop.
    pub async fn restart(mut self) -> Session {
        let closed = self.client.close().await;
        self.driver.stop();
        if let Err(error) = closed {
            panic!(
                "the session did not close cleanly: {error}; driver log:\n{}",
                self.driver.log()
            );
        }
        Session::launch(self.dir).await
    }

    /// Starts the app on a database that `prepare` fills first (it gets the database path), as
    /// on a laptop that was set up before; files beside the database go away with the session.
    pub async fn start_prepared(prepare: &dyn Fn(&Path)) -> Session {
        let dir = TempDir::new();
        prepare(&dir.0.join("hattama.db"));
        Session::launch(dir).await
    }

    async fn launch(dir: TempDir) -> Session {
        let app = app_binary();
        assert!(
            app.is_file(),
            "no app binary at {}: build it with `cargo xtask e2e` (or set {APP_ENV})",
            app.display()
        );
        let database = dir.0.join("hattama.db");
        let (port, native_port) = free_port_pair();
        let driver = Driver::start(port, native_port, &dir.0, dir.0.join("driver.log"));
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
        Session {
            client,
            driver,
            database,
            dir,
        }
    }

    /// The database path this session's app was told to use.
    pub fn database(&self) -> &Path {
        &self.database
    }

    /// What the app asked the desktop to open so far (the fake `xdg-open`'s calls), oldest
    /// first: one entry per call, its arguments joined by spaces.
    pub fn desktop_opened(&self) -> Vec<String> {
        std::fs::read_to_string(opened_log(&self.dir.0))
            .unwrap_or_default()
            .lines()
            .map(str::to_owned)
            .collect()
    }

    /// Waits until the app has asked the desktop to open `count` files; returns every call.
    pub async fn wait_for_desktop_opened(&self, count: usize) -> Vec<String> {
        let started = Instant::now();
        loop {
            let opened = self.desktop_opened();
            if opened.len() >= count {
                return opened;
            }
            assert!(
                started.elapsed() < DEADLINE,
                "the app asked the desktop to open {opened:?}, not {count} files, within {DEADLINE:?}"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Answers the system's GTK file dialog titled `title` (which the app opened) with `path`,
    /// as a person at the keyboard would: waits for the dialog window, focuses it, opens its
    /// location field with Ctrl+L, types the path and presses Enter. The keys go through the X
    /// server (`xdotool`, XTEST), not through `WebDriver`, which cannot reach a native window.
    pub async fn choose_in_file_dialog(&self, title: &str, path: &Path) {
        let window = tokio::time::timeout(
            DEADLINE,
            tokio::process::Command::new("xdotool")
                .args(["search", "--sync", "--onlyvisible", "--name"])
                .arg(format!("^{title}$"))
                .output(),
        )
        .await
        .unwrap_or_else(|_| panic!("no dialog titled {title:?} within {DEADLINE:?}"))
        .expect("xdotool must be installed (cargo xtask e2e installs it)");
        let window = String::from_utf8_lossy(&window.stdout)
            .lines()
            .next()
            .unwrap_or_else(|| panic!("no dialog titled {title:?}"))
            .to_owned();
        // GTK builds the dialog's widgets after mapping the window: give it a moment.
        tokio::time::sleep(Duration::from_millis(500)).await;
        // GTK may open the dialog on its list of recent places, where a typed path cannot be
        // chosen: Alt+Home goes to the home folder first. GTK completes a name inline as it is
        // typed (a selected `/` after a folder); Delete drops what it added, if anything, so
        // Enter chooses exactly the path typed.
        let text = path.display().to_string();
        let steps = [
            vec!["windowfocus", "--sync", window.as_str()],
            vec!["key", "--clearmodifiers", "alt+Home"],
            vec!["key", "--clearmodifiers", "ctrl+l"],
            vec!["type", "--delay", "20", text.as_str()],
            vec!["key", "Delete"],
            vec!["key", "Return"],
        ];
        for args in steps {
            let status = tokio::process::Command::new("xdotool")
                .args(&args)
                .status()
                .await
                .expect("xdotool runs");
            assert!(status.success(), "xdotool {args:?} failed: {status}");
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }

    /// The element with `data-testid` `id`, waiting for it to appear.
    pub async fn find(&self, id: &str) -> Element {
        let selector = format!("[data-testid=\"{id}\"]");
        let started = Instant::now();
        loop {
            match self.client.find(Locator::Css(&selector)).await {
                Ok(element) => return element,
                Err(error) => assert!(
                    started.elapsed() < DEADLINE,
                    "no element {selector} within {DEADLINE:?}: {error}"
                ),
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Clicks the element with `data-testid` `id`.
    pub async fn click(&self, id: &str) {
        self.find(id)
            .await
            .click()
            .await
            .expect("the element can be clicked");
    }

    /// Waits until `read` of the element `id` returns `expected`; fails showing the last value seen.
    async fn wait_for<Read, Value>(&self, id: &str, what: &str, expected: &str, read: Read)
    where
        Read: Fn(Element) -> Value,
        Value: Future<Output = Result<String, CmdError>>,
    {
        let started = Instant::now();
        let mut seen = String::new();
        while started.elapsed() < DEADLINE {
            let element = self.find(id).await;
            if let Ok(value) = read(element).await {
                if value == expected {
                    return;
                }
                seen = value;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!(
            "[data-testid={id}] {what} is not {expected:?} after {DEADLINE:?}; last seen: {seen:?}"
        );
    }

    /// Waits until the element `id` shows exactly `expected` (trimmed).
    pub async fn wait_for_text(&self, id: &str, expected: &str) {
        self.wait_for(id, "text", expected, |element| async move {
            element.text().await.map(|text| text.trim().to_owned())
        })
        .await;
    }

    /// Waits until the element `id` has attribute `name` equal to `expected`.
    pub async fn wait_for_attribute(&self, id: &str, name: &'static str, expected: &str) {
        self.wait_for(id, name, expected, move |element| async move {
            element.attr(name).await.map(Option::unwrap_or_default)
        })
        .await;
    }

    /// Types `text` into the element `id` (after what it holds), key by key.
    pub async fn type_into(&self, id: &str, text: &str) {
        self.find(id)
            .await
            .send_keys(text)
            .await
            .expect("the element takes keys");
    }

    /// Types `text` on the keyboard into whatever has focus, one key press (down, up) per
    /// character, paced as `typing` says. Unlike [`Session::type_into`], nothing focuses or
    /// moves the caret: the keys go where a person's would.
    pub async fn type_keys(&self, text: &str, typing: Typing) {
        match typing {
            Typing::Burst => {
                let mut actions = KeyActions::new("keyboard".to_owned());
                for key in text.chars() {
                    actions = actions
                        .then(KeyAction::Down { value: key })
                        .then(KeyAction::Up { value: key });
                }
                self.client
                    .perform_actions(actions)
                    .await
                    .expect("the webview takes key presses");
            }
            Typing::Human => {
                for key in text.chars() {
                    let actions = KeyActions::new("keyboard".to_owned())
                        .then(KeyAction::Down { value: key })
                        .then(KeyAction::Up { value: key });
                    self.client
                        .perform_actions(actions)
                        .await
                        .expect("the webview takes key presses");
                    tokio::time::sleep(HUMAN_PAUSE).await;
                }
            }
        }
    }

    /// Selects the option with value `value` of the `<select>` `id`.
    pub async fn select(&self, id: &str, value: &str) {
        self.find(id)
            .await
            .select_by_value(value)
            .await
            .expect("the option exists");
    }

    /// Pastes `text` into the input `id` as the clipboard would: the browser's paste fills the
    /// field and fires an `input` event of type `insertFromPaste` (`WebDriver` has no clipboard).
    pub async fn paste(&self, id: &str, text: &str) {
        let element = self.find(id).await;
        let script = "const [input, text] = arguments;\n\
                      input.focus();\n\
                      input.value = text;\n\
                      input.dispatchEvent(new InputEvent('input', \
                        { inputType: 'insertFromPaste', data: text, bubbles: true }));";
        let element = serde_json::to_value(&element).expect("an element is JSON");
        self.client
            .execute(script, vec![element, json!(text)])
            .await
            .expect("the webview runs scripts");
    }

    /// Presses Ctrl and `key` together.
    pub async fn press_ctrl(&self, key: char) {
        let control = char::from(Key::Control);
        let actions = KeyActions::new("keyboard".to_owned())
            .then(KeyAction::Down { value: control })
            .then(KeyAction::Down { value: key })
            .then(KeyAction::Up { value: key })
            .then(KeyAction::Up { value: control });
        self.client
            .perform_actions(actions)
            .await
            .expect("the webview takes key presses");
    }

    /// Waits until the element `id` has focus; fails showing what had it.
    pub async fn wait_for_focus(&self, id: &str) {
        let started = Instant::now();
        let mut seen = None;
        while started.elapsed() < DEADLINE {
            seen = self.focused().await;
            if seen.as_deref() == Some(id) {
                return;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("[data-testid={id}] has no focus after {DEADLINE:?}; focus is on {seen:?}");
    }

    /// Waits until the input `id` holds exactly `expected`.
    pub async fn wait_for_value(&self, id: &str, expected: &str) {
        self.wait_for(id, "value", expected, |element| async move {
            element.prop("value").await.map(Option::unwrap_or_default)
        })
        .await;
    }

    /// Waits until no element has `data-testid` `id`.
    pub async fn wait_for_absent(&self, id: &str) {
        let selector = format!("[data-testid=\"{id}\"]");
        let started = Instant::now();
        while started.elapsed() < DEADLINE {
            if self.client.find(Locator::Css(&selector)).await.is_err() {
                return;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("{selector} is still there after {DEADLINE:?}");
    }

    /// The texts of every element whose `data-testid` starts with `prefix`.
    pub async fn texts(&self, prefix: &str) -> Vec<String> {
        let selector = format!("[data-testid^=\"{prefix}\"]");
        let mut texts = Vec::new();
        for element in self
            .client
            .find_all(Locator::Css(&selector))
            .await
            .expect("the page can be searched")
        {
            texts.push(element.text().await.unwrap_or_default());
        }
        texts
    }

    /// Presses and releases `key` on whatever has focus, as a person at the keyboard would.
    pub async fn press(&self, key: Key) {
        let key = char::from(key);
        let actions = KeyActions::new("keyboard".to_owned())
            .then(KeyAction::Down { value: key })
            .then(KeyAction::Up { value: key });
        self.client
            .perform_actions(actions)
            .await
            .expect("the webview takes key presses");
    }

    /// The `data-testid` of the focused element, if it has one.
    pub async fn focused(&self) -> Option<String> {
        let element = self.client.active_element().await.ok()?;
        element.attr("data-testid").await.ok().flatten()
    }

    /// Presses Tab until the element `id` has focus; fails if it is not among the first tab stops.
    pub async fn tab_to(&self, id: &str) {
        const TAB_STOPS: usize = 20;
        let mut seen = Vec::new();
        for _ in 0..TAB_STOPS {
            let focused = self.focused().await;
            if focused.as_deref() == Some(id) {
                return;
            }
            seen.push(focused.unwrap_or_else(|| "(no data-testid)".to_owned()));
            self.press(Key::Tab).await;
        }
        panic!("Tab never reached [data-testid={id}]; focus went through {seen:?}");
    }

    /// Calls the app's IPC command `command` from the page, as the UI's code (or anyone with the
    /// page's devtools) would: `Ok` with its answer, `Err` with the coded error it refused with.
    pub async fn invoke(&self, command: &str, args: Value) -> Result<Value, Value> {
        let answer = self
            .client
            .execute_async(
                "const [command, args, done] = arguments;
                 window.__TAURI_INTERNALS__.invoke(command, args).then(
                     (value) => done({ ok: value === undefined ? null : value }),
                     (error) => done({ err: error }),
                 );",
                vec![json!(command), args],
            )
            .await
            .expect("the webview runs scripts");
        match (answer.get("ok"), answer.get("err")) {
            (Some(value), _) => Ok(value.clone()),
            (None, Some(error)) => Err(error.clone()),
            _ => panic!("`{command}` answered neither ok nor err: {answer}"),
        }
    }

    /// Whether an element with `data-testid` `id` is on the page now.
    pub async fn present(&self, id: &str) -> bool {
        let selector = format!("[data-testid=\"{id}\"]");
        self.client.find(Locator::Css(&selector)).await.is_ok()
    }

    /// Runs `script` in the page and returns its result.
    pub async fn script(&self, script: &str) -> Value {
        self.client
            .execute(script, Vec::new())
            .await
            .expect("the webview runs scripts")
    }

    /// Runs axe-core (the UI's npm package, injected into the page) on the page as it stands
    /// and fails naming every violation, with `what` saying which screen it was.
    pub async fn assert_accessible(&self, what: &str) {
        let path = workspace_root()
            .join("ui")
            .join("node_modules")
            .join("axe-core")
            .join("axe.min.js");
        let source = std::fs::read_to_string(&path).unwrap_or_else(|error| {
            panic!(
                "axe-core is not installed at {}: {error}; run `npm ci` in ui/",
                path.display()
            )
        });
        let loaded = self
            .script(&format!(
                "if (!window.axe) {{\n{source}\n}}\nreturn typeof window.axe;"
            ))
            .await;
        assert_eq!(
            loaded,
            json!("object"),
            "axe-core did not load into the page"
        );
        let run = "const done = arguments[arguments.length - 1];\n\
                   axe.run(document, { resultTypes: ['violations'] })\n\
                     .then((result) => done(result.violations.map((violation) =>\n\
                       `${violation.id} (${violation.impact}): ${violation.help}: ` +\n\
                       violation.nodes.map((node) => node.target.join(' ')).join(', '))))\n\
                     .catch((error) => done([`axe-core failed: ${error}`]));";
        let violations = self
            .client
            .execute_async(run, Vec::new())
            .await
            .expect("the webview runs axe-core");
        assert_eq!(violations, json!([]), "axe-core finds violations on {what}");
    }

    /// The contrast ratio (WCAG) of the focus outline colour the element `id` would get against
    /// the background it sits on: the `--focus` colour in force there, against the first
    /// ancestor with a background of its own.
    pub async fn focus_contrast(&self, id: &str) -> f64 {
        let element = self.find(id).await;
        let element = serde_json::to_value(&element).expect("an element is JSON");
        let script = "const [element] = arguments;\n\
            const rgb = (text) => text.match(/[\\d.]+/g).map(Number);\n\
            const probe = document.createElement('span');\n\
            probe.style.color = getComputedStyle(element).getPropertyValue('--focus');\n\
            element.parentElement.append(probe);\n\
            const outline = rgb(getComputedStyle(probe).color);\n\
            probe.remove();\n\
            let node = element.parentElement;\n\
            let background = [255, 255, 255];\n\
            while (node) {\n\
              const colour = rgb(getComputedStyle(node).backgroundColor);\n\
              if (colour.length < 4 || 0 < colour[3]) { background = colour; break; }\n\
              node = node.parentElement;\n\
            }\n\
            const luminance = ([r, g, b]) => {\n\
              const linear = (c) => { c /= 255; return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4; };\n\
              return 0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b);\n\
            };\n\
            const [light, dark] = [luminance(outline), luminance(background)].sort((a, b) => b - a);\n\
            return (light + 0.05) / (dark + 0.05);";
        let ratio = self
            .client
            .execute(script, vec![element])
            .await
            .expect("the webview runs scripts");
        ratio.as_f64().expect("a ratio is a number")
    }

    /// How far the page is scrolled down, in CSS pixels.
    pub async fn scrolled(&self) -> f64 {
        self.script("return window.scrollY;")
            .await
            .as_f64()
            .expect("scrollY is a number")
    }

    /// Writes a screenshot to `docs/screenshots/<name>.png` when `HATTAMA_SCREENSHOTS=1`.
    pub async fn screenshot(&self, name: &str) {
        if std::env::var(SCREENSHOTS_ENV).as_deref() != Ok("1") {
            return;
        }
        // Let the webview paint what the test just waited for before capturing it.
        let painted = "const done = arguments[arguments.length - 1];\n\
                       requestAnimationFrame(() => requestAnimationFrame(() => done(true)));";
        self.client
            .execute_async(painted, Vec::new())
            .await
            .expect("the webview runs scripts");
        // WebKitGTK answers a screenshot only after the web process paints again. When the page
        // is drawn without compositing (the app's default, see `src-tauri/src/main.rs`), a paint
        // with nothing new in it never reports back (`DrawingAreaCoordinatedGraphics::display`
        // returns early on an empty dirty region), so a still page would be waited on forever.
        // Keep something invisible repainting while the capture runs.
        self.script(REPAINT_START).await;
        let png = tokio::time::timeout(DEADLINE, self.client.screenshot())
            .await
            .expect("the webview is captured within the deadline")
            .expect("the webview can be captured");
        self.script(REPAINT_STOP).await;
        let dir = workspace_root().join("docs").join("screenshots");
        std::fs::create_dir_all(&dir).expect("docs/screenshots can be created");
        std::fs::write(dir.join(format!("{name}.png")), png)
            .expect("the screenshot can be written");
    }

    /// Ends the driver session (which closes the app) and stops the driver.
    pub async fn finish(mut self) {
        let closed = self.client.close().await;
        self.driver.stop();
        if let Err(error) = closed {
            panic!(
                "the session did not close cleanly: {error}; driver log:\n{}",
                self.driver.log()
            );
        }
        drop(self.dir);
    }
}
