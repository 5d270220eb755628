//! Shared test inputs and tools: the demo protocol (majilis-list at abai/1) with consistent
//! values, a fixed Ed25519 key signing as minisign's `ED` algorithm does, and the poppler tools.
//!
//! The poppler tools and the fonts are Debian packages; when one is missing the test fails and
//! names the package to install. Nothing is skipped.

#![expect(
    dead_code,
    reason = "each test file uses a different part of these helpers"
)]

use std::path::{Path, PathBuf};
use std::process::Command;

use blake2::{Blake2b512, Digest};
use chrono::{DateTime, FixedOffset};
use ed25519_dalek::{Signer, SigningKey, Verifier, VerifyingKey};
use hattama_print::pdf::{
    Acknowledged, BlankProtocol, EnrolmentSheet, Member, PrecinctHeading, PrintableProtocol,
    ProtocolHeader,
};
use hattama_print::qr::{self, QrProtocol};
use hattama_print::{Fonts, assemble, fonts, pdf};
use hattama_protocol::{Count, PrecinctId, Text, Values, builtin};

/// The demo values of majilis-list at abai/1, in template order: consistent with every rule.
pub(crate) const DEMO_VALUES: [(&str, u32); 17] = [
    ("L1", 1874),
    ("L2", 1900),
    ("L3", 1112),
    ("L3a", 14),
    ("L3b", 37),
    ("L4", 788),
    ("L5", 1109),
    ("L5b", 37),
    ("L6", 27),
    ("L7", 1082),
    ("L8.1", 583),
    ("L8.2", 121),
    ("L8.3", 96),
    ("L8.4", 78),
    ("L8.5", 26),
    ("L8.6", 92),
    ("L8.7", 44),
];
/// Against all.
pub(crate) const DEMO_L9: u32 = 42;

/// An invented batch hash.
/// The audit head the test protocols' batch states.
pub(crate) const AUDIT_SEQ: u64 = 1234;
/// Its hash.
pub(crate) const AUDIT_HASH: &str =
    "3fa901bc5d7e2f40a18c6b9d0e3f5a7c9b1d2e4f60718293a4b5c6d7e8f90123";
pub(crate) const BATCH_HASH: &str =
    "3f9a0c47d1e2b85a6c0f4e19a7d2c3b4e5f60718293a4b5c6d7e8f9012a3b4c5";
/// An invented key id.
pub(crate) const KEY_ID: [u8; 8] = [0x4f, 0x1a, 0x93, 0x0c, 0xd2, 0x7e, 0x15, 0xb8];

/// The fixed test signing key (never used outside tests).
pub(crate) fn signing_key() -> SigningKey {
    SigningKey::from_bytes(&[7u8; 32])
}

/// Signs as minisign's `ED` algorithm: Ed25519 over BLAKE2b-512 of the message.
pub(crate) fn sign(message: &[u8]) -> [u8; 64] {
    signing_key().sign(&Blake2b512::digest(message)).to_bytes()
}

/// Verifies as minisign's `ED` algorithm with `public`, for `KEY_ID` only.
pub(crate) fn verify_with(
    public: &VerifyingKey,
    key_id: [u8; 8],
    message: &[u8],
    signature: &[u8; 64],
) -> bool {
    key_id == KEY_ID
        && public
            .verify(
                &Blake2b512::digest(message),
                &ed25519_dalek::Signature::from_bytes(signature),
            )
            .is_ok()
}

/// The test key's verifier.
#[expect(
    clippy::trivially_copy_pass_by_ref,
    reason = "the shape of qr::SignatureCheck"
)]
pub(crate) fn verify(key_id: &[u8; 8], message: &[u8], signature: &[u8; 64]) -> bool {
    verify_with(&signing_key().verifying_key(), *key_id, message, signature)
}

/// The installed fonts, or a failure that says which package to install.
pub(crate) fn fonts() -> Fonts {
    match fonts::load_installed() {
        Ok(fonts) => fonts,
        Err(error) => panic!("{error}"),
    }
}

fn tool(name: &str) -> PathBuf {
    for dir in ["/usr/bin", "/usr/local/bin", "/bin"] {
        let path = Path::new(dir).join(name);
        if path.is_file() {
            return path;
        }
    }
    panic!(
        "`{name}` is not installed: install the Debian package `poppler-utils` (apt-get install poppler-utils)"
    );
}

/// The text of a PDF, laid out (`pdftotext -layout`).
pub(crate) fn pdftotext(pdf_bytes: &[u8]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.pdf");
    std::fs::write(&input, pdf_bytes).unwrap();
    let output = Command::new(tool("pdftotext"))
        .arg("-enc")
        .arg("UTF-8")
        .arg(&input)
        .arg("-")
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "pdftotext failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap()
}

/// Renders every page of a PDF to PNG at `dpi` into `dir` as `<stem>-<n>.png`; returns the files
/// in page order.
pub(crate) fn pdftoppm(pdf_bytes: &[u8], dpi: u32, dir: &Path, stem: &str) -> Vec<PathBuf> {
    let input = dir.join(format!("{stem}.pdf"));
    std::fs::write(&input, pdf_bytes).unwrap();
    let status = Command::new(tool("pdftoppm"))
        .arg("-png")
        .arg("-r")
        .arg(dpi.to_string())
        .arg(&input)
        .arg(dir.join(stem))
        .status()
        .unwrap();
    assert!(status.success(), "pdftoppm failed");
    std::fs::remove_file(&input).unwrap();
    let mut pages: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| {
            path.file_name()
                .and_then(|name| name.to_str())
                .is_some_and(|name| name.starts_with(&format!("{stem}-")) && name.ends_with(".png"))
        })
        .collect();
    pages.sort();
    pages
}

fn header() -> ProtocolHeader {
    let demo = builtin::demo();
    let precinct = demo
        .precinct(&PrecinctId {
            region: "abai".to_owned(),
            number: 1,
        })
        .unwrap();
    let contest = demo.contest("majilis-list").unwrap();
    let template = builtin::templates().template(&contest.template).unwrap();
    ProtocolHeader {
        precinct: PrecinctHeading {
            election: demo.definition.name.clone(),
            mode: demo.definition.mode,
            demo: demo.definition.demo,
            region: demo.region("abai").unwrap().name.clone(),
            precinct_number: precinct.number,
            address: precinct.address.clone(),
        },
        contest: contest.name.clone(),
        district: contest.district,
        template_id: template.id.clone(),
        title: template.title.clone(),
    }
}

fn rows() -> Vec<Text> {
    let contest = builtin::demo().contest("majilis-list").unwrap();
    contest.rows.iter().map(|row| row.name.clone()).collect()
}

/// The demo values as the protocol crate holds them.
pub(crate) fn demo_values(l9: u32) -> Values {
    let template = builtin::templates().template("P1").unwrap();
    let n_rows = rows().len();
    let mut values = Values::new(template, n_rows);
    for (id, value) in DEMO_VALUES.iter().copied().chain([("L9", l9)]) {
        let slot = template.slot(id, n_rows).unwrap();
        assert!(values.set(slot, Some(Count::new(value).unwrap())));
    }
    values
}

/// The commission of the demo precinct (invented names).
pub(crate) fn members() -> Vec<Member> {
    let member = |kk: &str, ru: &str, en: &str, name: &str| Member {
        role: Text::new(kk, ru, en),
        name: name.to_owned(),
    };
    vec![
        member(
            "Комиссия төрағасы",
            "Председатель комиссии",
            "Chair",
            "Әбілқасымова Гүлнар Серікқызы",
        ),
        member(
            "Төрағаның орынбасары",
            "Заместитель председателя",
            "Deputy chair",
            "Петров Игорь Николаевич",
        ),
        member(
            "Комиссия хатшысы",
            "Секретарь комиссии",
            "Secretary",
            "Жұмабаев Ерлан Қайратұлы",
        ),
        member(
            "Комиссия мүшесі",
            "Член комиссии",
            "Member",
            "Иванова Светлана Викторовна",
        ),
        member(
            "Комиссия мүшесі",
            "Член комиссии",
            "Member",
            "Сәрсенбаев Нұрлан Әсетұлы",
        ),
    ]
}

/// The QR data of the demo protocol.
pub(crate) fn demo_qr(version: u32, values: &Values) -> QrProtocol {
    let demo = builtin::demo();
    let template = builtin::templates().template("P1").unwrap();
    let values = template
        .line_ids(values.n_rows())
        .iter()
        .map(|id| {
            values
                .get(template.slot(id, values.n_rows()).unwrap())
                .unwrap()
        })
        .collect();
    QrProtocol {
        key_id: KEY_ID,
        mode: demo.definition.mode,
        definition_hash: qr::definition_hash_prefix(&demo.hash).unwrap(),
        election: demo.definition.id.clone(),
        precinct: PrecinctId {
            region: "abai".to_owned(),
            number: 1,
        },
        contest: "majilis-list".to_owned(),
        template: "P1".to_owned(),
        version,
        values,
    }
}

/// When the demo protocol was signed: 20 March 2023, 02:40 in Semey (then UTC+06:00).
pub(crate) fn signed_at() -> DateTime<FixedOffset> {
    "2023-03-20T02:40:00+06:00".parse().unwrap()
}

/// The demo protocol, signed; version 2 is a repeated protocol with an acknowledged warning.
pub(crate) fn demo_protocol(version: u32) -> (PrintableProtocol, QrProtocol) {
    let template = builtin::templates().template("P1").unwrap();
    let values = demo_values(DEMO_L9);
    let qr_data = demo_qr(version, &values);
    let message = qr::message(&qr_data).unwrap();
    let qr_text = qr::encode(&message, &sign(&message));
    let repeated = 1 < version;
    let acknowledged = if repeated {
        let rule = template.rule("W05").unwrap();
        vec![Acknowledged {
            code: rule.code.as_str().to_owned(),
            statement: rule.statement.clone(),
            by: "Жұмабаев Е. Қ.".to_owned(),
        }]
    } else {
        Vec::new()
    };
    let protocol = PrintableProtocol {
        header: header(),
        version,
        repeated_reason: repeated.then(|| {
            "Аумақтық комиссияның шешімі бойынша қайта санау · Пересчёт по решению территориальной комиссии".to_owned()
        }),
        lines: pdf::printed_lines(template, &rows(), &values),
        acknowledged,
        acts: Vec::new(),
        members: members(),
        signed_at: signed_at(),
        batch_hash: BATCH_HASH.to_owned(),
        audit_head: (AUDIT_SEQ, AUDIT_HASH.to_owned()),
        qr_text,
    };
    (protocol, qr_data)
}

/// The P2 protocol of the demo precinct (42 invented candidates, 45 votes each, the rest against
/// all), filled through `assemble` as the app prints it and signed with the fixed test key.
/// Values for the demo contest `contest` that satisfy every equality: 1,950 valid votes, 45 a
/// row, the rest against all.
pub(crate) fn balanced_values(contest: &str) -> Vec<(String, u32)> {
    let contest = builtin::demo().contest(contest).unwrap();
    let template = builtin::templates().template(&contest.template).unwrap();
    let n_rows = contest.rows.len();
    let fixed = [
        ("L1", 2500),
        ("L2", 2600),
        ("L3", 2000),
        ("L3a", 10),
        ("L3b", 40),
        ("L4", 600),
        ("L5", 2000),
        ("L5b", 40),
        ("L6", 50),
        ("L7", 1950),
        ("L9", 1950 - 45 * u32::try_from(n_rows).unwrap()),
    ];
    template
        .line_ids(n_rows)
        .into_iter()
        .map(|line| {
            let value = fixed
                .iter()
                .find(|(id, _)| *id == line)
                .map_or(45, |(_, value)| *value);
            (line, value)
        })
        .collect()
}

pub(crate) fn demo_p2() -> PrintableProtocol {
    let demo = builtin::demo();
    let id = PrecinctId {
        region: "abai".to_owned(),
        number: 1,
    };
    let precinct = assemble::Precinct {
        definition: demo,
        precinct: &id,
        members: members(),
    };
    let contest = demo.contest("majilis-smd-1").unwrap();
    let values = balanced_values(&contest.id);
    let protocol = assemble::FinalVersion {
        contest: contest.id.clone(),
        version: 1,
        reason: None,
        signed_at: signed_at(),
        values,
        acknowledged: Vec::new(),
        acts: Vec::new(),
    };
    let data = assemble::qr_protocol(&precinct, &protocol, KEY_ID).unwrap();
    let message = qr::message(&data).unwrap();
    let qr_text = qr::encode(&message, &sign(&message));
    assemble::printable(
        &precinct,
        &protocol,
        BATCH_HASH,
        (AUDIT_SEQ, AUDIT_HASH),
        qr_text,
    )
    .unwrap()
}

/// The blank form for the demo contest, with empty names for members to write in.
pub(crate) fn demo_blank() -> BlankProtocol {
    let template = builtin::templates().template("P1").unwrap();
    let mut members = members();
    for member in members.iter_mut().skip(3) {
        member.name.clear();
    }
    BlankProtocol {
        header: header(),
        lines: pdf::form_lines(template, &rows()),
        members,
    }
}

/// The enrolment sheet of the demo precinct's laptop.
pub(crate) fn demo_enrolment() -> EnrolmentSheet {
    let header = header();
    EnrolmentSheet {
        precinct: header.precinct,
        key_id: "4f1a930cd27e15b8".to_owned(),
        fingerprint: "9c2e4a7b1d0f83e6a5b4c3d2e1f00718".to_owned(),
        public_key: "RWS4FX7SDJMaT5LrG0H8a3nQ2yY6jN1kq7Xc2ZpW9vT4uB0sR8eL3mA1".to_owned(),
        date: chrono::NaiveDate::from_ymd_opt(2023, 3, 10).unwrap(),
        members: members().into_iter().take(3).collect(),
    }
}
