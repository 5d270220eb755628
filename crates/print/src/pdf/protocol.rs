//! The results protocol, the legal original: head, the table of lines with values in digits and
//! in words, the acknowledged checks and acts, the signature block, and the binding to the
//! signed batch (time of signing, batch hash, QR code).
//!
//! The signature block and the binding are never left alone on a page: when they would start
//! on a page after the last line of the table, or run on past it, the protocol is laid out again
//! with the table's last lines moved over to join them.

use hattama_protocol::check::group_digits;

use crate::fonts::{Face, Fonts};
use crate::pdf::parts::{
    self, Binding, CAPTION_GRAY, Flow, LEFT, RIGHT, RU_GRAY, WIDTH, leading, phrase,
};
use crate::pdf::{FormLineKind, PdfError, PrintableProtocol, PrintedLine, audit_head_lines};
use crate::words;

/// Column edges of the lines table: id, label, digits, words. The digits column holds the
/// widest value, `9 999 999` in 12 pt bold, with room to spare on both sides of its rules.
const COL_LABEL: f32 = LEFT + 34.0;
const COL_DIGITS: f32 = COL_LABEL + 210.0;
const COL_WORDS: f32 = COL_DIGITS + 76.0;
const PAD: f32 = 4.0;
/// Where the table's columns start: the line's name, the digits, the words.
const COLUMNS: [f32; 3] = [COL_LABEL, COL_DIGITS, COL_WORDS];
const LABEL_SIZE: f32 = 8.0;
/// The numbers in words, both languages in black: grey or smaller type breaks up on a
/// photocopy, and these words are what settles a figure that a copy has blurred.
const WORDS_SIZE: f32 = 8.0;

pub(crate) fn render(protocol: &PrintableProtocol, fonts: &Fonts) -> Result<Vec<u8>, PdfError> {
    let flow = parts::keep_end_with_last_lines(protocol.lines.len(), &|break_before| {
        layout(protocol, fonts, break_before)
    })?;

    let header = &protocol.header;
    let version = format!(
        " · {} {}-{} · {} {}",
        header.template_id,
        protocol.version,
        phrase::VERSION.kk,
        phrase::VERSION.ru,
        protocol.version
    );
    let title = format!(
        "{} · {} № {} · {}",
        header.title.ru,
        phrase::PRECINCT.ru,
        header.precinct.precinct_number,
        header.precinct.region.ru
    );
    flow.finish_named(
        &title,
        &parts::Named {
            what: parts::short::PROTOCOL,
            precinct: &header.precinct,
            extra: &version,
        },
    )
}

/// Lays the protocol out, starting a new page before line `break_before` when given; says
/// whether the table's last line, the checks, the signature block and the binding share a page.
fn layout<'f>(
    protocol: &PrintableProtocol,
    fonts: &'f Fonts,
    break_before: Option<usize>,
) -> Result<(Flow<'f>, bool), PdfError> {
    let header = &protocol.header;
    let mut flow = Flow::for_precinct(fonts, &header.precinct)?;
    parts::protocol_head(&mut flow, header, 1.0);
    if protocol.is_repeated() {
        repeated_banner(&mut flow, protocol);
    }
    lines_table(&mut flow, &protocol.lines, break_before);
    let last_line_page = flow.page();
    flow.skip(10.0);
    checks(&mut flow, protocol);
    flow.skip(6.0);
    parts::signature_block(&mut flow, &protocol.members);
    flow.skip(6.0);
    binding(&mut flow, protocol)?;
    let together = flow.page() == last_line_page;
    Ok((flow, together))
}

fn repeated_banner(flow: &mut Flow<'_>, protocol: &PrintableProtocol) {
    let title = format!(
        "{} ({}-{}) · {} ({} {})",
        phrase::REPEATED.kk,
        protocol.version,
        phrase::VERSION.kk,
        phrase::REPEATED.ru,
        phrase::VERSION.ru,
        protocol.version
    );
    let reason = protocol
        .repeated_reason
        .as_deref()
        .map(|reason| format!("{} · {}: {reason}", phrase::REASON.kk, phrase::REASON.ru));
    let reason_height = reason.as_deref().map_or(0.0, |reason| {
        flow.height(Face::Regular, 8.5, reason, WIDTH - 16.0)
    });
    let height = 22.0 + reason_height;
    flow.ensure(height);
    let top = flow.y;
    flow.canvas.frame(LEFT, top - height, WIDTH, height, 1.6);
    flow.canvas.text_center(
        Face::Bold,
        10.5,
        LEFT + WIDTH / 2.0,
        top - 15.0,
        &title,
        0.0,
    );
    if let Some(reason) = reason {
        flow.block(
            (Face::Regular, 8.5, 0.0),
            LEFT + 8.0,
            top - 19.0,
            WIDTH - 16.0,
            &reason,
        );
    }
    flow.skip(height + 10.0);
}

fn lines_table(flow: &mut Flow<'_>, lines: &[PrintedLine], break_before: Option<usize>) {
    flow.ensure(80.0);
    parts::table_head(flow, COLUMNS, PAD);
    for (line_idx, line) in lines.iter().enumerate() {
        if break_before == Some(line_idx) && 0 < line_idx {
            flow.new_page();
            parts::table_head(flow, COLUMNS, PAD);
        }
        let indent = match line.line.kind {
            FormLineKind::Part => 10.0,
            _ => 0.0,
        };
        let label_width = COL_DIGITS - COL_LABEL - 2.0 * PAD - indent;
        let words_width = RIGHT - COL_WORDS - 2.0 * PAD;
        let label_face = match line.line.kind {
            FormLineKind::Heading => Face::Bold,
            _ => Face::Regular,
        };
        let (words_kk, words_ru) = match line.value {
            Some(value) => (words::kk(value), words::ru(value)),
            None => (String::new(), String::new()),
        };
        let label_height = flow.height(label_face, LABEL_SIZE, &line.line.label.kk, label_width)
            + flow.height(label_face, LABEL_SIZE, &line.line.label.ru, label_width);
        let words_height = flow.height(Face::Regular, WORDS_SIZE, &words_kk, words_width)
            + flow.height(Face::Regular, WORDS_SIZE, &words_ru, words_width)
            + 2.0;
        let height = label_height.max(words_height).max(22.0) + 2.0 * PAD;
        // A heading stays on the page of the first row under it.
        let keep = match line.line.kind {
            FormLineKind::Heading => height + 40.0,
            _ => height,
        };
        if flow.ensure(keep) {
            parts::table_head(flow, COLUMNS, PAD);
        }
        let top = flow.y;
        if line.line.kind == FormLineKind::Heading {
            flow.canvas.fill(LEFT, top - height, WIDTH, height, 0.95);
        }
        flow.canvas.frame(LEFT, top - height, WIDTH, height, 0.6);
        for x in [COL_LABEL, COL_DIGITS, COL_WORDS] {
            flow.canvas.line((x, top), (x, top - height), 0.6);
        }
        flow.canvas.text(
            Face::Bold,
            LABEL_SIZE,
            LEFT + PAD,
            top - PAD - LABEL_SIZE,
            &line.line.id,
        );
        let label_x = COL_LABEL + PAD + indent;
        let used = flow.block(
            (label_face, LABEL_SIZE, 0.0),
            label_x,
            top - PAD,
            label_width,
            &line.line.label.kk,
        );
        flow.block(
            (label_face, LABEL_SIZE, RU_GRAY),
            label_x,
            top - PAD - used,
            label_width,
            &line.line.label.ru,
        );
        if let Some(value) = line.value {
            flow.canvas.text_right(
                Face::Bold,
                12.0,
                COL_WORDS - PAD - 2.0,
                top - PAD - 12.0,
                &group_digits(i64::from(value.get())),
            );
            let used = flow.block(
                (Face::Regular, WORDS_SIZE, 0.0),
                COL_WORDS + PAD,
                top - PAD - 1.0,
                words_width,
                &words_kk,
            );
            flow.block(
                (Face::Regular, WORDS_SIZE, 0.0),
                COL_WORDS + PAD,
                top - PAD - 3.0 - used,
                words_width,
                &words_ru,
            );
        } else if line.line.kind != FormLineKind::Heading {
            flow.canvas.frame(
                COL_DIGITS + PAD,
                top - height + PAD,
                COL_WORDS - COL_DIGITS - 2.0 * PAD,
                height - 2.0 * PAD,
                0.4,
            );
        }
        flow.skip(height);
    }
}

/// A section with nothing in it takes one line a language: `title: none`.
fn empty_section(flow: &mut Flow<'_>, title: parts::Phrase) {
    flow.ensure(2.0 * leading(8.5));
    flow.paragraph(
        Face::Bold,
        8.5,
        &format!("{}: {}", title.kk, phrase::NONE.kk),
        0.0,
    );
    flow.paragraph(
        Face::Regular,
        8.0,
        &format!("{}: {}", title.ru, phrase::NONE.ru),
        RU_GRAY,
    );
}

fn checks(flow: &mut Flow<'_>, protocol: &PrintableProtocol) {
    if protocol.acknowledged.is_empty() {
        empty_section(flow, phrase::ACKNOWLEDGED);
    } else {
        parts::section_title(flow, phrase::ACKNOWLEDGED);
    }
    for item in &protocol.acknowledged {
        let confirmed = format!(
            "({} · {}: {})",
            phrase::CONFIRMED_BY.kk,
            phrase::CONFIRMED_BY.ru,
            item.by
        );
        flow.paragraph(
            Face::Regular,
            8.0,
            &format!("{} — {}", item.code, item.statement.kk),
            0.0,
        );
        flow.paragraph(
            Face::Regular,
            8.0,
            &format!("{} — {} {confirmed}", item.code, item.statement.ru),
            RU_GRAY,
        );
        flow.skip(2.0);
    }
    flow.skip(6.0);
    if protocol.acts.is_empty() {
        empty_section(flow, phrase::ACTS);
    } else {
        parts::section_title(flow, phrase::ACTS);
    }
    for act in &protocol.acts {
        let confirmed = format!(
            "({} · {}: {})",
            phrase::CONFIRMED_BY.kk,
            phrase::CONFIRMED_BY.ru,
            act.by
        );
        flow.paragraph(
            Face::Regular,
            8.0,
            &format!("{} — {} {confirmed}", act.code, act.text),
            0.0,
        );
        flow.skip(2.0);
    }
}

/// Time of signing, the stamp place, the batch hash and the QR code, kept together on one page.
/// The QR code sits at the right with its quiet zone clear of everything else.
fn binding(flow: &mut Flow<'_>, protocol: &PrintableProtocol) -> Result<(), PdfError> {
    let binding = Binding::new(protocol, parts::QR_MODULE_PROTOCOL, 8)?;
    let head_lines = audit_head_lines(protocol.audit_head.0, &protocol.audit_head.1);
    let text_height = flow.height(Face::Regular, 7.5, phrase::SIGNED_AT.kk, binding.text_width)
        + flow.height(Face::Regular, 7.5, phrase::SIGNED_AT.ru, binding.text_width)
        + 26.0
        + flow.height(
            Face::Regular,
            7.5,
            phrase::BATCH_HASH.kk,
            binding.text_width,
        )
        + flow.height(
            Face::Regular,
            7.5,
            phrase::BATCH_HASH.ru,
            binding.text_width,
        )
        + 2.0
        + (leading(10.5) + 1.0) * parts::count_f32(binding.hash_lines.len())
        + 4.0
        + flow.height(
            Face::Regular,
            7.5,
            phrase::AUDIT_HEAD.kk,
            binding.text_width,
        )
        + flow.height(
            Face::Regular,
            7.5,
            phrase::AUDIT_HEAD.ru,
            binding.text_width,
        )
        + 2.0
        + (leading(9.0) + 1.0) * parts::count_f32(head_lines.len())
        + 6.0
        + flow.height(Face::Regular, 6.5, phrase::QR_NOTE.kk, binding.text_width)
        + flow.height(Face::Regular, 6.5, phrase::QR_NOTE.ru, binding.text_width);
    let height = text_height.max(binding.qr_side + 2.0 * binding.quiet);
    flow.ensure(height);
    let top = flow.y;
    let mut y = top;
    y -= flow.both_blocks(7.5, LEFT, y, binding.text_width, phrase::SIGNED_AT);
    flow.canvas
        .text(Face::Bold, 11.0, LEFT, y - 14.0, &binding.signed_at);
    let stamp = phrase::STAMP.both();
    let stamp_x = LEFT + binding.text_width - flow.canvas.width(Face::Bold, 12.0, &stamp);
    flow.canvas
        .text_gray(Face::Bold, 12.0, stamp_x, y - 14.0, &stamp, CAPTION_GRAY);
    y -= 26.0;
    y -= flow.both_blocks(7.5, LEFT, y, binding.text_width, phrase::BATCH_HASH);
    y -= 2.0;
    for line in &binding.hash_lines {
        flow.canvas.text(Face::Mono, 10.5, LEFT, y - 11.0, line);
        y -= leading(10.5) + 1.0;
    }
    y -= 4.0;
    y -= flow.both_blocks(7.5, LEFT, y, binding.text_width, phrase::AUDIT_HEAD);
    y -= 2.0;
    for line in &head_lines {
        flow.canvas.text(Face::Mono, 9.0, LEFT, y - 9.5, line);
        y -= leading(9.0) + 1.0;
    }
    y -= 6.0;
    flow.both_blocks(6.5, LEFT, y, binding.text_width, phrase::QR_NOTE);
    binding.close(flow, top, height);
    Ok(())
}
