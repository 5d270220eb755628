//! The `hattama-app` binary: sets up logging and runs the app.

use std::io::IsTerminal;
use std::process::ExitCode;

use tracing_subscriber::EnvFilter;

/// How GTK and `WebKitGTK` draw this app unless the user's environment says otherwise, given what
/// the environment says of the DMA-BUF renderer (`dmabuf`). A form needs no GPU, and together
/// these keep OpenGL (Mesa, and with software GL its LLVM, about 50 MB resident) out of the app
/// process:
///
/// - `GDK_GL=disable`: GTK does not probe OpenGL when it opens the display;
/// - `WEBKIT_DISABLE_DMABUF_RENDERER=1`: pages are drawn by the web process on the CPU and handed
///   over through shared memory, not as GPU buffers (also the usual cure for blank windows on
///   some GPU drivers);
/// - `WEBKIT_WEB_RENDER_DEVICE_FILE=none`, only while that renderer stays off: no render device
///   to look up, which `WebKit` otherwise does by opening an EGL display in the app process even
///   when nothing will use it. A user who turns the renderer back on gets the lookup back.
///
/// `cargo xtask bench-app` prints what they save.
#[cfg(target_os = "linux")]
fn rendering_defaults(dmabuf: Option<&str>) -> Vec<(&'static str, &'static str)> {
    let mut defaults = vec![
        ("GDK_GL", "disable"),
        ("WEBKIT_DISABLE_DMABUF_RENDERER", "1"),
    ];
    // WebKit reads any value but "0" as "disabled".
    if dmabuf != Some("0") {
        defaults.push(("WEBKIT_WEB_RENDER_DEVICE_FILE", "none"));
    }
    defaults
}

fn main() -> ExitCode {
    // First thing, while this is the only thread: GTK and WebKit read these once they start.
    #[cfg(target_os = "linux")]
    let dmabuf = glib::getenv("WEBKIT_DISABLE_DMABUF_RENDERER");
    #[cfg(target_os = "linux")]
    let unset: Vec<_> = rendering_defaults(dmabuf.as_deref().and_then(|value| value.to_str()))
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

#[cfg(all(test, target_os = "linux"))]
mod tests {
    use super::rendering_defaults;

    fn names(dmabuf: Option<&str>) -> Vec<&'static str> {
        rendering_defaults(dmabuf)
            .into_iter()
            .map(|(name, _)| name)
            .collect()
    }

    #[test]
    fn the_render_device_is_skipped_while_the_dmabuf_renderer_is_off() {
        for dmabuf in [None, Some("1"), Some("yes")] {
            assert!(
                names(dmabuf).contains(&"WEBKIT_WEB_RENDER_DEVICE_FILE"),
                "{dmabuf:?}"
            );
        }
    }

    #[test]
    fn the_render_device_is_looked_up_when_the_user_turns_the_dmabuf_renderer_on() {
        assert_eq!(
            names(Some("0")),
            ["GDK_GL", "WEBKIT_DISABLE_DMABUF_RENDERER"]
        );
    }
}
