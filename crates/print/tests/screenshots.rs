//! Renders every document of the demo precinct to PNG pages and checks each page has ink: the
//! P1 protocol, its repeated version, a four-page P2 protocol (42 invented candidates), the
//! posting copy, the enrolment sheet and the blank form. With
//! `UPDATE_SCREENSHOTS=1` the pages are also written to `docs/screenshots/print-*.png` (60 dpi),
//! the pictures the documentation shows.

#![expect(clippy::unwrap_used, reason = "tests")]

mod common;

use std::path::Path;

use hattama_print::pdf;

#[test]
fn every_document_renders_to_pages() {
    let fonts = common::fonts();
    let (protocol, _) = common::demo_protocol(1);
    let (repeated, _) = common::demo_protocol(2);
    let documents = [
        ("print-protocol", pdf::protocol(&protocol, &fonts).unwrap()),
        (
            "print-protocol-repeated",
            pdf::protocol(&repeated, &fonts).unwrap(),
        ),
        (
            "print-protocol-p2",
            pdf::protocol(&common::demo_p2(), &fonts).unwrap(),
        ),
        (
            "print-posting-copy",
            pdf::posting_copy(&protocol, &fonts).unwrap(),
        ),
        (
            "print-enrolment-sheet",
            pdf::enrolment_sheet(&common::demo_enrolment(), &fonts).unwrap(),
        ),
        (
            "print-blank-protocol",
            pdf::blank_protocol(&common::demo_blank(), &fonts).unwrap(),
        ),
    ];
    let update = std::env::var_os("UPDATE_SCREENSHOTS").is_some();
    let docs = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/screenshots");
    for (stem, bytes) in documents {
        let dir = tempfile::tempdir().unwrap();
        let pages = common::pdftoppm(&bytes, 60, dir.path(), stem);
        assert!(!pages.is_empty(), "{stem} has no pages");
        for page in &pages {
            let png = std::fs::read(page).unwrap();
            assert!(2_000 < png.len(), "{} looks empty", page.display());
        }
        if update {
            std::fs::create_dir_all(&docs).unwrap();
            for old in std::fs::read_dir(&docs).unwrap() {
                let old = old.unwrap().path();
                let name = old.file_name().unwrap().to_string_lossy().into_owned();
                if name.starts_with(&format!("{stem}-")) && name.ends_with(".png") {
                    std::fs::remove_file(old).unwrap();
                }
            }
            // Only the first pages of the repeated version: the rest is the same as version 1.
            let keep = if stem == "print-protocol-repeated" {
                1
            } else {
                pages.len()
            };
            for page in pages.iter().take(keep) {
                std::fs::copy(page, docs.join(page.file_name().unwrap())).unwrap();
            }
        }
    }
}
