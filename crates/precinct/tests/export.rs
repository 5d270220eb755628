//! Exports: the device key, a signed batch of every finalized protocol that the commission's
//! receiver accepts, the same bytes again when nothing new is final, and a chained second batch
//! after a repeated protocol.

#[path = "../../store/tests/common/mod.rs"]
pub mod common;

use hattama_batch::receive::{Decision, Expect, Imported, decide, verify_batch};
use hattama_batch::registry::Registry;
use hattama_precinct::{PrecinctError, device_key, export};
use hattama_protocol::{Mode, builtin};
use hattama_store::{StoreError, Timestamp};

use common::{NOW, P1, abai_1, clean_p1, file_hashes, precinct};

const PASSPHRASE: &str = "chair passphrase 2023";

fn registry(public_key: &str) -> Registry {
    let mut registry = Registry::new(
        &builtin::demo().definition.id,
        hattama_batch::keys::KeyId([0; 8]),
    );
    registry.add(public_key, abai_1()).expect("test helper");
    registry
}

fn expect() -> Expect<'static> {
    Expect {
        definition: builtin::demo(),
        templates: builtin::templates(),
        mode: Mode::Test,
    }
}

#[test]
fn an_export_verifies_at_the_receiver_and_chains() {
    let mut p = precinct();
    assert!(matches!(
        export::sign(&mut p.store, &p.chair, PASSPHRASE, "0.1.0", NOW),
        Err(PrecinctError::Store(StoreError::NothingToExport))
    ));
    p.type_both(&clean_p1());
    p.store.finalize(&p.chair, P1, NOW).unwrap().backup.unwrap();
    assert!(matches!(
        export::sign(&mut p.store, &p.chair, PASSPHRASE, "0.1.0", NOW),
        Err(PrecinctError::Store(StoreError::NoDeviceKey))
    ));

    let key = device_key::make(&mut p.store, &p.chair, PASSPHRASE, PASSPHRASE, NOW).unwrap();
    assert_eq!(device_key::get(&p.store).unwrap(), Some(key.clone()));
    assert!(matches!(
        device_key::make(&mut p.store, &p.chair, PASSPHRASE, PASSPHRASE, NOW),
        Err(PrecinctError::Store(StoreError::DeviceKeyExists))
    ));
    let registry = registry(&key.public_key);

    let first = export::sign(&mut p.store, &p.chair, PASSPHRASE, "0.1.0", NOW).unwrap();
    assert_eq!((first.batch.sequence, first.reused), (1, false));
    assert_eq!(first.batch.protocols, [(P1.to_owned(), 1)]);
    let verified = verify_batch(
        &first.batch.payload,
        &first.batch.signature,
        &registry,
        &expect(),
    )
    .unwrap();
    assert_eq!(verified.hash, first.batch.hash);
    assert_eq!(verified.payload.protocols[0].values.len(), 18);
    assert_eq!(verified.payload.protocols[0].finalized_by, "Chair");
    assert_eq!(decide(&verified, &[]), Decision::Import);
    assert_eq!(
        export::overview(&p.store).unwrap().finals[0].batch_hash,
        Some(first.batch.hash.clone())
    );
    assert!(export::overview(&p.store).unwrap().up_to_date);

    // Nothing new is final: the same bytes again, for a retry or a second stick.
    let again = export::sign(
        &mut p.store,
        &p.chair,
        PASSPHRASE,
        "0.1.0",
        Timestamp(NOW.0 + 60_000),
    )
    .unwrap();
    assert!(again.reused);
    assert_eq!(
        (
            again.batch.payload.as_slice(),
            again.batch.signature.as_str()
        ),
        (
            first.batch.payload.as_slice(),
            first.batch.signature.as_str()
        )
    );
    p.store
        .record_export_written(&p.chair, 1, "/media/stick", NOW)
        .unwrap();
    assert!(matches!(
        p.store
            .record_export_written(&p.chair, 9, "/media/stick", NOW),
        Err(StoreError::UnknownExport(9))
    ));

    // A repeated protocol makes a second batch, chained to the first.
    p.repeat_and_finalize_p1().backup.unwrap();
    let before = export::overview(&p.store).unwrap();
    assert!(!before.up_to_date);
    assert!(before.finals[0].printable() && !before.finals[1].printable());
    let second = export::sign(&mut p.store, &p.chair, PASSPHRASE, "0.1.0", NOW).unwrap();
    assert_eq!(second.batch.sequence, 2);
    assert_eq!(
        second.batch.protocols,
        [(P1.to_owned(), 1), (P1.to_owned(), 2)]
    );
    let verified = verify_batch(
        &second.batch.payload,
        &second.batch.signature,
        &registry,
        &expect(),
    )
    .unwrap();
    assert_eq!(
        verified.payload.previous.as_deref(),
        Some(first.batch.hash.as_str())
    );
    let first_verified = verify_batch(
        &first.batch.payload,
        &first.batch.signature,
        &registry,
        &expect(),
    )
    .unwrap();
    let imported = [Imported::of(&first_verified, &[])];
    // The second batch carries the whole log, which extends the first batch's.
    assert!(verified.payload.audit_head.seq > first_verified.payload.audit_head.seq);
    assert_eq!(decide(&verified, &imported), Decision::Import);
    assert_eq!(p.store.exports().unwrap().len(), 2);
    assert!(p.store.verify_audit().unwrap().broken.is_none());
}

#[test]
fn a_wrong_passphrase_changes_nothing() {
    let mut p = precinct();
    p.type_both(&clean_p1());
    p.store.finalize(&p.chair, P1, NOW).unwrap().backup.unwrap();
    device_key::make(&mut p.store, &p.chair, PASSPHRASE, PASSPHRASE, NOW).unwrap();
    let path = p.path.clone();
    p.store.close().unwrap();
    let before = file_hashes(&path);
    let mut store = hattama_store::Store::open_with(&path, common::test_config()).unwrap();
    let error = export::sign(&mut store, &p.chair, "not the passphrase", "0.1.0", NOW).unwrap_err();
    assert_eq!(error.code(), "store.wrong_passphrase");
    store.close().unwrap();
    assert_eq!(file_hashes(&path), before);
}

#[test]
fn only_the_chair_makes_the_key_exports_and_a_clerk_does_not_print() {
    let mut p = precinct();
    p.type_both(&clean_p1());
    p.store.finalize(&p.chair, P1, NOW).unwrap();
    let path = p.path.clone();
    p.store.close().unwrap();
    let before = file_hashes(&path);
    let mut store = hattama_store::Store::open_with(&path, common::test_config()).unwrap();
    let refused = [
        device_key::make(&mut store, &p.ana, PASSPHRASE, PASSPHRASE, NOW).map(drop),
        export::sign(&mut store, &p.ana, PASSPHRASE, "0.1.0", NOW).map(drop),
        export::export(
            &mut store,
            &p.bek,
            PASSPHRASE,
            &export::Target::Folder(p.dir.path().display().to_string()),
            "0.1.0",
            NOW,
        )
        .map(drop),
        hattama_precinct::print::blank_form(&store, &p.ana, P1).map(drop),
        hattama_precinct::print::protocol_documents(&store, &p.ana, P1, None, PASSPHRASE).map(drop),
        hattama_precinct::print::enrolment_sheet(&store, &p.ana).map(drop),
    ];
    store.close().unwrap();
    for outcome in refused {
        assert_eq!(outcome.unwrap_err().code(), "store.not_permitted");
    }
    assert_eq!(file_hashes(&path), before);
}
