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
        compile_set(file, raw)
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

const KEYWORDS: [&str; 7] = ["and", "or", "not", "ref", "sum", "max", "min"];

fn valid_id(id: &str) -> bool {
    let bytes = id.as_bytes();
    !bytes.is_empty()
        && bytes.len() <= 16
        && bytes[0].is_ascii_alphabetic()
        && bytes
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || *b == b'_')
        && !KEYWORDS.contains(&id)
}

struct Ctx<'a> {
    file: &'a str,
    template: Option<&'a str>,
    rule: Option<&'a str>,
}

impl Ctx<'_> {
    fn err(&self, kind: LoadErrorKind) -> LoadError {
        LoadError {
            file: self.file.to_owned(),
            template: self.template.map(str::to_owned),
            rule: self.rule.map(str::to_owned),
            pos: None,
            kind,
        }
    }

    fn text(&self, what: &str, text: &Text) -> Result<(), LoadError> {
        match text.blank_lang() {
            Some(lang) => Err(self.err(LoadErrorKind::BlankText {
                what: what.to_owned(),
                lang: lang.code(),
            })),
            None => Ok(()),
        }
    }
}

fn compile_set(file: &str, raw: SetFile) -> Result<TemplateSet, LoadError> {
    let ctx = Ctx {
        file,
        template: None,
        rule: None,
    };
    if raw.format != FORMAT {
        return Err(ctx.err(LoadErrorKind::Format(raw.format)));
    }
    if !valid_id(&raw.id.replace('-', "_")) {
        return Err(ctx.err(LoadErrorKind::BadId(raw.id)));
    }
    ctx.text("the set title", &raw.title)?;
    if raw.templates.is_empty() {
        return Err(ctx.err(LoadErrorKind::NoTemplates));
    }
    let mut templates: Vec<Template> = Vec::new();
    let mut codes: HashSet<String> = HashSet::new();
    for raw_template in &raw.templates {
        let template = compile_template(file, raw_template, &templates, &mut codes)?;
        templates.push(template);
    }
    let mut precinct_rules = Vec::new();
    for raw_rule in &raw.precinct_rules {
        precinct_rules.push(compile_precinct_rule(
            file, raw_rule, &templates, &mut codes,
        )?);
    }
    Ok(TemplateSet {
        id: raw.id,
        title: raw.title,
        templates,
        precinct_rules,
    })
}

fn compile_template(
    file: &str,
    raw: &TemplateFile,
    earlier: &[Template],
    codes: &mut HashSet<String>,
) -> Result<Template, LoadError> {
    let ctx = Ctx {
        file,
        template: Some(&raw.id),
        rule: None,
    };
    if !valid_id(&raw.id) {
        return Err(ctx.err(LoadErrorKind::BadId(raw.id.clone())));
    }
    if earlier.iter().any(|template| template.id == raw.id) {
        return Err(ctx.err(LoadErrorKind::DuplicateTemplate));
    }
    ctx.text("the title", &raw.title)?;
    let base = match &raw.base {
        Some(base_id) => match earlier.iter().find(|template| &template.id == base_id) {
            Some(base) if raw.lines.is_empty() => Some(base),
            _ => return Err(ctx.err(LoadErrorKind::BadBase(base_id.clone()))),
        },
        None => None,
    };
    let mut lines: Vec<Line> = match base {
        Some(base) => base.lines.clone(),
        None => compile_lines(&ctx, &raw.lines)?,
    };
    for relabel in &raw.relabel {
        ctx.text(&format!("the label of {}", relabel.line), &relabel.label)?;
        match lines.iter_mut().find(|line| line.id == relabel.line) {
            Some(line) => line.label = relabel.label.clone(),
            None => return Err(ctx.err(LoadErrorKind::UnknownRelabel(relabel.line.clone()))),
        }
    }
    let n_fixed = lines
        .iter()
        .filter(|line| matches!(line.kind, LineKind::Fixed(_)))
        .count();
    let block = lines
        .iter()
        .position(|line| line.kind == LineKind::Rows)
        .unwrap_or(0);
    let mut template = Template {
        id: raw.id.clone(),
        version: raw.version,
        title: raw.title.clone(),
        rows_from: raw.rows_from,
        region_kinds: raw.region_kinds.clone(),
        lines,
        n_fixed,
        block,
        rules: Vec::new(),
    };
    // A derived template keeps its base's rules and may add its own.
    let mut rules = base.map(|base| base.rules.clone()).unwrap_or_default();
    for raw_rule in &raw.rules {
        let rule_ctx = Ctx {
            file,
            template: Some(&raw.id),
            rule: Some(&raw_rule.code),
        };
        claim_code(&rule_ctx, &raw_rule.code, raw_rule.severity, codes)?;
        rules.push(compile_rule(&rule_ctx, raw_rule, &template, None)?);
    }
    template.rules = rules;
    Ok(template)
}

fn compile_lines(ctx: &Ctx<'_>, raw: &[LineFile]) -> Result<Vec<Line>, LoadError> {
    let mut lines: Vec<Line> = Vec::new();
    let mut n_fixed = 0;
    for raw_line in raw {
        if !valid_id(&raw_line.id) {
            return Err(ctx.err(LoadErrorKind::BadId(raw_line.id.clone())));
        }
        if lines.iter().any(|line| line.id == raw_line.id) {
            return Err(ctx.err(LoadErrorKind::DuplicateLine(raw_line.id.clone())));
        }
        ctx.text(&format!("the label of {}", raw_line.id), &raw_line.label)?;
        if let Some(parent) = &raw_line.parent {
            let known = lines
                .iter()
                .any(|line| &line.id == parent && matches!(line.kind, LineKind::Fixed(_)));
            if !known || raw_line.rows {
                return Err(ctx.err(LoadErrorKind::UnknownParent {
                    line: raw_line.id.clone(),
                    parent: parent.clone(),
                }));
            }
        }
        let kind = if raw_line.rows {
            LineKind::Rows
        } else {
            n_fixed += 1;
            LineKind::Fixed(n_fixed - 1)
        };
        lines.push(Line {
            id: raw_line.id.clone(),
            label: raw_line.label.clone(),
            parent: raw_line.parent.clone(),
            kind,
        });
    }
    let n_blocks = lines
        .iter()
        .filter(|line| line.kind == LineKind::Rows)
        .count();
    if n_blocks != 1 {
        return Err(ctx.err(LoadErrorKind::RowBlocks(n_blocks)));
    }
    Ok(lines)
}

fn claim_code(
    ctx: &Ctx<'_>,
    code: &str,
    severity: Severity,
    codes: &mut HashSet<String>,
) -> Result<(), LoadError> {
    let Some(parsed) = RuleCode::new(code) else {
        return Err(ctx.err(LoadErrorKind::BadRuleCode(code.to_owned())));
    };
    let agrees = match parsed.as_str().as_bytes()[0] {
        b'E' => severity == Severity::Error,
        b'W' => severity == Severity::Warning,
        _ => true,
    };
    if !agrees {
        return Err(ctx.err(LoadErrorKind::SeverityMismatch));
    }
    if !codes.insert(code.to_owned()) {
        return Err(ctx.err(LoadErrorKind::DuplicateRule));
    }
    Ok(())
}

/// Resolves line ids against a template (and, for precinct rules, a reference template).
struct TemplateNames<'a> {
    this: &'a Template,
    reference: Option<&'a Template>,
}

impl Resolve for TemplateNames<'_> {
    fn resolve(&self, side: Side, id: &str) -> Option<Operand> {
        let template = match side {
            Side::This => self.this,
            Side::Ref => self.reference?,
        };
        let line = template.line(id)?;
        match line.kind {
            LineKind::Fixed(slot) => u16::try_from(slot).ok().map(Operand::Line),
            LineKind::Rows => Some(Operand::Block),
        }
    }

    fn has_reference(&self) -> bool {
        self.reference.is_some()
    }
}

/// The parts of a rule common to template and precinct rules.
struct RuleParts<'a> {
    code: &'a str,
    severity: Severity,
    expr: &'a str,
    statement: &'a Text,
    message: &'a Text,
}

fn compile_rule(
    ctx: &Ctx<'_>,
    raw: &RuleFile,
    this: &Template,
    reference: Option<&Template>,
) -> Result<Rule, LoadError> {
    let parts = RuleParts {
        code: &raw.code,
        severity: raw.severity,
        expr: &raw.expr,
        statement: &raw.statement,
        message: &raw.message,
    };
    compile_rule_parts(ctx, &parts, this, reference, false)
}

fn compile_rule_parts(
    ctx: &Ctx<'_>,
    raw: &RuleParts<'_>,
    this: &Template,
    reference: Option<&Template>,
    precinct: bool,
) -> Result<Rule, LoadError> {
    ctx.text("the statement", raw.statement)?;
    ctx.text("the message", raw.message)?;
    let expr_error = |error: ExprError| LoadError {
        file: ctx.file.to_owned(),
        template: ctx.template.map(str::to_owned),
        rule: ctx.rule.map(str::to_owned),
        pos: Some(error.pos),
        kind: LoadErrorKind::Expr(error.kind),
    };
    let node = expr::parse(raw.expr).map_err(expr_error)?;
    let names = TemplateNames { this, reference };
    let mut lines = Vec::new();
    let mut conjuncts = Vec::new();
    // Split the top-level `and` chain so each relation can report its sides.
    let mut parts = Vec::new();
    split_and(&node, &mut parts);
    for part in parts {
        let conjunct = match part {
            // A relation reports its two sides only when they are counts a clerk can compare
            // with the paper; a scaled one (a percentage) fails without sides, and its message
            // names the lines instead.
            expr::Node::Cmp(op, left, right) if !part.scales() => Conjunct::Relation {
                left: expr::compile(left, Type::Number, &names, &mut lines).map_err(expr_error)?,
                op: *op,
                right: expr::compile(right, Type::Number, &names, &mut lines)
                    .map_err(expr_error)?,
            },
            other => Conjunct::Test(
                expr::compile(other, Type::Bool, &names, &mut lines).map_err(expr_error)?,
            ),
        };
        conjuncts.push(conjunct);
    }
    let rule = Rule {
        code: RuleCode::new(raw.code)
            .ok_or_else(|| ctx.err(LoadErrorKind::BadRuleCode(raw.code.to_owned())))?,
        severity: raw.severity,
        expr: raw.expr.to_owned(),
        statement: raw.statement.clone(),
        message: raw.message.clone(),
        conjuncts,
        lines,
    };
    for lang_text in [&raw.message.kk, &raw.message.ru, &raw.message.en] {
        for name in placeholders(lang_text) {
            let fillable = match name {
                "entered" | "expected" => {
                    if !rule.has_sides() {
                        return Err(ctx.err(LoadErrorKind::NoSides));
                    }
                    true
                }
                "protocol" => precinct,
                line => rule.lines.iter().any(|named| {
                    named.side == Side::This
                        && named.id == line
                        && this
                            .line(line)
                            .is_some_and(|l| matches!(l.kind, LineKind::Fixed(_)))
                }),
            };
            if !fillable {
                return Err(ctx.err(LoadErrorKind::UnknownPlaceholder(name.to_owned())));
            }
        }
    }
    Ok(rule)
}

fn split_and<'n>(node: &'n expr::Node, out: &mut Vec<&'n expr::Node>) {
    match node {
        expr::Node::And(left, right) => {
            split_and(left, out);
            split_and(right, out);
        }
        other => out.push(other),
    }
}

/// The `{name}` placeholders of a message, in order.
pub(crate) fn placeholders(message: &str) -> impl Iterator<Item = &str> {
    message
        .split('{')
        .skip(1)
        .filter_map(|part| part.split_once('}').map(|(name, _)| name))
}

fn compile_precinct_rule(
    file: &str,
    raw: &PrecinctRuleFile,
    templates: &[Template],
    codes: &mut HashSet<String>,
) -> Result<PrecinctRule, LoadError> {
    let ctx = Ctx {
        file,
        template: None,
        rule: Some(&raw.code),
    };
    claim_code(&ctx, &raw.code, raw.severity, codes)?;
    let find = |id: &str| {
        templates
            .iter()
            .find(|template| template.id == id)
            .ok_or_else(|| ctx.err(LoadErrorKind::UnknownTemplate(id.to_owned())))
    };
    let reference = find(&raw.reference)?;
    if raw.applies_to.is_empty() {
        return Err(ctx.err(LoadErrorKind::NoTargets));
    }
    let parts = RuleParts {
        code: &raw.code,
        severity: raw.severity,
        expr: &raw.expr,
        statement: &raw.statement,
        message: &raw.message,
    };
    let mut targets = Vec::new();
    for target_id in &raw.applies_to {
        let this = find(target_id)?;
        let target_ctx = Ctx {
            file,
            template: Some(target_id),
            rule: Some(&raw.code),
        };
        targets.push((
            target_id.clone(),
            compile_rule_parts(&target_ctx, &parts, this, Some(reference), true)?,
        ));
    }
    Ok(PrecinctRule {
        reference: raw.reference.clone(),
        targets,
    })
}
