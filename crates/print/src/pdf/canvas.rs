//! A small drawing surface over `pdf-writer`: A4 pages, text in embedded TrueType fonts with
//! Unicode mapping, lines, boxes and filled squares.
//!
//! Text is written as a Type 0 font with `Identity-H` encoding over a subset of the TrueType
//! font, with a `ToUnicode` map, so that the text of the PDF can be selected, searched and
//! extracted (`pdftotext`) in Kazakh and Russian. Cyrillic needs no shaping, so a glyph per
//! character is exact. Output is deterministic: no date, no random id; the same input gives the
//! same bytes. This module knows nothing of protocols.

use std::collections::BTreeMap;

use pdf_writer::types::{CidFontType, FontFlags, SystemInfo, UnicodeCmap};
use pdf_writer::{Content, Finish, Name, Pdf, Rect, Ref, Str, TextStr};
use subsetter::GlyphRemapper;

use crate::fonts::{Face, Fonts};
use crate::pdf::PdfError;

/// A4 width in points.
pub(crate) const PAGE_WIDTH: f32 = 595.28;
/// A4 height in points.
pub(crate) const PAGE_HEIGHT: f32 = 841.89;

/// The resource names of the three faces, in [`Face::ALL`] order.
const FONT_NAMES: [&[u8]; 3] = [b"F0", b"F1", b"F2"];
/// Subset tags (six capitals, as PDF requires), in [`Face::ALL`] order.
const SUBSET_TAGS: [&str; 3] = ["HTMAAA", "HTMAAB", "HTMAAC"];

/// Where the page content starts on a page without marks.
const TOP: f32 = PAGE_HEIGHT - 40.0;
/// The top edge of the running head that carries the marks.
const MARK_TOP: f32 = PAGE_HEIGHT - 18.0;
/// The size of the marks' text, at the head and in the footer.
const MARK_SIZE: f32 = 7.0;
/// The line height of the marks at the head.
const MARK_LEADING: f32 = 8.7;

/// Page furniture drawn on every page at the end, when the page count is known.
pub(crate) struct Footer<'a> {
    /// Left: what the document is.
    pub(crate) left: &'a str,
    /// Builds the right-hand text from (page number, page count).
    pub(crate) right: &'a dyn Fn(usize, usize) -> String,
}

/// What every page of a document says about itself beyond its content: that it is a test
/// document or shows a demonstration's invented names. Drawn at the head of every page and in
/// its footer; the canvas keeps the content clear of the head.
#[derive(Clone, Debug, Default)]
pub(crate) struct Marks {
    /// The lines of the running head, each centred in bold.
    pub(crate) head: Vec<String>,
    /// The footer's mark line, in bold.
    pub(crate) foot: String,
}

impl Marks {
    fn is_empty(&self) -> bool {
        self.head.is_empty() && self.foot.is_empty()
    }
}

struct FontState<'f> {
    face: ttf_parser::Face<'f>,
    data: &'f [u8],
    remapper: GlyphRemapper,
    /// New glyph id → the character it shows, for the `ToUnicode` map.
    chars: BTreeMap<u16, char>,
}

/// Pages being drawn. Drawing errors (a character no font has) are kept and returned by
/// [`Canvas::finish`], so layout code stays free of `?` on every line.
pub(crate) struct Canvas<'f> {
    fonts: Vec<FontState<'f>>,
    pages: Vec<Content>,
    current: usize,
    error: Option<PdfError>,
    marks: Marks,
}

impl<'f> Canvas<'f> {
    /// An empty canvas with one blank page; `marks` go on every page.
    pub(crate) fn new(fonts: &'f Fonts, marks: Marks) -> Result<Canvas<'f>, PdfError> {
        let mut states = Vec::with_capacity(3);
        for face in Face::ALL {
            let data = fonts.bytes(face);
            let parsed = ttf_parser::Face::parse(data, 0).map_err(|_| PdfError::Font(face))?;
            states.push(FontState {
                face: parsed,
                data,
                remapper: GlyphRemapper::new(),
                chars: BTreeMap::new(),
            });
        }
        Ok(Canvas {
            fonts: states,
            pages: vec![Content::new()],
            current: 0,
            error: None,
            marks,
        })
    }

    /// Where the content of every page starts: below the running head when there is one.
    pub(crate) fn top(&self) -> f32 {
        if self.marks.head.is_empty() {
            return TOP;
        }
        MARK_TOP - head_height(self.marks.head.len()) - 8.0
    }

    /// The page being drawn, from 0.
    pub(crate) fn page(&self) -> usize {
        self.current
    }

    /// Starts a new page; drawing goes there from now on.
    pub(crate) fn new_page(&mut self) {
        self.pages.push(Content::new());
        self.current = self.pages.len() - 1;
    }

    fn content(&mut self) -> &mut Content {
        &mut self.pages[self.current]
    }

    /// The width of `text` in points.
    pub(crate) fn width(&self, face: Face, size: f32, text: &str) -> f32 {
        let font = &self.fonts[face.index()];
        let per_unit = size / f32::from(font.face.units_per_em());
        text.chars()
            .filter_map(|ch| font.face.glyph_index(ch))
            .map(|glyph| f32::from(font.face.glyph_hor_advance(glyph).unwrap_or(0)) * per_unit)
            .sum()
    }

    /// Breaks `text` into lines no wider than `max_width`, at spaces; a word wider than a line
    /// is cut between characters. Always at least one line.
    pub(crate) fn wrap(&self, face: Face, size: f32, text: &str, max_width: f32) -> Vec<String> {
        let mut lines = Vec::new();
        let mut line = String::new();
        for word in text.split_whitespace() {
            let candidate = if line.is_empty() {
                word.to_owned()
            } else {
                format!("{line} {word}")
            };
            if self.width(face, size, &candidate) <= max_width {
                line = candidate;
                continue;
            }
            if !line.is_empty() {
                lines.push(std::mem::take(&mut line));
            }
            for ch in word.chars() {
                line.push(ch);
                if max_width < self.width(face, size, &line) && 1 < line.chars().count() {
                    line.pop();
                    lines.push(std::mem::take(&mut line));
                    line.push(ch);
                }
            }
        }
        if !line.is_empty() || lines.is_empty() {
            lines.push(line);
        }
        lines
    }

    /// Draws `text` with its baseline starting at (`x`, `y`), in black.
    pub(crate) fn text(&mut self, face: Face, size: f32, x: f32, y: f32, text: &str) {
        self.text_gray(face, size, x, y, text, 0.0);
    }

    /// Draws `text` in a gray level (0 black, 1 white).
    pub(crate) fn text_gray(
        &mut self,
        face: Face,
        size: f32,
        x: f32,
        y: f32,
        text: &str,
        gray: f32,
    ) {
        if text.is_empty() {
            return;
        }
        let mut encoded = Vec::with_capacity(text.len() * 2);
        let font = &mut self.fonts[face.index()];
        for ch in text.chars() {
            let Some(glyph) = font.face.glyph_index(ch) else {
                if self.error.is_none() {
                    self.error = Some(PdfError::MissingGlyph { face, ch });
                }
                continue;
            };
            let new_id = font.remapper.remap(glyph.0);
            font.chars.entry(new_id).or_insert(ch);
            encoded.extend_from_slice(&new_id.to_be_bytes());
        }
        let content = self.content();
        if gray != 0.0 {
            content.set_fill_gray(gray);
        }
        content
            .begin_text()
            .set_font(Name(FONT_NAMES[face.index()]), size)
            .set_text_matrix([1.0, 0.0, 0.0, 1.0, x, y])
            .show(Str(&encoded))
            .end_text();
        if gray != 0.0 {
            content.set_fill_gray(0.0);
        }
    }

    /// Draws `text` ending at `right`.
    pub(crate) fn text_right(&mut self, face: Face, size: f32, right: f32, y: f32, text: &str) {
        let width = self.width(face, size, text);
        self.text(face, size, right - width, y, text);
    }

    /// Draws `text` centred on `center`, in a gray level.
    pub(crate) fn text_center(
        &mut self,
        face: Face,
        size: f32,
        center: f32,
        y: f32,
        text: &str,
        gray: f32,
    ) {
        let width = self.width(face, size, text);
        self.text_gray(face, size, center - width / 2.0, y, text, gray);
    }

    /// A straight line.
    pub(crate) fn line(&mut self, from: (f32, f32), to: (f32, f32), width: f32) {
        self.content()
            .set_line_width(width)
            .move_to(from.0, from.1)
            .line_to(to.0, to.1)
            .stroke();
    }

    /// A rectangle outline; (`x`, `y`) is the lower left corner.
    pub(crate) fn frame(&mut self, x: f32, y: f32, width: f32, height: f32, line_width: f32) {
        self.content()
            .set_line_width(line_width)
            .rect(x, y, width, height)
            .stroke();
    }

    /// A filled rectangle in a gray level; (`x`, `y`) is the lower left corner.
    pub(crate) fn fill(&mut self, x: f32, y: f32, width: f32, height: f32, gray: f32) {
        self.content()
            .set_fill_gray(gray)
            .rect(x, y, width, height)
            .fill_nonzero()
            .set_fill_gray(0.0);
    }

    /// Writes the document: fonts subset to the glyphs used, the footer on every page.
    pub(crate) fn finish(mut self, title: &str, footer: &Footer<'_>) -> Result<Vec<u8>, PdfError> {
        let n_pages = self.pages.len();
        let marks = std::mem::take(&mut self.marks);
        // With a mark the footer has two lines: the mark, then what and which page.
        let (rule_y, text_y) = if marks.is_empty() {
            (34.0, 25.0)
        } else {
            (40.0, 22.0)
        };
        for page_idx in 0..n_pages {
            self.current = page_idx;
            self.draw_head_marks(&marks.head);
            let right = (footer.right)(page_idx + 1, n_pages);
            self.line((42.0, rule_y), (PAGE_WIDTH - 42.0, rule_y), 0.4);
            if !marks.foot.is_empty() {
                self.text(Face::Bold, MARK_SIZE, 42.0, 31.0, &marks.foot);
            }
            self.text_gray(Face::Regular, 6.5, 42.0, text_y, footer.left, 0.2);
            let width = self.width(Face::Regular, 6.5, &right);
            self.text_gray(
                Face::Regular,
                6.5,
                PAGE_WIDTH - 42.0 - width,
                text_y,
                &right,
                0.2,
            );
        }
        if let Some(error) = self.error {
            return Err(error);
        }

        let mut next_id = 1;
        let mut alloc = || {
            let id = Ref::new(next_id);
            next_id += 1;
            id
        };
        let catalog_id = alloc();
        let tree_id = alloc();
        let info_id = alloc();
        let font_ids: Vec<Ref> = (0..self.fonts.len()).map(|_| alloc()).collect();
        let page_ids: Vec<(Ref, Ref)> = (0..n_pages).map(|_| (alloc(), alloc())).collect();

        let mut pdf = Pdf::new();
        pdf.catalog(catalog_id).pages(tree_id);
        pdf.pages(tree_id)
            .kids(page_ids.iter().map(|(page, _)| *page))
            .count(i32::try_from(n_pages).map_err(|_| PdfError::TooLarge)?);
        pdf.document_info(info_id)
            .title(TextStr(title))
            .creator(TextStr("Hattama"))
            .producer(TextStr("hattama-print"));
        for ((page_id, content_id), content) in page_ids.iter().zip(self.pages) {
            let mut page = pdf.page(*page_id);
            page.media_box(Rect::new(0.0, 0.0, PAGE_WIDTH, PAGE_HEIGHT))
                .parent(tree_id)
                .contents(*content_id);
            let mut resources = page.resources();
            let mut font_dict = resources.fonts();
            for (idx, font_id) in font_ids.iter().enumerate() {
                font_dict.pair(Name(FONT_NAMES[idx]), *font_id);
            }
            font_dict.finish();
            resources.finish();
            page.finish();
            pdf.stream(*content_id, &content.finish());
        }
        for (idx, (font, font_id)) in self.fonts.iter().zip(&font_ids).enumerate() {
            let ids = [alloc(), alloc(), alloc(), alloc()];
            write_font(&mut pdf, font, *font_id, ids, SUBSET_TAGS[idx])?;
        }
        Ok(pdf.finish())
    }
}

/// The height of a running head of `n_lines` lines.
fn head_height(n_lines: usize) -> f32 {
    MARK_LEADING * f32::from(u8::try_from(n_lines).unwrap_or(u8::MAX)) + 5.0
}

impl Canvas<'_> {
    /// The running head: a framed light band across the text area, each line centred in bold.
    fn draw_head_marks(&mut self, lines: &[String]) {
        if lines.is_empty() {
            return;
        }
        let width = PAGE_WIDTH - 2.0 * 42.0;
        let height = head_height(lines.len());
        self.fill(42.0, MARK_TOP - height, width, height, 0.9);
        self.frame(42.0, MARK_TOP - height, width, height, 0.8);
        let mut baseline = MARK_TOP - MARK_SIZE - 2.5;
        for line in lines {
            // A long line shrinks to the band rather than run past the margins.
            let natural = self.width(Face::Bold, MARK_SIZE, line);
            let size = if width - 8.0 < natural {
                MARK_SIZE * (width - 8.0) / natural
            } else {
                MARK_SIZE
            };
            self.text_center(Face::Bold, size, PAGE_WIDTH / 2.0, baseline, line, 0.0);
            baseline -= MARK_LEADING;
        }
    }
}

/// Writes one font as Type 0 / `CIDFontType2` with the subset embedded; `ids` are the CID font,
/// descriptor, font file and `ToUnicode` references.
fn write_font(
    pdf: &mut Pdf,
    font: &FontState<'_>,
    font_id: Ref,
    ids: [Ref; 4],
    tag: &str,
) -> Result<(), PdfError> {
    let [cid_id, descriptor_id, file_id, cmap_id] = ids;
    let family = font
        .face
        .names()
        .into_iter()
        .find(|name| name.name_id == ttf_parser::name_id::POST_SCRIPT_NAME)
        .and_then(|name| name.to_string())
        .unwrap_or_else(|| "Font".to_owned());
    let base_name = format!("{tag}+{family}");
    let base = Name(base_name.as_bytes());
    let system_info = SystemInfo {
        registry: Str(b"Adobe"),
        ordering: Str(b"Identity"),
        supplement: 0,
    };

    pdf.type0_font(font_id)
        .base_font(base)
        .encoding_predefined(Name(b"Identity-H"))
        .descendant_font(cid_id)
        .to_unicode(cmap_id);

    let units = f32::from(font.face.units_per_em());
    let scale = |value: i16| f32::from(value) * 1000.0 / units;
    let widths: Vec<f32> = font
        .remapper
        .remapped_gids()
        .map(|old| {
            let advance = font
                .face
                .glyph_hor_advance(ttf_parser::GlyphId(old))
                .unwrap_or(0);
            f32::from(advance) * 1000.0 / units
        })
        .collect();
    let mut cid = pdf.cid_font(cid_id);
    cid.subtype(CidFontType::Type2)
        .base_font(base)
        .system_info(system_info)
        .font_descriptor(descriptor_id)
        .cid_to_gid_map_predefined(Name(b"Identity"));
    cid.widths().consecutive(0, widths);
    cid.finish();

    let bbox = font.face.global_bounding_box();
    let mut flags = FontFlags::SYMBOLIC;
    if font.face.is_monospaced() {
        flags |= FontFlags::FIXED_PITCH;
    }
    pdf.font_descriptor(descriptor_id)
        .name(base)
        .flags(flags)
        .bbox(Rect::new(
            scale(bbox.x_min),
            scale(bbox.y_min),
            scale(bbox.x_max),
            scale(bbox.y_max),
        ))
        .italic_angle(0.0)
        .ascent(scale(font.face.ascender()))
        .descent(scale(font.face.descender()))
        .cap_height(scale(
            font.face
                .capital_height()
                .unwrap_or_else(|| font.face.ascender()),
        ))
        .stem_v(if font.face.is_bold() { 140.0 } else { 80.0 })
        .font_file2(file_id);

    let subset = subsetter::subset(font.data, 0, &font.remapper)
        .map_err(|error| PdfError::Subset(format!("{error:?}")))?;
    pdf.stream(file_id, &subset).pair(
        Name(b"Length1"),
        i32::try_from(subset.len()).map_err(|_| PdfError::TooLarge)?,
    );

    let mut cmap = UnicodeCmap::new(Name(b"Hattama-UTF16"), system_info);
    for (glyph, ch) in &font.chars {
        cmap.pair(*glyph, *ch);
    }
    pdf.cmap(cmap_id, &cmap.finish());
    Ok(())
}
