//! The receiver checks a precinct's history: batches made by the real precinct code (store,
//! device key, export), imported by the real commission code into a real receiver database.
//! An insider who holds the device key and its passphrase can sign anything, so the hostile
//! batches here are the precinct's own, changed and signed again with that key: a rewritten
//! history, other values for an imported protocol version, finals the log does not vouch for.
//! Each is held for a person, never imported, and the tally stays what it was.

#![expect(
    clippy::unwrap_used,
    reason = "test helpers unwrap: a panic there is a failed test"
)]

#[path = "../../store/tests/common/mod.rs"]
pub mod common;

use std::path::PathBuf;

use hattama_batch::export::sign_batch;
use hattama_batch::format::{self, Payload};
use hattama_batch::keys;
use hattama_batch::registry::Registry;
use hattama_commission::import::{self, Outcome, Report};
use hattama_commission::receiver::Receiver;
use hattama_commission::tally;
use hattama_precinct::{device_key, export};
use hattama_protocol::audit_chain::{self, Link};
use hattama_protocol::tally::Tally;
use hattama_protocol::{Mode, builtin};

use common::{NOW, P1, Precinct, abai_1, clean_p1, precinct};

const PASSPHRASE: &str = "chair passphrase 2023";

/// A precinct with P1 finalized, its device key made; and a receiver that has the key.
struct Road {
    precinct: Precinct,
    receiver: Receiver,
    db: PathBuf,
    stick: tempfile::TempDir,
}

fn road() -> Road {
    let mut p = precinct();
    p.type_both(&clean_p1());
    p.store.finalize(&p.chair, P1, NOW).unwrap();
    let key = device_key::make(&mut p.store, &p.chair, PASSPHRASE, PASSPHRASE, NOW).unwrap();
    let mut registry = Registry::new(&builtin::demo().definition.id, keys::KeyId([0; 8]));
    registry.add(&key.public_key, abai_1()).unwrap();
    let receiver = Receiver {
        registry,
        definition: builtin::demo().clone(),
        templates: builtin::templates().clone(),
        mode: Mode::Test,
    };
    let db = p.dir.path().join("receiver.db");
    Road {
        precinct: p,
        receiver,
        db,
        stick: tempfile::tempdir().unwrap(),
    }
}

impl Road {
    /// Exports the next batch with the real precinct code; returns its payload.
    fn export(&mut self) -> Payload {
        let signed = export::sign(
            &mut self.precinct.store,
            &self.precinct.chair,
            PASSPHRASE,
            "0.1.0",
            NOW,
        )
        .unwrap();
        format::decode(&signed.batch.payload).unwrap()
    }

    /// A repeated P1 (version 2) with `L8.1` one higher and `L9` one lower, finalized.
    fn repeat_p1(&mut self) {
        self.precinct.repeat_and_finalize_p1();
    }

    /// Signs `payload` with the precinct's device key, as an insider with its passphrase can,
    /// and puts the two files on the stick under `name`.
    fn put(&self, name: &str, payload: &Payload) -> PathBuf {
        let stored = self.precinct.store.device_key().unwrap().unwrap();
        let key = keys::unlock(&stored.secret_key, Some(PASSPHRASE)).unwrap();
        let signed = sign_batch(payload, &key).unwrap();
        let file = self.stick.path().join(format!("{name}.json"));
        std::fs::write(&file, &signed.payload).unwrap();
        std::fs::write(format!("{}.minisig", file.display()), &signed.signature).unwrap();
        file
    }

    fn import(&self, files: &[PathBuf]) -> Report {
        import::import(
            &self.receiver,
            &self.db,
            files,
            "unix:0",
            &|_, _| {},
            &mut |_| {},
        )
        .unwrap()
    }

    fn tally(&self) -> Tally {
        tally::tally(&self.db, &self.receiver.definition.definition.id).unwrap()
    }

    fn held(&self) -> Vec<(String, Vec<(String, String)>)> {
        tally::conflicts(&self.db, &self.receiver.definition.definition.id)
            .unwrap()
            .into_iter()
            .map(|conflict| (conflict.held_for.kind, conflict.held_for.params))
            .collect()
    }
}

/// The decision and parameters of each file, in order.
fn decisions(report: &Report) -> Vec<(&'static str, Vec<(&'static str, String)>)> {
    report
        .outcomes
        .iter()
        .map(|outcome| match outcome {
            Outcome::Decided {
                decision, params, ..
            } => (*decision, params.clone()),
            Outcome::Refused { code, .. } => panic!("refused: {code}"),
        })
        .collect()
}

fn counts(report: &Report) -> [usize; 4] {
    [
        report.imported,
        report.unchanged,
        report.held,
        report.refused,
    ]
}

/// Rewrites the log from entry `from` on: its payload changed, every later hash and the head
/// recomputed, as someone with the database and the code can. The local check cannot see it.
fn rewrite_from(payload: &mut Payload, from: usize, new_payload: &str) {
    payload.audit_log[from - 1].payload = new_payload.to_owned();
    let mut prev = match from {
        1 => audit_chain::GENESIS,
        _ => audit_chain::parse_hash(&payload.audit_log[from - 2].hash).unwrap(),
    };
    for entry in &mut payload.audit_log[from - 1..] {
        let hash = audit_chain::link_hash(
            &Link {
                seq: i64::try_from(entry.seq).unwrap(),
                at: entry.at,
                user: entry.user,
                action: &entry.action,
                payload: &entry.payload,
            },
            &prev,
        );
        entry.hash = audit_chain::hex(&hash);
        prev = hash;
    }
    payload.audit_head.hash = audit_chain::hex(&prev);
}

#[test]
fn a_batch_whose_history_forks_from_the_one_before_is_held_as_history_rewritten() {
    let mut road = road();
    let first = road.export();
    let first_file = road.put("first", &first);
    let report = road.import(std::slice::from_ref(&first_file));
    assert_eq!(counts(&report), [1, 0, 0, 0]);
    let tally_before = road.tally();

    road.repeat_p1();
    let mut second = road.export();
    // The second batch, as the precinct made it, extends the first: it would be imported.
    assert!(second.audit_log.len() > first.audit_log.len());
    assert_eq!(
        second.audit_log[first.audit_log.len() - 1].hash,
        first.audit_head.hash
    );
    // Entry 5 (a value typed for P1 version 1) rewritten, the chain after it recomputed.
    rewrite_from(&mut second, 5, r#"{"rewritten":true}"#);
    let second_file = road.put("second", &second);
    let report = road.import(std::slice::from_ref(&second_file));
    assert_eq!(counts(&report), [0, 0, 1, 0], "held, and counted as held");
    assert_eq!(
        decisions(&report),
        [(
            "history_rewritten",
            vec![
                ("earlier_sequence", "1".to_owned()),
                ("earlier_head_seq", first.audit_head.seq.to_string()),
                ("earlier_head_hash", first.audit_head.hash.clone()),
            ]
        )]
    );
    assert_eq!(road.tally(), tally_before, "the tally is unchanged");
    assert_eq!(road.held()[0].0, "history_rewritten");

    // A log cut short before the earlier head forks from it too.
    let mut cut = road.export();
    cut.audit_log.truncate(first.audit_log.len() - 1);
    cut.audit_head = format::AuditHead {
        seq: cut.audit_log.last().unwrap().seq,
        hash: cut.audit_log.last().unwrap().hash.clone(),
    };
    let cut_file = road.put("cut", &cut);
    let report = road.import(std::slice::from_ref(&cut_file));
    assert_eq!(decisions(&report)[0].0, "history_rewritten");
    assert_eq!(road.tally(), tally_before);

    // The honest second batch still imports, and then the tally moves to version 2.
    let honest = road.export();
    let honest_file = road.put("honest", &honest);
    let report = road.import(std::slice::from_ref(&honest_file));
    assert_eq!(counts(&report), [1, 0, 0, 0]);
    assert_ne!(road.tally(), tally_before);
}

#[test]
fn other_values_for_an_imported_protocol_version_are_held_as_values_differ() {
    let mut road = road();
    let first = road.export();
    let first_file = road.put("first", &first);
    assert_eq!(
        counts(&road.import(std::slice::from_ref(&first_file))),
        [1, 0, 0, 0]
    );
    let tally_before = road.tally();

    road.repeat_p1();
    let mut second = road.export();
    // Finding 4: a final value of version 1 changed at rest is carried by the next batch.
    let p1_v1 = second
        .protocols
        .iter_mut()
        .find(|protocol| protocol.contest == P1 && protocol.version == 1)
        .unwrap();
    let l8_1 = p1_v1
        .values
        .iter_mut()
        .find(|value| value.line == "L8.1")
        .unwrap();
    l8_1.value += 1;
    let l9 = p1_v1
        .values
        .iter_mut()
        .find(|value| value.line == "L9")
        .unwrap();
    l9.value -= 1;
    let second_file = road.put("second", &second);
    let report = road.import(std::slice::from_ref(&second_file));
    assert_eq!(
        counts(&report),
        [0, 0, 1, 0],
        "never 'imported 1, conflicts 0'"
    );
    assert_eq!(
        decisions(&report),
        [(
            "values_differ",
            vec![
                ("contest", P1.to_owned()),
                ("version", "1".to_owned()),
                ("earlier_sequence", "1".to_owned()),
            ]
        )]
    );
    assert_eq!(road.tally(), tally_before, "the tally is unchanged");
    assert_eq!(
        road.held(),
        [(
            "values_differ".to_owned(),
            vec![
                ("contest".to_owned(), P1.to_owned()),
                ("earlier_sequence".to_owned(), "1".to_owned()),
                ("version".to_owned(), "1".to_owned()),
            ]
        )]
    );

    // The same held batch offered again is held once; the first batch again changes nothing.
    let report = road.import(&[first_file, second_file]);
    assert_eq!(counts(&report), [0, 1, 1, 0]);
    assert_eq!(road.held().len(), 1);
    assert_eq!(road.tally(), tally_before);
}

#[test]
fn a_final_its_own_log_does_not_vouch_for_is_held_and_not_tallied() {
    let mut road = road();
    let mut first = road.export();
    first.protocols[0].values[0].value += 1;
    let file = road.put("first", &first);
    let report = road.import(std::slice::from_ref(&file));
    assert_eq!(counts(&report), [0, 0, 1, 0]);
    assert_eq!(
        decisions(&report),
        [(
            "final_not_in_log",
            vec![("contest", P1.to_owned()), ("version", "1".to_owned())]
        )]
    );
    assert_eq!(road.tally(), Tally::default());
}

#[test]
fn a_log_that_does_not_hash_or_a_head_that_is_not_its_end_is_refused() {
    let mut road = road();
    let honest = road.export();
    let mut edited = honest.clone();
    // An entry changed without recomputing the chain.
    edited.audit_log[3].payload = r#"{"edited":true}"#.to_owned();
    let mut lying_head = honest.clone();
    lying_head.audit_head.seq += 1;
    let mut renumbered = honest.clone();
    renumbered.audit_log.remove(2);
    let files = [
        road.put("edited", &edited),
        road.put("lying-head", &lying_head),
        road.put("renumbered", &renumbered),
    ];
    let report = road.import(&files);
    assert_eq!(counts(&report), [0, 0, 0, 3]);
    let codes: Vec<&str> = report
        .outcomes
        .iter()
        .map(|outcome| match outcome {
            Outcome::Refused { code, .. } => code.as_str(),
            Outcome::Decided { decision, .. } => decision,
        })
        .collect();
    assert_eq!(
        codes,
        [
            "batch.audit_log_broken",
            "batch.audit_head_mismatch",
            "batch.audit_log_broken"
        ]
    );
    assert!(road.held().is_empty());
    assert_eq!(road.tally(), Tally::default());
}

#[test]
fn the_same_batch_imported_twice_is_a_no_op() {
    let mut road = road();
    let first = road.export();
    let file = road.put("first", &first);
    assert_eq!(
        counts(&road.import(std::slice::from_ref(&file))),
        [1, 0, 0, 0]
    );
    let tally = road.tally();
    let bytes = std::fs::read(&road.db).unwrap();
    assert_eq!(
        counts(&road.import(std::slice::from_ref(&file))),
        [0, 1, 0, 0]
    );
    assert_eq!(road.tally(), tally);
    assert_eq!(std::fs::read(&road.db).unwrap(), bytes);
}
