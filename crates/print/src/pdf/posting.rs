//! The large-print copy of the protocol posted at the polling station: every line with its
//! value in big digits, the time of signing and the batch hash, for anyone to read from a
//! step away.

use hattama_protocol::check::group_digits;

use crate::fonts::{Face, Fonts};
use crate::pdf::canvas::Footer;
use crate::pdf::parts::{self, Flow, LEFT, RIGHT, RU_GRAY, WIDTH, leading, phrase};
use crate::pdf::{FormLineKind, PdfError, PrintableProtocol, group_hex};

pub(crate) fn render(protocol: &PrintableProtocol, fonts: &Fonts) -> Result<Vec<u8>, PdfError> {
    let mut flow = Flow::new(fonts)?;
    let header = &protocol.header;
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
    for line in &protocol.lines {
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
    }

    flow.skip(14.0);
    flow.ensure(120.0);
    flow.paragraph(
        Face::Regular,
        10.0,
        &format!("{}: {}", phrase::SIGNED_AT.kk, protocol.signed_at),
        0.0,
    );
    flow.paragraph(
        Face::Regular,
        10.0,
        &format!("{}: {}", phrase::SIGNED_AT.ru, protocol.signed_at),
        RU_GRAY,
    );
    flow.skip(6.0);
    flow.paragraph(Face::Regular, 8.5, &phrase::BATCH_HASH.both(), 0.0);
    flow.skip(2.0);
    let grouped = group_hex(&protocol.batch_hash);
    let groups: Vec<&str> = grouped.split(' ').collect();
    for chunk in groups.chunks(8) {
        flow.ensure(leading(13.0));
        flow.canvas
            .text(Face::Mono, 13.0, LEFT, flow.y - 13.0, &chunk.join(" "));
        flow.skip(leading(13.0) + 1.0);
    }
    flow.skip(8.0);
    flow.paragraph(Face::Regular, 9.0, phrase::POSTING_NOTE.kk, 0.0);
    flow.paragraph(Face::Regular, 9.0, phrase::POSTING_NOTE.ru, RU_GRAY);

    let left = parts::footer_left(
        parts::short::POSTING,
        &header.region,
        header.precinct_number,
        &format!(" · {}", header.template_id),
    );
    let title = format!(
        "{} · {} № {}",
        phrase::POSTING.ru,
        phrase::PRECINCT.ru,
        header.precinct_number
    );
    flow.finish(
        &title,
        &Footer {
            left: &left,
            right: &parts::page_number,
        },
    )
}
