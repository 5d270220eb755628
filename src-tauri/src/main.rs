//! The `hattama-app` binary: sets up logging and runs the app.

use std::io::IsTerminal;
use std::process::ExitCode;

use tracing_subscriber::EnvFilter;

/// How GTK and `WebKitGTK` draw this app unless the user's environment says otherwise. A form
/// needs no GPU, and each of these keeps OpenGL (Mesa, and with software GL its LLVM, about 50 MB
/// resident) out of the app process:
///
/// - `GDK_GL=disable`: GTK does not probe OpenGL when it opens the display;
/// - `WEBKIT_DISABLE_DMABUF_RENDERER=1`: pages are drawn by the web process on the CPU and handed
///   over through shared memory, not as GPU buffers (also the usual cure for blank windows on
///   some GPU drivers);
/// - `WEBKIT_WEB_RENDER_DEVICE_FILE=none`: no render device to look up, which `WebKit` otherwise
///   does by opening an EGL display in the app process even when nothing will use it.
///
/// `cargo xtask bench-app` prints what they save.
#[cfg(target_os = "linux")]
const RENDERING_DEFAULTS: [(&str, &str); 3] = [
    ("GDK_GL", "disable"),
    ("WEBKIT_DISABLE_DMABUF_RENDERER", "1"),
    ("WEBKIT_WEB_RENDER_DEVICE_FILE", "none"),
];

fn main() -> ExitCode {
    // First thing, while this is the only thread: GTK and WebKit read these once they start.
    #[cfg(target_os = "linux")]
    let unset: Vec<_> = RENDERING_DEFAULTS
        .into_iter()
        .filter_map(|(name, value)| glib::setenv(name, value, false).err().map(|e| (name, e)))
        .collect();
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .init();
    #[cfg(target_os = "linux")]
    for (name, error) in unset {
        tracing::warn!(name, %error, "a rendering default could not be set");
    }
    match hattama_app::run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            tracing::error!(%error, "the app could not run");
            ExitCode::FAILURE
        }
    }
}
