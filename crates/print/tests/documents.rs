//! The documents as PDF: their extracted text (`pdftotext`) holds the Kazakh and Russian labels,
//! the values in digits and in words, the names, the grouped batch hash and audit head; repeated
//! versions are marked; the output is deterministic; a character no font has is a typed error.

#![expect(clippy::unwrap_used, reason = "tests")]

mod common;

use hattama_print::pdf::{self, PdfError};
use hattama_print::words;
use hattama_protocol::{Count, builtin};

/// `pdftotext` breaks lines where the layout wraps them; compare on words joined by one space.
fn normalized(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn assert_contains(text: &str, needle: &str) {
    let text = normalized(text);
    let needle = normalized(needle);
    assert!(
        text.contains(&needle),
        "the PDF text lacks {needle:?}:\n{text}"
    );
}

/// Text wrapped in a table cell comes out of `pdftotext` in cell order, so check each word of a
/// long label, in order, within the text.
fn assert_words_in_order(text: &str, needle: &str) {
    let text = normalized(text);
    let mut rest = text.as_str();
    for word in needle.split_whitespace() {
        match rest.find(word) {
            Some(at) => rest = &rest[at + word.len()..],
            None => panic!("the PDF text lacks {word:?} (of {needle:?}) in order:\n{text}"),
        }
    }
}

#[test]
fn protocol_text_holds_labels_values_and_words_in_kk_and_ru() {
    let (protocol, _) = common::demo_protocol(1);
    let bytes = pdf::protocol(&protocol, &common::fonts()).unwrap();
    assert!(bytes.starts_with(b"%PDF-"));
    let text = common::pdftotext(&bytes);

    let template = builtin::templates().template("P1").unwrap();
    for line in template.lines() {
        assert_words_in_order(&text, &line.label.kk);
        assert_words_in_order(&text, &line.label.ru);
    }
    for (id, value) in common::DEMO_VALUES
        .iter()
        .copied()
        .chain([("L9", common::DEMO_L9)])
    {
        let count = Count::new(value).unwrap();
        assert_contains(&text, id);
        assert_words_in_order(&text, &words::kk(count));
        assert_words_in_order(&text, &words::ru(count));
    }
    // Values over a thousand are grouped with a narrow space, as on the paper form.
    assert_contains(&text, "1\u{202f}874");
    assert_contains(&text, "бір мың сегіз жүз жетпіс төрт");
    assert_contains(&text, "одна тысяча восемьсот семьдесят четыре");
    assert_contains(&text, "бес жүз сексен үш");
    assert_contains(&text, "пятьсот восемьдесят три");
    // Parties in kk and ru, the head, the signature block, the binding.
    for name in [
        "«AMANAT» партиясы",
        "партия «AMANAT»",
        "Қазақстан Халық партиясы",
        "ОСДП",
    ] {
        assert_contains(&text, name);
    }
    for needle in [
        "Абай облысы",
        "Абайская область",
        "№ 1",
        "Семей қ., №2 жалпы білім беретін мектеп",
        "Комиссия төрағасы",
        "Председатель комиссии",
        "Әбілқасымова Гүлнар Серікқызы",
        "қолы · подпись",
        "20.03.2023 02:40 (UTC+06:00)",
        "3f9a 0c47 d1e2 b85a 6c0f 4e19 a7d2 c3b4",
        "e5f6 0718 293a 4b5c 6d7e 8f90 12a3 b4c5",
        // The audit head the batch states: its sequence and hash in groups of four.
        "Аудит журналының соңғы жазбасы",
        "Последняя запись журнала аудита",
        "#1234 · 3fa9 01bc 5d7e 2f40 a18c 6b9d 0e3f 5a7c",
        "9b1d 2e4f 6071 8293 a4b5 c6d7 e8f9 0123",
        "СЫНАҚ РЕЖИМІ",
        "ТЕСТОВЫЙ РЕЖИМ",
        "Против всех",
        "Барлығына қарсы",
    ] {
        assert_contains(&text, needle);
    }
    assert!(
        !normalized(&text).contains("ПОВТОРНЫЙ"),
        "a first version is not marked repeated"
    );
}

#[test]
fn repeated_protocol_is_marked_with_version_reason_and_acknowledged_checks() {
    let (protocol, _) = common::demo_protocol(2);
    let text = common::pdftotext(&pdf::protocol(&protocol, &common::fonts()).unwrap());
    assert_contains(&text, "ҚАЙТАЛАМА ХАТТАМА (2-нұсқа)");
    assert_contains(&text, "ПОВТОРНЫЙ ПРОТОКОЛ (версия 2)");
    assert_contains(&text, "Пересчёт по решению территориальной комиссии");
    assert_contains(&text, "W05");
    assert_words_in_order(
        &text,
        "Недействительные бюллетени ≤ 5 % бюллетеней в ящиках",
    );
}

#[test]
fn posting_copy_blank_and_enrolment_sheet_hold_their_texts() {
    let fonts = common::fonts();
    let (protocol, _) = common::demo_protocol(1);
    let posting = common::pdftotext(&pdf::posting_copy(&protocol, &fonts).unwrap());
    for needle in [
        "ЖАЛПЫ ЖҰРТТЫҢ ТАНЫСУЫ ҮШІН",
        "ДЛЯ ВСЕОБЩЕГО ОЗНАКОМЛЕНИЯ",
        "1\u{202f}082",
        "583",
        "«Ақ жол» демократиялық партиясы",
        "3f9a 0c47",
    ] {
        assert_contains(&posting, needle);
    }

    let blank = common::pdftotext(&pdf::blank_protocol(&common::demo_blank(), &fonts).unwrap());
    for needle in [
        "ҚОЛМЕН САНАУҒА АРНАЛҒАН",
        "ДЛЯ ПОДСЧЁТА ВРУЧНУЮ",
        "L8.7",
        "Жалпыұлттық социал-демократиялық партия",
        "Санмен",
        "Прописью",
    ] {
        assert_contains(&blank, needle);
    }

    let sheet =
        common::pdftotext(&pdf::enrolment_sheet(&common::demo_enrolment(), &fonts).unwrap());
    for needle in [
        "ҚҰРЫЛҒЫНЫ ТІРКЕУ ПАРАҒЫ",
        "ЛИСТ РЕГИСТРАЦИИ УСТРОЙСТВА",
        "9c2e 4a7b 1d0f 83e6 a5b4 c3d2 e1f0 0718",
        "4F1A 930C D27E 15B8",
        "10.03.2023",
        "Отпечаток открытого ключа",
    ] {
        assert_contains(&sheet, needle);
    }
}

#[test]
fn the_same_input_gives_the_same_bytes() {
    let fonts = common::fonts();
    let (protocol, _) = common::demo_protocol(1);
    assert_eq!(
        pdf::protocol(&protocol, &fonts).unwrap(),
        pdf::protocol(&protocol, &fonts).unwrap()
    );
}

#[test]
fn a_character_no_font_has_is_a_typed_error() {
    let (mut protocol, _) = common::demo_protocol(1);
    protocol.members[0].name = "Chair \u{1F5F3}".to_owned();
    match pdf::protocol(&protocol, &common::fonts()) {
        Err(PdfError::MissingGlyph { ch, .. }) => assert_eq!(ch, '\u{1F5F3}'),
        other => panic!("expected MissingGlyph, got {other:?}"),
    }
}

#[test]
fn missing_fonts_name_the_package_to_install() {
    let dir = tempfile::tempdir().unwrap();
    let error = hattama_print::fonts::load_from_dirs(&[dir.path().to_owned()]).unwrap_err();
    assert!(error.to_string().contains("fonts-dejavu-core"), "{error}");
}
