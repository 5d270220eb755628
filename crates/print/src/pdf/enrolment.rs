//! The enrolment sheet: the precinct, the device key's id and fingerprint in large type, the
//! public key, the date, the commission's signatures, and a box the territorial commission fills
//! when it enters the key in its registry.

use crate::fonts::{Face, Fonts};
use crate::pdf::parts::{self, CAPTION_GRAY, Flow, LEFT, Phrase, RIGHT, RU_GRAY, WIDTH, phrase};
use crate::pdf::{EnrolmentSheet, PdfError, group_hex};
use crate::time;

pub(crate) fn render(sheet: &EnrolmentSheet, fonts: &Fonts) -> Result<Vec<u8>, PdfError> {
    let mut flow = Flow::for_precinct(fonts, &sheet.precinct)?;
    flow.paragraph(Face::Regular, 8.0, &sheet.precinct.election.kk, 0.0);
    flow.paragraph(Face::Regular, 8.0, &sheet.precinct.election.ru, RU_GRAY);
    flow.skip(10.0);
    flow.centered(Face::Bold, 16.0, phrase::ENROLMENT.kk, 0.0);
    flow.centered(Face::Bold, 14.0, phrase::ENROLMENT.ru, RU_GRAY);
    flow.skip(14.0);

    let precinct = format!("№ {}", sheet.precinct.precinct_number);
    let date = time::paper_date(sheet.date);
    let rows: [(Phrase, &str, &str); 4] = [
        (
            phrase::REGION,
            &sheet.precinct.region.kk,
            &sheet.precinct.region.ru,
        ),
        (phrase::PRECINCT, &precinct, ""),
        (
            phrase::ADDRESS,
            &sheet.precinct.address.kk,
            &sheet.precinct.address.ru,
        ),
        (phrase::DATE, &date, ""),
    ];
    for (label, kk, ru) in rows {
        field(&mut flow, label, kk, ru);
    }
    flow.skip(10.0);
    flow.paragraph(Face::Regular, 9.0, phrase::ENROLMENT_NOTE.kk, 0.0);
    flow.skip(2.0);
    flow.paragraph(Face::Regular, 9.0, phrase::ENROLMENT_NOTE.ru, RU_GRAY);
    flow.skip(14.0);

    caption(&mut flow, phrase::KEY_ID);
    flow.ensure(24.0);
    flow.canvas.text(
        Face::Mono,
        16.0,
        LEFT + 10.0,
        flow.y - 16.0,
        &group_hex(&sheet.key_id.to_uppercase()),
    );
    flow.skip(28.0);

    caption(&mut flow, phrase::FINGERPRINT);
    // Exactly as the CLI and the app show it: groups of four, one space apart, digits as given.
    let grouped = group_hex(&sheet.fingerprint);
    let groups: Vec<&str> = grouped.split(' ').collect();
    let lines: Vec<String> = groups.chunks(8).map(|chunk| chunk.join(" ")).collect();
    let box_height = 24.0 * parts::count_f32(lines.len()) + 14.0;
    flow.ensure(box_height);
    let top = flow.y;
    flow.canvas
        .frame(LEFT, top - box_height, WIDTH, box_height, 1.4);
    for (idx, line) in lines.iter().enumerate() {
        flow.canvas.text(
            Face::Mono,
            17.0,
            LEFT + 12.0,
            top - 26.0 - 24.0 * parts::count_f32(idx),
            line,
        );
    }
    flow.skip(box_height + 12.0);

    caption(&mut flow, phrase::PUBLIC_KEY);
    flow.paragraph(Face::Mono, 9.0, &sheet.public_key, 0.0);
    flow.skip(16.0);

    parts::signature_block(&mut flow, &sheet.members);
    flow.skip(8.0);
    flow.canvas.text_gray(
        Face::Bold,
        12.0,
        RIGHT - 70.0,
        flow.y - 12.0,
        &phrase::STAMP.both(),
        CAPTION_GRAY,
    );
    flow.skip(24.0);

    let box_height = 92.0;
    flow.ensure(box_height);
    let top = flow.y;
    flow.canvas.fill(LEFT, top - 18.0, WIDTH, 18.0, 0.9);
    flow.canvas
        .frame(LEFT, top - box_height, WIDTH, box_height, 0.8);
    flow.canvas.text(
        Face::Bold,
        8.0,
        LEFT + 8.0,
        top - 12.0,
        &phrase::TERRITORIAL.both(),
    );
    flow.canvas.frame(LEFT + 10.0, top - 38.0, 10.0, 10.0, 0.6);
    flow.canvas.text(
        Face::Regular,
        8.5,
        LEFT + 28.0,
        top - 36.0,
        phrase::REGISTERED.kk,
    );
    flow.canvas.text_gray(
        Face::Regular,
        8.5,
        LEFT + 28.0,
        top - 47.0,
        phrase::REGISTERED.ru,
        RU_GRAY,
    );
    let baseline = top - box_height + 20.0;
    for (x, label) in [
        (LEFT + 10.0, phrase::RESPONSIBLE),
        (LEFT + 200.0, phrase::SIGNATURE),
        (LEFT + 360.0, phrase::DATE),
    ] {
        flow.canvas.line((x, baseline), (x + 140.0, baseline), 0.5);
        flow.canvas.text_gray(
            Face::Regular,
            6.0,
            x,
            baseline - 8.0,
            &format!("({} · {})", label.kk, label.ru),
            CAPTION_GRAY,
        );
    }
    flow.skip(box_height);

    let title = format!(
        "{} · {} № {}",
        phrase::ENROLMENT.ru,
        phrase::PRECINCT.ru,
        sheet.precinct.precinct_number
    );
    flow.finish_named(
        &title,
        &parts::Named {
            what: parts::short::ENROLMENT,
            precinct: &sheet.precinct,
            extra: "",
        },
    )
}

fn caption(flow: &mut Flow<'_>, label: Phrase) {
    flow.ensure(30.0);
    flow.paragraph(Face::Bold, 8.5, &label.both(), 0.0);
    flow.skip(3.0);
}

fn field(flow: &mut Flow<'_>, label: Phrase, kk: &str, ru: &str) {
    let label_width = 140.0;
    let value_width = WIDTH - label_width;
    let mut height = flow.height(Face::Bold, 11.0, kk, value_width);
    if !ru.is_empty() {
        height += flow.height(Face::Regular, 10.0, ru, value_width);
    }
    let height = height.max(22.0) + 6.0;
    flow.ensure(height);
    let top = flow.y;
    flow.canvas
        .text(Face::Regular, 8.0, LEFT, top - 9.0, label.kk);
    flow.canvas
        .text_gray(Face::Regular, 8.0, LEFT, top - 19.0, label.ru, RU_GRAY);
    let used = flow.block(
        (Face::Bold, 11.0, 0.0),
        LEFT + label_width,
        top,
        value_width,
        kk,
    );
    if !ru.is_empty() {
        flow.block(
            (Face::Regular, 10.0, RU_GRAY),
            LEFT + label_width,
            top - used,
            value_width,
            ru,
        );
    }
    flow.canvas.line(
        (LEFT + label_width, top - height + 2.0),
        (RIGHT, top - height + 2.0),
        0.3,
    );
    flow.skip(height);
}
