//! Protocol templates as data: loading a template set, checking it, and compiling its rules.
//!
//! A [`TemplateSet`] is what one template file holds: the protocol forms ([`Template`]) of an
//! election and the precinct-level rules across them ([`PrecinctRule`]). Loading checks
//! everything a later step would trip over, so a loaded set can be used without further checks:
//! line ids are unique and well formed, the row block exists once, rule codes are unique and
//! agree with their severity, every text is given in kk, ru and en, every placeholder in a
//! message can be filled, and every expression parses, type-checks and cannot overflow.
//! It does not read files: the caller passes the text and the name to report errors under.
#![expect(
    clippy::result_large_err,
    reason = "a load error names file, template, rule and column; loading is rare and never hot"
)]

mod compile;
mod expr;
mod file;

use std::collections::HashSet;
use std::fmt;

pub use expr::{
    CmpOp, Eval, ExprError, ExprErrorKind, LineRef, MAX_LEN, MAX_ROWS, Program, Side, Type, View,
};
pub use file::{FORMAT, RegionKind, RowSource, Severity};

use crate::text::Text;
use expr::{Operand, Resolve};
use file::{LineFile, PrecinctRuleFile, RuleFile, SetFile, TemplateFile};

/// A loaded, checked set of protocol templates.
#[derive(Clone, Debug)]
pub struct TemplateSet {
    /// The set's id, e.g. `results-2023`.
    pub id: String,
    /// The set's title.
    pub title: Text,
    templates: Vec<Template>,
    precinct_rules: Vec<PrecinctRule>,
}

/// One protocol form: its lines in paper order and its rules.
#[derive(Clone, Debug)]
pub struct Template {
    /// The template id, e.g. `P1`.
    pub id: String,
    /// The template version; a changed form is a new version.
    pub version: u32,
    /// The title printed on the form.
    pub title: Text,
    /// Whether the rows are parties or candidates.
    pub rows_from: RowSource,
    /// The kinds of region whose precincts hold this protocol.
    pub region_kinds: Vec<RegionKind>,
    lines: Vec<Line>,
    n_fixed: usize,
    block: usize,
    rules: Vec<Rule>,
}

/// One line of a form.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Line {
    /// The line id, e.g. `L3a`.
    pub id: String,
    /// The label in the three languages.
    pub label: Text,
    /// The line this one is a part of ("of whom …"), if any.
    pub parent: Option<String>,
    /// Where its value lives.
    pub kind: LineKind,
}

/// Where a line's value lives.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LineKind {
    /// A single value, at this slot of the fixed values.
    Fixed(usize),
    /// The row block: one value per party or candidate.
    Rows,
}

/// A stable rule code such as `E01` or `W06`: one capital letter and two or three digits.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RuleCode(String);

impl RuleCode {
    /// Parses a code; `None` unless it is one capital letter and two or three digits.
    pub fn new(code: &str) -> Option<RuleCode> {
        let bytes = code.as_bytes();
        let well_formed = (3..=4).contains(&bytes.len())
            && bytes[0].is_ascii_uppercase()
            && bytes[1..].iter().all(u8::is_ascii_digit);
        well_formed.then(|| RuleCode(code.to_owned()))
    }

    /// The code as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for RuleCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// One check, compiled.
#[derive(Clone, Debug)]
pub struct Rule {
    /// The stable code.
    pub code: RuleCode,
    /// Error or warning.
    pub severity: Severity,
    /// The expression as written in the template.
    pub expr: String,
    /// A one-line statement of the rule.
    pub statement: Text,
    /// The message shown when it fails, with placeholders.
    pub message: Text,
    conjuncts: Vec<Conjunct>,
    lines: Vec<LineRef>,
}

/// One part of a rule's top-level `and`: a relation between counts, whose sides can be shown, or
/// any other test (a relation between scaled values among them).
#[derive(Clone, Debug)]
enum Conjunct {
    Relation {
        left: Program,
        op: CmpOp,
        right: Program,
    },
    Test(Program),
}

/// The value of each side of a failed relation: what was entered and what the other side gives.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Sides {
    /// The left side, the value the clerk typed (or a sum of them).
    pub entered: i64,
    /// The right side, the value the other lines imply.
    pub expected: i64,
    /// The relation that should hold between them.
    pub op: CmpOp,
}

/// The outcome of one rule on one protocol.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// The rule holds.
    Pass,
    /// The rule fails; for a relation, with the value of each side.
    Fail(Option<Sides>),
    /// A line the rule reads has no value yet.
    Missing,
}

impl Rule {
    /// The lines the expression reads (fixed lines, and the row block id for aggregates).
    pub fn lines(&self) -> &[LineRef] {
        &self.lines
    }

    /// Whether the rule reads line `id` of the protocol being checked (`L8.3` counts as the block `L8`).
    pub fn names_line(&self, id: &str) -> bool {
        let block = id.split_once('.').map_or(id, |(block, _)| block);
        self.lines
            .iter()
            .any(|line| line.side == Side::This && line.id == block)
    }

    /// Evaluates the rule. Never allocates.
    pub fn evaluate(&self, this: View<'_>, reference: Option<View<'_>>) -> Outcome {
        let mut first_failure: Option<Option<Sides>> = None;
        for conjunct in &self.conjuncts {
            match conjunct {
                Conjunct::Relation { left, op, right } => {
                    let (Eval::Value(entered), Eval::Value(expected)) =
                        (left.eval(this, reference), right.eval(this, reference))
                    else {
                        return Outcome::Missing;
                    };
                    if first_failure.is_none() && !op.holds(entered, expected) {
                        first_failure = Some(Some(Sides {
                            entered,
                            expected,
                            op: *op,
                        }));
                    }
                }
                Conjunct::Test(program) => match program.eval(this, reference) {
                    Eval::Missing => return Outcome::Missing,
                    Eval::Value(0) if first_failure.is_none() => first_failure = Some(None),
                    Eval::Value(_) => {}
                },
            }
        }
        match first_failure {
            Some(sides) => Outcome::Fail(sides),
            None => Outcome::Pass,
        }
    }

    /// Whether every conjunct is a relation (so `{entered}` and `{expected}` can always be filled).
    fn has_sides(&self) -> bool {
        self.conjuncts
            .iter()
            .all(|conjunct| matches!(conjunct, Conjunct::Relation { .. }))
    }

    /// Whether the rule is a single equality (moving any line it names by one breaks it).
    pub fn is_equality(&self) -> bool {
        matches!(
            self.conjuncts.as_slice(),
            [Conjunct::Relation { op: CmpOp::Eq, .. }]
        )
    }
}

/// A rule across the protocols of one precinct, compiled for each template it applies to.
#[derive(Clone, Debug)]
pub struct PrecinctRule {
    /// The template whose values `ref.` lines read.
    pub reference: String,
    /// `(template id, the rule compiled for it)` for each template checked.
    targets: Vec<(String, Rule)>,
}

impl PrecinctRule {
    /// The rule as compiled for its first target (code, severity, texts are the same for all).
    pub fn rule(&self) -> &Rule {
        &self.targets[0].1
    }

    /// The rule compiled for template `id`, if it applies to it.
    pub fn for_template(&self, id: &str) -> Option<&Rule> {
        self.targets
            .iter()
            .find(|(target, _)| target == id)
            .map(|(_, rule)| rule)
    }

    /// The templates checked, in the order given.
    pub fn applies_to(&self) -> impl Iterator<Item = &str> {
        self.targets.iter().map(|(id, _)| id.as_str())
    }
}

impl Template {
    /// The lines in paper order (the row block appears once, where its rows go).
    pub fn lines(&self) -> &[Line] {
        &self.lines
    }

    /// How many fixed (single-value) lines the form has.
    pub fn n_fixed(&self) -> usize {
        self.n_fixed
    }

    /// The row block line.
    pub fn block(&self) -> &Line {
        &self.lines[self.block]
    }

    /// The rules, in file order.
    pub fn rules(&self) -> &[Rule] {
        &self.rules
    }

    /// The rule with this code.
    pub fn rule(&self, code: &str) -> Option<&Rule> {
        self.rules.iter().find(|rule| rule.code.as_str() == code)
    }

    /// The line with this id (fixed lines and the row block).
    pub fn line(&self, id: &str) -> Option<&Line> {
        self.lines.iter().find(|line| line.id == id)
    }
}

impl TemplateSet {
    /// Loads and checks a template set from TOML text; `file` names it in errors.
    pub fn from_toml(file: &str, text: &str) -> Result<TemplateSet, LoadError> {
        let raw: SetFile = toml::from_str(text).map_err(|error| LoadError {
            file: file.to_owned(),
            template: None,
            rule: None,
            pos: None,
            kind: LoadErrorKind::Syntax(error.message().to_owned()),
        })?;
        compile::compile_set(file, raw)
    }

    /// The templates, in file order.
    pub fn templates(&self) -> &[Template] {
        &self.templates
    }

    /// The template with this id.
    pub fn template(&self, id: &str) -> Option<&Template> {
        self.templates.iter().find(|template| template.id == id)
    }

    /// The rules across the protocols of one precinct.
    pub fn precinct_rules(&self) -> &[PrecinctRule] {
        &self.precinct_rules
    }
}

/// Why a template set did not load. Names the file and, where it applies, the template, the rule
/// and the column in the rule's expression.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub struct LoadError {
    /// The file name given to the loader.
    pub file: String,
    /// The template, when the problem is inside one.
    pub template: Option<String>,
    /// The rule code, when the problem is inside a rule.
    pub rule: Option<String>,
    /// The 1-based column in the rule's expression.
    pub pos: Option<usize>,
    /// What is wrong.
    pub kind: LoadErrorKind,
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        if let Some(template) = &self.template {
            write!(f, ": template {template}")?;
        }
        if let Some(rule) = &self.rule {
            write!(f, ": rule {rule}")?;
        }
        if let Some(pos) = self.pos {
            write!(f, ": column {pos}")?;
        }
        write!(f, ": {}", self.kind)
    }
}

/// What is wrong with a template set.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum LoadErrorKind {
    /// Not valid TOML, or not the shape of a template file.
    #[error("{0}")]
    Syntax(String),
    /// A format version this build does not read.
    #[error("unsupported template format {0} (this build reads {FORMAT})")]
    Format(u32),
    /// The file has no templates.
    #[error("no templates")]
    NoTemplates,
    /// Two templates with one id.
    #[error("template id used twice")]
    DuplicateTemplate,
    /// An id that is not a letter followed by letters, digits or `_` (at most 16), or a keyword.
    #[error("`{0}` is not a valid id")]
    BadId(String),
    /// Two lines with one id.
    #[error("line `{0}` defined twice")]
    DuplicateLine(String),
    /// A parent line that is not an earlier fixed line of the template.
    #[error("line `{line}` names parent `{parent}`, which is not an earlier line")]
    UnknownParent {
        /// The line.
        line: String,
        /// The parent it names.
        parent: String,
    },
    /// No row block, or more than one.
    #[error("a template needs exactly one row block (a line with `rows = true`), found {0}")]
    RowBlocks(usize),
    /// `base` names no earlier template, or both `base` and `lines` are given.
    #[error("base `{0}` is not an earlier template of this file, or lines are given as well")]
    BadBase(String),
    /// `relabel` names a line the template does not have.
    #[error("relabel names unknown line `{0}`")]
    UnknownRelabel(String),
    /// A rule code that is not one capital letter and two or three digits.
    #[error("`{0}` is not a rule code (a capital letter and two or three digits)")]
    BadRuleCode(String),
    /// A code used by two rules of the set.
    #[error("rule code defined twice")]
    DuplicateRule,
    /// An `E` code that is not an error, or a `W` code that is not a warning.
    #[error("codes starting with E are errors and codes starting with W are warnings")]
    SeverityMismatch,
    /// A text with a blank translation.
    #[error("{what} has no {lang} text")]
    BlankText {
        /// Which text.
        what: String,
        /// The missing language code.
        lang: &'static str,
    },
    /// An error in a rule's expression.
    #[error("{0}")]
    Expr(ExprErrorKind),
    /// A message placeholder that cannot be filled.
    #[error(
        "message placeholder `{{{0}}}` is unknown (use entered, expected, protocol or a line the rule reads)"
    )]
    UnknownPlaceholder(String),
    /// `{entered}`/`{expected}` in a rule that is not made of relations only.
    #[error("`{{entered}}` and `{{expected}}` need a rule made of comparisons joined by `and`")]
    NoSides,
    /// A precinct rule names a template the set does not have.
    #[error("unknown template `{0}`")]
    UnknownTemplate(String),
    /// A precinct rule applies to no template.
    #[error("a precinct rule must apply to at least one template")]
    NoTargets,
}
