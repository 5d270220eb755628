//! Writes the seed corpora: `seeds DIR` fills `DIR/<target>/` with real inputs, made from the
//! repository's own files and with the crates' own writers, so the seeds follow every format
//! change: the built-in template set (whole, and cut down to one template with short texts), the
//! demo definition cut down to a region, protocol inputs of the demo's clean and W05 protocols
//! and typed values, batches of abai/1 signed as the precinct signs them, the genuine signature
//! file, the fixture registry and a signed protocol QR text. `cargo xtask fuzz` runs it first.

use std::path::Path;

use hattama_fuzz::{fixture, sample_payload, sample_qr};
use hattama_protocol::builtin;

fn main() {
    let Some(dir) = std::env::args_os().nth(1) else {
        eprintln!("usage: seeds DIR");
        std::process::exit(2);
    };
    let dir = Path::new(&dir);
    let mut written = 0;
    let mut write = |target: &str, name: &str, bytes: &[u8]| {
        let folder = dir.join(target);
        std::fs::create_dir_all(&folder).expect("a corpus folder");
        std::fs::write(folder.join(name), bytes).expect("a seed file");
        written += 1;
    };

    // Templates.
    write(
        "template",
        "results-2023.toml",
        builtin::TEMPLATES_TOML.as_bytes(),
    );
    for (name, text) in small_template_sets() {
        write("template", &name, text.as_bytes());
    }

    // Definitions: the demo with one region and its first precincts (the whole file is 440 kB,
    // far past what a fuzzer mutates usefully).
    for (region, precincts) in [("abai", 2), ("astana", 1)] {
        let mut definition = builtin::demo().definition.clone();
        definition.regions.retain(|r| r.id == region);
        definition
            .precincts
            .retain(|p| p.region == region && p.number <= precincts);
        let held: Vec<String> = definition
            .precincts
            .iter()
            .flat_map(|p| p.contests.clone())
            .collect();
        definition.contests.retain(|c| held.contains(&c.id));
        let bytes = serde_json::to_vec_pretty(&definition).expect("a definition serializes");
        hattama_protocol::definition::load_definition(&bytes, builtin::templates())
            .expect("the cut-down demo loads");
        write("definition", &format!("demo-{region}.json"), &bytes);
    }

    // Protocol inputs: `hattama check` files (mode byte 0) and typed fields (mode byte 1).
    for (name, lines) in [
        ("clean", builtin::DEMO_CLEAN_P1),
        ("w05", builtin::DEMO_W05_P1),
    ] {
        let values: serde_json::Map<String, serde_json::Value> = lines
            .iter()
            .enumerate()
            .map(|(idx, (line, value))| {
                // Every other value as the digits a clerk typed, as the format allows.
                let value = if idx % 2 == 0 {
                    serde_json::Value::from(*value)
                } else {
                    serde_json::Value::from(value.to_string())
                };
                ((*line).to_owned(), value)
            })
            .collect();
        let input = serde_json::json!({
            "definition": "demo",
            "contest": "majilis-list",
            "values": values,
        });
        let mut bytes = vec![0];
        bytes.extend(serde_json::to_vec(&input).expect("JSON"));
        write("protocol_input", &format!("{name}.json"), &bytes);
    }
    for (name, typed) in [
        ("l1", "L1\n1000"),
        ("row", "L8.7\n 0042 "),
        ("max", "L9\n9999999"),
        ("negative", "L3a\n-5"),
    ] {
        let mut bytes = vec![1];
        bytes.extend_from_slice(typed.as_bytes());
        write("protocol_input", &format!("typed-{name}"), &bytes);
    }

    // Batches: payload bytes as the precinct encodes them (the target signs them itself).
    let fixture = fixture();
    write("batch_payload", "majilis-list.json", &fixture.batch.payload);
    let precinct = builtin::demo()
        .precinct(&hattama_fuzz::precinct(1))
        .expect("abai/1 is in the demo");
    let contests: Vec<&str> = precinct.contests.iter().map(String::as_str).collect();
    let all = hattama_batch::format::encode(&sample_payload(&contests));
    write("batch_payload", "all-contests.json", &all);
    let mut repeated = sample_payload(&["abai-list"]);
    repeated.sequence = 2;
    repeated.previous = Some(fixture.batch.hash.clone());
    let mut second = hattama_fuzz::sample_protocol("abai-list", 2);
    second
        .acknowledged
        .push(hattama_batch::format::Acknowledged {
            code: "W05".to_owned(),
            by: "chair".to_owned(),
            at: "2023-03-20T03:00:00+05:00".to_owned(),
        });
    repeated.protocols.push(second);
    hattama_fuzz::vouch(&mut repeated);
    let repeated = hattama_batch::format::encode(&repeated);
    write("batch_payload", "repeated.json", &repeated);
    // A payload with an empty log (head #0, the genesis hash): it decodes and its log checks,
    // though no finalize entry vouches for its protocol, so an import would hold it.
    let mut bare = sample_payload(&["majilis-list"]);
    bare.audit_log.clear();
    bare.audit_head.seq = 0;
    bare.audit_head.hash = "0".repeat(64);
    let bare = hattama_batch::format::encode(&bare);
    write("batch_payload", "empty-log.json", &bare);
    for bytes in [&fixture.batch.payload, &all, &repeated, &bare] {
        let signature = fixture
            .device
            .unlocked
            .sign(
                bytes,
                &hattama_batch::format::trusted_comment(
                    &hattama_batch::format::decode(bytes).expect("a seed decodes"),
                    bytes,
                ),
            )
            .expect("the fixture key signs");
        hattama_batch::receive::verify_batch(
            bytes,
            &signature,
            &fixture.registry,
            &hattama_fuzz::expect(),
        )
        .expect("a seed batch is accepted");
    }

    // Signature files: the genuine one, and one over another payload.
    write(
        "batch_signature",
        "genuine.minisig",
        fixture.batch.signature.as_bytes(),
    );
    let other = fixture
        .device
        .unlocked
        .sign(
            &all,
            "hattama-batch v2 precinct=abai/1 seq=1 size=0 sha256=0",
        )
        .expect("the fixture key signs");
    write("batch_signature", "other.minisig", other.as_bytes());
    write(
        "batch_signature",
        "public-key.pub",
        format!(
            "untrusted comment: minisign public key\n{}\n",
            fixture.device.public_key
        )
        .as_bytes(),
    );

    // The registry (mode byte 0: signed under its own trusted comment).
    let mut registry = vec![0];
    registry.extend_from_slice(&fixture.registry_bytes);
    write("registry", "registry.json", &registry);

    // The QR text, with the real signature check (0) and with the accepting one (1).
    let qr = sample_qr();
    for mode in [0_u8, 1] {
        let mut bytes = vec![mode];
        bytes.extend_from_slice(qr.as_bytes());
        write("qr_text", &format!("majilis-list-{mode}"), &bytes);
    }

    eprintln!("wrote {written} seeds under {}", dir.display());
}

/// The built-in set cut down, through its own TOML: one template with its rules and no
/// precinct rules, and the whole set with every text one short word, both small enough to mutate
/// quickly.
fn small_template_sets() -> Vec<(String, String)> {
    let full: toml::Table =
        toml::from_str(builtin::TEMPLATES_TOML).expect("the built-in templates are TOML");
    let mut one = full.clone();
    if let Some(toml::Value::Array(templates)) = one.get_mut("templates") {
        templates.truncate(1);
    }
    one.remove("precinct_rules");
    let mut short = full;
    shorten_texts(&mut short);
    let mut short_one = one.clone();
    shorten_texts(&mut short_one);
    [
        ("p1.toml", one),
        ("short.toml", short),
        ("short-p1.toml", short_one),
    ]
    .into_iter()
    .map(|(name, table)| {
        let text = toml::to_string(&table).expect("a TOML table writes");
        hattama_protocol::TemplateSet::from_toml(name, &text)
            .expect("a cut-down template set loads");
        (name.to_owned(), text)
    })
    .collect()
}

/// Replaces every kk/ru/en text with a short one, keeping the placeholders a message needs.
fn shorten_texts(table: &mut toml::Table) {
    for (_, value) in table.iter_mut() {
        match value {
            toml::Value::Table(inner) if inner.contains_key("kk") => {
                let placeholders: String = inner
                    .get("en")
                    .and_then(toml::Value::as_str)
                    .map(|en| {
                        en.split('{')
                            .skip(1)
                            .filter_map(|part| part.split_once('}'))
                            .map(|(name, _)| format!(" {{{name}}}"))
                            .collect()
                    })
                    .unwrap_or_default();
                for lang in ["kk", "ru", "en"] {
                    inner.insert(
                        lang.to_owned(),
                        toml::Value::String(format!("{lang}{placeholders}")),
                    );
                }
            }
            toml::Value::Table(inner) => shorten_texts(inner),
            toml::Value::Array(items) => {
                for item in items.iter_mut() {
                    if let toml::Value::Table(inner) = item {
                        shorten_texts(inner);
                    }
                }
            }
            _ => {}
        }
    }
}
