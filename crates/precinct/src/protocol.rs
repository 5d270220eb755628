//! One protocol's way to final, as people take it: typing an entry field by field and finishing
//! it, reconciling a differing line, acknowledging a warning, attaching an act, finalizing, and
//! starting a repeated protocol. Each function forwards to the store, which checks the
//! permission table for the acting [`Session`] before anything else, and writes the actor into
//! the audit row.

use hattama_protocol::definition::Contest;
use hattama_protocol::{FindingReport, LoadedDefinition, Template, builtin};
use hattama_store::{
    EntryNo, Finalized, LineValue, ProtocolStatus, Reconciled, SavedField, Session, State, Store,
    StoreError, Timestamp, TransitionError,
};

use crate::error::PrecinctError;

/// What a person typed into one field, the request [`save_value`] takes (the store's own type).
pub use hattama_store::TypedField;

/// Saves what the actor typed into a field, raw; the store parses and checks it. `checked` is
/// handed the answer with its findings before the write is made durable (see
/// [`Store::save_value_checked_first`]), for a screen that shows the checks as keys come; the
/// value is saved only when this returns `Ok`.
pub fn save_value(
    store: &mut Store,
    actor: &Session,
    field: &TypedField<'_>,
    now: Timestamp,
    checked: impl FnOnce(&SavedField),
) -> Result<SavedField, PrecinctError> {
    Ok(store.save_value_checked_first(actor, field, now, checked)?)
}

/// Marks `entry` done; finishing the second compares the two.
pub fn finish_entry(
    store: &mut Store,
    actor: &Session,
    contest: &str,
    entry: EntryNo,
    now: Timestamp,
) -> Result<State, PrecinctError> {
    Ok(store.finish_entry(actor, contest, entry, now)?)
}

/// A protocol's form as a screen shows it: where it stands, the definition and contest it
/// belongs to and its template (the lines in paper order are
/// [`Template::paper_lines`] with the contest's rows), and the open entry's values and findings
/// when the actor may see them.
#[derive(Debug)]
pub struct Form<'s> {
    /// The newest version's status.
    pub status: ProtocolStatus,
    /// The election definition.
    pub definition: &'s LoadedDefinition,
    /// The contest, with its rows (parties or candidates).
    pub contest: &'s Contest,
    /// The protocol's template.
    pub template: &'static Template,
    /// The open entry's values and their findings: `None` when no entry is open, nobody is
    /// signed in, or the open entry is blind to the actor (another user's first entry while the
    /// second is typed).
    pub open: Option<(Vec<LineValue>, Vec<FindingReport>)>,
}

/// The form of `contest`'s newest version for `actor` (or for nobody signed in).
pub fn form<'s>(
    store: &'s Store,
    actor: Option<&Session>,
    contest: &str,
) -> Result<Form<'s>, PrecinctError> {
    let status = store.status(contest)?;
    let definition = store.definition().ok_or(StoreError::NotSetUp)?;
    let unknown = || StoreError::UnknownContest(contest.to_owned());
    let in_definition = definition.contest(contest).ok_or_else(unknown)?;
    let template = builtin::templates()
        .template(&status.template)
        .ok_or_else(unknown)?;
    let open = match (status.state.open_entry(), actor) {
        (Some(entry), Some(actor)) => {
            match store.entry_values_and_findings(actor, contest, entry) {
                Ok(open) => Some(open),
                Err(StoreError::Transition(TransitionError::Blind { .. })) => None,
                Err(error) => return Err(error.into()),
            }
        }
        _ => None,
    };
    Ok(Form {
        status,
        definition,
        contest: in_definition,
        template,
        open,
    })
}

/// The actor's own open entry and its findings (the second entry is blind to the first).
pub fn entry_values_and_findings(
    store: &Store,
    actor: &Session,
    contest: &str,
    entry: EntryNo,
) -> Result<(Vec<LineValue>, Vec<FindingReport>), PrecinctError> {
    Ok(store.entry_values_and_findings(actor, contest, entry)?)
}

/// A value read on the paper for a line the two entries differ on, as the reconciler typed it.
#[derive(Clone, Copy, Debug)]
pub struct PaperValue<'a> {
    /// The contest whose current protocol it is.
    pub contest: &'a str,
    /// The differing line.
    pub line: &'a str,
    /// The value as typed; the store parses it.
    pub raw: &'a str,
    /// Whether the reconciler confirmed a value that is on neither entry.
    pub confirm_neither: bool,
}

/// Settles a differing line with the value read on the paper (a secretary or a chair who typed
/// neither entry). The answer says which entry it matched; a value on neither entry is stored
/// only with `confirm_neither`, otherwise nothing is stored and the answer is
/// [`Reconciled::NeedsConfirmation`].
pub fn reconcile(
    store: &mut Store,
    actor: &Session,
    paper: &PaperValue<'_>,
    now: Timestamp,
) -> Result<Reconciled, PrecinctError> {
    let &PaperValue {
        contest,
        line,
        raw,
        confirm_neither,
    } = paper;
    Ok(store.reconcile(actor, contest, line, raw, confirm_neither, now)?)
}

/// Records that the actor checked the failing warning `code` against the paper.
pub fn acknowledge(
    store: &mut Store,
    actor: &Session,
    contest: &str,
    code: &str,
    now: Timestamp,
) -> Result<(), PrecinctError> {
    Ok(store.acknowledge(actor, contest, code, now)?)
}

/// The commission's act explaining a failing error: its number on paper and its description.
#[derive(Clone, Copy, Debug)]
pub struct ActPaper<'a> {
    /// The contest whose current protocol it is.
    pub contest: &'a str,
    /// The failing error's rule code.
    pub code: &'a str,
    /// The act's number on paper.
    pub paper_number: &'a str,
    /// What the act says.
    pub text: &'a str,
}

/// Attaches the commission's act to the failing error it explains.
pub fn attach_act(
    store: &mut Store,
    actor: &Session,
    act: &ActPaper<'_>,
    now: Timestamp,
) -> Result<(), PrecinctError> {
    Ok(store.attach_act(
        actor,
        act.contest,
        act.code,
        act.paper_number,
        act.text,
        now,
    )?)
}

/// Finalizes the protocol, by the chair signed in as the chair.
pub fn finalize(
    store: &mut Store,
    actor: &Session,
    contest: &str,
    now: Timestamp,
) -> Result<Finalized, PrecinctError> {
    Ok(store.finalize(actor, contest, now)?)
}

/// Starts a repeated protocol for `reason` (the chair); returns its version.
pub fn repeat(
    store: &mut Store,
    actor: &Session,
    contest: &str,
    reason: &str,
    now: Timestamp,
) -> Result<i64, PrecinctError> {
    Ok(store.repeat(actor, contest, reason, now)?)
}
