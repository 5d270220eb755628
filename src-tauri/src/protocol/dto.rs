//! The IPC values of one protocol: its form and state, a saved field with its findings, the
//! blind differences and their reconciling, the review, and the audit log.

use hattama_precinct::protocol::Form;
use hattama_protocol::check::{PaperLine, Status};
use hattama_protocol::{Count, FindingReport, LoadedDefinition, Severity};
use hattama_store::{
    AuditViewRow, EntryNo, Matched, ProtocolStatus, Reconciled, State, StoreError,
};
use serde::Serialize;
use ts_rs::TS;

use crate::app::dto::LocalText;

/// Where a protocol stands: its phase, who typed, and which entry is open.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ProtocolState {
    /// The phase.
    // The store's name for it (`Phase::as_str`); codegen writes the `ProtocolPhase` union from
    // `Phase::ALL`, so the store's enum is the one list of phases.
    #[ts(type = "ProtocolPhase")]
    pub(crate) phase: &'static str,
    /// The entry typed now (1 or 2), if one is open.
    pub(crate) open_entry: Option<u8>,
    /// The first clerk's id.
    #[ts(type = "number | null")]
    pub(crate) first: Option<i64>,
    /// The second clerk's id.
    #[ts(type = "number | null")]
    pub(crate) second: Option<i64>,
}

impl From<State> for ProtocolState {
    fn from(state: State) -> ProtocolState {
        ProtocolState {
            phase: state.phase().as_str(),
            open_entry: state.open_entry().map(|entry| match entry {
                EntryNo::First => 1,
                EntryNo::Second => 2,
            }),
            first: state.first().map(|user| user.0),
            second: state.second().map(|user| user.0),
        }
    }
}

/// One protocol of the precinct, as the dashboard lists it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
pub(crate) struct ProtocolSummary {
    /// The contest id.
    pub(crate) contest: String,
    /// The template id (`P1` … `P5`).
    pub(crate) template: String,
    /// The contest's name.
    pub(crate) name: LocalText,
    /// The newest version.
    #[ts(type = "number")]
    pub(crate) version: i64,
    /// Why it was repeated (versions from 2 on).
    pub(crate) reason: Option<String>,
    /// Where it stands.
    pub(crate) state: ProtocolState,
}

impl ProtocolSummary {
    /// The dashboard's line for the protocol `status` describes, named from `loaded`.
    pub(crate) fn of(
        loaded: &LoadedDefinition,
        status: &ProtocolStatus,
    ) -> Result<ProtocolSummary, StoreError> {
        let contest = loaded
            .contest(&status.contest)
            .ok_or_else(|| StoreError::UnknownContest(status.contest.clone()))?;
        Ok(ProtocolSummary {
            contest: status.contest.clone(),
            template: status.template.clone(),
            name: (&contest.name).into(),
            version: status.version,
            reason: status.reason.clone(),
            state: status.state.into(),
        })
    }
}

/// A party or candidate of a protocol's row block.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
pub(crate) struct RowInfo {
    /// The row number on the paper (1-based): the key to jump to it.
    pub(crate) number: u32,
    /// The party or candidate.
    pub(crate) name: LocalText,
    /// True when the name is invented (demo definitions), which the UI must say.
    pub(crate) invented: bool,
}

/// One line of a protocol form, in paper order.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
pub(crate) struct FormLine {
    /// The line id (`L3a`, `L8.2`).
    pub(crate) id: String,
    /// The line's label.
    pub(crate) label: LocalText,
    /// The line this one is part of ("of whom"), if any.
    pub(crate) parent: Option<String>,
    /// For a row of the row block: the party or candidate.
    pub(crate) row: Option<RowInfo>,
}

/// One line's value in an entry.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
pub(crate) struct FieldValue {
    /// The line id.
    pub(crate) line: String,
    /// The saved value, `null` when empty.
    pub(crate) value: Option<u32>,
}

/// A protocol form: its lines and the state of its newest version.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ProtocolForm {
    /// The summary (contest, names, version, state).
    pub(crate) summary: ProtocolSummary,
    /// The protocol's title on the paper.
    pub(crate) title: LocalText,
    /// True when the definition is the demo (its rows are invented).
    pub(crate) demo: bool,
    /// Every line in paper order.
    pub(crate) lines: Vec<FormLine>,
    /// The open entry's values, when the signed-in user may see them; `null` when blind.
    pub(crate) values: Option<Vec<FieldValue>>,
    /// Every check on those values as they stand, under the same blindness: the check panel
    /// of a form opened again (after a restart, say) shows what the last save returned.
    pub(crate) findings: Option<Vec<Finding>>,
}

impl ProtocolForm {
    /// The form the precinct's use case gives, for the webview: the template's paper lines
    /// with the contest's rows named (a row block's heading is no field), and the open entry
    /// when the use case gives it.
    pub(crate) fn of(form: &Form<'_>) -> Result<ProtocolForm, StoreError> {
        let rows = &form.contest.rows;
        let lines = form
            .template
            .paper_lines(rows.len())
            .into_iter()
            .filter_map(|line| match line {
                PaperLine::Fixed(line) => Some(FormLine {
                    id: line.id.clone(),
                    label: (&line.label).into(),
                    parent: line.parent.clone(),
                    row: None,
                }),
                PaperLine::Heading(_) => None,
                PaperLine::Row { block, k, id } => {
                    let row = rows.get(k.checked_sub(1)?)?;
                    Some(FormLine {
                        id,
                        label: (&block.label).into(),
                        parent: block.parent.clone(),
                        row: Some(RowInfo {
                            number: u32::try_from(k).ok()?,
                            name: (&row.name).into(),
                            invented: row.invented,
                        }),
                    })
                }
            })
            .collect();
        let (values, findings) = match &form.open {
            Some((values, findings)) => (
                Some(
                    values
                        .iter()
                        .map(|value| FieldValue {
                            line: value.line.clone(),
                            value: value.value.map(Count::get),
                        })
                        .collect(),
                ),
                Some(findings.iter().map(Finding::from).collect()),
            ),
            None => (None, None),
        };
        Ok(ProtocolForm {
            summary: ProtocolSummary::of(form.definition, &form.status)?,
            title: (&form.template.title).into(),
            demo: form.definition.definition.demo,
            lines,
            values,
            findings,
        })
    }
}

/// Error or warning.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "lowercase")]
pub(crate) enum FindingSeverity {
    /// Blocks finalizing unless an act explains it.
    Error,
    /// Must be acknowledged against the paper.
    Warning,
}

/// Whether a check holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "lowercase")]
pub(crate) enum FindingStatus {
    /// It holds.
    Pass,
    /// It fails.
    Fail,
    /// A line it reads is empty.
    Missing,
}

/// One check's outcome, as the protocol crate reports it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
pub(crate) struct Finding {
    /// The rule code (`E05`).
    pub(crate) code: String,
    /// Error or warning.
    pub(crate) severity: FindingSeverity,
    /// Pass, fail or missing.
    pub(crate) status: FindingStatus,
    /// The lines the rule reads, for highlighting.
    pub(crate) lines: Vec<String>,
    /// For a failed relation: what was entered.
    #[ts(type = "number | null")]
    pub(crate) entered: Option<i64>,
    /// For a failed relation: what the other lines imply.
    #[ts(type = "number | null")]
    pub(crate) expected: Option<i64>,
    /// For a failed relation: `==`, `<=`, …
    pub(crate) relation: Option<String>,
    /// The message, when it fails.
    pub(crate) message: Option<LocalText>,
}

impl From<&FindingReport> for Finding {
    fn from(report: &FindingReport) -> Finding {
        Finding {
            code: report.code.clone(),
            severity: match report.severity {
                Severity::Error => FindingSeverity::Error,
                Severity::Warning => FindingSeverity::Warning,
            },
            status: match report.status {
                Status::Pass => FindingStatus::Pass,
                Status::Fail => FindingStatus::Fail,
                Status::Missing => FindingStatus::Missing,
            },
            lines: report.lines.clone(),
            entered: report.entered,
            expected: report.expected,
            relation: report.relation.clone(),
            message: report.message.as_ref().map(LocalText::from),
        }
    }
}

/// What saving one field returns: the parsed value, the new state and the entry's findings.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
pub(crate) struct SavedField {
    /// The line.
    pub(crate) line: String,
    /// The value stored, `null` for a cleared field.
    pub(crate) value: Option<u32>,
    /// The protocol's state after the save.
    pub(crate) state: ProtocolState,
    /// Every check on the entry as it now stands.
    pub(crate) findings: Vec<Finding>,
}

impl From<&hattama_store::SavedField> for SavedField {
    fn from(saved: &hattama_store::SavedField) -> SavedField {
        SavedField {
            line: saved.line.clone(),
            value: saved.value.map(Count::get),
            state: saved.state.into(),
            findings: saved.findings.iter().map(Finding::from).collect(),
        }
    }
}

/// Which entry a paper value matched.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub(crate) enum EntryMatch {
    /// Entry 1's value.
    First,
    /// Entry 2's value.
    Second,
    /// Neither entry's (confirmed by the reconciler).
    Neither,
}

impl From<Matched> for EntryMatch {
    fn from(matched: Matched) -> EntryMatch {
        match matched {
            Matched::First => EntryMatch::First,
            Matched::Second => EntryMatch::Second,
            Matched::Neither => EntryMatch::Neither,
        }
    }
}

/// A line on which the two entries differ. Blind: neither entry's value crosses, only the line
/// and, once settled, the paper value and which entry it matched.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
pub(crate) struct Difference {
    /// The line id.
    pub(crate) line: String,
    /// The value on the paper, once settled.
    pub(crate) settled: Option<u32>,
    /// Which entry the paper value matched, once settled.
    pub(crate) matched: Option<EntryMatch>,
}

impl From<&hattama_store::Difference> for Difference {
    fn from(difference: &hattama_store::Difference) -> Difference {
        Difference {
            line: difference.line.clone(),
            settled: difference.settled.map(Count::get),
            matched: difference.matched.map(EntryMatch::from),
        }
    }
}

/// What settling a line did: stored (with the entry it matched and the protocol's state), or
/// nothing yet because the value is on neither entry and needs the reconciler's confirmation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ReconcileOutcome {
    /// True when nothing was stored: the value is on neither entry; send it again confirmed.
    pub(crate) needs_confirmation: bool,
    /// Which entry the stored value matched.
    pub(crate) matched: Option<EntryMatch>,
    /// The protocol's state after storing.
    pub(crate) state: Option<ProtocolState>,
}

impl From<Reconciled> for ReconcileOutcome {
    fn from(reconciled: Reconciled) -> ReconcileOutcome {
        match reconciled {
            Reconciled::Settled { matched, state } => ReconcileOutcome {
                needs_confirmation: false,
                matched: Some(matched.into()),
                state: Some(state.into()),
            },
            Reconciled::NeedsConfirmation => ReconcileOutcome {
                needs_confirmation: true,
                matched: None,
                state: None,
            },
        }
    }
}

/// An act of the commission explaining a failing error.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
pub(crate) struct ActInfo {
    /// The error's code.
    pub(crate) code: String,
    /// The act's number on paper (`null` for acts recorded before numbers were kept).
    pub(crate) number: Option<String>,
    /// The act's text.
    pub(crate) text: String,
}

/// The agreed values' checks and what the commission recorded about them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
pub(crate) struct ReviewInfo {
    /// Every check on the agreed values.
    pub(crate) findings: Vec<Finding>,
    /// Acknowledged warning codes.
    pub(crate) acknowledged: Vec<String>,
    /// Acts attached to errors.
    pub(crate) acts: Vec<ActInfo>,
}

impl From<&hattama_store::Review> for ReviewInfo {
    fn from(review: &hattama_store::Review) -> ReviewInfo {
        ReviewInfo {
            findings: review.findings.iter().map(Finding::from).collect(),
            acknowledged: review.acknowledged.clone(),
            acts: review
                .acts
                .iter()
                .map(|act| ActInfo {
                    code: act.code.clone(),
                    number: act.paper_number.clone(),
                    text: act.text.clone(),
                })
                .collect(),
        }
    }
}

/// One row of the audit log as the signed-in user may see it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
pub(crate) struct AuditRow {
    /// Its place in the chain.
    #[ts(type = "number")]
    pub(crate) seq: i64,
    /// When (the laptop clock, informational), RFC 3339.
    pub(crate) at: String,
    /// Who, by user id.
    #[ts(type = "number | null")]
    pub(crate) user: Option<i64>,
    /// What happened (`value.save`, `protocol.finalize`, …).
    pub(crate) action: String,
    /// The details, as JSON text, without numbers when `hidden`.
    pub(crate) payload: String,
    /// True when the numbers were left out: the protocol's two entries are not both done and
    /// agreed yet.
    pub(crate) hidden: bool,
}

impl From<&AuditViewRow> for AuditRow {
    fn from(row: &AuditViewRow) -> AuditRow {
        let entry = &row.entry;
        AuditRow {
            seq: entry.seq,
            at: entry.at.to_rfc3339(),
            user: entry.user.map(|user| user.0),
            action: entry.action.clone(),
            payload: entry.payload.clone(),
            hidden: row.hidden,
        }
    }
}

/// The audit log and whether its hash chain holds.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub(crate) struct AuditLog {
    /// True when every row hashes the one before and the tables agree with it.
    pub(crate) intact: bool,
    /// The rows, newest first.
    pub(crate) rows: Vec<AuditRow>,
}
