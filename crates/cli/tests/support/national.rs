//! Generates the national-scale exercise: 10,223 precincts whose Majilis list protocols (P1) add
//! up exactly to the published 2023 result (domain.md §8), a signed definition-free setup (a
//! definition file, a commission registry holding one device key per precinct) and one signed
//! batch per precinct. Shared by `tests/national.rs` and `benches/national.rs`.

#![allow(
    dead_code,
    reason = "the test and the bench each use their own kind of log"
)]

use std::path::{Path, PathBuf};

#[path = "log.rs"]
mod log;

use hattama_batch::export::sign_batch;
use hattama_batch::format::{AuditHead, BatchProtocol, ElectionRef, LineValue, Payload};
use hattama_batch::keys;
use hattama_batch::registry::Registry;
use hattama_protocol::definition::{
    Contest, DEFINITION_FORMAT, Definition, Precinct, Row, sha256_hex,
};
use hattama_protocol::template::RegionKind;
use hattama_protocol::{Mode, PrecinctId, Text, builtin};

/// Precincts in 2023 (10,146 at home and 77 abroad, the latter counted under Astana).
pub(crate) const PRECINCTS: usize = 10_223;

/// The national result: AMANAT, Auyl, Respublica, People's Party, Baytaq, Ak Zhol, OSDP.
pub(crate) const PARTY_VOTES: [u64; 7] = [
    3_431_510, 693_938, 547_154, 432_920, 146_431, 535_139, 331_058,
];
/// Against all.
pub(crate) const AGAINST_ALL: u64 = 248_291;
/// Valid ballots.
pub(crate) const VALID: u64 = 6_366_441;
/// Voters who received ballots.
pub(crate) const ISSUED: u64 = 6_521_860;
/// Registered voters.
pub(crate) const REGISTERED: u64 = 12_035_578;

/// Where the generated files are.
pub(crate) struct National {
    /// The definition file.
    pub(crate) definition: PathBuf,
    /// The registry folder (with `commission.pub`).
    pub(crate) registry: PathBuf,
    /// The folder holding the batches.
    pub(crate) batches: PathBuf,
}

/// `total` split into `n` whole parts that add up exactly: the first `total % n` get one more.
fn share(total: u64, n: usize, idx: usize) -> u32 {
    let n = n as u64;
    let base = total / n;
    let extra = u64::from((idx as u64) < total % n);
    u32::try_from(base + extra).expect("a precinct's share fits a count")
}

fn text(en: &str) -> Text {
    Text::new(en, en, en)
}

/// The national definition: the demo's regions and Majilis parties, 10,223 precincts, and one
/// small contest of every other template per region so each precinct holds its full set.
fn definition() -> Definition {
    let demo = &builtin::demo().definition;
    let majilis = demo
        .contests
        .iter()
        .find(|c| c.id == "majilis-list")
        .expect("demo has the Majilis list")
        .clone();
    let mut contests = vec![majilis];
    for region in &demo.regions {
        for template in ["P2", "P3", "P4", "P5"] {
            if template == "P5" && region.kind == RegionKind::City {
                continue;
            }
            contests.push(Contest {
                id: format!("{}-{}", region.id, template.to_lowercase()),
                template: template.into(),
                name: text(&format!("{} {template}", region.id)),
                district: None,
                region: Some(region.id.clone()),
                rows: vec![Row {
                    id: "r1".into(),
                    name: text("row"),
                    invented: true,
                }],
            });
        }
    }
    let mut precincts = Vec::with_capacity(PRECINCTS);
    for idx in 0..PRECINCTS {
        let region = &demo.regions[idx % demo.regions.len()];
        let mut held = vec!["majilis-list".to_owned()];
        for template in ["p2", "p3", "p4", "p5"] {
            if template == "p5" && region.kind == RegionKind::City {
                continue;
            }
            held.push(format!("{}-{template}", region.id));
        }
        precincts.push(Precinct {
            region: region.id.clone(),
            number: u32::try_from(idx / demo.regions.len() + 1).expect("small"),
            address: text("school"),
            contests: held,
        });
    }
    Definition {
        format: DEFINITION_FORMAT,
        id: "kz-2023-03-19-national".into(),
        name: text("Majilis 2023, national-scale exercise"),
        date: "2023-03-19".into(),
        mode: Mode::Live,
        demo: false,
        templates: "results-2023".into(),
        regions: demo.regions.clone(),
        contests,
        precincts,
    }
}

/// The P1 values of precinct `idx`, in paper order.
fn p1_values(idx: usize) -> Vec<LineValue> {
    let rows: Vec<u32> = PARTY_VOTES
        .iter()
        .map(|total| share(*total, PRECINCTS, idx))
        .collect();
    let against = share(AGAINST_ALL, PRECINCTS, idx);
    let valid: u32 = rows.iter().sum::<u32>() + against;
    let issued = share(ISSUED, PRECINCTS, idx);
    let voters = share(REGISTERED, PRECINCTS, idx);
    let cancelled = voters - issued + 5;
    let mut values = vec![
        ("L1", voters),
        ("L2", issued + cancelled),
        ("L3", issued),
        ("L3a", 0),
        ("L3b", 10),
        ("L4", cancelled),
        ("L5", issued),
        ("L5b", 10),
        ("L6", issued - valid),
        ("L7", valid),
    ]
    .into_iter()
    .map(|(line, value)| LineValue {
        line: line.into(),
        value,
    })
    .collect::<Vec<_>>();
    values.extend(rows.iter().enumerate().map(|(k, value)| LineValue {
        line: format!("L8.{}", k + 1),
        value: *value,
    }));
    values.push(LineValue {
        line: "L9".into(),
        value: against,
    });
    values
}

/// What audit log each batch carries.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Log {
    /// One finalize entry: the least that vouches for the batch.
    Least,
    /// A whole election night of a precinct with five protocols (P1 and four others of 12
    /// lines): about 190 entries.
    Night,
}

/// Writes everything into `dir`, each batch carrying `log`.
pub(crate) fn generate_with(dir: &Path, log: Log) -> National {
    let national = National {
        definition: dir.join("national.json"),
        registry: dir.join("registry"),
        batches: dir.join("batches"),
    };
    std::fs::create_dir_all(&national.registry).expect("registry folder");
    std::fs::create_dir_all(&national.batches).expect("batches folder");
    let definition = definition();
    let mut bytes = serde_json::to_vec(&definition).expect("definition serializes");
    bytes.push(b'\n');
    std::fs::write(&national.definition, &bytes).expect("definition written");
    let definition_hash = sha256_hex(&bytes);

    let commission = keys::generate_unencrypted("commission").expect("commission key");
    let mut registry = Registry::new(&definition.id, commission.key_id);
    let mut device_keys = Vec::with_capacity(PRECINCTS);
    for precinct in &definition.precincts {
        let key = keys::generate_unencrypted("device").expect("device key");
        registry
            .add(
                &key.public_key,
                PrecinctId {
                    region: precinct.region.clone(),
                    number: precinct.number,
                },
            )
            .expect("registered");
        device_keys.push(key);
    }
    let unlocked = keys::unlock(&commission.secret_key, None).expect("unlocked");
    let (registry_bytes, registry_signature) = registry.sign(&unlocked).expect("registry signed");
    std::fs::write(national.registry.join("registry.json"), registry_bytes)
        .expect("registry written");
    std::fs::write(
        national.registry.join("registry.json.minisig"),
        registry_signature,
    )
    .expect("registry written");
    std::fs::write(
        national.registry.join("commission.pub"),
        format!("{}\n", commission.public_key),
    )
    .expect("key written");

    let template_version = builtin::templates().template("P1").expect("P1").version;
    for (idx, (precinct, key)) in definition.precincts.iter().zip(&device_keys).enumerate() {
        let mut payload = Payload {
            format: "hattama-batch".into(),
            version: hattama_batch::format::FORMAT_VERSION,
            election: ElectionRef {
                id: definition.id.clone(),
                definition_hash: definition_hash.clone(),
                mode: Mode::Live,
            },
            precinct: PrecinctId {
                region: precinct.region.clone(),
                number: precinct.number,
            },
            sequence: 1,
            previous: None,
            audit_head: AuditHead {
                seq: 1,
                hash: "00".repeat(32),
            },
            app_version: "0.1.0".into(),
            created_at: "2023-03-20T03:00:00+05:00".into(),
            protocols: vec![BatchProtocol {
                contest: "majilis-list".into(),
                template: "P1".into(),
                template_version,
                version: 1,
                repeated_reason: None,
                finalized_at: "2023-03-20T02:00:00+05:00".into(),
                finalized_by: "chair".into(),
                values: p1_values(idx),
                acknowledged: Vec::new(),
                acts: Vec::new(),
            }],
            audit_log: Vec::new(),
        };
        (payload.audit_log, payload.audit_head) = match log {
            Log::Least => log::vouching_log(&payload.protocols),
            Log::Night => log::night_log(&payload.protocols, 4, 12),
        };
        let signed = sign_batch(
            &payload,
            &keys::unlock(&key.secret_key, None).expect("unlocked"),
        )
        .expect("signed");
        let path = national.batches.join(format!("{}.json", signed.base_name));
        std::fs::write(&path, &signed.payload).expect("batch written");
        std::fs::write(
            PathBuf::from(format!("{}.minisig", path.display())),
            &signed.signature,
        )
        .expect("signature written");
    }
    national
}
