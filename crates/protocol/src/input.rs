//! Protocol input files: the JSON a person or a script gives `hattama check`, and turning a map
//! of line id → value into [`Values`] with an error per bad line.
//!
//! Every line of the form must be present; a value is a whole number from 0 to 9,999,999, given
//! as a JSON number or as the digits a clerk typed.

use serde::Deserialize;

use crate::check::Values;
use crate::count::{Count, InputError};
use crate::template::Template;
use crate::text::Text;

/// A protocol to check: which definition and contest, and the values by line id.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProtocolInput {
    /// `demo` for the built-in definition, or a definition file's path.
    pub definition: String,
    /// The contest id within the definition.
    pub contest: String,
    /// Values by line id (`L1`, `L3a`, `L8.1`, …).
    pub values: serde_json::Map<String, serde_json::Value>,
}

impl ProtocolInput {
    /// Parses the JSON text of a protocol input file.
    pub fn from_json(text: &[u8]) -> Result<ProtocolInput, String> {
        serde_json::from_slice(text).map_err(|error| error.to_string())
    }
}

/// A problem with one line of a protocol input.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: {kind}")]
pub struct ValueError {
    /// The line id as given.
    pub line: String,
    /// What is wrong.
    pub kind: ValueErrorKind,
}

/// What is wrong with one line of a protocol input.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ValueErrorKind {
    /// The form has no such line (or row number).
    #[error("the form has no such line")]
    UnknownLine,
    /// A line of the form has no value.
    #[error("no value given")]
    Missing,
    /// The value is not a count.
    #[error("{0}")]
    Input(InputError),
}

impl ValueErrorKind {
    /// The stable code (a message key suffix).
    pub fn code(self) -> &'static str {
        match self {
            ValueErrorKind::UnknownLine => "unknown_line",
            ValueErrorKind::Missing => "missing",
            ValueErrorKind::Input(error) => error.code(),
        }
    }

    /// The message in the three languages.
    pub fn message(self) -> Text {
        match self {
            ValueErrorKind::UnknownLine => Text::new(
                "Хаттамада мұндай жол жоқ",
                "В протоколе нет такой строки",
                "The protocol has no such line",
            ),
            ValueErrorKind::Missing => Text::new(
                "Жолдың мәні берілмеген",
                "Значение строки не указано",
                "The line has no value",
            ),
            ValueErrorKind::Input(error) => error.message(),
        }
    }
}

/// One JSON value as a count: a whole number, or a string of digits.
pub fn count_from_json(value: &serde_json::Value) -> Result<Count, InputError> {
    match value {
        serde_json::Value::Number(number) => match (number.as_i64(), number.as_u64()) {
            (Some(signed), _) => Count::from_i64(signed),
            (None, Some(_)) => Err(InputError::TooLarge),
            (None, None) => Err(InputError::NotANumber),
        },
        serde_json::Value::String(text) => Count::parse(text),
        serde_json::Value::Null => Err(InputError::Empty),
        _ => Err(InputError::NotANumber),
    }
}

/// Builds the values of a protocol with `n_rows` rows from a map of line id → value. Every line
/// must be given; returns every problem found, in input order then paper order.
pub fn values_from_map(
    template: &Template,
    n_rows: usize,
    map: &serde_json::Map<String, serde_json::Value>,
) -> Result<Values, Vec<ValueError>> {
    let mut values = Values::new(template, n_rows);
    let mut errors = Vec::new();
    for (line, value) in map {
        let Some(slot) = template.slot(line, n_rows) else {
            errors.push(ValueError {
                line: line.clone(),
                kind: ValueErrorKind::UnknownLine,
            });
            continue;
        };
        match count_from_json(value) {
            Ok(count) => {
                values.set(slot, Some(count));
            }
            Err(error) => errors.push(ValueError {
                line: line.clone(),
                kind: ValueErrorKind::Input(error),
            }),
        }
    }
    for line in template.line_ids(n_rows) {
        if !map.contains_key(&line) {
            errors.push(ValueError {
                line,
                kind: ValueErrorKind::Missing,
            });
        }
    }
    if errors.is_empty() {
        Ok(values)
    } else {
        Err(errors)
    }
}
