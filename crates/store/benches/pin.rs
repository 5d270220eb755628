//! What one PIN guess costs: Argon2id with the store's parameters (`users::PIN_COST`), hashing
//! and verifying, on this machine.
//!
//! `cargo bench -p hattama-store --bench pin` prints the median and the slowest of
//! `HATTAMA_BENCH_N` verifications (default 9), and what searching every 6-digit PIN would
//! take on one core. Figures are printed, never asserted.

use std::io::Write;
use std::time::{Duration, Instant};

use hattama_store::users;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let samples: usize = std::env::var("HATTAMA_BENCH_N")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(9);
    let cost = users::PIN_COST;
    let started = Instant::now();
    let phc = users::hash_pin("590417", cost)?;
    let hashing = started.elapsed();
    let mut times: Vec<Duration> = Vec::with_capacity(samples);
    for idx in 0..samples {
        let guess = if idx % 2 == 0 { "590417" } else { "268135" };
        let started = Instant::now();
        let matched = users::pin_matches(&phc, guess);
        times.push(started.elapsed());
        assert_eq!(matched, idx % 2 == 0, "the bench's PINs");
    }
    times.sort_unstable();
    let median = times[times.len() / 2];
    let slowest = times[times.len() - 1];
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "argon2id m={} MiB t={} p={}: hash {:.3} s; verify median {:.3} s, slowest {:.3} s over {samples}",
        cost.memory_kib / 1024,
        cost.passes,
        cost.lanes,
        hashing.as_secs_f64(),
        median.as_secs_f64(),
        slowest.as_secs_f64(),
    )?;
    writeln!(
        out,
        "searching all 10^6 six-digit PINs from a stolen hash: about {:.1} days on one core",
        median.as_secs_f64() * 1e6 / 86_400.0
    )?;
    Ok(())
}
