//! Verify + import + tally of the 10,223 national batches by the release `hattama` binary, beside
//! the raw Ed25519 (minisign) verification rate and the audit-chain hashing rate measured in the
//! same run. Prints figures; asserts nothing about time. Each batch carries a whole election
//! night's audit log of a precinct with five protocols (about 190 entries), as a real one does;
//! `HATTAMA_NATIONAL_LOG=least` gives each only the one finalize entry that vouches for it, for
//! comparison.

#![expect(
    clippy::print_stdout,
    reason = "a bench binary reports its figures on stdout"
)]

#[path = "../tests/support/national.rs"]
mod national;

use std::process::Command;
use std::time::Instant;

fn main() {
    // `HATTAMA_NATIONAL_KEEP=DIR` generates into DIR and leaves it there, so `hattama import`
    // can be profiled by hand on the same files.
    let keep = std::env::var_os("HATTAMA_NATIONAL_KEEP").map(std::path::PathBuf::from);
    let dir = keep.clone().unwrap_or_else(|| {
        std::env::temp_dir().join(format!("hattama-national-bench-{}", std::process::id()))
    });
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    let generated = Instant::now();
    let log = match std::env::var("HATTAMA_NATIONAL_LOG").as_deref() {
        Ok("least") => national::Log::Least,
        _ => national::Log::Night,
    };
    let files = national::generate_with(&dir, log);
    println!(
        "generated {} signed batches ({log:?} audit log) in {:.2} s (not counted)",
        national::PRECINCTS,
        generated.elapsed().as_secs_f64()
    );

    // Raw Ed25519 rate: a bare signature over a 64-byte message, verified over and over.
    let pair = hattama_batch::keys::generate_unencrypted("bench").expect("key");
    let key = hattama_batch::keys::unlock(&pair.secret_key, None).expect("unlocked");
    let message = [7_u8; 64];
    let (_, raw) = key.sign_raw(&message).expect("signed");
    let rounds = 20_000_u32;
    let started = Instant::now();
    for _ in 0..rounds {
        assert!(hattama_batch::keys::verify_raw(
            &pair.public_key,
            &message,
            &raw
        ));
    }
    let per_second = f64::from(rounds) / started.elapsed().as_secs_f64();
    println!(
        "raw Ed25519 verify (ed25519-dalek), one core: {per_second:.0} /s ({:.1} µs each)",
        1e6 / per_second
    );
    println!(
        "  => {} signatures need {:.3} s on one core, {:.3} s on 2",
        national::PRECINCTS,
        national::PRECINCTS as f64 / per_second,
        national::PRECINCTS as f64 / per_second / 2.0
    );
    // The same on a real batch file: canonical-form check, BLAKE2b of the payload, two signatures.
    let first = std::fs::read_dir(&files.batches)
        .expect("batches")
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .find(|path| path.extension().is_some_and(|ext| ext == "json"))
        .expect("a batch");
    let payload = std::fs::read(&first).expect("payload");
    let signature =
        std::fs::read_to_string(format!("{}.minisig", first.display())).expect("signature");
    let key_id = hattama_batch::keys::signature_key_id(&signature).expect("key id");
    let registry_text = std::fs::read(files.registry.join("registry.json")).expect("registry");
    let registry: hattama_batch::registry::Registry =
        serde_json::from_slice(&registry_text).expect("registry parses");
    let public_key = registry
        .entry(key_id)
        .expect("registered")
        .public_key
        .clone();
    let started = Instant::now();
    for _ in 0..rounds {
        hattama_batch::keys::verify(&public_key, &payload, &signature).expect("verifies");
    }
    let batch_rate = f64::from(rounds) / started.elapsed().as_secs_f64();
    println!(
        "minisign batch signature verify ({} bytes), one core: {batch_rate:.0} /s",
        payload.len()
    );
    // The carried log's chain recomputed: one SHA-256 link per entry, the receiver's least work
    // on it beyond parsing.
    let parsed: hattama_batch::format::Payload =
        serde_json::from_slice(&payload).expect("the batch parses");
    let log_rounds = 200_u32;
    let started = Instant::now();
    for _ in 0..log_rounds {
        let mut prev = hattama_protocol::audit_chain::GENESIS;
        for (seq, entry) in (1_i64..).zip(&parsed.audit_log) {
            let link = hattama_protocol::audit_chain::Link {
                seq,
                at: entry.at,
                user: entry.user,
                action: &entry.action,
                payload: &entry.payload,
            };
            prev = hattama_protocol::audit_chain::link_hash(&link, &prev);
        }
        std::hint::black_box(prev);
    }
    let log_seconds = started.elapsed().as_secs_f64() / f64::from(log_rounds);
    // A real batch's signature check hashes its whole payload (BLAKE2b) before the two
    // Ed25519 verifications, and the payload grows with the log: the floor takes that rate.
    let floor = national::PRECINCTS as f64 * (1.0 / batch_rate + log_seconds) / 2.0;
    println!(
        "audit chain of one batch ({} entries), one core: {:.1} µs",
        parsed.audit_log.len(),
        log_seconds * 1e6
    );
    println!("  => floor (the batch's minisign check and its chain, 2 cores): {floor:.3} s");

    let hattama = env!("CARGO_BIN_EXE_hattama");
    let db = dir.join("receiver.db");
    let started = Instant::now();
    let import = Command::new(hattama)
        .arg("import")
        .arg(&files.batches)
        .args([
            "--db",
            db.to_str().expect("utf-8"),
            "--registry",
            files.registry.to_str().expect("utf-8"),
        ])
        .args([
            "--definition",
            files.definition.to_str().expect("utf-8"),
            "--mode",
            "live",
            "--quiet",
            "--timings",
        ])
        .output()
        .expect("import runs");
    let import_time = started.elapsed().as_secs_f64();
    print!("{}", String::from_utf8_lossy(&import.stderr));
    assert!(
        import.status.success(),
        "{}",
        String::from_utf8_lossy(&import.stderr)
    );
    let started = Instant::now();
    let tally = Command::new(hattama)
        .args([
            "tally",
            "--db",
            db.to_str().expect("utf-8"),
            "--definition",
            files.definition.to_str().expect("utf-8"),
        ])
        .output()
        .expect("tally runs");
    let tally_time = started.elapsed().as_secs_f64();
    assert!(tally.status.success());
    let json: serde_json::Value = serde_json::from_slice(&tally.stdout).expect("tally JSON");
    let valid = json["tally"]["contests"]["majilis-list"]["totals"]
        .as_array()
        .and_then(|totals| totals.iter().find(|pair| pair[0] == "L7"))
        .and_then(|pair| pair[1].as_u64());
    println!(
        "tallied valid ballots: {valid:?} (published: {})",
        national::VALID
    );
    println!(
        "hattama import (verify + import) of {} batches: {import_time:.3} s",
        national::PRECINCTS
    );
    println!("hattama tally: {tally_time:.3} s");
    println!(
        "verify + import + tally: {:.3} s, {:.2}x the floor of {floor:.3} s (target 1.5x)",
        import_time + tally_time,
        (import_time + tally_time) / floor
    );
    if keep.is_none() {
        let _ = std::fs::remove_dir_all(&dir);
    }
}
