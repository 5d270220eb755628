//! The QR code: the message round-trips; every altered byte and a changed value are refused;
//! a minisign signature made as the batch crate makes them verifies; and the QR printed in the
//! PDF, rendered to PNG, is read back and verified, while a tampered one is refused.

#![expect(clippy::unwrap_used, reason = "tests")]

mod common;

use ct_codecs::{Base64, Decoder};
use hattama_print::qr::{self, QrError};
use hattama_print::scan::{self, ScanError};
use hattama_print::{pdf, words};
use hattama_protocol::Count;

#[test]
fn message_round_trips_through_encode_and_verify() {
    let (protocol, data) = common::demo_protocol(1);
    assert!(protocol.qr_text.starts_with(qr::PREFIX));
    assert_eq!(
        qr::verify(&protocol.qr_text, &common::verify).unwrap(),
        data
    );
    // Compact: the Majilis list protocol fits in well under 300 characters.
    assert!(protocol.qr_text.len() < 300, "{}", protocol.qr_text.len());
}

#[test]
fn a_changed_value_with_the_old_signature_is_refused() {
    let (protocol, data) = common::demo_protocol(1);
    let message = qr::message(&data).unwrap();
    let signature = common::sign(&message);
    let mut tampered = data.clone();
    tampered.values[10] = Count::new(tampered.values[10].get() + 100).unwrap();
    let text = qr::encode(&qr::message(&tampered).unwrap(), &signature);
    assert_eq!(
        qr::verify(&text, &common::verify),
        Err(QrError::BadSignature)
    );
    assert_ne!(text, protocol.qr_text);
}

#[test]
fn every_flipped_byte_is_refused() {
    let (_, data) = common::demo_protocol(1);
    let message = qr::message(&data).unwrap();
    let mut bytes = message.clone();
    bytes.extend_from_slice(&common::sign(&message));
    for idx in 0..bytes.len() {
        let mut flipped = bytes.clone();
        flipped[idx] ^= 0x01;
        let (message, signature) = flipped.split_at(flipped.len() - qr::SIGNATURE_LEN);
        let text = qr::encode(message, signature.try_into().unwrap());
        assert!(qr::verify(&text, &common::verify).is_err(), "byte {idx}");
    }
}

#[test]
fn malformed_texts_are_refused_before_any_signature_check() {
    let never = |_: &[u8; 8], _: &[u8], _: &[u8; 64]| -> bool { panic!("no signature check") };
    assert_eq!(
        qr::verify("https://example.org", &never),
        Err(QrError::NotHattama)
    );
    assert_eq!(
        qr::verify("HT1:abc", &never),
        Err(QrError::Base45 { position: 0 })
    );
    assert_eq!(
        qr::verify("HT1:0000", &never),
        Err(QrError::Base45 { position: 3 })
    );
    assert_eq!(qr::verify("HT1:000000", &never), Err(QrError::TooShort));
    let mut bytes = vec![2u8; 18];
    bytes.extend_from_slice(&[0u8; 64]);
    let text = qr::encode(&bytes[..18], bytes[18..].try_into().unwrap());
    assert_eq!(qr::verify(&text, &never), Err(QrError::Format(2)));
}

#[test]
fn a_minisign_signature_as_the_batch_crate_makes_it_verifies() {
    let pair = minisign::KeyPair::generate_unencrypted_keypair().unwrap();
    let (_, mut data) = common::demo_protocol(1);
    data.key_id.copy_from_slice(pair.pk.keynum());
    let message = qr::message(&data).unwrap();
    let signature_box = minisign::sign(
        Some(&pair.pk),
        &pair.sk,
        message.as_slice(),
        Some("qr"),
        None,
    )
    .unwrap();
    let line = signature_box.to_string().lines().nth(1).unwrap().to_owned();
    let raw = Base64::decode_to_vec(&line, None).unwrap();
    assert_eq!(&raw[..2], b"ED", "minisign signs prehashed");
    let text = qr::encode(&message, raw[10..74].try_into().unwrap());

    let public_bytes = pair.pk.to_bytes();
    let public =
        ed25519_dalek::VerifyingKey::from_bytes(public_bytes[10..42].try_into().unwrap()).unwrap();
    let key_id: [u8; 8] = pair.pk.keynum().try_into().unwrap();
    let check = |id: &[u8; 8], message: &[u8], signature: &[u8; 64]| {
        id == &key_id && common::verify_with(&public, common::KEY_ID, message, signature)
    };
    assert_eq!(qr::verify(&text, &check).unwrap(), data);
}

/// Renders page `page` (1-based, the last when 0) of a PDF to PNG bytes.
fn render_page(pdf_bytes: &[u8], dpi: u32) -> Vec<u8> {
    let dir = tempfile::tempdir().unwrap();
    let pages = common::pdftoppm(pdf_bytes, dpi, dir.path(), "page");
    std::fs::read(pages.last().unwrap()).unwrap()
}

#[test]
fn the_printed_qr_is_read_from_the_rendered_page_and_verifies() {
    let (protocol, data) = common::demo_protocol(1);
    let bytes = pdf::protocol(&protocol, &common::fonts()).unwrap();
    let png = render_page(&bytes, 150);
    let read = scan::verify_image(&png, &common::verify).unwrap();
    assert_eq!(read, data);
    assert_eq!(read.values[0].get(), 1874);
    assert_eq!(words::kk(read.values[0]), "бір мың сегіз жүз жетпіс төрт");
}

#[test]
fn a_tampered_printed_qr_is_refused() {
    let (mut protocol, data) = common::demo_protocol(1);
    // Someone reprints the page with L8.1 raised by 100 and the original signature.
    let message = qr::message(&data).unwrap();
    let signature = common::sign(&message);
    let mut tampered = data.clone();
    tampered.values[10] = Count::new(683).unwrap();
    protocol.qr_text = qr::encode(&qr::message(&tampered).unwrap(), &signature);
    let bytes = pdf::protocol(&protocol, &common::fonts()).unwrap();
    let png = render_page(&bytes, 150);
    match scan::verify_image(&png, &common::verify) {
        Err(ScanError::Qr(QrError::BadSignature)) => {}
        other => panic!("expected a refused signature, got {other:?}"),
    }
}

#[test]
fn a_picture_without_a_code_says_so() {
    let blank = pdf::blank_protocol(&common::demo_blank(), &common::fonts()).unwrap();
    let png = render_page(&blank, 50);
    assert!(matches!(
        scan::verify_image(&png, &common::verify),
        Err(ScanError::NoCode)
    ));
    assert!(matches!(
        scan::read_codes(b"not an image"),
        Err(ScanError::Image(_))
    ));
}
