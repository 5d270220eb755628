//! Tasks about the desktop app: install what it needs, build, run, test end to end, package.
//!
//! Every task starts with [`prepare`], which installs only what is missing: Debian packages
//! (`WebKitGTK` and friends, Xvfb, `WebKitWebDriver`), the UI's npm packages and `tauri-driver`.
//! The app under test is always built by `tauri build`, which builds the UI and embeds it (a plain
//! `cargo build` would load Vite's dev server instead). Everything builds into the workspace
//! `target/`, and a release build happens at most once per run (for the `.deb`).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::SystemTime;

use anyhow::{Context, Result, bail};

use crate::sh;

/// Debian packages the builds and tests need: the app's (`WebKitGTK`, Xvfb, `WebKitWebDriver`), the
/// printed documents' (`pdftotext`/`pdftoppm`, `DejaVu` fonts with Kazakh Cyrillic), and the batch
/// write tests' (a FAT32 image made by `mkfs.vfat` and mounted with `fusefat`), and `xdotool`, with
/// which `cargo xtask bench-app` types a protocol on the X keyboard, and `strace`, with which a
/// batch test sees the drive writer's syncs.
const APT_PACKAGES: &[&str] = &[
    "build-essential",
    "pkg-config",
    "libwebkit2gtk-4.1-dev",
    "libssl-dev",
    "xvfb",
    "xauth",
    "webkit2gtk-driver",
    "poppler-utils",
    "fonts-dejavu-core",
    "dosfstools",
    "fusefat",
    "xdotool",
    "strace",
];

/// `xvfb-run` arguments: any free display, one screen large enough for the window.
const XVFB_RUN: &[&str] = &["-a", "-s", "-screen 0 1280x800x24"];

/// Where the `.deb` installs the app.
const INSTALLED_APP: &str = "/usr/bin/hattama-app";

/// The E2E test run against the installed app.
const INSTALLED_SMOKE_TEST: &str = "starts_in_kazakh_on_the_setup_screen";

fn ui_dir() -> PathBuf {
    sh::root().join("ui")
}

/// The Cargo target dir: the workspace `target/`, unless `CARGO_TARGET_DIR` says otherwise.
pub(crate) fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| sh::root().join("target"), PathBuf::from)
}

/// Builds the app and starts it on this machine's display.
pub(crate) fn run(args: &[String]) -> Result<()> {
    if std::env::var_os("DISPLAY").is_none() && std::env::var_os("WAYLAND_DISPLAY").is_none() {
        bail!("`cargo xtask run` needs a display; headless, use `cargo xtask e2e`");
    }
    prepare()?;
    build_debug_app()?;
    let app = target_dir().join("debug").join("hattama-app");
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    sh::run(&app.display().to_string(), &args)
}

/// Runs the end-to-end tests through the real webview under Xvfb; extra args go to the test binary.
pub(crate) fn e2e(args: &[String]) -> Result<()> {
    prepare()?;
    build_debug_app()?;
    build_debug_cli()?;
    run_e2e(&[], E2E_TARGETS, args)
}

/// Builds the `.deb` and the Windows installer (both release) and prints where they are.
pub(crate) fn dist(_args: &[String]) -> Result<()> {
    prepare()?;
    let deb = build_deb()?;
    sh::say(&format!("built {}", deb.display()));
    let windows = crate::windows::build(crate::windows::Build::Shipped)?;
    crate::windows::installer(&windows)?;
    Ok(())
}

/// Runs the end-to-end tests with screenshots on, writing `docs/screenshots/*.png`.
pub(crate) fn screenshots(args: &[String]) -> Result<()> {
    prepare()?;
    build_debug_app()?;
    build_debug_cli()?;
    run_e2e(&[("HATTAMA_SCREENSHOTS", "1")], E2E_TARGETS, args)
}

/// Regenerates the app's generated files: the TypeScript twins of the IPC DTOs.
pub(crate) fn codegen() -> Result<()> {
    sh::run_env_in(
        &sh::root(),
        &[("UPDATE_EXPECT", "1")],
        "cargo",
        &[
            "test",
            "-p",
            "hattama-app",
            "--lib",
            "generated_typescript_is_current",
        ],
    )
}

/// What `cargo xtask test` runs for the app after the Rust tests: UI checks, the app's own tests,
/// the E2E, then the `.deb`, installed and started through the same E2E harness.
pub(crate) fn test_steps() -> Result<()> {
    prepare()?;
    npm(&["run", "check"])?;
    npm(&["run", "lint"])?;
    npm(&["test"])?;
    sh::run("cargo", &["test", "-p", "hattama-app"])?;
    build_debug_app()?;
    build_debug_cli()?;
    run_e2e(&[], E2E_TARGETS, &[])?;
    let deb = build_deb()?;
    let deb = deb.display().to_string();
    as_root(&[], &["dpkg", "-i", &deb])?;
    if !Path::new(INSTALLED_APP).is_file() {
        bail!("{deb} did not install {INSTALLED_APP}");
    }
    run_e2e(
        &[("HATTAMA_APP", INSTALLED_APP)],
        &["app"],
        &[INSTALLED_SMOKE_TEST.to_owned()],
    )?;
    // Windows: both binaries, the CLI tests under Wine, the installer (the quicker release build:
    // CI has 90 minutes on two cores).
    crate::windows::check(crate::windows::Build::Quick)
}

/// Installs whatever the app's builds and tests need and is missing; cheap when all is there.
/// `cargo clippy` or `cargo test` over the whole workspace need it first (for `WebKitGTK`).
pub(crate) fn prepare() -> Result<()> {
    system_packages()?;
    ui_packages()?;
    tauri_driver()
}

/// Installs the Debian packages that are not installed yet (`apt-get update` first).
fn system_packages() -> Result<()> {
    let missing: Vec<&str> = APT_PACKAGES
        .iter()
        .chain(crate::windows::APT_PACKAGES)
        .copied()
        .filter(|package| !installed(package))
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    sh::say(&format!("missing Debian packages: {}", missing.join(" ")));
    as_root(&[], &["apt-get", "update"])?;
    let install: Vec<&str> = ["apt-get", "install", "-y", "--no-install-recommends"]
        .into_iter()
        .chain(missing.iter().copied())
        .collect();
    as_root(&[("DEBIAN_FRONTEND", "noninteractive")], &install)
}

/// Runs `command` as root: directly when xtask is root, else through `sudo`.
fn as_root(env: &[(&str, &str)], command: &[&str]) -> Result<()> {
    let mut full: Vec<&str> = Vec::new();
    if !is_root() {
        full.push("sudo");
    }
    full.extend(command);
    let (program, args) = full.split_first().context("a command to run")?;
    sh::run_env_in(&sh::root(), env, program, args)
}

fn installed(package: &str) -> bool {
    Command::new("dpkg-query")
        .args(["-W", "-f=${Status}", package])
        .output()
        .is_ok_and(|output| output.stdout.ends_with(b"install ok installed"))
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|output| output.stdout.trim_ascii() == b"0")
}

/// Runs `npm ci` when `node_modules` is missing or older than `package-lock.json`.
fn ui_packages() -> Result<()> {
    let ui = ui_dir();
    let lock = modified(&ui.join("package-lock.json"))?;
    let installed = modified(&ui.join("node_modules").join(".package-lock.json")).ok();
    if installed.is_some_and(|installed| lock <= installed) {
        return Ok(());
    }
    npm(&["ci"])
}

fn modified(path: &Path) -> Result<SystemTime> {
    std::fs::metadata(path)
        .and_then(|metadata| metadata.modified())
        .with_context(|| format!("cannot read the time of {}", path.display()))
}

/// Installs `tauri-driver` (the `WebDriver` front for Tauri apps) unless it is on `PATH`.
fn tauri_driver() -> Result<()> {
    if sh::have("tauri-driver") {
        return Ok(());
    }
    sh::run("cargo", &["install", "tauri-driver", "--locked"])
}

fn npm(args: &[&str]) -> Result<()> {
    sh::run_in(&ui_dir(), "npm", args)
}

/// Runs the Tauri CLI from the UI's npm packages at the workspace root, where it finds `src-tauri`.
fn tauri(args: &[&str]) -> Result<()> {
    tauri_env(&[], args)
}

/// [`tauri`] with extra environment variables (the Windows build's linker).
pub(crate) fn tauri_env(env: &[(&str, &str)], args: &[&str]) -> Result<()> {
    let cli = ui_dir().join("node_modules").join(".bin").join("tauri");
    sh::run_env_in(&sh::root(), env, &cli.display().to_string(), args)
}

/// Builds `target/debug/hattama-app` with the frontend embedded, as the E2E tests need it.
fn build_debug_app() -> Result<()> {
    tauri(&["build", "--debug", "--no-bundle"])
}

/// Builds `target/debug/hattama`, the CLI the E2E test of the shared default database runs.
fn build_debug_cli() -> Result<()> {
    sh::run("cargo", &["build", "-p", "hattama-cli", "--bin", "hattama"])
}

/// Builds the release `.deb` and returns its path.
fn build_deb() -> Result<PathBuf> {
    tauri(&["build", "--bundles", "deb"])?;
    let dir = target_dir().join("release").join("bundle").join("deb");
    let mut debs: Vec<PathBuf> = std::fs::read_dir(&dir)
        .with_context(|| format!("no bundle directory {}", dir.display()))?
        .filter_map(|entry| entry.ok().map(|entry| entry.path()))
        .filter(|path| path.extension().is_some_and(|extension| extension == "deb"))
        .collect();
    debs.sort_by_key(|path| modified(path).ok());
    debs.pop()
        .with_context(|| format!("no .deb in {}", dir.display()))
}

/// The E2E test targets (one binary each): the app's main flow, typing at human speed and in
/// bursts, the outbound side, and the database the app and the CLI share by default.
const E2E_TARGETS: &[&str] = &["app", "keyboard", "outbound", "installation"];

/// Runs the E2E crate's `targets` under Xvfb with `env`; `args` go to the test binaries.
fn run_e2e(env: &[(&str, &str)], targets: &[&str], args: &[String]) -> Result<()> {
    let mut command: Vec<&str> = XVFB_RUN.to_vec();
    command.extend(["cargo", "test", "-p", "hattama-e2e"]);
    for target in targets {
        command.extend(["--test", target]);
    }
    command.push("--");
    command.extend(args.iter().map(String::as_str));
    sh::run_env_in(&sh::root(), env, "xvfb-run", &command)
}
