//! The desktop around the app: the one test double and the real file dialog.
//!
//! A headless machine has no desktop to open a PDF in, so each session puts a recording
//! `xdg-open` first on the app's `PATH`: it stands in for the desktop's PDF viewer only, which
//! cannot run headless. It writes down what the app asked the desktop to open
//! ([`Session::desktop_opened`]) and exits successfully, as `xdg-open` does once it handed the
//! file to the viewer. Everything else is real, the GTK file dialog included:
//! [`Session::choose_in_file_dialog`] types into it on the X keyboard with `xdotool`, as a person
//! would.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::{DEADLINE, Session};

/// The stand-in for the desktop's `xdg-open` (see the crate docs): appends its arguments, one
/// call per line, to the file named after `#LOG#`, and succeeds.
const FAKE_XDG_OPEN: &str = "#!/bin/sh
    # Stands in for the desktop's PDF viewer, which cannot run headless: records what the
    # app asked the desktop to open, one call per line, and succeeds as xdg-open does.
    printf '%s\\n' \"$*\" >> '#LOG#'
";

/// Writes the recording `xdg-open` into `dir/desktop/` and returns that folder, to go first on
/// the app's `PATH`; its calls land in [`opened_log`].
pub(crate) fn fake_desktop(dir: &Path) -> PathBuf {
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

impl Session {
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
}
