//! The `hattama-app` binary: sets up logging and runs the app.

use std::io::IsTerminal;
use std::process::ExitCode;

use tracing_subscriber::EnvFilter;

/// How GTK and `WebKitGTK` should draw a form-filling app, unless the user's environment says
/// otherwise: GTK needs no OpenGL of its own (probing it on X11 costs a round trip per visual and
/// loads Mesa, about 4 MB and a tenth of a second at start-up), and `WebKit`'s DMA-BUF renderer is
/// the usual cause of blank windows on some GPU drivers; without it, a page is drawn through
/// shared memory (and the web process needs about 80 MB less under software GL).
#[cfg(target_os = "linux")]
const RENDERING_DEFAULTS: [(&str, &str); 2] = [
    ("GDK_GL", "disable"),
    ("WEBKIT_DISABLE_DMABUF_RENDERER", "1"),
];

fn main() -> ExitCode {
    // First thing, while this is the only thread: GTK and WebKit read these once, at start-up.
    #[cfg(target_os = "linux")]
    for (name, value) in RENDERING_DEFAULTS {
        let _ = glib::setenv(name, value, false);
    }
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .init();
    match hattama_app::run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            tracing::error!(%error, "the app could not run");
            ExitCode::FAILURE
        }
    }
}
