//! Checking a protocol does not allocate: the heap is counted (dhat) around a thousand checks of
//! a 50-row protocol and of every edit of its fields. A test binary of its own, because the
//! counting allocator serves the whole process; `harness = false` keeps test threads out.

#![expect(clippy::unwrap_used, reason = "test code: a panic is a failed test")]
#![expect(
    clippy::print_stdout,
    reason = "the plain harness reports its result on stdout"
)]

use hattama_protocol::check::check;
use hattama_protocol::{Count, Outcome, Values, builtin};

#[global_allocator]
static ALLOC: dhat::Alloc = dhat::Alloc;

fn main() {
    let p2 = builtin::templates().template("P2").unwrap();
    let n_rows = 50;
    let ids = p2.line_ids(n_rows);
    let slots: Vec<_> = ids.iter().map(|id| p2.slot(id, n_rows).unwrap()).collect();
    let mut values = Values::new(p2, n_rows);
    for (idx, slot) in slots.iter().enumerate() {
        values.set(*slot, Count::new(u32::try_from(idx).unwrap() * 11));
    }

    let _profiler = dhat::Profiler::builder().testing().build();
    let before = dhat::HeapStats::get();
    let mut failing = 0_usize;
    for round in 0..1000_u32 {
        let slot = slots[usize::try_from(round).unwrap() % slots.len()];
        values.set(slot, Count::new(round));
        failing += check(p2, &values)
            .filter(|finding| !matches!(finding.outcome, Outcome::Pass))
            .count();
    }
    let after = dhat::HeapStats::get();
    let allocated = after.total_blocks - before.total_blocks;
    assert!(
        0 < failing,
        "the edits make some rules fail, so failures are evaluated too"
    );
    assert_eq!(allocated, 0, "checking allocated {allocated} blocks");
    println!("test evaluation_does_not_allocate ... ok");
    println!("1 passed, 0 failed");
}
