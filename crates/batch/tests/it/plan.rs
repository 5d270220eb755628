//! `ImportPlan` takes batches in file order as they are verified, yet must decide every batch
//! exactly as taking them all in precinct and sequence order would (file order among equals).

use std::borrow::Borrow;
use std::collections::HashMap;

use hattama_batch::keys::KeyId;
use hattama_batch::receive::{Decision, ImportPlan, Imported, VerifiedBatch, decide};
use proptest::prelude::*;

use crate::sample;

struct Item {
    position: usize,
    batch: VerifiedBatch,
}

impl Borrow<VerifiedBatch> for Item {
    fn borrow(&self) -> &VerifiedBatch {
        &self.batch
    }
}

/// A batch of precinct 1 or 2 with a small sequence, a `previous` naming some hash (or none),
/// and a hash drawn from a small pool, so chains, gaps, replays and conflicts all occur.
fn batch((precinct, sequence, previous, hash): (u32, u64, usize, usize)) -> VerifiedBatch {
    let mut payload = sample::payload(sequence, None);
    payload.precinct = sample::precinct(precinct);
    payload.previous = (previous > 0).then(|| format!("h{}", previous - 1));
    VerifiedBatch {
        payload,
        hash: format!("h{hash}"),
        key_id: KeyId::parse("00112233aabbccdd").unwrap(),
    }
}

/// The reference: sort stably by precinct and sequence, then decide one by one.
fn sorted_decisions(
    batches: &[VerifiedBatch],
    mut histories: HashMap<hattama_protocol::PrecinctId, Vec<Imported>>,
) -> Vec<Decision> {
    let mut order: Vec<usize> = (0..batches.len()).collect();
    order.sort_by(|&a, &b| {
        let (a, b) = (&batches[a].payload, &batches[b].payload);
        (&a.precinct, a.sequence).cmp(&(&b.precinct, b.sequence))
    });
    let mut out = vec![Decision::ChainBroken; batches.len()];
    for position in order {
        let batch = &batches[position];
        let history = histories.entry(batch.payload.precinct.clone()).or_default();
        let decision = decide(batch, history);
        if decision == Decision::Import {
            let imported = Imported::of(batch, history);
            history.push(imported);
        }
        out[position] = decision;
    }
    out
}

fn earlier_imports() -> HashMap<hattama_protocol::PrecinctId, Vec<Imported>> {
    // Precinct 2 already has its batch 1 (hash h0); precinct 1 has nothing yet.
    HashMap::from([(
        sample::precinct(2),
        vec![Imported {
            sequence: 1,
            hash: "h0".into(),
            audit_head: hattama_batch::format::AuditHead {
                seq: 0,
                hash: "00".repeat(32),
            },
            protocols: Vec::new(),
        }],
    )])
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2_000))]

    #[test]
    fn an_import_plan_decides_as_sorting_would(
        raw in prop::collection::vec((1_u32..=2, 1_u64..=4, 0_usize..=8, 0_usize..=7), 0..12)
    ) {
        let batches: Vec<VerifiedBatch> = raw.into_iter().map(batch).collect();
        let expected = sorted_decisions(&batches, earlier_imports());
        let mut plan = ImportPlan::new(earlier_imports());
        let mut decided = vec![None; batches.len()];
        for (position, batch) in batches.iter().enumerate() {
            if let Some((item, decision)) = plan.offer(Item { position, batch: batch.clone() }) {
                decided[item.position] = Some(decision);
            }
        }
        for (item, decision) in plan.finish() {
            prop_assert!(decided[item.position].is_none(), "decided twice");
            decided[item.position] = Some(decision);
        }
        let decided: Vec<Decision> = decided.into_iter().map(|d| d.expect("every batch decided")).collect();
        prop_assert_eq!(decided, expected);
    }
}

#[test]
fn a_batch_before_its_predecessor_waits_for_the_end_with_its_precinct() {
    let second = batch((1, 2, 1, 1));
    let first = batch((1, 1, 0, 0));
    let elsewhere = batch((2, 2, 1, 5));
    let mut plan = ImportPlan::new(earlier_imports());
    assert!(
        plan.offer(Item {
            position: 0,
            batch: second
        })
        .is_none()
    );
    assert!(
        plan.offer(Item {
            position: 1,
            batch: first
        })
        .is_none()
    );
    let (item, decision) = plan
        .offer(Item {
            position: 2,
            batch: elsewhere,
        })
        .unwrap();
    assert_eq!((item.position, decision), (2, Decision::Import));
    let rest: Vec<_> = plan
        .finish()
        .into_iter()
        .map(|(item, decision)| (item.position, decision))
        .collect();
    assert_eq!(rest, vec![(1, Decision::Import), (0, Decision::Import)]);
}
