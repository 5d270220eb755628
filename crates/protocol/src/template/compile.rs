//! Compiling a parsed template file into a checked [`TemplateSet`]: ids, codes, texts, rules.

use super::*;

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

pub(super) fn compile_set(file: &str, raw: SetFile) -> Result<TemplateSet, LoadError> {
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
