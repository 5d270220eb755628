//! The template file format as it is written on disk (TOML), before checking and compiling.
//!
//! `docs/templates.md` documents every field. These types only describe the shape; every
//! judgement about the content (unknown lines, duplicate codes, bad expressions) is made in
//! [`crate::template`] while compiling, where an error can name the template and the rule.

use serde::Deserialize;

use crate::text::Text;

/// The template file format version this build reads.
pub const FORMAT: u32 = 1;

/// A template set file: the protocol forms of one kind of election, and the rules across them.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct SetFile {
    pub(crate) format: u32,
    pub(crate) id: String,
    pub(crate) title: Text,
    #[serde(default)]
    pub(crate) templates: Vec<TemplateFile>,
    #[serde(default)]
    pub(crate) precinct_rules: Vec<PrecinctRuleFile>,
}

/// One protocol form.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct TemplateFile {
    pub(crate) id: String,
    pub(crate) version: u32,
    pub(crate) title: Text,
    /// Whether the row block lists parties or candidates.
    pub(crate) rows_from: RowSource,
    /// Which kinds of region hold this protocol (`oblast`, `city`).
    pub(crate) region_kinds: Vec<RegionKind>,
    /// Another template of the same file whose lines and rules this one takes.
    #[serde(default)]
    pub(crate) base: Option<String>,
    #[serde(default)]
    pub(crate) lines: Vec<LineFile>,
    #[serde(default)]
    pub(crate) relabel: Vec<RelabelFile>,
    #[serde(default)]
    pub(crate) rules: Vec<RuleFile>,
}

/// One line of the form.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct LineFile {
    pub(crate) id: String,
    pub(crate) label: Text,
    #[serde(default)]
    pub(crate) parent: Option<String>,
    /// True for the row block: one line per party or candidate, named `<id>.<k>`.
    #[serde(default)]
    pub(crate) rows: bool,
}

/// A new label for a line taken from the base template.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RelabelFile {
    pub(crate) line: String,
    pub(crate) label: Text,
}

/// One check.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RuleFile {
    pub(crate) code: String,
    pub(crate) severity: Severity,
    pub(crate) expr: String,
    pub(crate) statement: Text,
    pub(crate) message: Text,
}

/// A check across the protocols of one precinct.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct PrecinctRuleFile {
    pub(crate) code: String,
    pub(crate) severity: Severity,
    /// The template that `ref.` lines read.
    pub(crate) reference: String,
    /// The templates the rule checks, each against the reference.
    pub(crate) applies_to: Vec<String>,
    pub(crate) expr: String,
    pub(crate) statement: Text,
    pub(crate) message: Text,
}

/// How serious a failed check is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Blocks finalizing unless the commission attaches an act.
    Error,
    /// Must be acknowledged (checked against the paper) before finalizing.
    Warning,
}

/// Where the rows of a row block come from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum RowSource {
    /// Parties, in the order drawn for the ballot.
    Parties,
    /// Candidates, in Kazakh alphabetical order.
    Candidates,
}

/// A kind of region: an oblast, or a city of republican significance (Astana, Almaty, Shymkent).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum RegionKind {
    /// One of the 17 oblasts.
    Oblast,
    /// Astana, Almaty or Shymkent.
    City,
}
