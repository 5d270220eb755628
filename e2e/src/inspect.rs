//! Looking into the page beyond its elements: the app's IPC called from the page, scripts,
//! axe-core's accessibility check, the focus outline's contrast, scrolling and screenshots.

use serde_json::{Value, json};

use crate::{DEADLINE, SCREENSHOTS_ENV, Session, workspace_root};

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

impl Session {
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
}
