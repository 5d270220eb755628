//! The blank protocol for the count by hand: the head filled in, every line with an empty box
//! for the digits and ruled lines for the words, and the signature block. As on the protocol,
//! the signature block is never left alone on a page: the table's last lines go over with it.

use crate::fonts::{Face, Fonts};
use crate::pdf::parts::{self, CAPTION_GRAY, Flow, LEFT, RIGHT, RU_GRAY, WIDTH, leading, phrase};
use crate::pdf::{BlankProtocol, FormLineKind, PdfError};

const COL_LABEL: f32 = LEFT + 34.0;
const COL_DIGITS: f32 = COL_LABEL + 218.0;
const COL_WORDS: f32 = COL_DIGITS + 80.0;
const PAD: f32 = 4.0;
/// Where the table's columns start: the line's name, the digits, the words.
const COLUMNS: [f32; 3] = [COL_LABEL, COL_DIGITS, COL_WORDS];

pub(crate) fn render(blank: &BlankProtocol, fonts: &Fonts) -> Result<Vec<u8>, PdfError> {
    let flow = parts::keep_end_with_last_lines(blank.lines.len(), &|break_before| {
        layout(blank, fonts, break_before)
    })?;
    let header = &blank.header;
    let title = format!(
        "{} · {} · {} № {}",
        phrase::BLANK.ru,
        header.title.ru,
        phrase::PRECINCT.ru,
        header.precinct.precinct_number
    );
    flow.finish_named(
        &title,
        &parts::Named {
            what: parts::short::BLANK,
            precinct: &header.precinct,
            extra: &format!(" · {}", header.template_id),
        },
    )
}

/// Lays the form out, starting a new page before line `break_before` when given; says whether
/// the table's last line and the whole signature block share a page.
fn layout<'f>(
    blank: &BlankProtocol,
    fonts: &'f Fonts,
    break_before: Option<usize>,
) -> Result<(Flow<'f>, bool), PdfError> {
    let header = &blank.header;
    let mut flow = Flow::for_precinct(fonts, &header.precinct)?;
    flow.centered(Face::Bold, 12.0, phrase::BLANK.kk, 0.0);
    flow.centered(Face::Bold, 11.0, phrase::BLANK.ru, RU_GRAY);
    flow.skip(6.0);
    parts::protocol_head(&mut flow, header, 1.0);
    flow.paragraph(Face::Regular, 8.0, phrase::BLANK_NOTE.kk, 0.0);
    flow.paragraph(Face::Regular, 8.0, phrase::BLANK_NOTE.ru, RU_GRAY);
    flow.skip(6.0);

    parts::table_head(&mut flow, COLUMNS, PAD);
    let mut last_line_page = flow.page();
    for (line_idx, line) in blank.lines.iter().enumerate() {
        if break_before == Some(line_idx) && 0 < line_idx {
            flow.new_page();
            parts::table_head(&mut flow, COLUMNS, PAD);
        }
        let heading = line.kind == FormLineKind::Heading;
        let face = if heading { Face::Bold } else { Face::Regular };
        let indent = if line.kind == FormLineKind::Part {
            10.0
        } else {
            0.0
        };
        let label_width = COL_DIGITS - COL_LABEL - 2.0 * PAD - indent;
        let text_height = flow.height(face, 8.0, &line.label.kk, label_width)
            + flow.height(face, 8.0, &line.label.ru, label_width);
        let min_height = if heading { 14.0 } else { 30.0 };
        let height = text_height.max(min_height) + 2.0 * PAD;
        // A heading stays on the page of the first row under it.
        let keep = if heading { height + 40.0 } else { height };
        if flow.ensure(keep) {
            parts::table_head(&mut flow, COLUMNS, PAD);
        }
        let top = flow.y;
        if heading {
            flow.canvas.fill(LEFT, top - height, WIDTH, height, 0.95);
        }
        flow.canvas.frame(LEFT, top - height, WIDTH, height, 0.6);
        for x in [COL_LABEL, COL_DIGITS, COL_WORDS] {
            flow.canvas.line((x, top), (x, top - height), 0.6);
        }
        flow.canvas
            .text(Face::Bold, 8.0, LEFT + PAD, top - PAD - 8.0, &line.id);
        let used = flow.block(
            (face, 8.0, 0.0),
            COL_LABEL + PAD + indent,
            top - PAD,
            label_width,
            &line.label.kk,
        );
        flow.block(
            (face, 8.0, RU_GRAY),
            COL_LABEL + PAD + indent,
            top - PAD - used,
            label_width,
            &line.label.ru,
        );
        if !heading {
            // Seven digit cells: no precinct value has more.
            let cell = (COL_WORDS - COL_DIGITS - 2.0 * PAD) / 7.0;
            let box_top = top - PAD - 2.0;
            for idx in 0..7u8 {
                flow.canvas.frame(
                    COL_DIGITS + PAD + cell * f32::from(idx),
                    box_top - 16.0,
                    cell,
                    16.0,
                    0.4,
                );
            }
            let mid = top - height / 2.0 - 2.0;
            flow.canvas
                .line((COL_WORDS + PAD, mid + 1.0), (RIGHT - PAD, mid + 1.0), 0.3);
            flow.canvas.line(
                (COL_WORDS + PAD, top - height + PAD + 2.0),
                (RIGHT - PAD, top - height + PAD + 2.0),
                0.3,
            );
            // Which language each word line is for, small at its right end.
            for (phrase, baseline) in [
                (phrase::WORDS_KK, mid + 3.0),
                (phrase::WORDS_RU, top - height + PAD + 4.0),
            ] {
                let caption = phrase.both();
                let width = flow.canvas.width(Face::Regular, 5.0, &caption);
                flow.canvas.text_gray(
                    Face::Regular,
                    5.0,
                    RIGHT - PAD - width,
                    baseline,
                    &caption,
                    CAPTION_GRAY,
                );
            }
        }
        flow.skip(height);
        last_line_page = flow.page();
    }
    flow.skip(14.0);
    parts::signature_block(&mut flow, &blank.members);
    flow.skip(10.0);
    flow.ensure(40.0);
    let top = flow.y;
    flow.canvas
        .text(Face::Regular, 7.5, LEFT, top - 8.0, phrase::SIGNED_AT.kk);
    flow.canvas.text_gray(
        Face::Regular,
        7.5,
        LEFT,
        top - 8.0 - leading(7.5),
        phrase::SIGNED_AT.ru,
        RU_GRAY,
    );
    flow.canvas
        .line((LEFT + 200.0, top - 18.0), (LEFT + 360.0, top - 18.0), 0.5);
    flow.canvas.text_gray(
        Face::Bold,
        12.0,
        RIGHT - 70.0,
        top - 16.0,
        &phrase::STAMP.both(),
        CAPTION_GRAY,
    );
    flow.skip(30.0);
    let together = flow.page() == last_line_page;
    Ok((flow, together))
}
