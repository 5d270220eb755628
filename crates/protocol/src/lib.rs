//! Hattama's domain: protocol templates as data, the rule engine that checks a protocol, election
//! definitions, and double-entry comparison.
//!
//! This crate is pure: no files, no clock, no environment, no randomness, no SQL, no Tauri.
//! Callers hand it text and bytes and get values or typed errors back.
//!
//! ```
//! use hattama_protocol::{builtin, check, input};
//!
//! let set = builtin::templates();
//! let p1 = set.template("P1").unwrap();
//! let values = hattama_protocol::Values::new(p1, 7);
//! for finding in check::check(p1, &values) {
//!     println!("{} {:?}", finding.rule.code, finding.outcome);
//! }
//! # let _ = input::count_from_json;
//! ```

#![warn(missing_docs)]

pub mod audit_chain;
pub mod builtin;
pub mod check;
pub mod count;
pub mod definition;
pub mod error_codes;
pub mod input;
pub mod tally;
pub mod template;
pub mod text;

pub use check::{Finding, FindingReport, Slot, Status, Values, check, compare};
pub use count::{Count, InputError};
pub use definition::{Definition, DefinitionError, LoadedDefinition, Mode, PrecinctId};
pub use template::{LoadError, Outcome, Rule, RuleCode, Severity, Template, TemplateSet};
pub use text::{Lang, Text};
