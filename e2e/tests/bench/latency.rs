//! Keystroke latency in the real webview: 240 keys (digits and Backspace) typed into P1's first
//! entry as a clerk types them, each timed inside the page from its `keydown` to the check
//! panel's update and to the next frame after it; printed beside the one-frame floor, never
//! asserted.
//!
//! The page's clock does the timing (`performance.now()`, which `WebKit` rounds to whole
//! milliseconds), so nothing of the `WebDriver` or of `xdotool` is counted. A probe installed before the first key records:
//!
//! - each digit's and Backspace's `keydown`, in a capturing listener on the document (it runs
//!   before the field's own handlers);
//! - each change of the check panel (`[data-testid=check-panel]`), in a `MutationObserver` on
//!   its subtree (one record per batch of DOM changes), and the first `requestAnimationFrame`
//!   callback after it: the frame that paints the change;
//! - each `save_value` call's start, the arrival of its answer's headers and its parsed body,
//!   by wrapping the page's `fetch`, through which Tauri's IPC goes on this platform.
//!
//! A key is paired with the first panel change after it and before the next key: keys come
//! [`KEY_GAP_MS`] apart, far more than a change takes, and a key that changes no finding
//! (a digit that keeps every check as it was) changes nothing, so the count of keys that did is
//! printed too. For those keys, the time is split at the `save_value` call that started last
//! before the change, the save whose checks it shows: the page's work before it asks; from the
//! ask to the change (the IPC, the command, the rows written, the check, the early message on
//! the save's channel and Svelte updating the panel, but not the commit's fsync: the app sends
//! the checks before it makes the write durable); and from the change to the save's answer
//! (the commit, its fsync and the answer). Beside the round trip, the floor of one durable write on the
//! database's file system, measured right after the typing under the same load: a 512-byte
//! write and `fsync` of a file in the database's folder, [`FSYNC_SAMPLES`] times.

use std::io::{Seek, Write};
use std::path::Path;
use std::time::{Duration, Instant};

use hattama_e2e::{Key, Session, Typing};
use serde_json::Value;

use crate::clerk;

/// How many keys the bench types.
const KEYS: usize = 240;

/// The pause between two keys: a quick clerk's seven keys a second.
const KEY_GAP_MS: u32 = 150;

/// One frame at 60 Hz, the floor a change on screen cannot beat.
const FRAME_MS: f64 = 1000.0 / 60.0;

/// How many times the fsync floor is measured.
const FSYNC_SAMPLES: usize = 200;

/// The probe the page runs before the first key (see the module's doc); it keeps what it saw
/// in `window.hattamaLatency`.
const PROBE: &str = "const seen = { keys: [], changes: [], calls: [] };\n\
    window.hattamaLatency = seen;\n\
    document.addEventListener('keydown', (event) => {\n\
      if (/^[0-9]$/.test(event.key) || event.key === 'Backspace') seen.keys.push(performance.now());\n\
    }, true);\n\
    const panel = document.querySelector('[data-testid=check-panel]');\n\
    new MutationObserver(() => {\n\
      const change = { at: performance.now(), frame: null };\n\
      seen.changes.push(change);\n\
      requestAnimationFrame(() => { change.frame = performance.now(); });\n\
    }).observe(panel, { subtree: true, childList: true, attributes: true, characterData: true });\n\
    const fetchBefore = window.fetch;\n\
    window.fetch = function (resource, options) {\n\
      const answer = fetchBefore.call(this, resource, options);\n\
      if (!String(resource).endsWith('/save_value')) return answer;\n\
      const call = { start: performance.now(), headers: null, end: null };\n\
      seen.calls.push(call);\n\
      return answer.then((response) => {\n\
        call.headers = performance.now();\n\
        const json = response.json.bind(response);\n\
        response.json = () => json().then((body) => { call.end = performance.now(); return body; });\n\
        return response;\n\
      });\n\
    };\n\
    return panel !== null;";

/// The keys for each line, in order: the clean demo P1's value typed, erased with Backspace and
/// typed again twice (a clerk correcting a slip), until [`KEYS`] keys are planned. Backspace is
/// `WebDriver`'s key character.
fn plan() -> Vec<(&'static str, Vec<char>)> {
    let backspace = char::from(Key::Backspace);
    let mut planned = Vec::new();
    let mut left = KEYS;
    for &(line, value) in hattama_protocol::builtin::DEMO_CLEAN_P1 {
        let digits: Vec<char> = value.to_string().chars().collect();
        let erase = vec![backspace; digits.len()];
        let mut keys = [&digits[..], &erase, &digits, &erase, &digits].concat();
        keys.truncate(left);
        left -= keys.len();
        planned.push((line, keys));
        if left == 0 {
            break;
        }
    }
    planned
}

/// Types `keys` into whatever has focus, [`KEY_GAP_MS`] apart: on the X keyboard when
/// `keyboard`, else as `WebDriver` key actions.
async fn type_line(session: &Session, keys: &[char], keyboard: bool) {
    if !keyboard {
        for key in keys {
            session.type_keys(&key.to_string(), Typing::Burst).await;
            tokio::time::sleep(Duration::from_millis(KEY_GAP_MS.into())).await;
        }
        return;
    }
    let backspace = char::from(Key::Backspace);
    let names: Vec<String> = keys
        .iter()
        .map(|&key| {
            if key == backspace {
                "BackSpace".to_owned()
            } else {
                key.to_string()
            }
        })
        .collect();
    let delay = KEY_GAP_MS.to_string();
    let mut args = vec!["key", "--delay", delay.as_str()];
    args.extend(names.iter().map(String::as_str));
    assert!(crate::xdotool(&args), "xdotool presses keys");
}

/// The numbers of `value[field]` (absent ones as NaN) of each object in the array `value`.
fn column(value: &Value, field: &str) -> Vec<f64> {
    value
        .as_array()
        .into_iter()
        .flatten()
        .map(|item| item[field].as_f64().unwrap_or(f64::NAN))
        .collect()
}

/// `p50, p95, p99, max` of `samples` (nearest rank), in ms, as one line of text.
fn quantiles(samples: &[f64]) -> String {
    let mut sorted: Vec<f64> = samples.iter().copied().filter(|x| x.is_finite()).collect();
    if sorted.is_empty() {
        return "no samples".to_owned();
    }
    sorted.sort_by(f64::total_cmp);
    let rank = |percent: usize| {
        let index = (percent * sorted.len()).div_ceil(100).max(1) - 1;
        sorted[index.min(sorted.len() - 1)]
    };
    format!(
        "p50 {:.1} ms, p95 {:.1} ms, p99 {:.1} ms, max {:.1} ms ({} samples)",
        rank(50),
        rank(95),
        rank(99),
        sorted[sorted.len() - 1],
        sorted.len()
    )
}

/// What the probe saw, in the page's ms.
struct Seen {
    keys: Vec<f64>,
    changes: Vec<f64>,
    frames: Vec<f64>,
    starts: Vec<f64>,
    headers: Vec<f64>,
    ends: Vec<f64>,
}

impl Seen {
    fn from(value: &Value) -> Seen {
        let keys = value["keys"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|key| key.as_f64().unwrap_or(f64::NAN))
            .collect();
        Seen {
            keys,
            changes: column(&value["changes"], "at"),
            frames: column(&value["changes"], "frame"),
            starts: column(&value["calls"], "start"),
            headers: column(&value["calls"], "headers"),
            ends: column(&value["calls"], "end"),
        }
    }

    /// The first panel change at or after key `index` and before the next key.
    fn change_after(&self, index: usize) -> Option<usize> {
        let key = self.keys[index];
        let next = self.keys.get(index + 1).copied().unwrap_or(f64::INFINITY);
        self.changes
            .iter()
            .position(|&change| key <= change && change < next)
    }

    /// The `save_value` call started after `key` that started last before `change`: the save
    /// whose checks the change shows (they come ahead of its answer, before the fsync).
    fn call_between(&self, key: f64, change: f64) -> Option<usize> {
        (0..self.starts.len())
            .filter(|&call| key <= self.starts[call] && self.starts[call] <= change)
            .max_by(|&a, &b| self.starts[a].total_cmp(&self.starts[b]))
    }
}

/// Opens P1's entry in a session of its own, types the [`plan`] and prints the figures.
pub(crate) async fn run() {
    let session = clerk::open_entry().await;
    let installed = session.script(PROBE).await;
    assert_eq!(installed, Value::Bool(true), "the check panel is shown");
    let keyboard = crate::focus_window();
    let planned = plan();
    for (line, keys) in &planned {
        session.wait_for_focus(&format!("field-{line}")).await;
        type_line(&session, keys, keyboard).await;
        session
            .wait_for_attribute(&format!("status-{line}"), "data-status", "saved")
            .await;
        if keyboard {
            assert!(crate::xdotool(&["key", "Return"]), "xdotool presses Enter");
        } else {
            session.press(Key::Enter).await;
        }
    }
    // The last change's frame has been painted by now.
    tokio::time::sleep(Duration::from_millis(100)).await;
    let seen = Seen::from(&session.script("return window.hattamaLatency;").await);
    // The app is idle now; its folder goes away with the session.
    let floor = session.database().parent().map(fsync_floor);
    session.finish().await;
    report(&seen, planned.len(), keyboard);
    if let Some(floor) = floor {
        println!(
            "  for comparison, write + fsync of 512 bytes beside the database: {}",
            quantiles(&floor)
        );
    }
}

/// Times a 512-byte write and `fsync` of one file in `folder`, [`FSYNC_SAMPLES`] times, in ms.
fn fsync_floor(folder: &Path) -> Vec<f64> {
    let path = folder.join("fsync-floor");
    let mut file = std::fs::File::create(&path).expect("a file can be made beside the database");
    let block = [b'x'; 512];
    let mut samples = Vec::with_capacity(FSYNC_SAMPLES);
    for _ in 0..FSYNC_SAMPLES {
        let started = Instant::now();
        file.rewind().expect("the file seeks");
        file.write_all(&block).expect("the file takes a write");
        file.sync_all().expect("the file syncs");
        samples.push(started.elapsed().as_secs_f64() * 1000.0);
    }
    drop(file);
    let _ = std::fs::remove_file(&path);
    samples
}

/// Prints the figures of what the probe saw, `lines` lines typed, on the X keyboard or not.
fn report(seen: &Seen, lines: usize, keyboard: bool) {
    let mut to_change = Vec::new();
    let mut to_frame = Vec::new();
    let (mut before_ask, mut ask_to_change, mut change_to_answer) =
        (Vec::new(), Vec::new(), Vec::new());
    for (index, &key) in seen.keys.iter().enumerate() {
        let Some(change) = seen.change_after(index) else {
            continue;
        };
        let at = seen.changes[change];
        to_change.push(at - key);
        to_frame.push(seen.frames[change] - key);
        if let Some(call) = seen.call_between(key, at) {
            before_ask.push(seen.starts[call] - key);
            ask_to_change.push(at - seen.starts[call]);
            change_to_answer.push(seen.ends[call] - at);
        }
    }
    let how = if keyboard {
        "on the X keyboard (xdotool)"
    } else {
        "as WebDriver key actions"
    };
    println!(
        "keystroke latency in the webview: {} keys (digits and Backspace) into {lines} lines of P1, {how}, {KEY_GAP_MS} ms apart; one frame is {FRAME_MS:.1} ms",
        seen.keys.len()
    );
    let gaps: Vec<f64> = seen.keys.windows(2).map(|pair| pair[1] - pair[0]).collect();
    println!("  between two keys in the page: {}", quantiles(&gaps));
    println!(
        "  keys that changed the check panel: {} of {}",
        to_change.len(),
        seen.keys.len()
    );
    println!("  keydown → check panel updated: {}", quantiles(&to_change));
    println!("  keydown → next frame after it: {}", quantiles(&to_frame));
    println!("  of which, per key that changed the panel:");
    println!("    keydown → save_value asked: {}", quantiles(&before_ask));
    println!(
        "    save_value asked → check panel updated (IPC, command, rows written, check, its early message, Svelte): {}",
        quantiles(&ask_to_change)
    );
    println!(
        "    check panel updated → the save's durable answer (commit and fsync, answer; negative: the answer came first): {}",
        quantiles(&change_to_answer)
    );
    let all: Vec<f64> = seen
        .ends
        .iter()
        .zip(&seen.starts)
        .map(|(end, start)| end - start)
        .collect();
    let headers: Vec<f64> = seen
        .headers
        .iter()
        .zip(&seen.starts)
        .map(|(headers, start)| headers - start)
        .collect();
    println!("  every save_value call, round trip: {}", quantiles(&all));
    println!(
        "  every save_value call, to its answer's headers: {}",
        quantiles(&headers)
    );
}
