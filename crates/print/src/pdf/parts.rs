//! Pieces the documents share: the page flow with its cursor, the document head and footer, the
//! signature block and the QR code drawing. The fixed wording is in [`crate::pdf::wording`].

use hattama_protocol::Mode;
use qrcode::{Color, EcLevel, QrCode};

use crate::fonts::{Face, Fonts};
use crate::pdf::canvas::{Canvas, Footer, Marks, PAGE_WIDTH};
pub(crate) use crate::pdf::wording::{Phrase, phrase, short};
use crate::pdf::{Member, PdfError, PrecinctHeading, PrintableProtocol, ProtocolHeader, group_hex};
use crate::time;

/// The left margin.
pub(crate) const LEFT: f32 = 42.0;
/// The right edge of the text area.
pub(crate) const RIGHT: f32 = PAGE_WIDTH - 42.0;
/// The width of the text area.
pub(crate) const WIDTH: f32 = RIGHT - LEFT;
/// Nothing is drawn below this, but the footer.
const BOTTOM: f32 = 48.0;
/// The gray of the Russian text under the Kazakh.
pub(crate) const RU_GRAY: f32 = 0.28;
/// The gray of captions.
pub(crate) const CAPTION_GRAY: f32 = 0.4;

/// A canvas with a cursor that runs down the page and on to the next.
pub(crate) struct Flow<'f> {
    pub(crate) canvas: Canvas<'f>,
    /// The top of the next thing to draw.
    pub(crate) y: f32,
}

impl<'f> Flow<'f> {
    /// A flow on a new canvas whose pages all carry `marks`.
    pub(crate) fn new(fonts: &'f Fonts, marks: Marks) -> Result<Flow<'f>, PdfError> {
        let canvas = Canvas::new(fonts, marks)?;
        let y = canvas.top();
        Ok(Flow { canvas, y })
    }

    /// A flow for a document of `precinct`, every page marked as its election asks (test,
    /// demonstration).
    pub(crate) fn for_precinct(
        fonts: &'f Fonts,
        precinct: &PrecinctHeading,
    ) -> Result<Flow<'f>, PdfError> {
        Flow::new(fonts, marks(precinct.mode, precinct.demo))
    }

    /// Starts a new page when fewer than `height` points are left; says whether it did.
    pub(crate) fn ensure(&mut self, height: f32) -> bool {
        if BOTTOM <= self.y - height {
            return false;
        }
        self.new_page();
        true
    }

    /// Starts a new page.
    pub(crate) fn new_page(&mut self) {
        self.canvas.new_page();
        self.y = self.canvas.top();
    }

    /// The page being drawn, from 0.
    pub(crate) fn page(&self) -> usize {
        self.canvas.page()
    }

    /// Moves the cursor down.
    pub(crate) fn skip(&mut self, height: f32) {
        self.y -= height;
    }

    /// The height of `text` wrapped to `width` at `size`.
    pub(crate) fn height(&self, face: Face, size: f32, text: &str, width: f32) -> f32 {
        let n_lines = self.canvas.wrap(face, size, text, width).len();
        leading(size) * count_f32(n_lines)
    }

    /// Draws `phrase` wrapped to `width` from (`x`, `top`) down in `size` points, the Kazakh in
    /// black and the Russian under it in gray; returns the height used.
    pub(crate) fn both_blocks(
        &mut self,
        size: f32,
        x: f32,
        top: f32,
        width: f32,
        phrase: Phrase,
    ) -> f32 {
        let kk = self.block((Face::Regular, size, 0.0), x, top, width, phrase.kk);
        kk + self.block(
            (Face::Regular, size, RU_GRAY),
            x,
            top - kk,
            width,
            phrase.ru,
        )
    }

    /// Draws `text` wrapped to `width` from (`x`, `top`) down; returns the height used.
    pub(crate) fn block(
        &mut self,
        style: (Face, f32, f32),
        x: f32,
        top: f32,
        width: f32,
        text: &str,
    ) -> f32 {
        let (face, size, gray) = style;
        let lines = self.canvas.wrap(face, size, text, width);
        let step = leading(size);
        for (idx, line) in lines.iter().enumerate() {
            let baseline = top - size - step * count_f32(idx);
            self.canvas.text_gray(face, size, x, baseline, line, gray);
        }
        step * count_f32(lines.len())
    }

    /// Draws `text` wrapped and centred across the text area at the cursor, and moves down.
    pub(crate) fn centered(&mut self, face: Face, size: f32, text: &str, gray: f32) {
        let lines = self.canvas.wrap(face, size, text, WIDTH);
        for line in lines {
            self.ensure(leading(size));
            self.canvas
                .text_center(face, size, LEFT + WIDTH / 2.0, self.y - size, &line, gray);
            self.y -= leading(size);
        }
    }

    /// Draws a paragraph across the text area at the cursor, and moves down.
    pub(crate) fn paragraph(&mut self, face: Face, size: f32, text: &str, gray: f32) {
        let height = self.height(face, size, text, WIDTH);
        self.ensure(height);
        let used = self.block((face, size, gray), LEFT, self.y, WIDTH, text);
        self.y -= used;
    }

    pub(crate) fn finish(self, title: &str, footer: &Footer<'_>) -> Result<Vec<u8>, PdfError> {
        self.canvas.finish(title, footer)
    }
}

/// How many of a table's last lines go over with what follows the table (the signature block,
/// the QR code) when that would otherwise stand alone on a page.
pub(crate) const KEEP_LINES: usize = 2;

/// Lays a document out with `layout`, which draws the table, starting a new page before the
/// line given (if any), and says whether the table's last line and everything after it share a
/// page. When they do not, lays it out once more with the last [`KEEP_LINES`] lines moved to
/// the page of what follows, so that never stands alone.
pub(crate) fn keep_end_with_last_lines<'f>(
    n_lines: usize,
    layout: &dyn Fn(Option<usize>) -> Result<(Flow<'f>, bool), PdfError>,
) -> Result<Flow<'f>, PdfError> {
    let (flow, together) = layout(None)?;
    if together {
        return Ok(flow);
    }
    Ok(layout(Some(n_lines.saturating_sub(KEEP_LINES)))?.0)
}

/// The line height for a font size.
pub(crate) fn leading(size: f32) -> f32 {
    size * 1.24
}

/// A small count as `f32` (lines on a page, QR modules): exact far beyond what a page holds.
pub(crate) fn count_f32(count: usize) -> f32 {
    f32::from(u16::try_from(count).unwrap_or(u16::MAX))
}

/// The page number text of the footer.
pub(crate) fn page_number(page: usize, n_pages: usize) -> String {
    format!(
        "{kk} {page}/{n_pages} · {ru} {page}/{n_pages}",
        kk = phrase::PAGE.kk,
        ru = phrase::PAGE.ru
    )
}

/// Which document a footer names: its short name, the precinct, and what follows (e.g. the
/// protocol's version).
pub(crate) struct Named<'a> {
    pub(crate) what: Phrase,
    pub(crate) precinct: &'a PrecinctHeading,
    pub(crate) extra: &'a str,
}

impl Flow<'_> {
    /// Finishes the document titled `title`: every page's footer names the document on the left
    /// (`short name · region · № precinct`, then `extra`) and the page number on the right.
    pub(crate) fn finish_named(self, title: &str, named: &Named<'_>) -> Result<Vec<u8>, PdfError> {
        let left = format!(
            "{} · {} · № {} · {}{}",
            named.what.both(),
            named.precinct.region.kk,
            named.precinct.precinct_number,
            named.precinct.region.ru,
            named.extra
        );
        self.finish(
            title,
            &Footer {
                left: &left,
                right: &page_number,
            },
        )
    }
}

/// The marks every page of a document carries: that a test document has no legal force, that a
/// demonstration's names are invented. None for a live election.
pub(crate) fn marks(mode: Mode, demo: bool) -> Marks {
    let mut marks = Marks::default();
    let mut foot = Vec::new();
    if demo {
        marks.head.push(phrase::DEMO.both());
        foot.push(phrase::DEMO_SHORT.to_owned());
    }
    if mode == Mode::Test {
        marks.head.push(phrase::TEST_MODE.both());
        foot.push(phrase::TEST_MODE.both());
    }
    marks.foot = foot.join(" · ");
    marks
}

/// Draws the head of a protocol document: form id, election, title, and the precinct and
/// contest block. (That a document is a test or a demo, every page says in its running head.) `scale` enlarges it for the posting copy.
pub(crate) fn protocol_head(flow: &mut Flow<'_>, header: &ProtocolHeader, scale: f32) {
    let small = 7.5 * scale;
    let form = format!(
        "{} {id} · {} {id}",
        phrase::FORM.kk,
        phrase::FORM.ru,
        id = header.template_id
    );
    flow.canvas
        .text_right(Face::Bold, small, RIGHT, flow.y - small, &form);
    let election_width = WIDTH - flow.canvas.width(Face::Bold, small, &form) - 12.0;
    let used = flow.block(
        (Face::Regular, small, 0.0),
        LEFT,
        flow.y,
        election_width,
        &header.precinct.election.kk,
    );
    flow.skip(used);
    let used = flow.block(
        (Face::Regular, small, RU_GRAY),
        LEFT,
        flow.y,
        election_width,
        &header.precinct.election.ru,
    );
    flow.skip(used + 8.0);
    flow.centered(Face::Bold, 11.0 * scale, &header.title.kk, 0.0);
    flow.skip(2.0);
    flow.centered(Face::Bold, 10.0 * scale, &header.title.ru, RU_GRAY);
    flow.skip(8.0);

    let mut rows: Vec<(Phrase, String, String)> = vec![
        (
            phrase::REGION,
            header.precinct.region.kk.clone(),
            header.precinct.region.ru.clone(),
        ),
        (
            phrase::PRECINCT,
            format!("№ {}", header.precinct.precinct_number),
            String::new(),
        ),
        (
            phrase::ADDRESS,
            header.precinct.address.kk.clone(),
            header.precinct.address.ru.clone(),
        ),
        (
            phrase::CONTEST,
            header.contest.kk.clone(),
            header.contest.ru.clone(),
        ),
    ];
    if let Some(district) = header.district {
        rows.push((phrase::DISTRICT, format!("№ {district}"), String::new()));
    }
    let label_width = 130.0 * scale;
    let value_x = LEFT + label_width;
    let value_width = WIDTH - label_width;
    for (label, kk, ru) in rows {
        let size = 9.0 * scale;
        let mut height = flow.height(Face::Bold, size, &kk, value_width);
        if !ru.is_empty() {
            height += flow.height(Face::Regular, size * 0.9, &ru, value_width);
        }
        let height = height.max(leading(small) * 2.0) + 4.0;
        flow.ensure(height);
        let top = flow.y;
        flow.canvas
            .text_gray(Face::Regular, small, LEFT, top - small - 1.0, label.kk, 0.0);
        flow.canvas.text_gray(
            Face::Regular,
            small,
            LEFT,
            top - small - 1.0 - leading(small),
            label.ru,
            RU_GRAY,
        );
        let used = flow.block((Face::Bold, size, 0.0), value_x, top, value_width, &kk);
        if !ru.is_empty() {
            flow.block(
                (Face::Regular, size * 0.9, RU_GRAY),
                value_x,
                top - used,
                value_width,
                &ru,
            );
        }
        flow.canvas.line(
            (value_x, top - height + 1.5),
            (RIGHT, top - height + 1.5),
            0.3,
        );
        flow.skip(height);
    }
    flow.skip(10.0);
}

/// Draws a section title (kk bold, ru beside it).
pub(crate) fn section_title(flow: &mut Flow<'_>, title: Phrase) {
    flow.ensure(40.0);
    flow.paragraph(Face::Bold, 8.5, title.kk, 0.0);
    flow.paragraph(Face::Regular, 8.0, title.ru, RU_GRAY);
    flow.skip(3.0);
}

/// Draws the signature block: a row per member with role, name and an empty signature line.
pub(crate) fn signature_block(flow: &mut Flow<'_>, members: &[Member]) {
    let row_height = 28.0;
    let title_height = 2.0 * leading(8.5) + 6.0;
    // Keep the title with at least two rows.
    flow.ensure(title_height + row_height * 2.0);
    section_title(flow, phrase::COMMISSION);
    let name_x = LEFT + 190.0;
    let signature_x = LEFT + 370.0;
    for member in members {
        flow.ensure(row_height);
        let top = flow.y;
        let used = flow.block((Face::Regular, 7.5, 0.0), LEFT, top, 180.0, &member.role.kk);
        flow.block(
            (Face::Regular, 7.0, RU_GRAY),
            LEFT,
            top - used,
            180.0,
            &member.role.ru,
        );
        let baseline = top - row_height + 12.0;
        if member.name.is_empty() {
            flow.canvas
                .line((name_x, baseline), (signature_x - 14.0, baseline), 0.5);
        } else {
            flow.canvas
                .text(Face::Regular, 9.5, name_x, baseline + 2.0, &member.name);
        }
        flow.canvas.text_gray(
            Face::Regular,
            5.5,
            name_x,
            baseline - 7.0,
            &format!("({} · {})", phrase::FULL_NAME.kk, phrase::FULL_NAME.ru),
            CAPTION_GRAY,
        );
        flow.canvas
            .line((signature_x, baseline), (RIGHT, baseline), 0.5);
        flow.canvas.text_gray(
            Face::Regular,
            5.5,
            signature_x,
            baseline - 7.0,
            &format!("({} · {})", phrase::SIGNATURE.kk, phrase::SIGNATURE.ru),
            CAPTION_GRAY,
        );
        flow.skip(row_height);
    }
}

/// Points in a millimetre.
const POINTS_PER_MM: f32 = 72.0 / 25.4;
/// The side of one QR module on the protocol: 1.1 mm. A phone held at arm's length (about
/// 60 cm) resolves some 5 pixels a millimetre of paper, so a module takes 5 to 6 pixels of its
/// photo; a page rendered at 80 dpi (3.1 pixels a millimetre, 3.5 a module) still reads, which
/// the tests check. Below 3 pixels a module the decoder fails (0.8 mm at 80 dpi does).
pub(crate) const QR_MODULE_PROTOCOL: f32 = 1.1 * POINTS_PER_MM;
/// The side of one QR module on the posting copy: 1.5 mm, for a photo taken of the wall from
/// a step back.
pub(crate) const QR_MODULE_POSTING: f32 = 1.5 * POINTS_PER_MM;
/// The quiet zone the QR standard asks around a code, in modules.
const QR_QUIET_MODULES: f32 = 4.0;

/// A QR code of `text` at error correction level M (15 % of the code may be soiled or torn),
/// drawn at a fixed module size.
pub(crate) struct Qr {
    code: QrCode,
    module: f32,
}

impl Qr {
    /// The code of `text` with modules of `module` points.
    pub(crate) fn new(text: &str, module: f32) -> Result<Qr, PdfError> {
        let code = QrCode::with_error_correction_level(text.as_bytes(), EcLevel::M)
            .map_err(|error| PdfError::Qr(error.to_string()))?;
        Ok(Qr { code, module })
    }

    /// The side of the code in points, without its quiet zone.
    pub(crate) fn side(&self) -> f32 {
        self.module * count_f32(self.code.width())
    }

    /// The quiet zone in points: nothing may be drawn this close to the code.
    pub(crate) fn quiet(&self) -> f32 {
        self.module * QR_QUIET_MODULES
    }
}

/// What a document's binding block (the time of signing and the batch hash at the left, the QR
/// code at the right with its quiet zone) is laid out from, the same on every document.
pub(crate) struct Binding {
    pub(crate) qr: Qr,
    /// The QR code's quiet zone, in points.
    pub(crate) quiet: f32,
    /// The QR code's side, in points.
    pub(crate) qr_side: f32,
    /// The width left to the text at the left of the code.
    pub(crate) text_width: f32,
    /// The time of signing as printed.
    pub(crate) signed_at: String,
    /// The batch hash in groups of four hex digits, `groups_per_line` to a line.
    pub(crate) hash_lines: Vec<String>,
}

impl Binding {
    /// The binding block of `protocol`, its QR modules `module` points wide.
    pub(crate) fn new(
        protocol: &PrintableProtocol,
        module: f32,
        groups_per_line: usize,
    ) -> Result<Binding, PdfError> {
        let qr = Qr::new(&protocol.qr_text, module)?;
        let quiet = qr.quiet();
        let qr_side = qr.side();
        let grouped = group_hex(&protocol.batch_hash);
        let groups: Vec<&str> = grouped.split(' ').collect();
        Ok(Binding {
            quiet,
            qr_side,
            text_width: WIDTH - qr_side - quiet,
            signed_at: time::paper(&protocol.signed_at),
            hash_lines: groups
                .chunks(groups_per_line)
                .map(|chunk| chunk.join(" "))
                .collect(),
            qr,
        })
    }
}

impl Binding {
    /// Draws the QR code at the right, its quiet zone below `top`, and moves the flow past the
    /// block's `height`.
    pub(crate) fn close(&self, flow: &mut Flow<'_>, top: f32, height: f32) {
        qr_code(flow, &self.qr, RIGHT - self.qr_side, top - self.quiet);
        flow.skip(height);
    }
}

/// Draws `qr` with its top left corner at (`x`, `top`), dark modules as filled squares (merged
/// along each row).
pub(crate) fn qr_code(flow: &mut Flow<'_>, qr: &Qr, x: f32, top: f32) {
    let n_modules = qr.code.width();
    let colors = qr.code.to_colors();
    let module = qr.module;
    for (row_idx, row) in colors.chunks(n_modules).enumerate() {
        let mut col_idx = 0;
        while col_idx < n_modules {
            if row[col_idx] != Color::Dark {
                col_idx += 1;
                continue;
            }
            let start = col_idx;
            while col_idx < n_modules && row[col_idx] == Color::Dark {
                col_idx += 1;
            }
            // A hair of overlap so no white seam shows between squares when rasterized.
            flow.canvas.fill(
                x + module * count_f32(start),
                top - module * count_f32(row_idx + 1) - 0.02,
                module * count_f32(col_idx - start) + 0.02,
                module + 0.04,
                0.0,
            );
        }
    }
}

/// Draws the head of a line table with the columns starting at `columns` (the line's name, the
/// digits, the words), each title in both languages, `pad` inside each cell.
pub(crate) fn table_head(flow: &mut Flow<'_>, columns: [f32; 3], pad: f32) {
    let height = 2.0 * leading(7.0) + 2.0 * pad;
    let top = flow.y;
    flow.canvas.fill(LEFT, top - height, WIDTH, height, 0.9);
    flow.canvas.frame(LEFT, top - height, WIDTH, height, 0.6);
    for x in columns {
        flow.canvas.line((x, top), (x, top - height), 0.6);
    }
    flow.canvas
        .text(Face::Bold, 7.0, LEFT + pad, top - pad - 7.0, "№");
    let titles = [
        phrase::COLUMN_LINE,
        phrase::COLUMN_DIGITS,
        phrase::COLUMN_WORDS,
    ];
    for (x, title) in columns.into_iter().zip(titles) {
        flow.canvas
            .text(Face::Bold, 7.0, x + pad, top - pad - 7.0, title.kk);
        flow.canvas.text_gray(
            Face::Bold,
            7.0,
            x + pad,
            top - pad - 7.0 - leading(7.0),
            title.ru,
            RU_GRAY,
        );
    }
    flow.skip(height);
}
