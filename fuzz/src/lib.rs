//! What the fuzz targets and the seed writer share: fixture keys derived from fixed seeds (so a
//! seed written by the `seeds` binary names the very keys a target trusts), the receiver's
//! expectations (the built-in demo definition and template set), a registry, a sample batch
//! carrying an audit log that vouches for its protocols, a sample QR text, and the invariants
//! several targets assert.
//!
//! Nothing here decides anything about Hattama's formats: inputs are built with the crates' own
//! public functions, and every accept or refuse comes from them. The fixture keys sign nothing
//! real; they are made from public seeds so that runs are reproducible.

use std::sync::OnceLock;

use blake2::Digest as _;
use ct_codecs::{Base64, Encoder as _};
use hattama_batch::export::{SignedBatch, sign_batch};
use hattama_batch::format::{AuditHead, BatchProtocol, ElectionRef, LineValue, LogEntry, Payload};
use hattama_batch::keys::{self, KeyId, UnlockedKey};
use hattama_batch::receive::Expect;
use hattama_batch::registry::Registry;
use hattama_print::qr::{self, QrProtocol};
use hattama_protocol::Status;
use hattama_protocol::audit_chain::{self, Link};
use hattama_protocol::check::reports;
use hattama_protocol::{Count, Mode, PrecinctId, Template, Values, builtin};

/// A key pair made from a fixed seed.
pub struct FixtureKey {
    /// The public key, minisign base64 (one line).
    pub public_key: String,
    /// Its key id.
    pub key_id: KeyId,
    /// The secret key, unlocked for signing.
    pub unlocked: UnlockedKey,
}

/// The keys, the registry and the sample batch every target uses.
pub struct Fixture {
    /// The device key of precinct abai/1, valid.
    pub device: FixtureKey,
    /// The device key of precinct abai/2, valid.
    pub neighbour: FixtureKey,
    /// The device key of precinct abai/3, revoked.
    pub revoked: FixtureKey,
    /// The commission key that signs the registry.
    pub commission: FixtureKey,
    /// The registry of the three device keys, as signed (serial 1).
    pub registry: Registry,
    /// The registry file's bytes.
    pub registry_bytes: Vec<u8>,
    /// abai/1's first batch, signed by its device key.
    pub batch: SignedBatch,
}

/// The fixture, made once per process.
pub fn fixture() -> &'static Fixture {
    static FIXTURE: OnceLock<Fixture> = OnceLock::new();
    FIXTURE.get_or_init(|| {
        let device = fixture_key("device abai/1");
        let neighbour = fixture_key("device abai/2");
        let revoked = fixture_key("device abai/3");
        let commission = fixture_key("commission");
        let mut registry = Registry::new(&builtin::demo().definition.id, commission.key_id);
        for (key, number) in [(&device, 1), (&neighbour, 2), (&revoked, 3)] {
            registry
                .add(&key.public_key, precinct(number))
                .expect("three keys of three precincts register");
        }
        registry
            .revoke(revoked.key_id, "laptop stolen")
            .expect("a registered key can be revoked");
        let (registry_bytes, _) = registry
            .sign(&commission.unlocked)
            .expect("the fixture registry signs");
        let batch = sign_batch(&sample_payload(&["majilis-list"]), &device.unlocked)
            .expect("the sample batch signs");
        Fixture {
            device,
            neighbour,
            revoked,
            commission,
            registry,
            registry_bytes,
            batch,
        }
    })
}

/// What the receiver holds a batch to: the demo definition, the built-in templates, test mode.
pub fn expect() -> Expect<'static> {
    Expect {
        definition: builtin::demo(),
        templates: builtin::templates(),
        mode: Mode::Test,
    }
}

/// Precinct `number` of the demo region `abai`.
pub fn precinct(number: u32) -> PrecinctId {
    PrecinctId {
        region: "abai".to_owned(),
        number,
    }
}

/// A key pair derived from `label`: the Ed25519 seed and the minisign key number are BLAKE2b
/// hashes of it, laid out as an unencrypted minisign secret key and unlocked by the batch crate.
pub fn fixture_key(label: &str) -> FixtureKey {
    let seed: [u8; 32] = blake2::Blake2b256::digest(format!("hattama fuzz seed {label}")).into();
    let keynum_hash: [u8; 32] =
        blake2::Blake2b256::digest(format!("hattama fuzz key number {label}")).into();
    let keynum = &keynum_hash[..8];
    let keypair = ed25519_dalek::SigningKey::from_bytes(&seed).to_keypair_bytes();
    let checksum = blake2::Blake2b256::new()
        .chain_update(b"Ed")
        .chain_update(keynum)
        .chain_update(keypair)
        .finalize();
    let mut raw = Vec::with_capacity(158);
    raw.extend_from_slice(b"Ed");
    raw.extend_from_slice(&[0, 0]);
    raw.extend_from_slice(b"B2");
    raw.extend_from_slice(&[0; 48]);
    raw.extend_from_slice(keynum);
    raw.extend_from_slice(&keypair);
    raw.extend_from_slice(&checksum);
    let text = format!(
        "untrusted comment: hattama fuzz fixture key {label}\n{}\n",
        Base64::encode_to_string(&raw).expect("base64 of 158 bytes")
    );
    let unlocked = keys::unlock(&text, None).expect("the fixture key unlocks");
    let public_key = unlocked.public_key();
    let key_id = keys::public_key_id(&public_key).expect("the fixture public key has an id");
    FixtureKey {
        public_key,
        key_id,
        unlocked,
    }
}

/// A protocol of `contest` (a contest of abai/1 in the demo) on which every error check passes:
/// rows 10, 11, 12, …, against all 12, and the fixed lines around them.
pub fn sample_protocol(contest: &str, version: u32) -> BatchProtocol {
    let demo = builtin::demo();
    let contest_def = demo.contest(contest).expect("a demo contest");
    let template = builtin::templates()
        .template(&contest_def.template)
        .expect("the contest's template");
    let n_rows = contest_def.rows.len();
    let rows: Vec<u32> = (10..).take(n_rows).collect();
    let valid: u32 = rows.iter().sum::<u32>() + 12;
    let fixed = |id: &str| match id {
        "L1" => 3000,
        "L2" => 2800,
        "L3" | "L5" => valid + 20,
        "L3a" => 5,
        "L3b" | "L5b" => 10,
        "L4" => 2800 - (valid + 20),
        "L6" => 20,
        "L7" => valid,
        "L9" => 12,
        _ => 0,
    };
    let values = template
        .line_ids(n_rows)
        .into_iter()
        .map(|line| {
            let value = match line.rsplit_once('.') {
                Some((_, k)) => rows[k.parse::<usize>().expect("a row number") - 1],
                None => fixed(&line),
            };
            LineValue { line, value }
        })
        .collect();
    BatchProtocol {
        contest: contest.to_owned(),
        template: contest_def.template.clone(),
        template_version: template.version,
        version,
        repeated_reason: (1 < version).then(|| "recount".to_owned()),
        finalized_at: "2023-03-20T02:10:00+05:00".to_owned(),
        finalized_by: "chair".to_owned(),
        values,
        acknowledged: Vec::new(),
        acts: Vec::new(),
    }
}

/// abai/1's batch number 1 holding a protocol of each of `contests`, with a short audit log
/// vouching for them ([`vouch`]).
pub fn sample_payload(contests: &[&str]) -> Payload {
    let demo = builtin::demo();
    let mut payload = Payload {
        format: hattama_batch::format::FORMAT_NAME.to_owned(),
        version: hattama_batch::format::FORMAT_VERSION,
        election: ElectionRef {
            id: demo.definition.id.clone(),
            definition_hash: demo.hash.clone(),
            mode: demo.definition.mode,
        },
        precinct: precinct(1),
        sequence: 1,
        previous: None,
        audit_head: AuditHead {
            seq: 0,
            hash: audit_chain::hex(&audit_chain::GENESIS),
        },
        app_version: "0.1.0".to_owned(),
        created_at: "2023-03-20T02:15:00+05:00".to_owned(),
        protocols: contests
            .iter()
            .map(|contest| sample_protocol(contest, 1))
            .collect(),
        audit_log: Vec::new(),
    };
    vouch(&mut payload);
    payload
}

/// Rebuilds `payload`'s audit log and head as a precinct's store would have them: a few saved
/// values, one `protocol.finalize` entry per protocol it carries recording that protocol's
/// values, then one `export.signed` entry per earlier batch. So the log hashes as a chain, its
/// head is its last entry, and a later batch's log extends an earlier one's with the same
/// protocols.
pub fn vouch(payload: &mut Payload) {
    let mut entries: Vec<(&str, String)> = (0..3)
        .map(|idx| ("value.save", format!("{{\"n\":{idx}}}")))
        .collect();
    for protocol in &payload.protocols {
        let values: serde_json::Map<String, serde_json::Value> = protocol
            .values
            .iter()
            .map(|value| (value.line.clone(), serde_json::Value::from(value.value)))
            .collect();
        let logged = serde_json::json!({
            "contest": protocol.contest,
            "version": protocol.version,
            "from": "review",
            "to": "final",
            "values": values,
        });
        entries.push((audit_chain::FINALIZE_ACTION, logged.to_string()));
    }
    for sequence in 1..payload.sequence {
        entries.push(("export.signed", format!("{{\"sequence\":{sequence}}}")));
    }
    let mut prev = audit_chain::GENESIS;
    let mut log = Vec::with_capacity(entries.len());
    for (seq, (action, entry_payload)) in (1_i64..).zip(&entries) {
        let at = 1_679_260_000_000 + seq * 1000;
        let user = Some(1);
        prev = audit_chain::link_hash(
            &Link {
                seq,
                at,
                user,
                action,
                payload: entry_payload,
            },
            &prev,
        );
        log.push(LogEntry {
            seq: seq.unsigned_abs(),
            at,
            user,
            action: (*action).to_owned(),
            payload: entry_payload.clone(),
            hash: audit_chain::hex(&prev),
        });
    }
    payload.audit_head = AuditHead {
        seq: log.last().map_or(0, |entry| entry.seq),
        hash: audit_chain::hex(&prev),
    };
    payload.audit_log = log;
}

/// The QR text of abai/1's Majilis list protocol, signed with its device key.
pub fn sample_qr() -> String {
    let demo = builtin::demo();
    let protocol = sample_protocol("majilis-list", 1);
    let data = QrProtocol {
        key_id: fixture().device.key_id.0,
        mode: demo.definition.mode,
        definition_hash: qr::definition_hash_prefix(&demo.hash).expect("a hex hash"),
        election: demo.definition.id.clone(),
        precinct: precinct(1),
        contest: protocol.contest.clone(),
        template: protocol.template.clone(),
        version: 1,
        values: protocol
            .values
            .iter()
            .map(|line| Count::new(line.value).expect("a count"))
            .collect(),
    };
    let message = qr::message(&data).expect("the sample QR message");
    let (_, signature) = fixture()
        .device
        .unlocked
        .sign_raw(&message)
        .expect("the QR message signs");
    qr::encode(&message, &signature)
}

/// Fills every line of a protocol of `template` with `n_rows` rows, line `idx` (paper order)
/// getting `value(idx)`; checks that each line id names its own slot.
pub fn filled(template: &Template, n_rows: usize, value: &dyn Fn(usize) -> Count) -> Values {
    let mut values = Values::new(template, n_rows);
    for (idx, line) in template.line_ids(n_rows).iter().enumerate() {
        let slot = template
            .slot(line, n_rows)
            .expect("every id line_ids gives names a slot");
        assert!(values.get(slot).is_none(), "line {line} shares a slot");
        assert!(
            values.set(slot, Some(value(idx))),
            "line {line} is out of range"
        );
    }
    values
}

/// Checks a protocol and holds the result to what checking promises: one report per rule, in
/// rule order, each naming its rule; with every line filled (`complete`), none is `missing`.
pub fn check_all(template: &Template, values: &Values, complete: bool) {
    let found = reports(template, values);
    assert_eq!(found.len(), template.rules().len(), "one report per rule");
    for (report, rule) in found.iter().zip(template.rules()) {
        assert_eq!(report.code, rule.code.as_str(), "reports in rule order");
        assert!(
            !(complete && report.status == Status::Missing),
            "rule {} is missing a value on a complete protocol",
            report.code
        );
    }
}
