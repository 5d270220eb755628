//! `Text`: one string in Kazakh, Russian and English, and `Lang` to pick one.

use serde::{Deserialize, Serialize};

/// A language the app speaks. Kazakh is the state language and the default.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    /// Kazakh (Cyrillic).
    #[default]
    Kk,
    /// Russian.
    Ru,
    /// English.
    En,
}

impl Lang {
    /// All languages in display order.
    pub const ALL: [Lang; 3] = [Lang::Kk, Lang::Ru, Lang::En];

    /// The two-letter code.
    pub fn code(self) -> &'static str {
        match self {
            Lang::Kk => "kk",
            Lang::Ru => "ru",
            Lang::En => "en",
        }
    }

    /// Parses `kk`, `ru` or `en`.
    pub fn from_code(code: &str) -> Option<Lang> {
        Lang::ALL.into_iter().find(|lang| lang.code() == code)
    }
}

/// One text in the three languages. Template files and definitions must give all three.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Text {
    /// Kazakh.
    pub kk: String,
    /// Russian.
    pub ru: String,
    /// English.
    pub en: String,
}

impl Text {
    /// A text from its three translations.
    pub fn new(kk: &str, ru: &str, en: &str) -> Text {
        Text {
            kk: kk.to_owned(),
            ru: ru.to_owned(),
            en: en.to_owned(),
        }
    }

    /// The text in `lang`.
    pub fn get(&self, lang: Lang) -> &str {
        match lang {
            Lang::Kk => &self.kk,
            Lang::Ru => &self.ru,
            Lang::En => &self.en,
        }
    }

    /// The first language whose text is blank, if any.
    pub fn blank_lang(&self) -> Option<Lang> {
        Lang::ALL
            .into_iter()
            .find(|lang| self.get(*lang).trim().is_empty())
    }

    /// Applies `f` to each translation.
    pub fn map(&self, mut f: impl FnMut(&str) -> String) -> Text {
        Text {
            kk: f(&self.kk),
            ru: f(&self.ru),
            en: f(&self.en),
        }
    }
}
