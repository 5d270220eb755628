//! Finding the page's elements by `data-testid` and waiting for what they show: every wait has
//! [`DEADLINE`] and fails showing the last thing it saw.

use std::time::{Duration, Instant};

use fantoccini::Locator;
use fantoccini::elements::Element;
use fantoccini::error::CmdError;

use crate::{DEADLINE, Session};

impl Session {
    /// The element with `data-testid` `id`, waiting for it to appear.
    pub async fn find(&self, id: &str) -> Element {
        let selector = format!("[data-testid=\"{id}\"]");
        let started = Instant::now();
        loop {
            match self.client.find(Locator::Css(&selector)).await {
                Ok(element) => return element,
                Err(error) => assert!(
                    started.elapsed() < DEADLINE,
                    "no element {selector} within {DEADLINE:?}: {error}"
                ),
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Clicks the element with `data-testid` `id`.
    pub async fn click(&self, id: &str) {
        self.find(id)
            .await
            .click()
            .await
            .expect("the element can be clicked");
    }

    /// Empties the field with `data-testid` `id`.
    pub async fn clear(&self, id: &str) {
        self.find(id)
            .await
            .clear()
            .await
            .expect("the field can be cleared");
    }

    /// Whether an element with `data-testid` `id` is on the page now.
    pub async fn present(&self, id: &str) -> bool {
        let selector = format!("[data-testid=\"{id}\"]");
        self.client.find(Locator::Css(&selector)).await.is_ok()
    }

    /// Waits until `read` of the element `id` returns `expected`; fails showing the last value seen.
    async fn wait_for<Read, Value>(&self, id: &str, what: &str, expected: &str, read: Read)
    where
        Read: Fn(Element) -> Value,
        Value: Future<Output = Result<String, CmdError>>,
    {
        let started = Instant::now();
        let mut seen = String::new();
        while started.elapsed() < DEADLINE {
            let element = self.find(id).await;
            if let Ok(value) = read(element).await {
                if value == expected {
                    return;
                }
                seen = value;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!(
            "[data-testid={id}] {what} is not {expected:?} after {DEADLINE:?}; last seen: {seen:?}"
        );
    }

    /// Waits until the element `id` shows exactly `expected` (trimmed).
    pub async fn wait_for_text(&self, id: &str, expected: &str) {
        self.wait_for(id, "text", expected, |element| async move {
            element.text().await.map(|text| text.trim().to_owned())
        })
        .await;
    }

    /// Waits until the element `id` has attribute `name` equal to `expected`.
    pub async fn wait_for_attribute(&self, id: &str, name: &'static str, expected: &str) {
        self.wait_for(id, name, expected, move |element| async move {
            element.attr(name).await.map(Option::unwrap_or_default)
        })
        .await;
    }

    /// Waits until the input `id` holds exactly `expected`.
    pub async fn wait_for_value(&self, id: &str, expected: &str) {
        self.wait_for(id, "value", expected, |element| async move {
            element.prop("value").await.map(Option::unwrap_or_default)
        })
        .await;
    }

    /// Waits until the element `id` has focus; fails showing what had it.
    pub async fn wait_for_focus(&self, id: &str) {
        let started = Instant::now();
        let mut seen = None;
        while started.elapsed() < DEADLINE {
            seen = self.focused().await;
            if seen.as_deref() == Some(id) {
                return;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("[data-testid={id}] has no focus after {DEADLINE:?}; focus is on {seen:?}");
    }

    /// Waits until no element has `data-testid` `id`.
    pub async fn wait_for_absent(&self, id: &str) {
        let selector = format!("[data-testid=\"{id}\"]");
        let started = Instant::now();
        while started.elapsed() < DEADLINE {
            if self.client.find(Locator::Css(&selector)).await.is_err() {
                return;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("{selector} is still there after {DEADLINE:?}");
    }

    /// The texts of every element whose `data-testid` starts with `prefix`.
    pub async fn texts(&self, prefix: &str) -> Vec<String> {
        let selector = format!("[data-testid^=\"{prefix}\"]");
        let mut texts = Vec::new();
        for element in self
            .client
            .find_all(Locator::Css(&selector))
            .await
            .expect("the page can be searched")
        {
            texts.push(element.text().await.unwrap_or_default());
        }
        texts
    }

    /// The `data-testid` of the focused element, if it has one.
    pub async fn focused(&self) -> Option<String> {
        let element = self.client.active_element().await.ok()?;
        element.attr("data-testid").await.ok().flatten()
    }
}
