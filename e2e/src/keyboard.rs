//! The keyboard and the mouse's other half: typing into a field, typing where focus is (as a
//! person does, or in one burst), pasting, choosing an option, single keys and Tab.

use fantoccini::actions::{InputSource, KeyAction, KeyActions};
use serde_json::json;

use crate::{HUMAN_PAUSE, Key, Session, Typing};

impl Session {
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
            Typing::Burst => self.keys(text.chars().flat_map(press_and_release)).await,
            Typing::Human => {
                for key in text.chars() {
                    self.keys(press_and_release(key)).await;
                    tokio::time::sleep(HUMAN_PAUSE).await;
                }
            }
        }
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

    /// Selects the option with value `value` of the `<select>` `id`.
    pub async fn select(&self, id: &str, value: &str) {
        self.find(id)
            .await
            .select_by_value(value)
            .await
            .expect("the option exists");
    }

    /// Presses and releases `key` on whatever has focus, as a person at the keyboard would.
    pub async fn press(&self, key: Key) {
        self.keys(press_and_release(char::from(key))).await;
    }

    /// Presses Ctrl and `key` together.
    pub async fn press_ctrl(&self, key: char) {
        let control = char::from(Key::Control);
        self.keys([
            KeyAction::Down { value: control },
            KeyAction::Down { value: key },
            KeyAction::Up { value: key },
            KeyAction::Up { value: control },
        ])
        .await;
    }

    /// Sends `actions` to the webview as one keyboard action sequence.
    async fn keys(&self, actions: impl IntoIterator<Item = KeyAction>) {
        let sequence = actions
            .into_iter()
            .fold(KeyActions::new("keyboard".to_owned()), KeyActions::then);
        self.client
            .perform_actions(sequence)
            .await
            .expect("the webview takes key presses");
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
}

/// A key pressed and released, as one key stroke.
fn press_and_release(key: char) -> [KeyAction; 2] {
    [KeyAction::Down { value: key }, KeyAction::Up { value: key }]
}
