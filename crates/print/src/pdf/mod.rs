//! The printed documents as PDF bytes: the results protocol, its large-print posting copy, the
//! blank protocol for the count by hand, and the device enrolment sheet.
//!
//! Each document is a function from a plain input struct and the [`Fonts`] to the bytes of a PDF.
//! The callers (CLI, app) fill the structs from the store and the batch; this module reads no
//! database, file or clock, and the same input always gives the same bytes. It owns the wording
//! and layout of the paper; it does not decide what is printed (which protocols, which version,
//! which checks were acknowledged): that arrives in the input.

mod blank;
mod canvas;
mod enrolment;
mod parts;
mod posting;
mod protocol;
mod wording;

use chrono::{DateTime, FixedOffset, NaiveDate};
use hattama_protocol::check::PaperLine;
use hattama_protocol::{Count, Mode, Template, Text, Values};

use crate::fonts::{Face, Fonts};

/// What the head of every document names about the election and the precinct.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PrecinctHeading {
    /// The election's name.
    pub election: Text,
    /// Test or live; every page of a test document says it has no legal force.
    pub mode: Mode,
    /// True for a demonstration definition: every page says its names are invented.
    pub demo: bool,
    /// The region's name.
    pub region: Text,
    /// The precinct number within the region.
    pub precinct_number: u32,
    /// The precinct's address.
    pub address: Text,
}

/// What the head of every protocol document names: the election, the precinct and the contest.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProtocolHeader {
    /// The election and the precinct.
    pub precinct: PrecinctHeading,
    /// The contest (the ballot).
    pub contest: Text,
    /// The district number of a single-member district contest.
    pub district: Option<u32>,
    /// The template id, e.g. `P1`.
    pub template_id: String,
    /// The protocol's title, as the template gives it.
    pub title: Text,
}

/// How a line of the form is printed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FormLineKind {
    /// A numbered line of the form (L1, L2…).
    Main,
    /// An "of whom" line, part of the one above it; printed indented.
    Part,
    /// The title of the row block (votes for each party or candidate); it holds no figure.
    Heading,
    /// A party's or candidate's row; its label is the name.
    Row,
}

/// One line of the paper form, in paper order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FormLine {
    /// The line id, e.g. `L3a` or `L8.2`.
    pub id: String,
    /// The label, or the party's or candidate's name for a row.
    pub label: Text,
    /// How it is printed.
    pub kind: FormLineKind,
}

/// One line of a filled protocol.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PrintedLine {
    /// The line.
    pub line: FormLine,
    /// Its value; `None` for a heading (and printed as an empty box if ever missing elsewhere).
    pub value: Option<Count>,
}

/// A warning the commission checked against the paper before finalizing.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Acknowledged {
    /// The rule code, e.g. `W02`.
    pub code: String,
    /// The rule's statement.
    pub statement: Text,
    /// Who acknowledged it.
    pub by: String,
}

/// An act the commission attached to explain an error-level imbalance.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Act {
    /// The rule code, e.g. `E01`.
    pub code: String,
    /// The act's text, as the commission wrote it.
    pub text: String,
    /// Who recorded it.
    pub by: String,
}

/// A commission member in the signature block.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Member {
    /// The role: chair, deputy chair, secretary, member.
    pub role: Text,
    /// The full name; empty prints a line to write it by hand.
    pub name: String,
}

/// A finalized protocol, ready to print.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PrintableProtocol {
    /// Election, precinct, contest, title.
    pub header: ProtocolHeader,
    /// The version: 1, or more for a repeated protocol.
    pub version: u32,
    /// Why a repeated protocol was drawn up.
    pub repeated_reason: Option<String>,
    /// Every line in paper order, rows with the party or candidate names.
    pub lines: Vec<PrintedLine>,
    /// Warnings checked against the paper.
    pub acknowledged: Vec<Acknowledged>,
    /// Acts attached for errors.
    pub acts: Vec<Act>,
    /// The commission members who sign.
    pub members: Vec<Member>,
    /// When it was signed, in the laptop's local time with the offset then in force; printed as
    /// [`crate::time::paper`] writes it.
    pub signed_at: DateTime<FixedOffset>,
    /// The hash of the results batch it was exported in, lowercase hex.
    pub batch_hash: String,
    /// The audit chain head that batch states: the last entry's sequence number and hash
    /// (lowercase hex), printed as `#123 · 3fa9 01bc …` so the commission can hold the paper to
    /// the batch's log.
    pub audit_head: (u64, String),
    /// The QR text ([`crate::qr::encode`]).
    pub qr_text: String,
}

impl PrintableProtocol {
    /// True for a repeated protocol (a version after the first, or one with a reason).
    pub fn is_repeated(&self) -> bool {
        1 < self.version || self.repeated_reason.is_some()
    }
}

/// A blank protocol form for the count by hand.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BlankProtocol {
    /// Election, precinct, contest, title.
    pub header: ProtocolHeader,
    /// Every line in paper order.
    pub lines: Vec<FormLine>,
    /// The commission members (names may be empty).
    pub members: Vec<Member>,
}

/// The sheet that enrols a laptop's signing key with the territorial commission.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EnrolmentSheet {
    /// The election and the precinct.
    pub precinct: PrecinctHeading,
    /// The key id (minisign key number) in hex.
    pub key_id: String,
    /// The public key's fingerprint as `hattama_batch::keys::fingerprint` gives it: hex, in
    /// groups of four or not. Printed in groups of four, each digit as given, so the sheet reads
    /// exactly as the CLI and the app show it.
    pub fingerprint: String,
    /// The public key as its file's key line (base64).
    pub public_key: String,
    /// The day the sheet is printed for signing, in the laptop's local calendar.
    pub date: NaiveDate,
    /// The members who sign the sheet.
    pub members: Vec<Member>,
}

/// Why a document could not be made.
#[derive(Debug, thiserror::Error)]
pub enum PdfError {
    /// The font bytes do not parse.
    #[error("the font {0} does not parse")]
    Font(Face),
    /// A text holds a character the font has no glyph for.
    #[error("the font {face} has no glyph for {ch:?} (U+{:04X})", u32::from(*ch))]
    MissingGlyph {
        /// The face.
        face: Face,
        /// The character.
        ch: char,
    },
    /// The font could not be subset for embedding.
    #[error("cannot embed the font: {0}")]
    Subset(String),
    /// The QR text does not fit in a QR code.
    #[error("the QR data does not fit in a QR code: {0}")]
    Qr(String),
    /// A size beyond what a PDF can hold.
    #[error("the document is too large")]
    TooLarge,
}

/// The form's lines for `template` with these row names (parties or candidates), in paper order.
pub fn form_lines(template: &Template, rows: &[Text]) -> Vec<FormLine> {
    template
        .paper_lines(rows.len())
        .into_iter()
        .map(|line| match line {
            PaperLine::Fixed(line) => FormLine {
                id: line.id.clone(),
                label: line.label.clone(),
                kind: match line.parent {
                    Some(_) => FormLineKind::Part,
                    None => FormLineKind::Main,
                },
            },
            PaperLine::Heading(line) => FormLine {
                id: line.id.clone(),
                label: line.label.clone(),
                kind: FormLineKind::Heading,
            },
            PaperLine::Row { k, id, .. } => FormLine {
                id,
                label: rows
                    .get(k - 1)
                    .cloned()
                    .unwrap_or_else(|| Text::new("", "", "")),
                kind: FormLineKind::Row,
            },
        })
        .collect()
}

/// The form's lines with their values from `values` (headings get none).
pub fn printed_lines(template: &Template, rows: &[Text], values: &Values) -> Vec<PrintedLine> {
    form_lines(template, rows)
        .into_iter()
        .map(|line| {
            let value = match line.kind {
                FormLineKind::Heading => None,
                _ => template
                    .slot(&line.id, values.n_rows())
                    .and_then(|slot| values.get(slot)),
            };
            PrintedLine { line, value }
        })
        .collect()
}

/// The results protocol: every line with kk and ru labels, its value in digits and in words in
/// both languages, the acknowledged checks and acts, the signature block, the time of signing,
/// the batch hash and the QR code.
pub fn protocol(protocol: &PrintableProtocol, fonts: &Fonts) -> Result<Vec<u8>, PdfError> {
    protocol::render(protocol, fonts)
}

/// The large-print copy posted at the polling station.
pub fn posting_copy(protocol: &PrintableProtocol, fonts: &Fonts) -> Result<Vec<u8>, PdfError> {
    posting::render(protocol, fonts)
}

/// The blank form for the count by hand: every line with empty boxes.
pub fn blank_protocol(blank: &BlankProtocol, fonts: &Fonts) -> Result<Vec<u8>, PdfError> {
    blank::render(blank, fonts)
}

/// The enrolment sheet with the device key's fingerprint.
pub fn enrolment_sheet(sheet: &EnrolmentSheet, fonts: &Fonts) -> Result<Vec<u8>, PdfError> {
    enrolment::render(sheet, fonts)
}

/// The audit head as the paper prints it, in lines: `#123 · ` and the first eight groups of
/// four hex digits, then the other groups eight to a line.
pub fn audit_head_lines(seq: u64, hash: &str) -> Vec<String> {
    let grouped = group_hex(hash);
    let groups: Vec<&str> = grouped
        .split(' ')
        .filter(|group| !group.is_empty())
        .collect();
    let mut lines: Vec<String> = groups.chunks(8).map(|chunk| chunk.join(" ")).collect();
    match lines.first_mut() {
        Some(first) => *first = format!("#{seq} · {first}"),
        None => lines.push(format!("#{seq}")),
    }
    lines
}

/// Writes hex in groups of four, separated by spaces (`1a2b 3c4d …`), as the paper prints
/// hashes and fingerprints. Spaces already in `hex` are dropped first, so a value that arrives
/// grouped comes out grouped the same way.
pub fn group_hex(hex: &str) -> String {
    let mut out = String::with_capacity(hex.len() + hex.len() / 4);
    for (idx, ch) in hex.chars().filter(|ch| !ch.is_whitespace()).enumerate() {
        if idx != 0 && idx % 4 == 0 {
            out.push(' ');
        }
        out.push(ch);
    }
    out
}
