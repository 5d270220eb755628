//! The paper as the territorial commission and the public meet it, printed through
//! `hattama_print::assemble` as the app and the CLI print, signed with a real device key
//! (`hattama_batch::keys`): the enrolment sheet shows the fingerprint exactly as the CLI does
//! and as SHA-256 of the key defines it; the QR code reads from a page rendered at 80 dpi; every
//! page of a demo or test document says so at its head and in its footer; the time of signing is
//! the local one with its offset; figures clear the rules of their column; the signature block
//! and the QR code never stand alone on the last page.

#![expect(clippy::unwrap_used, reason = "tests")]

mod common;

use std::io::Write;
use std::process::{Command, Stdio};

use chrono::{DateTime, FixedOffset};
use hattama_batch::keys;
use hattama_print::assemble::{self, FinalVersion, Precinct};
use hattama_print::pdf::{self, PrintableProtocol};
use hattama_print::{qr, scan};
use hattama_protocol::{Mode, PrecinctId, builtin};

/// The P2 contest of the demo precinct: 42 invented candidates, four pages or more.
const P2_CONTEST: &str = "majilis-smd-1";

fn abai_1() -> PrecinctId {
    PrecinctId {
        region: "abai".to_owned(),
        number: 1,
    }
}

fn precinct(precinct: &PrecinctId) -> Precinct<'_> {
    Precinct {
        definition: builtin::demo(),
        precinct,
        members: common::members(),
    }
}

/// A device key as the app makes it at setup, unlocked.
struct DeviceKey {
    pair: keys::NewKeyPair,
    key: keys::UnlockedKey,
}

fn device_key() -> DeviceKey {
    let pair = keys::generate("correct horse battery", "hattama device key").unwrap();
    let key = keys::unlock(&pair.secret_key, Some("correct horse battery")).unwrap();
    DeviceKey { pair, key }
}

/// Values for `contest` that satisfy every equality: 45 votes a row, the rest against all.
fn final_version(contest: &str, signed_at: DateTime<FixedOffset>) -> FinalVersion {
    let values = common::balanced_values(contest);
    FinalVersion {
        contest: contest.to_owned(),
        version: 1,
        reason: None,
        signed_at,
        values,
        acknowledged: Vec::new(),
        acts: Vec::new(),
    }
}

/// The protocol of `contest`, its QR signed with the device key as the app signs it.
fn printable(
    contest: &str,
    key: &DeviceKey,
    signed_at: DateTime<FixedOffset>,
) -> PrintableProtocol {
    let id = abai_1();
    let precinct = precinct(&id);
    let protocol = final_version(contest, signed_at);
    let data = assemble::qr_protocol(&precinct, &protocol, key.pair.key_id.0).unwrap();
    let message = qr::message(&data).unwrap();
    let (signed_by, signature) = key.key.sign_raw(&message).unwrap();
    assert_eq!(signed_by, key.pair.key_id);
    assemble::printable(
        &precinct,
        &protocol,
        common::BATCH_HASH,
        (common::AUDIT_SEQ, common::AUDIT_HASH),
        qr::encode(&message, &signature),
    )
    .unwrap()
}

fn almaty(local: &str) -> DateTime<FixedOffset> {
    local.parse().unwrap()
}

/// The text of page `page` (from 1) of a PDF, optionally only a band of it: `band` is (top,
/// height) in points from the top of the page.
fn page_text(pdf_bytes: &[u8], page: usize, band: Option<(u32, u32)>) -> String {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.pdf");
    std::fs::write(&input, pdf_bytes).unwrap();
    let mut command = Command::new("pdftotext");
    command
        .args([
            "-enc",
            "UTF-8",
            "-f",
            &page.to_string(),
            "-l",
            &page.to_string(),
        ])
        .arg("-r")
        .arg("72");
    if let Some((top, height)) = band {
        command.args(["-x", "0", "-y", &top.to_string(), "-W", "596"]);
        command.args(["-H", &height.to_string()]);
    }
    let output = command.arg(&input).arg("-").output().unwrap();
    assert!(
        output.status.success(),
        "pdftotext failed (install poppler-utils): {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap()
}

fn n_pages(pdf_bytes: &[u8]) -> usize {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.pdf");
    std::fs::write(&input, pdf_bytes).unwrap();
    let output = Command::new("pdfinfo").arg(&input).output().unwrap();
    let info = String::from_utf8(output.stdout).unwrap();
    info.lines()
        .find_map(|line| line.strip_prefix("Pages:"))
        .unwrap()
        .trim()
        .parse()
        .unwrap()
}

fn normalized(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The fingerprint as `docs/batch-format.md` defines it, computed by the system's own tools:
/// `base64 -d` of the key line, `sha256sum`, the first 32 hex digits in groups of four.
fn fingerprint_by_coreutils(public_key: &str) -> String {
    let mut child = Command::new("sh")
        .arg("-c")
        .arg("base64 -d | sha256sum")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(public_key.as_bytes())
        .unwrap();
    let output = child.wait_with_output().unwrap();
    assert!(output.status.success());
    let hex = String::from_utf8(output.stdout).unwrap();
    let digits = &hex[..32];
    let groups: Vec<&str> = (0..8).map(|idx| &digits[idx * 4..idx * 4 + 4]).collect();
    groups.join(" ")
}

#[test]
fn the_enrolment_sheet_prints_the_device_key_fingerprint_exactly_as_the_cli_shows_it() {
    let key = device_key();
    let fingerprint = keys::fingerprint(&key.pair.public_key).unwrap();
    assert_eq!(fingerprint, fingerprint_by_coreutils(&key.pair.public_key));

    let id = abai_1();
    let sheet = assemble::enrolment(
        &precinct(&id),
        &key.pair.key_id.to_string(),
        &fingerprint,
        &key.pair.public_key,
        chrono::NaiveDate::from_ymd_opt(2026, 12, 2).unwrap(),
    );
    let bytes = pdf::enrolment_sheet(&sheet, &common::fonts()).unwrap();
    let text = common::pdftotext(&bytes);
    // Exact: one space between groups, the digits in the case the CLI prints them.
    assert!(
        text.contains(&fingerprint),
        "the sheet lacks the fingerprint {fingerprint:?}:\n{text}"
    );
    assert!(text.contains(&key.pair.public_key), "{text}");
    assert!(text.contains("02.12.2026"), "{text}");
}

#[test]
fn the_protocol_qr_reads_from_a_page_rendered_at_80_dpi() {
    let key = device_key();
    let check = |id: &[u8; 8], message: &[u8], signature: &[u8; 64]| {
        *id == key.pair.key_id.0 && keys::verify_raw(&key.pair.public_key, message, signature)
    };
    let fonts = common::fonts();
    for contest in ["majilis-list", P2_CONTEST] {
        let protocol = printable(contest, &key, almaty("2023-03-20T02:40:00+06:00"));
        for (document, bytes) in [
            ("protocol", pdf::protocol(&protocol, &fonts).unwrap()),
            (
                "posting copy",
                pdf::posting_copy(&protocol, &fonts).unwrap(),
            ),
        ] {
            let dir = tempfile::tempdir().unwrap();
            let pages = common::pdftoppm(&bytes, 80, dir.path(), "page");
            let png = std::fs::read(pages.last().unwrap()).unwrap();
            let read = scan::verify_image(&png, &check)
                .unwrap_or_else(|error| panic!("{contest} {document} at 80 dpi: {error}"));
            assert_eq!(read.contest, contest);
            assert_eq!(read.values.last().unwrap().get(), {
                let rows = read.values.len() - 11;
                1950 - 45 * u32::try_from(rows).unwrap()
            });
        }
    }
}

const MARKS: [&str; 3] = ["ДЕМО", "СЫНАҚ РЕЖИМІ", "ТЕСТОВЫЙ РЕЖИМ"];
/// The band of the running head and of the footer, in points from the top of an A4 page.
const HEAD_BAND: (u32, u32) = (0, 42);
const FOOT_BAND: (u32, u32) = (800, 42);

fn assert_marked_on_every_page(document: &str, bytes: &[u8]) {
    let n_pages = n_pages(bytes);
    assert!(2 <= n_pages, "{document} has {n_pages} page(s)");
    for page in 1..=n_pages {
        for (band_name, band) in [("head", HEAD_BAND), ("footer", FOOT_BAND)] {
            let text = normalized(&page_text(bytes, page, Some(band)));
            for mark in MARKS {
                assert!(
                    text.contains(mark),
                    "{document} page {page}/{n_pages}: the {band_name} lacks {mark:?}: {text:?}"
                );
            }
        }
    }
}

#[test]
fn every_page_of_a_demo_test_p2_says_so_at_its_head_and_in_its_footer() {
    let key = device_key();
    let fonts = common::fonts();
    let protocol = printable(P2_CONTEST, &key, almaty("2023-03-20T02:40:00+06:00"));
    assert_marked_on_every_page("protocol", &pdf::protocol(&protocol, &fonts).unwrap());
    assert_marked_on_every_page(
        "posting copy",
        &pdf::posting_copy(&protocol, &fonts).unwrap(),
    );
    let id = abai_1();
    let blank = assemble::blank(&precinct(&id), P2_CONTEST).unwrap();
    assert_marked_on_every_page("blank form", &pdf::blank_protocol(&blank, &fonts).unwrap());
}

#[test]
fn a_live_election_prints_no_demo_or_test_mark() {
    let key = device_key();
    let fonts = common::fonts();
    let mut protocol = printable(P2_CONTEST, &key, almaty("2023-03-20T02:40:00+06:00"));
    protocol.header.precinct.mode = Mode::Live;
    protocol.header.precinct.demo = false;
    // The demo's election name says DEMO itself; a live definition's would not.
    protocol.header.precinct.election.kk = "2023 жылғы 19 наурыздағы сайлау".to_owned();
    protocol.header.precinct.election.ru = "Выборы 19 марта 2023 года".to_owned();
    for bytes in [
        pdf::protocol(&protocol, &fonts).unwrap(),
        pdf::posting_copy(&protocol, &fonts).unwrap(),
    ] {
        let text = common::pdftotext(&bytes);
        for mark in MARKS {
            assert!(!text.contains(mark), "a live document says {mark:?}");
        }
    }
}

#[test]
fn the_time_of_signing_is_the_local_date_and_time_with_its_offset() {
    // Signed at 00:03 in Almaty (UTC+05:00 since 2024), which is still 1 December in UTC: the
    // paper carries the local date. As `TZ=Asia/Almaty` gives it to the app.
    let signed_at = almaty("2026-12-02T00:03:33+05:00");
    assert_eq!(signed_at.naive_utc().to_string(), "2026-12-01 19:03:33");
    let key = device_key();
    let fonts = common::fonts();
    let protocol = printable("majilis-list", &key, signed_at);
    for (document, bytes) in [
        ("protocol", pdf::protocol(&protocol, &fonts).unwrap()),
        (
            "posting copy",
            pdf::posting_copy(&protocol, &fonts).unwrap(),
        ),
    ] {
        let text = common::pdftotext(&bytes);
        assert!(
            text.contains("02.12.2026 00:03 (UTC+05:00)"),
            "{document}:\n{text}"
        );
        assert!(!text.contains("01.12.2026"), "{document}");
        assert!(!text.contains("2026-12-0"), "{document}");
    }
}

/// Words of a PDF page with their boxes (`pdftotext -bbox`): (text, x min, x max).
fn word_boxes(pdf_bytes: &[u8], page: usize) -> Vec<(String, f32, f32)> {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.pdf");
    std::fs::write(&input, pdf_bytes).unwrap();
    let output = Command::new("pdftotext")
        .args(["-bbox", "-enc", "UTF-8"])
        .args(["-f", &page.to_string(), "-l", &page.to_string()])
        .arg(&input)
        .arg("-")
        .output()
        .unwrap();
    let html = String::from_utf8(output.stdout).unwrap();
    let attr = |line: &str, name: &str| -> f32 {
        let start = line.find(&format!("{name}=\"")).unwrap() + name.len() + 2;
        let end = start + line[start..].find('"').unwrap();
        line[start..end].parse().unwrap()
    };
    html.lines()
        .filter(|line| line.trim_start().starts_with("<word "))
        .map(|line| {
            let text_start = line.find('>').unwrap() + 1;
            let text_end = line.rfind("</word>").unwrap();
            (
                line[text_start..text_end].to_owned(),
                attr(line, "xMin"),
                attr(line, "xMax"),
            )
        })
        .collect()
}

#[test]
fn seven_digit_figures_stay_clear_of_their_column_rules() {
    let key = device_key();
    let mut protocol = printable("majilis-list", &key, almaty("2023-03-20T02:40:00+06:00"));
    for line in &mut protocol.lines {
        if line.value.is_some() {
            line.value = hattama_protocol::Count::new(9_999_999);
        }
    }
    let bytes = pdf::protocol(&protocol, &common::fonts()).unwrap();
    let words = word_boxes(&bytes, 1);
    let column = |title: &str| words.iter().find(|(text, ..)| text == title).unwrap().1;
    // The column titles sit one padding (4 pt) right of the rule that starts their column.
    let digits_rule = column("Санмен") - 4.0;
    let words_rule = column("Жазбаша") - 4.0;
    let figures: Vec<&(String, f32, f32)> = words
        .iter()
        .filter(|(text, ..)| {
            text.starts_with('9') && text.chars().all(|ch| ch == '9' || ch == '\u{202f}')
        })
        .collect();
    assert!(8 <= figures.len(), "{figures:?}");
    for (text, x_min, x_max) in figures {
        assert!(
            digits_rule + 2.0 <= *x_min && *x_max <= words_rule - 2.0,
            "{text:?} spans {x_min}..{x_max} against the rules at {digits_rule} and {words_rule}"
        );
    }
}

#[test]
fn the_signature_block_and_the_qr_share_the_last_page_with_the_last_lines() {
    let key = device_key();
    let fonts = common::fonts();
    let protocol = printable(P2_CONTEST, &key, almaty("2023-03-20T02:40:00+06:00"));
    let bytes = pdf::protocol(&protocol, &fonts).unwrap();
    let last = normalized(&page_text(&bytes, n_pages(&bytes), None));
    for needle in [
        "L8.42",
        "L9",
        "Барлығына қарсы",
        "Комиссия төрағасы",
        "Әбілқасымова Гүлнар Серікқызы",
        "Дата и время подписания протокола",
    ] {
        assert!(
            last.contains(needle),
            "the last page lacks {needle:?}: {last}"
        );
    }
    let dir = tempfile::tempdir().unwrap();
    let pages = common::pdftoppm(&bytes, 80, dir.path(), "page");
    assert!(scan::read_codes(&std::fs::read(pages.last().unwrap()).unwrap()).is_ok());

    let id = abai_1();
    let blank = assemble::blank(&precinct(&id), P2_CONTEST).unwrap();
    let bytes = pdf::blank_protocol(&blank, &fonts).unwrap();
    let last = normalized(&page_text(&bytes, n_pages(&bytes), None));
    for needle in [
        "L8.42",
        "L9",
        "Комиссия төрағасы",
        "Дата и время подписания",
    ] {
        assert!(
            last.contains(needle),
            "the blank's last page lacks {needle:?}: {last}"
        );
    }
}

#[test]
fn the_paper_says_what_a_person_does_and_labels_word_lines_in_words() {
    let key = device_key();
    let fonts = common::fonts();
    let protocol = printable("majilis-list", &key, almaty("2023-03-20T02:40:00+06:00"));
    let text = normalized(&common::pdftotext(
        &pdf::protocol(&protocol, &fonts).unwrap(),
    ));
    assert!(!text.contains("verify-qr"), "{text}");
    assert!(text.contains("сфотографируйте QR-код"), "{text}");
    assert!(text.contains("QR-кодты суретке түсіріп"), "{text}");

    let id = abai_1();
    let blank = assemble::blank(&precinct(&id), "majilis-list").unwrap();
    let text = common::pdftotext(&pdf::blank_protocol(&blank, &fonts).unwrap());
    let words: Vec<&str> = text.split_whitespace().collect();
    assert!(!words.contains(&"kk") && !words.contains(&"ru"), "{text}");
    assert!(normalized(&text).contains("қазақ тілінде · на казахском"));
    assert!(normalized(&text).contains("орыс тілінде · на русском"));
}
