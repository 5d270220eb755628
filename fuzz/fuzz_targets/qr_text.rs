//! The QR text of a printed protocol (`hattama_print::qr::verify`, then `check_expected` against
//! the demo definition, as `hattama verify-qr` does after scanning).
//!
//! `verify` hands the key id, the message and the signature to the caller's check before it parses
//! anything. When the first byte is even, the check is the real one (the fixture registry's valid
//! keys, `keys::verify_raw`), so only the genuine sample passes; when odd, the check says yes, so
//! the fuzzer reaches the message parser behind it. Invariants: the check is asked exactly once
//! for text that gets that far; a refused signature is `BadSignature`; parsed data re-encodes to
//! exactly the message signed, and with its signature to exactly the text read (base45 and the
//! numbers have one form each).
#![no_main]

use std::cell::RefCell;

use hattama_batch::keys::{self, KeyId};
use hattama_batch::registry::{KeyLookup, KeyStatus};
use hattama_print::qr::{self, QrError, QrExpect};
use hattama_protocol::{Mode, builtin};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let text = String::from_utf8_lossy(rest);
    let registry = &hattama_fuzz::fixture().registry;
    let real = mode % 2 == 0;
    let seen: RefCell<Vec<(Vec<u8>, [u8; 64])>> = RefCell::new(Vec::new());
    let check = |key_id: &[u8; 8], message: &[u8], signature: &[u8; 64]| {
        seen.borrow_mut().push((message.to_vec(), *signature));
        if !real {
            return true;
        }
        registry
            .lookup(KeyId(*key_id))
            .filter(|entry| entry.status == KeyStatus::Valid)
            .is_some_and(|entry| keys::verify_raw(&entry.public_key, message, signature))
    };
    let result = qr::verify(&text, &check);
    let seen = seen.into_inner();
    assert!(seen.len() <= 1, "the signature is checked once");
    match &result {
        Err(
            QrError::NotHattama | QrError::Base45 { .. } | QrError::TooShort | QrError::Format(_),
        ) => {
            assert!(seen.is_empty(), "refused before the signature check");
        }
        Err(QrError::BadSignature) => assert!(real && seen.len() == 1),
        Err(_) => assert_eq!(seen.len(), 1, "parsed only after the check"),
        Ok(_) => assert_eq!(seen.len(), 1),
    }
    let Ok(data) = result else {
        return;
    };
    let (message, signature) = &seen[0];
    assert_eq!(&qr::message(&data).expect("parsed data encodes"), message);
    assert_eq!(
        qr::encode(message, signature),
        text.trim(),
        "one text per message"
    );
    let key_precinct = registry
        .lookup(KeyId(data.key_id))
        .map(|entry| &entry.precinct);
    for mode in [Mode::Test, Mode::Live] {
        let _ = qr::check_expected(
            &data,
            &QrExpect {
                definition: builtin::demo(),
                templates: builtin::templates(),
                mode,
                key_precinct,
            },
        );
    }
});
