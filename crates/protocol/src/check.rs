//! Checking a protocol: its values, the findings of every rule, and reports for the outside.
//!
//! [`Values`] holds one protocol's numbers laid out for its [`Template`] and row count.
//! [`check`] yields a [`Finding`] per rule without allocating; [`FindingReport`] is the owned,
//! serializable form the CLI prints and the app sends to its webview.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::count::Count;
use crate::template::{Line, LineKind, Outcome, Rule, Severity, Side, Template, TemplateSet, View};
use crate::text::{Lang, Text};

/// Where a line id points in a [`Values`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Slot {
    /// A fixed line, by slot.
    Fixed(usize),
    /// Row `k` (0-based) of the row block.
    Row(usize),
}

/// One protocol's values for a template with a given number of rows; `None` where nothing is
/// entered yet.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Values {
    fixed: Vec<Option<Count>>,
    rows: Vec<Option<Count>>,
}

impl Values {
    /// Empty values for `template` with `n_rows` rows.
    pub fn new(template: &Template, n_rows: usize) -> Values {
        Values {
            fixed: vec![None; template.n_fixed()],
            rows: vec![None; n_rows],
        }
    }

    /// The value at `slot`.
    pub fn get(&self, slot: Slot) -> Option<Count> {
        match slot {
            Slot::Fixed(idx) => self.fixed.get(idx).copied().flatten(),
            Slot::Row(idx) => self.rows.get(idx).copied().flatten(),
        }
    }

    /// Sets the value at `slot`; returns false (and changes nothing) when the slot is out of range.
    pub fn set(&mut self, slot: Slot, value: Option<Count>) -> bool {
        let place = match slot {
            Slot::Fixed(idx) => self.fixed.get_mut(idx),
            Slot::Row(idx) => self.rows.get_mut(idx),
        };
        match place {
            Some(place) => {
                *place = value;
                true
            }
            None => false,
        }
    }

    /// How many rows the row block has.
    pub fn n_rows(&self) -> usize {
        self.rows.len()
    }

    /// The view rule programs read.
    pub fn view(&self) -> View<'_> {
        View {
            fixed: &self.fixed,
            rows: &self.rows,
        }
    }
}

impl Template {
    /// The slot line `id` names: a fixed line id, or `<block>.<k>` with `k` from 1 to `n_rows`.
    pub fn slot(&self, id: &str, n_rows: usize) -> Option<Slot> {
        if let Some((block, k)) = id.split_once('.') {
            if self.block().id != block
                || k.starts_with('0')
                || !k.bytes().all(|b| b.is_ascii_digit())
            {
                return None;
            }
            let k: usize = k.parse().ok()?;
            return (1 <= k && k <= n_rows).then(|| Slot::Row(k - 1));
        }
        match self.line(id)?.kind {
            LineKind::Fixed(slot) => Some(Slot::Fixed(slot)),
            LineKind::Rows => None,
        }
    }

    /// Every line id of a protocol with `n_rows` rows, in paper order (rows as `<block>.<k>`).
    pub fn line_ids(&self, n_rows: usize) -> Vec<String> {
        self.paper_lines(n_rows)
            .into_iter()
            .filter_map(|line| match line {
                PaperLine::Fixed(line) => Some(line.id.clone()),
                PaperLine::Heading(_) => None,
                PaperLine::Row { id, .. } => Some(id),
            })
            .collect()
    }
}

/// One line of a protocol's form, in paper order: a fixed line, or a row block's heading
/// followed by its rows (one per party or candidate).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PaperLine<'t> {
    /// A line with its own slot (L1, L3a…).
    Fixed(&'t Line),
    /// The title of a row block; it holds no figure.
    Heading(&'t Line),
    /// Row `k` (1-based) of `block`, with its id (`<block>.<k>`).
    Row {
        /// The row block.
        block: &'t Line,
        /// The row's number, from 1.
        k: usize,
        /// The row's line id.
        id: String,
    },
}

impl Template {
    /// The form's lines for a protocol with `n_rows` rows, in paper order.
    pub fn paper_lines(&self, n_rows: usize) -> Vec<PaperLine<'_>> {
        let mut out = Vec::with_capacity(self.lines().len() + n_rows);
        for line in self.lines() {
            match line.kind {
                LineKind::Fixed(_) => out.push(PaperLine::Fixed(line)),
                LineKind::Rows => {
                    out.push(PaperLine::Heading(line));
                    out.extend((1..=n_rows).map(|k| PaperLine::Row {
                        block: line,
                        k,
                        id: row_id(line, k),
                    }));
                }
            }
        }
        out
    }
}

/// The id of row `k` (1-based) of a row block.
pub fn row_id(block: &Line, k: usize) -> String {
    format!("{}.{k}", block.id)
}

/// One rule's outcome on one protocol.
#[derive(Clone, Copy, Debug)]
pub struct Finding<'t> {
    /// The rule.
    pub rule: &'t Rule,
    /// What it found.
    pub outcome: Outcome,
}

/// Evaluates every rule of `template` on `values`, in template order. Never allocates.
pub fn check<'a>(
    template: &'a Template,
    values: &'a Values,
) -> impl Iterator<Item = Finding<'a>> + 'a {
    let view = values.view();
    template.rules().iter().map(move |rule| Finding {
        rule,
        outcome: rule.evaluate(view, None),
    })
}

/// Every rule's report on `values`, in template order (allocates; for the CLI and the app).
pub fn reports(template: &Template, values: &Values) -> Vec<FindingReport> {
    check(template, values)
        .map(|finding| FindingReport::new(template, values, &finding))
        .collect()
}

/// Whether any error-level rule fails.
pub fn has_errors(template: &Template, values: &Values) -> bool {
    check(template, values).any(|finding| {
        finding.rule.severity == Severity::Error && matches!(finding.outcome, Outcome::Fail(_))
    })
}

/// A finding as data for the CLI and the app: code, severity, status, concrete line ids, sides
/// and the rendered message.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FindingReport {
    /// The rule code.
    pub code: String,
    /// Error or warning.
    pub severity: Severity,
    /// `pass`, `fail` or `missing`.
    pub status: Status,
    /// The template the finding is about (for precinct rules, the protocol checked).
    pub template: String,
    /// Concrete line ids the rule reads (rows expanded), for marking fields.
    pub lines: Vec<String>,
    /// For a failed relation: the left side (what was entered).
    pub entered: Option<i64>,
    /// For a failed relation: the right side (what the other lines imply).
    pub expected: Option<i64>,
    /// For a failed relation: the relation that should hold (`==`, `<=`, …).
    pub relation: Option<String>,
    /// The message with its placeholders filled, when the rule fails.
    pub message: Option<Text>,
}

/// The status of a finding.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// The rule holds.
    Pass,
    /// The rule fails.
    Fail,
    /// A line it reads is empty.
    Missing,
}

impl FindingReport {
    /// The report for `finding` on `values` of `template`.
    pub fn new(template: &Template, values: &Values, finding: &Finding<'_>) -> FindingReport {
        report(template, values, finding.rule, finding.outcome, None)
    }
}

fn report(
    template: &Template,
    values: &Values,
    rule: &Rule,
    outcome: Outcome,
    reference: Option<&str>,
) -> FindingReport {
    let mut lines = Vec::new();
    for line_ref in rule.lines().iter().filter(|line| line.side == Side::This) {
        match template.line(&line_ref.id) {
            Some(line) if line.kind == LineKind::Rows => {
                lines.extend((1..=values.n_rows()).map(|k| row_id(line, k)));
            }
            _ => lines.push(line_ref.id.clone()),
        }
    }
    let (status, sides) = match outcome {
        Outcome::Pass => (Status::Pass, None),
        Outcome::Missing => (Status::Missing, None),
        Outcome::Fail(sides) => (Status::Fail, sides),
    };
    let message = (status == Status::Fail).then(|| {
        rule.message.map(|text| {
            render(
                text,
                template,
                values,
                sides.map(|s| (s.entered, s.expected)),
                reference,
            )
        })
    });
    FindingReport {
        code: rule.code.to_string(),
        severity: rule.severity,
        status,
        template: template.id.clone(),
        lines,
        entered: sides.map(|s| s.entered),
        expected: sides.map(|s| s.expected),
        relation: sides.map(|s| s.op.symbol().to_owned()),
        message,
    }
}

/// Fills `{entered}`, `{expected}`, `{protocol}` and `{<line>}` placeholders.
fn render(
    text: &str,
    template: &Template,
    values: &Values,
    sides: Option<(i64, i64)>,
    reference: Option<&str>,
) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let Some(close) = after.find('}') else {
            out.push_str(&rest[open..]);
            return out;
        };
        let name = &after[..close];
        let filled = match (name, sides) {
            ("entered", Some((entered, _))) => Some(group_digits(entered)),
            ("expected", Some((_, expected))) => Some(group_digits(expected)),
            ("protocol", _) => reference.map(|_| template.id.clone()),
            (line, _) => template
                .slot(line, values.n_rows())
                .and_then(|slot| values.get(slot))
                .map(|count| group_digits(i64::from(count.get()))),
        };
        match filled {
            Some(value) => out.push_str(&value),
            None => out.push('–'),
        }
        rest = &after[close + 1..];
    }
    out.push_str(rest);
    out
}

/// Writes a number with thin spaces between groups of three digits, as on the paper form.
pub fn group_digits(value: i64) -> String {
    let digits = value.unsigned_abs().to_string();
    let mut out = String::with_capacity(digits.len() + 4);
    if value < 0 {
        out.push('-');
    }
    for (idx, digit) in digits.chars().enumerate() {
        if idx != 0 && (digits.len() - idx) % 3 == 0 {
            out.push('\u{202f}');
        }
        out.push(digit);
    }
    out
}

/// One protocol of a precinct, for the precinct-level rules.
#[derive(Clone, Copy, Debug)]
pub struct PrecinctProtocol<'a> {
    /// Its template.
    pub template: &'a Template,
    /// Its values.
    pub values: &'a Values,
}

/// Evaluates the precinct-level rules of `set` across the protocols of one precinct: each rule
/// once per protocol it applies to, against its reference protocol. A rule whose reference or
/// target protocol is absent yields nothing for that pair.
pub fn check_precinct(set: &TemplateSet, protocols: &[PrecinctProtocol<'_>]) -> Vec<FindingReport> {
    let mut reports = Vec::new();
    for precinct_rule in set.precinct_rules() {
        let Some(reference) = protocols
            .iter()
            .find(|p| p.template.id == precinct_rule.reference)
        else {
            continue;
        };
        for protocol in protocols {
            let Some(rule) = precinct_rule.for_template(&protocol.template.id) else {
                continue;
            };
            let outcome = rule.evaluate(protocol.values.view(), Some(reference.values.view()));
            reports.push(report(
                protocol.template,
                protocol.values,
                rule,
                outcome,
                Some(&reference.template.id),
            ));
        }
    }
    reports
}

/// Double entry: the line ids (paper order) where two entries of one protocol differ, counting
/// an empty field against a filled one as a difference.
pub fn compare(template: &Template, first: &Values, second: &Values) -> Vec<String> {
    let n_rows = first.n_rows().max(second.n_rows());
    template
        .line_ids(n_rows)
        .into_iter()
        .filter(|id| match template.slot(id, n_rows) {
            Some(slot) => first.get(slot) != second.get(slot),
            None => false,
        })
        .collect()
}

/// The values a protocol is finalized with: where the two entries agree, their value; where they
/// differ, the paper value settled in reconciliation (`None` until that line is settled).
pub fn agreed(
    template: &Template,
    first: &Values,
    second: &Values,
    settled: &BTreeMap<String, Count>,
) -> Values {
    let n_rows = first.n_rows();
    let mut agreed = Values::new(template, n_rows);
    for line in template.line_ids(n_rows) {
        let Some(slot) = template.slot(&line, n_rows) else {
            continue;
        };
        let value = if first.get(slot) == second.get(slot) {
            first.get(slot)
        } else {
            settled.get(&line).copied()
        };
        agreed.set(slot, value);
    }
    agreed
}

/// The line ids (paper order) that have no value yet: what keeps an entry from being done.
pub fn missing_lines(template: &Template, values: &Values) -> Vec<String> {
    let n_rows = values.n_rows();
    template
        .line_ids(n_rows)
        .into_iter()
        .filter(|line| {
            template
                .slot(line, n_rows)
                .and_then(|slot| values.get(slot))
                .is_none()
        })
        .collect()
}

/// The message of a report in one language, or the empty string when it passed.
pub fn message_in(report: &FindingReport, lang: Lang) -> &str {
    report.message.as_ref().map_or("", |text| text.get(lang))
}
