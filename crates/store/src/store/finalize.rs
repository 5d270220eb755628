//! Review and the chair's sign-off: the findings on the agreed values (precinct-level rules
//! included), acknowledging warnings, attaching acts to errors, finalizing, and starting a
//! repeated protocol.

use std::path::PathBuf;

use rusqlite::Connection;
use serde::Serialize;
use serde_json::json;

use hattama_protocol::check::{self, PrecinctProtocol};
use hattama_protocol::{FindingReport, Outcome, Severity, Template, Values, builtin};

use super::reconcile::typed_neither;
use super::{Setup, Store, transition, write_tx};
use crate::audit::{self, Action};
use crate::backup;
use crate::error::StoreError;
use crate::finals;
use crate::permissions::Permission;
use crate::protocols::{self, ProtocolRow};
use crate::review::{self, Act};
use crate::state::{self, FinalizeFacts, State, TransitionError};
use crate::types::{EntryNo, Session, Timestamp};
use crate::values;

/// The least number of characters an act's description has: enough to say what happened.
pub const ACT_MIN_CHARS: usize = 20;

/// The agreed (or final) values' findings and what the commission recorded about them.
#[derive(Clone, Debug, Serialize)]
pub struct Review {
    /// Every rule's finding on the agreed values.
    pub findings: Vec<FindingReport>,
    /// Acknowledged warning codes.
    pub acknowledged: Vec<String>,
    /// Acts attached to errors.
    pub acts: Vec<Act>,
}

/// What finalizing did.
#[derive(Debug)]
pub struct Finalized {
    /// The version finalized.
    pub version: i64,
    /// The audit row recording it.
    pub audit_seq: i64,
    /// The automatic backup, or why it could not be written (the finalize itself is durable).
    pub backup: Result<PathBuf, StoreError>,
}

impl Store {
    /// The findings on the agreed (or final) values, with the acknowledgements and acts so far.
    pub fn review(&self, contest: &str) -> Result<Review, StoreError> {
        let (template, n_rows) = self.setup()?.contest(contest)?;
        let protocol = protocols::current(&self.conn, contest)?;
        if !matches!(protocol.state, State::Agreed { .. } | State::Final { .. }) {
            return Err(TransitionError::NotAgreed.into());
        }
        let values = agreed_values(&self.conn, &protocol, template, n_rows)?;
        let mut findings = check::reports(template, &values);
        findings.extend(precinct_reports(
            &self.conn,
            self.setup()?,
            template,
            &values,
        )?);
        Ok(Review {
            findings,
            acknowledged: review::acknowledged(&self.conn, protocol.id)?
                .into_iter()
                .collect(),
            acts: review::acts(&self.conn, protocol.id)?,
        })
    }

    /// Records that `actor` checked the failing warning `code` against the paper: a secretary
    /// or a chair who typed neither entry.
    pub fn acknowledge(
        &mut self,
        actor: &Session,
        contest: &str,
        code: &str,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        let _span =
            tracing::info_span!("acknowledge", contest, code, user = actor.user().0).entered();
        let user = self.require(actor, Permission::Acknowledge)?.id;
        let setup = self.setup.as_ref().ok_or(StoreError::NotSetUp)?;
        let (template, n_rows) = setup.contest(contest)?;
        let precinct_rule = builtin::templates().precinct_rules().iter().find(|rule| {
            rule.rule().code.as_str() == code && rule.for_template(&template.id).is_some()
        });
        match precinct_rule {
            Some(rule) => of_severity(code, rule.rule().severity, Severity::Warning)?,
            None => rule_of_severity(template, code, Severity::Warning)?,
        }
        write_tx(&mut self.conn, |tx| {
            let protocol = protocols::current(tx, contest)?;
            state::review(protocol.state)?;
            typed_neither(protocol.state, user, Permission::Acknowledge)?;
            let values = agreed_values(tx, &protocol, template, n_rows)?;
            let mut failed = failing(template, &values);
            failed.extend(
                failing_precinct(&precinct_reports(tx, setup, template, &values)?)
                    .into_iter()
                    .map(|(code, _)| code),
            );
            if !failed.iter().any(|failed| failed == code) {
                return Err(StoreError::RuleNotFailing(code.to_owned()));
            }
            review::acknowledge(tx, protocol.id, code, user, now)?;
            audit::append(
                tx,
                now,
                Some(user),
                Action::WarningAcknowledge,
                &json!({ "contest": contest, "version": protocol.version, "code": code }),
            )?;
            Ok(())
        })
    }

    /// Attaches the commission's act explaining the failing error `code`: its number on paper
    /// and a description of at least [`ACT_MIN_CHARS`] characters. By a secretary or a chair
    /// who typed neither entry.
    pub fn attach_act(
        &mut self,
        actor: &Session,
        contest: &str,
        code: &str,
        paper_number: &str,
        text: &str,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        let _span =
            tracing::info_span!("attach_act", contest, code, user = actor.user().0).entered();
        let user = self.require(actor, Permission::AttachAct)?.id;
        let setup = self.setup.as_ref().ok_or(StoreError::NotSetUp)?;
        let (template, n_rows) = setup.contest(contest)?;
        rule_of_severity(template, code, Severity::Error)?;
        let paper_number = paper_number.trim();
        if paper_number.is_empty() {
            return Err(StoreError::EmptyText("paper_number"));
        }
        let text = text.trim();
        if text.is_empty() {
            return Err(StoreError::EmptyText("act"));
        }
        if text.chars().count() < ACT_MIN_CHARS {
            return Err(StoreError::ActTooShort { min: ACT_MIN_CHARS });
        }
        write_tx(&mut self.conn, |tx| {
            let protocol = protocols::current(tx, contest)?;
            state::review(protocol.state)?;
            typed_neither(protocol.state, user, Permission::AttachAct)?;
            let values = agreed_values(tx, &protocol, template, n_rows)?;
            if !failing(template, &values)
                .iter()
                .any(|failed| failed == code)
            {
                return Err(StoreError::RuleNotFailing(code.to_owned()));
            }
            let act = Act {
                code: code.to_owned(),
                paper_number: Some(paper_number.to_owned()),
                text: text.to_owned(),
                user,
                at: now,
            };
            review::attach_act(tx, protocol.id, &act)?;
            audit::append(
                tx,
                now,
                Some(user),
                Action::ErrorAct,
                &json!({
                    "contest": contest,
                    "version": protocol.version,
                    "code": code,
                    "paper_number": paper_number,
                    "text": text,
                }),
            )?;
            Ok(())
        })
    }

    /// Finalizes the contest's current protocol, by the chair signed in as the chair: needs
    /// agreed values, an act for every failing error and an acknowledgement for every failing
    /// warning. Writes the final values (frozen from then on), then an automatic backup.
    pub fn finalize(
        &mut self,
        actor: &Session,
        contest: &str,
        now: Timestamp,
    ) -> Result<Finalized, StoreError> {
        let _span = tracing::info_span!("finalize", contest, user = actor.user().0).entered();
        let chair = self.require(actor, Permission::Finalize)?.id;
        let setup = self.setup.as_ref().ok_or(StoreError::NotSetUp)?;
        let (template, n_rows) = setup.contest(contest)?;
        let (version, audit_seq) = write_tx(&mut self.conn, |tx| {
            let protocol = protocols::current(tx, contest)?;
            state::review(protocol.state)?;
            let values = agreed_values(tx, &protocol, template, n_rows)?;
            let acknowledged = review::acknowledged(tx, protocol.id)?;
            let acts = review::acts(tx, protocol.id)?;
            // The failing rules, the template's and the precinct's alike: each error needs an
            // act, each warning an acknowledgement.
            let mut failed: Vec<(String, Severity)> = check::check(template, &values)
                .filter(|finding| matches!(finding.outcome, Outcome::Fail(_)))
                .map(|finding| (finding.rule.code.as_str().to_owned(), finding.rule.severity))
                .collect();
            failed.extend(failing_precinct(&precinct_reports(
                tx, setup, template, &values,
            )?));
            let mut facts = FinalizeFacts::default();
            for (code, severity) in failed {
                match severity {
                    Severity::Error if !acts.iter().any(|act| act.code == code) => {
                        facts.errors_without_act.push(code);
                    }
                    Severity::Warning if !acknowledged.contains(&code) => {
                        facts.unacknowledged_warnings.push(code);
                    }
                    Severity::Error | Severity::Warning => {}
                }
            }
            let next = state::finalize(protocol.state, chair, &facts)?;
            let mut final_values = Vec::new();
            for line in template.line_ids(n_rows) {
                let value = template
                    .slot(&line, n_rows)
                    .and_then(|slot| values.get(slot));
                let Some(value) = value else {
                    return Err(StoreError::Inconsistent(format!(
                        "agreed protocol {contest} has no value on line {line}"
                    )));
                };
                final_values.push((line, value));
            }
            finals::insert(tx, protocol.id, &final_values)?;
            let values_json: serde_json::Map<String, serde_json::Value> = final_values
                .iter()
                .map(|(line, value)| (line.clone(), json!(value.get())))
                .collect();
            let audit_seq = transition(
                tx,
                &protocol,
                next,
                Some(chair),
                now,
                Action::ProtocolFinalize,
                json!({
                    "values": values_json,
                    "acknowledged": acknowledged,
                    "acts": acts.iter().map(|act| act.code.as_str()).collect::<Vec<_>>(),
                }),
            )?;
            Ok((protocol.version, audit_seq))
        })?;
        tracing::info!(contest, version, "finalized");
        let backup = backup::create(
            &self.conn,
            &self.path,
            audit_seq,
            now,
            self.config.backups_kept,
        );
        if let Err(error) = &backup {
            tracing::error!(%error, "automatic backup after finalize failed");
        }
        Ok(Finalized {
            version,
            audit_seq,
            backup,
        })
    }

    /// Starts a repeated protocol: the next version of a final protocol, empty, with its reason.
    /// The final version stays as it is. Returns the new version number.
    pub fn repeat(
        &mut self,
        actor: &Session,
        contest: &str,
        reason: &str,
        now: Timestamp,
    ) -> Result<i64, StoreError> {
        let _span = tracing::info_span!("repeat", contest, user = actor.user().0).entered();
        let user = self.require(actor, Permission::Repeat)?.id;
        self.setup()?.contest(contest)?;
        write_tx(&mut self.conn, |tx| {
            let protocol = protocols::current(tx, contest)?;
            state::repeat(protocol.state, reason)?;
            let version = protocol.version + 1;
            let reason = reason.trim();
            protocols::insert(tx, contest, version, Some(reason), now)?;
            audit::append(
                tx,
                now,
                Some(user),
                Action::ProtocolRepeat,
                &json!({ "contest": contest, "version": version, "reason": reason }),
            )?;
            Ok(version)
        })
    }
}

/// The precinct-level findings (W06 and the like) on `values` of `template`, each rule checked
/// against its reference protocol of this precinct when that one is agreed or final; a rule whose
/// reference has no agreed values yet is not reported.
fn precinct_reports(
    conn: &Connection,
    setup: &Setup,
    template: &Template,
    values: &Values,
) -> Result<Vec<FindingReport>, StoreError> {
    let set = builtin::templates();
    // The reference protocols of the rules that apply to `template`, where agreed or final.
    let mut references: Vec<(&Template, Values)> = Vec::new();
    for precinct_rule in set.precinct_rules() {
        if precinct_rule.for_template(&template.id).is_none() {
            continue;
        }
        let reference = setup.contests().into_iter().find(|id| {
            setup
                .definition
                .contest(id)
                .is_some_and(|contest| contest.template == precinct_rule.reference)
        });
        let Some(reference) = reference else { continue };
        let (ref_template, ref_rows) = setup.contest(&reference)?;
        let ref_protocol = protocols::current(conn, &reference)?;
        if !matches!(
            ref_protocol.state,
            State::Agreed { .. } | State::Final { .. }
        ) {
            continue;
        }
        let ref_values = agreed_values(conn, &ref_protocol, ref_template, ref_rows)?;
        references.push((ref_template, ref_values));
    }
    // Each rule once for `template`; a rule whose reference is not here yields nothing.
    let mut protocols: Vec<PrecinctProtocol<'_>> = references
        .iter()
        .map(|(template, values)| PrecinctProtocol { template, values })
        .collect();
    protocols.push(PrecinctProtocol { template, values });
    Ok(check::check_precinct(set, &protocols)
        .into_iter()
        .filter(|report| report.template == template.id)
        .collect())
}

/// Codes of the failing precinct-level rules among `reports`.
fn failing_precinct(reports: &[FindingReport]) -> Vec<(String, Severity)> {
    reports
        .iter()
        .filter(|report| report.status == hattama_protocol::Status::Fail)
        .map(|report| (report.code.clone(), report.severity))
        .collect()
}

fn failing(template: &Template, values: &Values) -> Vec<String> {
    check::check(template, values)
        .filter(|finding| matches!(finding.outcome, Outcome::Fail(_)))
        .map(|finding| finding.rule.code.as_str().to_owned())
        .collect()
}

fn rule_of_severity(template: &Template, code: &str, severity: Severity) -> Result<(), StoreError> {
    let Some(rule) = template.rule(code) else {
        return Err(StoreError::UnknownRule(code.to_owned()));
    };
    of_severity(code, rule.severity, severity)
}

/// Refuses rule `code`, of severity `found`, where one of `severity` is needed.
fn of_severity(code: &str, found: Severity, severity: Severity) -> Result<(), StoreError> {
    if found != severity {
        return Err(StoreError::WrongSeverity {
            code: code.to_owned(),
            expected: match severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
            },
        });
    }
    Ok(())
}

/// The values the protocol will be finalized with: where the entries agree, their value; where
/// they differ, the paper value settled in reconciliation (`None` until settled).
pub(super) fn agreed_values(
    conn: &Connection,
    protocol: &ProtocolRow,
    template: &Template,
    n_rows: usize,
) -> Result<Values, StoreError> {
    if matches!(protocol.state, State::Final { .. }) {
        let mut values = Values::new(template, n_rows);
        for (line, value) in finals::load(conn, protocol.id)? {
            if let Some(slot) = template.slot(&line, n_rows) {
                values.set(slot, Some(value));
            }
        }
        return Ok(values);
    }
    let first = values::load(conn, protocol.id, EntryNo::First, template, n_rows)?;
    let second = values::load(conn, protocol.id, EntryNo::Second, template, n_rows)?;
    let settled = review::settled(conn, protocol.id)?;
    Ok(check::agreed(template, &first, &second, &settled))
}
