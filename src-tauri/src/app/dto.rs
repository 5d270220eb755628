//! The IPC values of the app itself: its languages, what it says about itself at start, and
//! [`LocalText`], the three-language text every concern's values carry.
//!
//! Like every DTO module, each type derives `ts_rs::TS`; `codegen` writes them to
//! `ui/src/lib/ipc/generated/` and a test fails when the committed file is stale. Domain types
//! never cross directly: they convert to these first.

use hattama_protocol::Text;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// A language the user interface can be shown in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
pub(crate) enum Language {
    /// Kazakh, the state language; the default.
    Kk,
    /// Russian.
    Ru,
    /// English.
    En,
}

impl Language {
    /// Every language, in the order the language switch shows them.
    pub(crate) const ALL: [Language; 3] = [Language::Kk, Language::Ru, Language::En];

    /// The language whose code (`kk`, `ru`, `en`) is `code`, if there is one.
    pub(crate) fn from_code(code: &str) -> Option<Language> {
        match code {
            "kk" => Some(Language::Kk),
            "ru" => Some(Language::Ru),
            "en" => Some(Language::En),
            _ => None,
        }
    }
}

/// What the app tells the webview about itself at start.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub(crate) struct AppInfo {
    /// The app's version, as in its package.
    pub(crate) version: String,
    /// The languages the user interface offers, in display order.
    pub(crate) languages: Vec<Language>,
    /// Where the app keeps its database, shown so that support can find it.
    pub(crate) database_path: String,
}

/// A text in the three languages, so the UI switches language without asking again.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
pub(crate) struct LocalText {
    /// Kazakh.
    pub(crate) kk: String,
    /// Russian.
    pub(crate) ru: String,
    /// English.
    pub(crate) en: String,
}

impl From<&Text> for LocalText {
    fn from(text: &Text) -> LocalText {
        LocalText {
            kk: text.kk.clone(),
            ru: text.ru.clone(),
            en: text.en.clone(),
        }
    }
}
