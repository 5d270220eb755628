//! `Count`: a number a precinct can write on one protocol line, and parsing it from typed text.
//!
//! This is the only place that decides whether a typed value is a valid count. The store, the CLI
//! and the app all parse through [`Count::parse`], so a letter, a sign or a too-large number is
//! refused the same way everywhere.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::text::Text;

/// A number a precinct can write on one protocol line. Invariant: `value <= Count::MAX`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Count(u32);

impl Count {
    /// The largest value any precinct line can hold; above it is a typing slip.
    pub const MAX: u32 = 9_999_999;
    /// Zero.
    pub const ZERO: Count = Count(0);

    /// A count, or `None` when `value` is above [`Count::MAX`].
    pub fn new(value: u32) -> Option<Count> {
        if Count::MAX < value {
            return None;
        }
        Some(Count(value))
    }

    /// The value.
    pub fn get(self) -> u32 {
        self.0
    }

    /// Parses what a clerk typed: ASCII digits only, surrounding white space ignored.
    ///
    /// Refuses an empty field, letters, signs, inner spaces, decimal points and values above
    /// 9,999,999, each with its own [`InputError`].
    pub fn parse(text: &str) -> Result<Count, InputError> {
        let text = text.trim();
        if text.is_empty() {
            return Err(InputError::Empty);
        }
        if text.starts_with('-') && 1 < text.len() && text[1..].bytes().all(|b| b.is_ascii_digit())
        {
            return Err(InputError::Negative);
        }
        if !text.bytes().all(|b| b.is_ascii_digit()) {
            return Err(InputError::NotANumber);
        }
        let digits = text.trim_start_matches('0');
        // More than seven significant digits is above the maximum, whatever they are.
        if 7 < digits.len() {
            return Err(InputError::TooLarge);
        }
        let mut value: u32 = 0;
        for byte in digits.bytes() {
            value = value * 10 + u32::from(byte - b'0');
        }
        Count::new(value).ok_or(InputError::TooLarge)
    }

    /// Converts a JSON-style signed integer, refusing negatives and values above the maximum.
    pub fn from_i64(value: i64) -> Result<Count, InputError> {
        if value < 0 {
            return Err(InputError::Negative);
        }
        match u32::try_from(value).ok().and_then(Count::new) {
            Some(count) => Ok(count),
            None => Err(InputError::TooLarge),
        }
    }
}

impl fmt::Display for Count {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl Serialize for Count {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_u32(self.0)
    }
}

impl<'de> Deserialize<'de> for Count {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Count, D::Error> {
        let value = u32::deserialize(deserializer)?;
        Count::new(value).ok_or_else(|| serde::de::Error::custom(InputError::TooLarge))
    }
}

/// Why a typed value is not a count. Each kind has a stable code and a kk/ru/en message.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum InputError {
    /// Nothing was typed.
    #[error("the field is empty")]
    Empty,
    /// The field holds something other than digits: a letter, a decimal point, an inner space.
    #[error("only digits are allowed")]
    NotANumber,
    /// A minus sign: no line of a protocol can be negative.
    #[error("a count cannot be negative")]
    Negative,
    /// Above 9,999,999, more than any precinct can count: a typing slip.
    #[error("above 9,999,999, more than any precinct can count")]
    TooLarge,
}

// The stable codes; the UI's message key is `error.input.<code>`, and codegen writes `codes()`
// into the IPC contract so the UI holds no list of its own.
crate::error_codes! {
    pub InputError {
        codes {
            InputError::Empty => "empty",
            InputError::NotANumber => "not_a_number",
            InputError::Negative => "negative",
            InputError::TooLarge => "too_large",
        }
    }
}

impl InputError {
    /// The message a clerk reads, in the three languages.
    pub fn message(self) -> Text {
        match self {
            InputError::Empty => Text::new(
                "Өріс бос: санды енгізіңіз",
                "Поле пустое: введите число",
                "The field is empty: type a number",
            ),
            InputError::NotANumber => Text::new(
                "Тек цифрлар енгізіледі: әріп, бос орын, үтір болмауы керек",
                "Допускаются только цифры: без букв, пробелов и запятых",
                "Only digits are allowed: no letters, spaces or decimal points",
            ),
            InputError::Negative => Text::new(
                "Сан теріс бола алмайды",
                "Число не может быть отрицательным",
                "A count cannot be negative",
            ),
            InputError::TooLarge => Text::new(
                "9 999 999-дан артық: учаске мұндай санды санай алмайды, қатені тексеріңіз",
                "Больше 9 999 999: участок не может насчитать столько, проверьте ввод",
                "Above 9,999,999: no precinct can count that many, check the entry",
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_digits_and_refuses_everything_else() {
        assert_eq!(Count::parse("0"), Ok(Count(0)));
        assert_eq!(Count::parse(" 1203 "), Ok(Count(1203)));
        assert_eq!(Count::parse("0009999999"), Ok(Count(9_999_999)));
        assert_eq!(Count::parse(""), Err(InputError::Empty));
        assert_eq!(Count::parse("   "), Err(InputError::Empty));
        assert_eq!(Count::parse("12a"), Err(InputError::NotANumber));
        assert_eq!(Count::parse("1 000"), Err(InputError::NotANumber));
        assert_eq!(Count::parse("1.5"), Err(InputError::NotANumber));
        assert_eq!(Count::parse("+5"), Err(InputError::NotANumber));
        assert_eq!(Count::parse("٣"), Err(InputError::NotANumber));
        assert_eq!(Count::parse("-5"), Err(InputError::Negative));
        assert_eq!(Count::parse("-"), Err(InputError::NotANumber));
        assert_eq!(Count::parse("10000000"), Err(InputError::TooLarge));
        assert_eq!(
            Count::parse("99999999999999999999999"),
            Err(InputError::TooLarge)
        );
    }

    #[test]
    fn converts_signed_integers() {
        assert_eq!(Count::from_i64(7), Ok(Count(7)));
        assert_eq!(Count::from_i64(-1), Err(InputError::Negative));
        assert_eq!(Count::from_i64(10_000_000), Err(InputError::TooLarge));
        assert_eq!(Count::from_i64(i64::MAX), Err(InputError::TooLarge));
    }
}
