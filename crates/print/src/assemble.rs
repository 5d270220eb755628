//! Filling the documents' input structs from a precinct's plain values: the election definition,
//! the precinct, its commission members and a finalized protocol version as the store keeps it.
//!
//! The CLI and the app both print through here, so the paper reads the same whichever printed
//! it. This module takes values, not a database, and signs nothing: [`qr_protocol`] gives the
//! data the caller signs with the device key (`hattama_batch::keys`), and [`printable`] takes the
//! resulting QR text back.

use chrono::{DateTime, FixedOffset, NaiveDate};
use hattama_protocol::definition::Contest;
use hattama_protocol::{Count, LoadedDefinition, PrecinctId, Template, Text, Values, builtin};

use crate::pdf::{
    self, Acknowledged, Act, BlankProtocol, EnrolmentSheet, Member, PrecinctHeading,
    PrintableProtocol, ProtocolHeader,
};
use crate::qr::{self, QrProtocol};

/// The precinct whose documents are printed.
#[derive(Clone, Debug)]
pub struct Precinct<'a> {
    /// The election definition the precinct was set up from.
    pub definition: &'a LoadedDefinition,
    /// The precinct.
    pub precinct: &'a PrecinctId,
    /// The commission members who sign, in the order they were added.
    pub members: Vec<Member>,
}

/// A finalized protocol version, as plain values.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FinalVersion {
    /// The contest id.
    pub contest: String,
    /// The version: 1, or more for a repeated protocol.
    pub version: u32,
    /// Why a repeated protocol was drawn up.
    pub reason: Option<String>,
    /// When it was finalized: the stored UTC instant, carrying the laptop's UTC offset in force
    /// at that instant (`Timestamp::to_utc` in the store, then `with_timezone` of the local
    /// zone). The paper prints the local date and time with the offset ([`crate::time::paper`]).
    pub signed_at: DateTime<FixedOffset>,
    /// Every line's value, by line id.
    pub values: Vec<(String, u32)>,
    /// Warnings checked against the paper: (rule code, who acknowledged it).
    pub acknowledged: Vec<(String, String)>,
    /// Acts attached for errors.
    pub acts: Vec<Act>,
}

/// Why a document's input could not be filled.
#[derive(Debug, thiserror::Error)]
pub enum AssembleError {
    /// The definition has no such contest.
    #[error("no contest `{0}` in the election definition")]
    UnknownContest(String),
    /// No built-in template has the contest's template id.
    #[error("no template `{0}`")]
    UnknownTemplate(String),
    /// A stored value is above what a precinct can count (the store never keeps one).
    #[error("the value of line {0} is out of range")]
    ValueOutOfRange(String),
    /// The definition hash is not hex.
    #[error("the definition hash is not hex")]
    DefinitionHash,
    /// The QR data cannot be encoded.
    #[error(transparent)]
    Qr(#[from] qr::QrError),
}

/// What a commission member's position (`chair`, `deputy_chair`, `secretary`, `member`) is
/// called on paper.
pub fn position_title(position: &str) -> Text {
    match position {
        "chair" => Text::new("Комиссия төрағасы", "Председатель комиссии", "Chair"),
        "deputy_chair" => Text::new(
            "Төрағаның орынбасары",
            "Заместитель председателя",
            "Deputy chair",
        ),
        "secretary" => Text::new("Комиссия хатшысы", "Секретарь комиссии", "Secretary"),
        _ => Text::new("Комиссия мүшесі", "Член комиссии", "Member"),
    }
}

/// A member of the signature block, from a name and a position code.
pub fn member(name: &str, position: &str) -> Member {
    Member {
        role: position_title(position),
        name: name.to_owned(),
    }
}

fn empty() -> Text {
    Text::new("", "", "")
}

/// What every document's head names about the election and `precinct`.
fn heading(precinct: &Precinct<'_>) -> PrecinctHeading {
    let definition = &precinct.definition.definition;
    PrecinctHeading {
        election: definition.name.clone(),
        mode: definition.mode,
        demo: definition.demo,
        region: precinct
            .definition
            .region(&precinct.precinct.region)
            .map_or_else(empty, |region| region.name.clone()),
        precinct_number: precinct.precinct.number,
        address: precinct
            .definition
            .precinct(precinct.precinct)
            .map_or_else(empty, |p| p.address.clone()),
    }
}

/// The head of a protocol document for `contest_id`, with the contest and its template.
fn header<'d>(
    precinct: &Precinct<'d>,
    contest_id: &str,
) -> Result<(ProtocolHeader, &'d Contest, &'static Template), AssembleError> {
    let contest = precinct
        .definition
        .contest(contest_id)
        .ok_or_else(|| AssembleError::UnknownContest(contest_id.to_owned()))?;
    let template = builtin::templates()
        .template(&contest.template)
        .ok_or_else(|| AssembleError::UnknownTemplate(contest.template.clone()))?;
    Ok((
        ProtocolHeader {
            precinct: heading(precinct),
            contest: contest.name.clone(),
            district: contest.district,
            template_id: template.id.clone(),
            title: template.title.clone(),
        },
        contest,
        template,
    ))
}

fn row_names(contest: &Contest) -> Vec<Text> {
    contest.rows.iter().map(|row| row.name.clone()).collect()
}

/// The enrolment sheet of the device key: its id, its fingerprint and its public key line as
/// `hattama_batch::keys` gives them (`KeyId` as text, `fingerprint`, the public key), dated
/// `date`, the local day it is printed for the commission to sign.
pub fn enrolment(
    precinct: &Precinct<'_>,
    key_id: &str,
    fingerprint: &str,
    public_key: &str,
    date: NaiveDate,
) -> EnrolmentSheet {
    EnrolmentSheet {
        precinct: heading(precinct),
        key_id: key_id.to_owned(),
        fingerprint: fingerprint.to_owned(),
        public_key: public_key.to_owned(),
        date,
        members: precinct.members.clone(),
    }
}

/// The blank form of `contest_id` for the count by hand.
pub fn blank(precinct: &Precinct<'_>, contest_id: &str) -> Result<BlankProtocol, AssembleError> {
    let (header, contest, template) = header(precinct, contest_id)?;
    Ok(BlankProtocol {
        header,
        lines: pdf::form_lines(template, &row_names(contest)),
        members: precinct.members.clone(),
    })
}

fn counts(protocol: &FinalVersion) -> Result<Vec<Count>, AssembleError> {
    protocol
        .values
        .iter()
        .map(|(line, value)| {
            Count::new(*value).ok_or_else(|| AssembleError::ValueOutOfRange(line.clone()))
        })
        .collect()
}

/// The data the QR code of `protocol` carries, for the caller to sign with the device key
/// whose id is `key_id` (then [`qr::message`], sign, [`qr::encode`]).
pub fn qr_protocol(
    precinct: &Precinct<'_>,
    protocol: &FinalVersion,
    key_id: [u8; qr::KEY_ID_LEN],
) -> Result<QrProtocol, AssembleError> {
    let (_, _, template) = header(precinct, &protocol.contest)?;
    Ok(QrProtocol {
        key_id,
        mode: precinct.definition.definition.mode,
        definition_hash: qr::definition_hash_prefix(&precinct.definition.hash)
            .ok_or(AssembleError::DefinitionHash)?,
        election: precinct.definition.definition.id.clone(),
        precinct: precinct.precinct.clone(),
        contest: protocol.contest.clone(),
        template: template.id.clone(),
        version: protocol.version,
        values: counts(protocol)?,
    })
}

/// The finalized `protocol`, ready to print, carrying the hash of the batch it was exported in,
/// the audit head that batch states (sequence number, hash) and its signed QR text.
pub fn printable(
    precinct: &Precinct<'_>,
    protocol: &FinalVersion,
    batch_hash: &str,
    audit_head: (u64, &str),
    qr_text: String,
) -> Result<PrintableProtocol, AssembleError> {
    let (header, contest, template) = header(precinct, &protocol.contest)?;
    let rows = row_names(contest);
    let mut values = Values::new(template, rows.len());
    for ((line, _), count) in protocol.values.iter().zip(counts(protocol)?) {
        if let Some(slot) = template.slot(line, rows.len()) {
            values.set(slot, Some(count));
        }
    }
    Ok(PrintableProtocol {
        header,
        version: protocol.version,
        repeated_reason: protocol.reason.clone(),
        lines: pdf::printed_lines(template, &rows, &values),
        acknowledged: protocol
            .acknowledged
            .iter()
            .map(|(code, by)| Acknowledged {
                code: code.clone(),
                statement: template.rule(code).map_or_else(
                    || Text::new(code, code, code),
                    |rule| rule.statement.clone(),
                ),
                by: by.clone(),
            })
            .collect(),
        acts: protocol.acts.clone(),
        members: precinct.members.clone(),
        signed_at: protocol.signed_at,
        batch_hash: batch_hash.to_owned(),
        audit_head: (audit_head.0, audit_head.1.to_owned()),
        qr_text,
    })
}
