//! The results protocol, the legal original: head, the table of lines with values in digits and
//! in words, the acknowledged checks and acts, the signature block, and the binding to the
//! signed batch (time of signing, batch hash, QR code).

use hattama_protocol::check::group_digits;

use crate::fonts::{Face, Fonts};
use crate::pdf::canvas::Footer;
use crate::pdf::parts::{self, CAPTION_GRAY, Flow, LEFT, RIGHT, RU_GRAY, WIDTH, leading, phrase};
use crate::pdf::{FormLineKind, PdfError, PrintableProtocol, PrintedLine, group_hex};
use crate::words;

/// Column edges of the lines table: id, label, digits, words.
const COL_LABEL: f32 = LEFT + 34.0;
const COL_DIGITS: f32 = COL_LABEL + 218.0;
const COL_WORDS: f32 = COL_DIGITS + 68.0;
const PAD: f32 = 4.0;
const LABEL_SIZE: f32 = 8.0;
const WORDS_SIZE: f32 = 7.0;

pub(crate) fn render(protocol: &PrintableProtocol, fonts: &Fonts) -> Result<Vec<u8>, PdfError> {
    let mut flow = Flow::new(fonts)?;
    parts::protocol_head(&mut flow, &protocol.header, 1.0);
    if protocol.is_repeated() {
        repeated_banner(&mut flow, protocol);
    }
    lines_table(&mut flow, &protocol.lines);
    flow.skip(12.0);
    checks(&mut flow, protocol);
    flow.skip(8.0);
    parts::signature_block(&mut flow, &protocol.members);
    flow.skip(6.0);
    binding(&mut flow, protocol)?;

    let header = &protocol.header;
    let version = format!(
        " · {} {}-{} · {} {}",
        header.template_id,
        protocol.version,
        phrase::VERSION.kk,
        phrase::VERSION.ru,
        protocol.version
    );
    let left = parts::footer_left(
        parts::short::PROTOCOL,
        &header.region,
        header.precinct_number,
        &version,
    );
    let title = format!(
        "{} · {} № {} · {}",
        header.title.ru,
        phrase::PRECINCT.ru,
        header.precinct_number,
        header.region.ru
    );
    flow.finish(
        &title,
        &Footer {
            left: &left,
            right: &parts::page_number,
        },
    )
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

fn table_head(flow: &mut Flow<'_>) {
    let height = 2.0 * leading(7.0) + 2.0 * PAD;
    let top = flow.y;
    flow.canvas.fill(LEFT, top - height, WIDTH, height, 0.9);
    flow.canvas.frame(LEFT, top - height, WIDTH, height, 0.6);
    for x in [COL_LABEL, COL_DIGITS, COL_WORDS] {
        flow.canvas.line((x, top), (x, top - height), 0.6);
    }
    flow.canvas
        .text(Face::Bold, 7.0, LEFT + PAD, top - PAD - 7.0, "№");
    for (x, title) in [
        (COL_LABEL, phrase::COLUMN_LINE),
        (COL_DIGITS, phrase::COLUMN_DIGITS),
        (COL_WORDS, phrase::COLUMN_WORDS),
    ] {
        flow.canvas
            .text(Face::Bold, 7.0, x + PAD, top - PAD - 7.0, title.kk);
        flow.canvas.text_gray(
            Face::Bold,
            7.0,
            x + PAD,
            top - PAD - 7.0 - leading(7.0),
            title.ru,
            RU_GRAY,
        );
    }
    flow.skip(height);
}

fn lines_table(flow: &mut Flow<'_>, lines: &[PrintedLine]) {
    flow.ensure(80.0);
    table_head(flow);
    for line in lines {
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
            table_head(flow);
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
                (Face::Regular, WORDS_SIZE, RU_GRAY),
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

fn checks(flow: &mut Flow<'_>, protocol: &PrintableProtocol) {
    parts::section_title(flow, phrase::ACKNOWLEDGED);
    if protocol.acknowledged.is_empty() {
        flow.paragraph(Face::Regular, 8.0, &phrase::NONE.both(), 0.0);
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
    parts::section_title(flow, phrase::ACTS);
    if protocol.acts.is_empty() {
        flow.paragraph(Face::Regular, 8.0, &phrase::NONE.both(), 0.0);
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
fn binding(flow: &mut Flow<'_>, protocol: &PrintableProtocol) -> Result<(), PdfError> {
    let qr_side = 132.0;
    let height = qr_side + 16.0;
    flow.ensure(height + 8.0);
    let top = flow.y;
    let text_width = WIDTH - qr_side - 20.0;
    let mut y = top;
    y -= flow.block(
        (Face::Regular, 7.5, 0.0),
        LEFT,
        y,
        text_width,
        phrase::SIGNED_AT.kk,
    );
    y -= flow.block(
        (Face::Regular, 7.5, RU_GRAY),
        LEFT,
        y,
        text_width,
        phrase::SIGNED_AT.ru,
    );
    flow.canvas
        .text(Face::Bold, 12.0, LEFT, y - 14.0, &protocol.signed_at);
    flow.canvas.text_gray(
        Face::Bold,
        12.0,
        LEFT + text_width - 60.0,
        y - 14.0,
        &phrase::STAMP.both(),
        CAPTION_GRAY,
    );
    y -= 26.0;
    y -= flow.block(
        (Face::Regular, 7.5, 0.0),
        LEFT,
        y,
        text_width,
        phrase::BATCH_HASH.kk,
    );
    y -= flow.block(
        (Face::Regular, 7.5, RU_GRAY),
        LEFT,
        y,
        text_width,
        phrase::BATCH_HASH.ru,
    );
    y -= 2.0;
    let grouped = group_hex(&protocol.batch_hash);
    let groups: Vec<&str> = grouped.split(' ').collect();
    for chunk in groups.chunks(8) {
        flow.canvas
            .text(Face::Mono, 10.5, LEFT, y - 11.0, &chunk.join(" "));
        y -= leading(10.5) + 1.0;
    }
    y -= 6.0;
    y -= flow.block(
        (Face::Regular, 6.5, CAPTION_GRAY),
        LEFT,
        y,
        text_width,
        phrase::QR_NOTE.kk,
    );
    flow.block(
        (Face::Regular, 6.5, CAPTION_GRAY),
        LEFT,
        y,
        text_width,
        phrase::QR_NOTE.ru,
    );
    parts::qr_code(flow, &protocol.qr_text, RIGHT - qr_side, top, qr_side)?;
    flow.skip(height);
    Ok(())
}
