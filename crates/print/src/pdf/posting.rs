//! The large-print copy of the protocol posted at the polling station: every line with its
//! value in big digits, the time of signing, the batch hash and the signed QR code, for anyone
//! to read from a step away and to photograph.

use hattama_protocol::check::group_digits;

use crate::fonts::{Face, Fonts};
use crate::pdf::parts::{self, Binding, Flow, LEFT, RIGHT, RU_GRAY, WIDTH, leading, phrase};
use crate::pdf::{FormLineKind, PdfError, PrintableProtocol};

pub(crate) fn render(protocol: &PrintableProtocol, fonts: &Fonts) -> Result<Vec<u8>, PdfError> {
    let flow = parts::keep_end_with_last_lines(protocol.lines.len(), &|break_before| {
        layout(protocol, fonts, break_before)
    })?;
    let header = &protocol.header;
    let title = format!(
        "{} · {} № {}",
        phrase::POSTING.ru,
        phrase::PRECINCT.ru,
        header.precinct.precinct_number
    );
    flow.finish_named(
        &title,
        &parts::Named {
            what: parts::short::POSTING,
            precinct: &header.precinct,
            extra: &format!(" · {}", header.template_id),
        },
    )
}

/// Lays the copy out, starting a new page before line `break_before` when given; says whether
/// the last line and the binding (time, hash, QR code) share a page.
fn layout<'f>(
    protocol: &PrintableProtocol,
    fonts: &'f Fonts,
    break_before: Option<usize>,
) -> Result<(Flow<'f>, bool), PdfError> {
    let header = &protocol.header;
    let mut flow = Flow::for_precinct(fonts, &header.precinct)?;
    flow.centered(Face::Bold, 15.0, phrase::POSTING.kk, 0.0);
    flow.centered(Face::Bold, 13.0, phrase::POSTING.ru, RU_GRAY);
    flow.skip(8.0);
    parts::protocol_head(&mut flow, header, 1.15);
    if protocol.is_repeated() {
        let repeated = format!(
            "{} ({}-{}) · {} ({} {})",
            phrase::REPEATED.kk,
            protocol.version,
            phrase::VERSION.kk,
            phrase::REPEATED.ru,
            phrase::VERSION.ru,
            protocol.version
        );
        flow.centered(Face::Bold, 13.0, &repeated, 0.0);
        flow.skip(6.0);
    }

    let value_width = 150.0;
    let label_x = LEFT + 40.0;
    let label_width = WIDTH - 40.0 - value_width - 10.0;
    let mut last_line_page = flow.page();
    for (line_idx, line) in protocol.lines.iter().enumerate() {
        if break_before == Some(line_idx) && 0 < line_idx {
            flow.new_page();
        }
        let heading = line.line.kind == FormLineKind::Heading;
        let face = if heading { Face::Bold } else { Face::Regular };
        let indent = if line.line.kind == FormLineKind::Part {
            14.0
        } else {
            0.0
        };
        let text_height = flow.height(face, 11.5, &line.line.label.kk, label_width - indent)
            + flow.height(face, 10.0, &line.line.label.ru, label_width - indent);
        let height = text_height.max(30.0) + 10.0;
        // A heading stays on the page of the first row under it.
        flow.ensure(if heading { height + 44.0 } else { height });
        let top = flow.y;
        if heading {
            flow.canvas.fill(LEFT, top - height, WIDTH, height, 0.93);
        }
        flow.canvas
            .text(Face::Bold, 11.0, LEFT + 2.0, top - 16.0, &line.line.id);
        let used = flow.block(
            (face, 11.5, 0.0),
            label_x + indent,
            top - 5.0,
            label_width - indent,
            &line.line.label.kk,
        );
        flow.block(
            (face, 10.0, RU_GRAY),
            label_x + indent,
            top - 5.0 - used,
            label_width - indent,
            &line.line.label.ru,
        );
        if let Some(value) = line.value {
            flow.canvas.text_right(
                Face::Bold,
                26.0,
                RIGHT - 4.0,
                top - 31.0,
                &group_digits(i64::from(value.get())),
            );
        }
        flow.canvas
            .line((LEFT, top - height), (RIGHT, top - height), 0.6);
        flow.skip(height);
        last_line_page = flow.page();
    }

    flow.skip(14.0);
    binding(&mut flow, protocol)?;
    let together = flow.page() == last_line_page;
    Ok((flow, together))
}

/// The time of signing, the batch hash and the note at the left, the QR code at the right with
/// its quiet zone, all on one page.
fn binding(flow: &mut Flow<'_>, protocol: &PrintableProtocol) -> Result<(), PdfError> {
    let binding = Binding::new(protocol, parts::QR_MODULE_POSTING, 4)?;
    let texts = [
        (Face::Regular, 10.0, phrase::SIGNED_AT.kk.to_owned(), 0.0),
        (
            Face::Regular,
            10.0,
            phrase::SIGNED_AT.ru.to_owned(),
            RU_GRAY,
        ),
        (Face::Bold, 13.0, binding.signed_at.clone(), 0.0),
    ];
    let notes = [
        (Face::Regular, 8.5, phrase::BATCH_HASH.both(), 0.0),
        (Face::Regular, 8.0, phrase::POSTING_NOTE.kk.to_owned(), 0.0),
        (
            Face::Regular,
            8.0,
            phrase::POSTING_NOTE.ru.to_owned(),
            RU_GRAY,
        ),
        (Face::Regular, 7.5, phrase::QR_NOTE.kk.to_owned(), 0.0),
        (Face::Regular, 7.5, phrase::QR_NOTE.ru.to_owned(), RU_GRAY),
    ];
    let mut text_height =
        6.0 + 8.0 + (leading(13.0) + 1.0) * parts::count_f32(binding.hash_lines.len());
    for (face, size, text, _) in texts.iter().chain(&notes) {
        text_height += flow.height(*face, *size, text, binding.text_width);
    }
    let height = (text_height + binding.quiet).max(binding.qr_side + 2.0 * binding.quiet);
    flow.ensure(height);
    let top = flow.y;
    let mut y = top - binding.quiet;
    for (face, size, text, gray) in &texts {
        y -= flow.block((*face, *size, *gray), LEFT, y, binding.text_width, text);
    }
    y -= 6.0;
    let (face, size, text, gray) = &notes[0];
    y -= flow.block((*face, *size, *gray), LEFT, y, binding.text_width, text);
    for line in &binding.hash_lines {
        flow.canvas.text(Face::Mono, 13.0, LEFT, y - 13.0, line);
        y -= leading(13.0) + 1.0;
    }
    y -= 8.0;
    for (face, size, text, gray) in &notes[1..] {
        y -= flow.block((*face, *size, *gray), LEFT, y, binding.text_width, text);
    }
    binding.close(flow, top, height);
    Ok(())
}
