//! `cargo xtask bench-app`: the app's figures under Xvfb, printed, never asserted.
//!
//! - cold start: from the app process's start (its `starttime` in `/proc/<pid>/stat`) to the
//!   moment its first form (setup on a fresh database, the PIN dialog on a set-up one) is
//!   interactive in the webview, on the same clock (`/proc/uptime`);
//! - resident memory: `VmRSS` of the app process after one protocol entry is typed, and of the
//!   `WebKit` web process beside it;
//! - the binary's size (the xtask prints it, it knows the path);
//! - for comparison, the resident memory of WebKitGTK's own `MiniBrowser` showing the same page,
//!   with `WebKit`'s defaults and with the rendering settings the app runs with: what the webview
//!   alone costs either way;
//! - keystroke latency (the `latency` module): 240 digits and Backspaces typed into P1 on the
//!   X keyboard, a quick clerk's pace, each timed inside the page from its `keydown` to the
//!   check panel's update and to the next frame after it (p50, p95, p99, max beside the 16.7 ms
//!   of one frame), with how many keys changed the panel at all, and the time split at the
//!   `save_value` call: before the page asks, the IPC round trip, the answer to the update.
//!
//! Runs the binary in `HATTAMA_APP` (the xtask points it at the release build).

#[path = "support/clerk.rs"]
mod clerk;
#[path = "bench/latency.rs"]
mod latency;
#[path = "support/pins.rs"]
mod pins;
#[path = "support/precinct.rs"]
mod precinct;

use std::path::Path;
use std::time::{Duration, Instant};

use hattama_e2e::{DEADLINE, Key, Session};

/// Seconds since boot, the clock `/proc/<pid>/stat` counts process start times on.
fn uptime() -> f64 {
    let text = std::fs::read_to_string("/proc/uptime").expect("/proc/uptime is readable");
    let first = text.split_whitespace().next().unwrap_or_default();
    first.parse().expect("/proc/uptime starts with seconds")
}

/// Clock ticks per second of `/proc/<pid>/stat` (100 on Linux, fixed by the kernel ABI).
const CLOCK_TICKS: f64 = 100.0;

/// The pid of a process named `name` whose environment has `HATTAMA_DB=<database>`.
fn pid_of(name: &str, database: &Path) -> Option<u32> {
    let wanted = format!("HATTAMA_DB={}", database.display());
    for entry in std::fs::read_dir("/proc").ok()?.flatten() {
        let Ok(pid) = entry.file_name().to_string_lossy().parse::<u32>() else {
            continue;
        };
        let comm = std::fs::read_to_string(format!("/proc/{pid}/comm")).unwrap_or_default();
        if comm.trim() != name {
            continue;
        }
        let environ = std::fs::read(format!("/proc/{pid}/environ")).unwrap_or_default();
        if environ
            .split(|byte| *byte == 0)
            .any(|pair| pair == wanted.as_bytes())
        {
            return Some(pid);
        }
    }
    None
}

/// Seconds since boot at which process `pid` started.
fn started_at(pid: u32) -> f64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).expect("the app runs");
    // Field 22 (starttime); the command name (field 2) may hold spaces, so count after ')'.
    let after = stat
        .rsplit_once(')')
        .map(|(_, rest)| rest)
        .unwrap_or_default();
    let ticks: f64 = after
        .split_whitespace()
        .nth(19)
        .and_then(|field| field.parse().ok())
        .expect("/proc/<pid>/stat has a starttime");
    ticks / CLOCK_TICKS
}

/// The number in field `name` (`VmRSS:`, `Threads:`…) of `/proc/<pid>/status`; 0 when missing.
fn status_field(pid: u32, name: &str) -> f64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find_map(|line| line.strip_prefix(name))
        .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0.0)
}

/// `VmRSS` of `pid` in MiB.
fn rss_mib(pid: u32) -> f64 {
    status_field(pid, "VmRSS:") / 1024.0
}

/// `VmRSS` split into anonymous, file-backed and shared memory, in MiB, and the thread count.
fn rss_parts(pid: u32) -> String {
    let mib = |name: &str| status_field(pid, name) / 1024.0;
    format!(
        "anonymous {:.1}, files {:.1}, shared {:.1} MiB; {} threads",
        mib("RssAnon:"),
        mib("RssFile:"),
        mib("RssShmem:"),
        status_field(pid, "Threads:")
    )
}

/// Runs `xdotool` with `args` on the test's display; false when it is missing or fails.
fn xdotool(args: &[&str]) -> bool {
    std::process::Command::new("xdotool")
        .args(args)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .is_ok_and(|status| status.success())
}

/// Gives the app's window the X keyboard's focus; false when `xdotool` is missing or fails.
fn focus_window() -> bool {
    xdotool(&[
        "search",
        "--sync",
        "--name",
        "^Hattama$",
        "windowfocus",
        "--sync",
    ])
}

/// The `WebKitWebProcess` children of `parent`, which render the app's page.
fn web_processes(parent: u32) -> Vec<u32> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir("/proc").into_iter().flatten().flatten() {
        let Ok(pid) = entry.file_name().to_string_lossy().parse::<u32>() else {
            continue;
        };
        let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
        let ppid = stat
            .rsplit_once(')')
            .and_then(|(_, rest)| rest.split_whitespace().nth(1))
            .and_then(|field| field.parse::<u32>().ok());
        let comm = std::fs::read_to_string(format!("/proc/{pid}/comm")).unwrap_or_default();
        if ppid == Some(parent) && comm.starts_with("WebKitWebProces") {
            found.push(pid);
        }
    }
    found
}

/// Waits until the app shows `screen`, polling often; returns the uptime when it did.
async fn ready(session: &Session, screen: &str) -> f64 {
    let started = Instant::now();
    while started.elapsed() < DEADLINE {
        let shown = session
            .script(
                "return document.querySelector('[data-testid=app-shell]')?.dataset.screen ?? ''",
            )
            .await;
        if shown.as_str() == Some(screen) {
            return uptime();
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    panic!("the app did not show {screen} within {DEADLINE:?}");
}

async fn cold_start(session: &Session, screen: &str) -> (u32, f64) {
    let shown = ready(session, screen).await;
    let pid = pid_of("hattama-app", session.database()).expect("the app process is running");
    let start = started_at(pid);
    // Where the time went: the page's own clock (ms since the epoch) against ours.
    let epoch_now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0.0, |d| d.as_secs_f64() * 1000.0);
    let boot_ms = epoch_now - uptime() * 1000.0;
    let marks = session
        .script(
            "const t = performance.timing;\n\
             return [t.navigationStart, t.responseEnd, t.domContentLoadedEventEnd];",
        )
        .await;
    if let Some([navigation, response, loaded]) = three_numbers(&marks) {
        let since_start = |epoch: f64| epoch - boot_ms - start * 1000.0;
        println!(
            "  of which: page navigation starts at {:.0} ms, page loaded at {:.0} ms, DOM ready at {:.0} ms, form shown at {:.0} ms",
            since_start(navigation),
            since_start(response),
            since_start(loaded),
            (shown - start) * 1000.0
        );
    }
    // The UI's own marks (ui/src/main.ts, shell.load): script running, IPC asked and answered.
    let marks = session
        .script(
            "return ['hattama:script', 'hattama:ipc-start', 'hattama:ipc-end']\n\
             .map(name => performance.getEntriesByName(name)[0]?.startTime ?? null);",
        )
        .await;
    if let Some([script, asked, answered]) = three_numbers(&marks) {
        println!(
            "  after navigation: script runs at {script:.0} ms, asks the app at {asked:.0} ms, has its answers at {answered:.0} ms"
        );
    }
    (pid, shown - start)
}

/// The first three numbers of a script's array result (NaN for a missing one, printed as such).
fn three_numbers(value: &serde_json::Value) -> Option<[f64; 3]> {
    let items = value.as_array()?;
    Some([0, 1, 2].map(|i| {
        items
            .get(i)
            .and_then(serde_json::Value::as_f64)
            .unwrap_or(f64::NAN)
    }))
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let session = Session::start().await;
    let (_, first_run) = cold_start(&session, "setup").await;
    println!(
        "cold start to the setup form (fresh database): {:.0} ms",
        first_run * 1000.0
    );

    session.click("load-demo").await;
    session.find("precinct-form").await;
    session.select("region", "abai").await;
    session.select("precinct", "1").await;
    // The person setting up becomes the first chair.
    session.type_into("setup-chair-name", "Aigul").await;
    session.type_into("setup-chair-pin", "590417").await;
    session.click("setup-precinct").await;
    session.find("setup-precinct-done").await;
    session.type_into("member-name", "Айгүл Сәрсенова").await;
    session.select("member-position", "chair").await;
    session.click("add-member").await;
    session.wait_for_value("member-name", "").await;
    for (name, role, pin) in [("Ana", "clerk", "268135")] {
        session.type_into("user-name", name).await;
        session.select("user-role", role).await;
        session.type_into("user-pin", pin).await;
        session.click("add-user").await;
        session.find(&format!("user-{name}")).await;
    }
    session.click("setup-finish").await;

    let session = session.restart().await;
    let (pid, start) = cold_start(&session, "login").await;
    println!(
        "cold start to the PIN form (set-up database): {:.0} ms",
        start * 1000.0
    );

    session.click("login-user-Ana").await;
    session.type_into("login-pin", "268135").await;
    session.click("login-submit").await;
    session.click("open-majilis-list").await;
    session.wait_for_focus("field-L1").await;
    println!(
        "resident memory of the app process on the empty entry form: {:.1} MiB ({})",
        rss_mib(pid),
        rss_parts(pid)
    );
    // Any clean protocol will do: the same one the other tests type.
    let lines: Vec<(&str, String)> = hattama_protocol::builtin::DEMO_CLEAN_P1
        .iter()
        .map(|&(line, value)| (line, value.to_string()))
        .collect();
    let typing = Instant::now();
    // Typed as a clerk types, through the X keyboard, when xdotool is there: WebDriver's own
    // commands (a script and an element lookup per key) grow the app process's memory too.
    let by_keyboard = focus_window();
    for (line, value) in &lines {
        if by_keyboard {
            assert!(xdotool(&["type", "--delay", "20", value]), "xdotool types");
            assert!(xdotool(&["key", "Return"]), "xdotool presses Enter");
        } else {
            session.wait_for_focus(&format!("field-{line}")).await;
            session.type_into(&format!("field-{line}"), value).await;
            session
                .wait_for_attribute(&format!("status-{line}"), "data-status", "saved")
                .await;
            session.press(Key::Enter).await;
        }
    }
    let (last, _) = &lines[lines.len() - 1];
    session
        .wait_for_attribute(&format!("status-{last}"), "data-status", "saved")
        .await;
    println!(
        "one protocol typed {}, {} fields: {:.0} ms",
        if by_keyboard {
            "on the X keyboard (xdotool)"
        } else {
            "by WebDriver"
        },
        lines.len(),
        typing.elapsed().as_secs_f64() * 1000.0
    );
    let after = (rss_mib(pid), rss_parts(pid));
    for (line, value) in &lines {
        session
            .wait_for_value(&format!("field-{line}"), value)
            .await;
        session
            .wait_for_attribute(&format!("status-{line}"), "data-status", "saved")
            .await;
    }
    println!(
        "resident memory of the app process after one protocol: {:.1} MiB ({})",
        after.0, after.1
    );
    let webs = web_processes(pid);
    let web: f64 = webs.iter().copied().map(rss_mib).sum();
    println!("resident memory of its WebKit web process(es): {web:.1} MiB");
    let rendering = webs
        .first()
        .map(|&web| rendering_env(web))
        .unwrap_or_default();
    session.finish().await;
    webkit_floor(&[]).await;
    if !rendering.is_empty() {
        webkit_floor(&rendering).await;
    }
    latency::run().await;
}

/// The GTK and `WebKit` rendering settings (`GDK_*`, `WEBKIT_*` but the inspector's, which the
/// WebDriver sets) in the environment of `pid`: for the app's web process, the defaults the app
/// set for itself (it inherits them) plus the user's.
fn rendering_env(pid: u32) -> Vec<(String, String)> {
    let environ = std::fs::read(format!("/proc/{pid}/environ")).unwrap_or_default();
    environ
        .split(|byte| *byte == 0)
        .filter_map(|pair| std::str::from_utf8(pair).ok()?.split_once('='))
        .filter(|(name, _)| name.starts_with("GDK_") || name.starts_with("WEBKIT_"))
        .filter(|(name, _)| !name.starts_with("WEBKIT_INSPECTOR"))
        .map(|(name, value)| (name.to_owned(), value.to_owned()))
        .collect()
}

/// WebKitGTK's own `MiniBrowser` showing the app's built page: what the webview costs before
/// Tauri and Hattama add anything, measured in the same run for comparison, with `WebKit`'s
/// defaults (no `rendering`) or with the rendering settings the app runs with.
async fn webkit_floor(rendering: &[(String, String)]) {
    let browser = Path::new("/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser");
    let page = Path::new(env!("CARGO_MANIFEST_DIR")).join("../ui/dist/index.html");
    if !browser.is_file() || !page.is_file() {
        println!("(WebKitGTK's MiniBrowser or the built page is missing: no floor measured)");
        return;
    }
    let mut child = std::process::Command::new(browser)
        .arg(format!("file://{}", page.display()))
        .envs(rendering.iter().map(|(name, value)| (name, value)))
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("MiniBrowser starts");
    // No WebDriver here: give it the time the app took to settle, then read its memory.
    tokio::time::sleep(Duration::from_secs(6)).await;
    let rss = rss_mib(child.id());
    let parts = rss_parts(child.id());
    let web: f64 = web_processes(child.id()).into_iter().map(rss_mib).sum();
    let _ = child.kill();
    let _ = child.wait();
    let settings = if rendering.is_empty() {
        "WebKit's defaults".to_owned()
    } else {
        let pairs: Vec<String> = rendering
            .iter()
            .map(|(name, value)| format!("{name}={value}"))
            .collect();
        format!("the app's {}", pairs.join(" "))
    };
    println!(
        "for comparison, WebKitGTK's MiniBrowser on the same page ({settings}): {rss:.1} MiB ({parts}), its web process(es) {web:.1} MiB"
    );
}
