//! Windows from this Debian machine: both binaries cross-built for `x86_64-pc-windows-gnu` with
//! mingw-w64 (clippy with warnings denied first), the CLI tests run with the Windows `hattama.exe`
//! under Wine, and the NSIS installer built by `makensis` from `src-tauri/windows/hattama.nsi`.
//!
//! Wine stands in for Windows for the command line only: the desktop app needs the `WebView2`
//! runtime, which Wine does not have, so the app is built and packaged here but started only on
//! real Windows; its Rust side (store, batch, drive writes) is the same code the CLI runs under
//! Wine. Wine 8 lacks `ProcessPrng`, which Rust's standard library imports from
//! `bcryptprimitives.dll`; the test-only stand-in in `xtask/wine/` is built here and put on
//! Wine's search path, never beside a shipped binary.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};

use crate::{app, sh};

/// The Rust target of the Windows build.
const TARGET: &str = "x86_64-pc-windows-gnu";

/// Debian packages for the Windows build: the linker, Wine (64-bit only) and makensis.
pub(crate) const APT_PACKAGES: &[&str] = &["mingw-w64", "wine", "wine64", "nsis"];

/// The CLI test targets run with the Windows binary: the whole precinct and commission road,
/// the scripted precinct, definition trust, and the cross-platform checks. The hostile-stick
/// tests are left out: they make FIFOs, links to `/dev/zero` and `prlimit` limits, which are Linux
/// things a Windows drive cannot hold.
const WINE_TESTS: &[&str] = &[
    "precinct_to_commission",
    "store",
    "definition_trust",
    "cross_platform",
];

/// Which release build: the one shipped, or a quicker one for tests.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Build {
    /// The release profile as `Cargo.toml` sets it (fat LTO, one codegen unit): what
    /// `cargo xtask dist` and `cargo xtask windows` ship.
    Shipped,
    /// The same code and optimisation level without LTO and with 16 codegen units, which builds
    /// in about half the time on two cores: what `cargo xtask test` (CI) builds, tests under Wine
    /// and packages. It writes into the same `release` folder, so a later shipped build rebuilds.
    Quick,
}

/// The linker and warnings policy of every Windows build, and, for [`Build::Quick`], the
/// release profile's LTO and codegen units overridden.
fn build_env(build: Build) -> Vec<(&'static str, &'static str)> {
    let mut env = vec![
        (
            "CARGO_TARGET_X86_64_PC_WINDOWS_GNU_LINKER",
            "x86_64-w64-mingw32-gcc",
        ),
        (
            "CARGO_TARGET_X86_64_PC_WINDOWS_GNU_RUSTFLAGS",
            "-D warnings",
        ),
    ];
    if build == Build::Quick {
        env.extend([
            ("CARGO_PROFILE_RELEASE_LTO", "false"),
            ("CARGO_PROFILE_RELEASE_CODEGEN_UNITS", "16"),
        ]);
    }
    env
}

/// Installs the Windows target for rustup unless it is there.
fn rust_target() -> Result<()> {
    let installed = std::process::Command::new("rustup")
        .args(["target", "list", "--installed"])
        .output()
        .context("rustup is needed for the Windows build")?;
    if String::from_utf8_lossy(&installed.stdout)
        .lines()
        .any(|line| line.trim() == TARGET)
    {
        return Ok(());
    }
    sh::run("rustup", &["target", "add", TARGET])
}

/// Where a Windows release build puts its binaries.
fn release_dir() -> PathBuf {
    app::target_dir().join(TARGET).join("release")
}

/// Clippy over every crate the Windows binaries hold, then both release binaries (the app with
/// its frontend embedded, through the Tauri CLI); returns their folder.
pub(crate) fn build(build: Build) -> Result<PathBuf> {
    app::prepare()?;
    rust_target()?;
    let root = sh::root();
    let env = build_env(build);
    let started = std::time::Instant::now();
    sh::run_env_in(
        &root,
        &env,
        "cargo",
        &[
            "clippy",
            "--target",
            TARGET,
            "-p",
            "hattama-cli",
            "-p",
            "hattama-app",
            "--",
            "-D",
            "warnings",
        ],
    )?;
    app::tauri_env(&env, &["build", "--target", TARGET, "--no-bundle"])?;
    sh::run_env_in(
        &root,
        &env,
        "cargo",
        &[
            "build",
            "--release",
            "--target",
            TARGET,
            "-p",
            "hattama-cli",
        ],
    )?;
    let dir = release_dir();
    for file in ["hattama-app.exe", "hattama.exe", "WebView2Loader.dll"] {
        if !dir.join(file).is_file() {
            bail!("the Windows build made no {}", dir.join(file).display());
        }
    }
    sh::say(&format!(
        "Windows build (clippy and release) took {} s",
        started.elapsed().as_secs()
    ));
    Ok(dir)
}

/// Builds the test-only `bcryptprimitives.dll` into `target/wine-shim` and returns that folder.
fn wine_shim() -> Result<PathBuf> {
    let out = app::target_dir().join("wine-shim");
    std::fs::create_dir_all(&out)?;
    let source = sh::root().join("xtask").join("wine");
    let dll = out.join("bcryptprimitives.dll");
    sh::run(
        "x86_64-w64-mingw32-gcc",
        &[
            "-shared",
            "-O2",
            "-o",
            &dll.display().to_string(),
            &source.join("bcryptprimitives.c").display().to_string(),
            &source.join("bcryptprimitives.def").display().to_string(),
            "-ladvapi32",
        ],
    )?;
    Ok(out)
}

/// Runs the CLI tests in [`WINE_TESTS`] with the Windows `hattama.exe` in `bin` under Wine, in a
/// Wine prefix of its own under `target/`.
pub(crate) fn wine_tests(bin: &Path) -> Result<()> {
    let shim = wine_shim()?;
    let prefix = app::target_dir().join("wine-prefix");
    let exe = bin.join("hattama.exe").display().to_string();
    let prefix = prefix.display().to_string();
    // Wine maps `/` to drive Z:, so the shim's folder is Z: and its Unix path.
    let wine_path = format!("Z:{}", shim.display()).replace('/', "\\");
    let env = [
        ("HATTAMA_TEST_EXE", exe.as_str()),
        ("HATTAMA_TEST_RUNNER", "wine"),
        ("WINEPREFIX", prefix.as_str()),
        ("WINEPATH", wine_path.as_str()),
        ("WINEDEBUG", "-all"),
    ];
    let mut args = vec!["test", "-p", "hattama-cli"];
    for target in WINE_TESTS {
        args.extend(["--test", target]);
    }
    let started = std::time::Instant::now();
    sh::run_env_in(&sh::root(), &env, "cargo", &args)?;
    sh::say(&format!(
        "CLI tests under Wine took {} s",
        started.elapsed().as_secs()
    ));
    Ok(())
}

/// Builds the installer from the binaries in `bin` with makensis and returns its path.
pub(crate) fn installer(bin: &Path) -> Result<PathBuf> {
    let root = sh::root();
    let version = env!("CARGO_PKG_VERSION");
    let out_dir = app::target_dir()
        .join(TARGET)
        .join("release")
        .join("installer");
    std::fs::create_dir_all(&out_dir)?;
    let out = out_dir.join(format!("Hattama-{version}-setup.exe"));
    let icon = root.join("src-tauri").join("icons").join("icon.ico");
    let mut args = vec![
        "-V2".to_owned(),
        format!("-DVERSION={version}"),
        format!("-DBIN_DIR={}", bin.display()),
        format!("-DICON={}", icon.display()),
        format!("-DOUT_FILE={}", out.display()),
    ];
    // Microsoft's bootstrapper cannot be downloaded here; a build machine that has it names it.
    if let Some(bootstrapper) = std::env::var_os("HATTAMA_WEBVIEW2_BOOTSTRAPPER") {
        args.push(format!(
            "-DWEBVIEW2_BOOTSTRAPPER={}",
            Path::new(&bootstrapper).display()
        ));
    }
    args.push(
        root.join("src-tauri")
            .join("windows")
            .join("hattama.nsi")
            .display()
            .to_string(),
    );
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    sh::run("makensis", &args)?;
    let size = std::fs::metadata(&out)
        .with_context(|| format!("makensis wrote no {}", out.display()))?
        .len();
    sh::say(&format!("built {} ({size} bytes)", out.display()));
    Ok(out)
}

/// `cargo xtask windows [--quick]`: build, test under Wine, and package what is shipped, or with
/// `--quick` the quicker build CI tests ([`Build::Quick`]).
pub(crate) fn run(args: &[String]) -> Result<()> {
    match args {
        [] => check(Build::Shipped),
        [quick] if quick == "--quick" => check(Build::Quick),
        _ => bail!("usage: cargo xtask windows [--quick]"),
    }
}

/// Builds the binaries as `build` says, runs the CLI tests with them under Wine, and packages
/// them.
pub(crate) fn check(build: Build) -> Result<()> {
    let bin = self::build(build)?;
    wine_tests(&bin)?;
    installer(&bin)?;
    Ok(())
}
