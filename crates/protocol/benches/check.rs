//! Checks a 50-row single-member-district protocol (P2) against every rule; target < 5 µs.
//!
//! Also measures one keystroke's work as the app does it: set one value, re-check everything.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use hattama_protocol::check::{check, reports};
use hattama_protocol::{Count, Values, builtin};

fn protocol() -> (&'static hattama_protocol::Template, Values) {
    let p2 = builtin::templates().template("P2").expect("P2 is built in");
    let n_rows = 50;
    let mut values = Values::new(p2, n_rows);
    let mut set = |id: &str, value: u32| {
        let slot = p2.slot(id, n_rows).expect("line exists");
        values.set(slot, Count::new(value));
    };
    let mut valid = 0;
    for k in 1..=n_rows {
        let votes = u32::try_from(k * 7).expect("small");
        valid += votes;
        set(&format!("L8.{k}"), votes);
    }
    set("L9", 40);
    valid += 40;
    for (id, value) in [
        ("L1", 12_000),
        ("L2", 11_000),
        ("L3", 9_800),
        ("L3a", 30),
        ("L3b", 200),
        ("L4", 1_200),
    ] {
        set(id, value);
    }
    set("L6", 150);
    set("L7", valid);
    set("L5", valid + 150);
    set("L5b", 180);
    (p2, values)
}

fn bench(c: &mut Criterion) {
    let (p2, values) = protocol();
    assert!(
        !hattama_protocol::check::has_errors(p2, &values),
        "the bench protocol is consistent"
    );
    c.bench_function("check_50_row_smd_all_rules", |b| {
        b.iter(|| {
            let mut failing = 0;
            for finding in check(black_box(p2), black_box(&values)) {
                if !matches!(finding.outcome, hattama_protocol::Outcome::Pass) {
                    failing += 1;
                }
            }
            failing
        });
    });
    c.bench_function("check_50_row_smd_reports", |b| {
        b.iter(|| reports(black_box(p2), black_box(&values)));
    });
    let mut edited = values.clone();
    let slot = p2.slot("L8.17", 50).expect("row 17");
    c.bench_function("keystroke_set_and_check", |b| {
        let mut n = 0_u32;
        b.iter(|| {
            n = (n + 1) % 1000;
            edited.set(slot, Count::new(n));
            check(p2, &edited)
                .filter(|f| !matches!(f.outcome, hattama_protocol::Outcome::Pass))
                .count()
        });
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
