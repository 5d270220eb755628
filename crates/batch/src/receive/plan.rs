//! Deciding a whole import as batches come in from the verifying threads: [`ImportPlan`].

use std::borrow::Borrow;
use std::collections::{HashMap, HashSet};

use hattama_protocol::PrecinctId;

use crate::receive::decide::{Decision, Imported, decide};
use crate::receive::verify::VerifiedBatch;

/// Decides what an import of many batches does, taking them as they are verified, in file order,
/// while giving exactly the outcome of taking them in precinct and sequence order (file order
/// among equals). So recording can start before the last batch is verified.
///
/// A batch is decided at once when its precinct's chain reaches up to it. A batch that comes
/// before its predecessor (a gap) waits, and so does every later batch of that precinct, to be
/// decided in precinct and sequence order by [`ImportPlan::finish`]. A precinct's batches decided
/// at once are in file order, each of a sequence the chain has already reached or reaches next,
/// which is the order sorting would give them up to ties that cannot change a decision.
#[derive(Debug)]
pub struct ImportPlan<T> {
    histories: HashMap<PrecinctId, Vec<Imported>>,
    waiting: Vec<T>,
    waiting_precincts: HashSet<PrecinctId>,
}

impl<T: Borrow<VerifiedBatch>> ImportPlan<T> {
    /// A plan over what the receiver has already imported: every precinct's batches.
    pub fn new(histories: HashMap<PrecinctId, Vec<Imported>>) -> Self {
        Self {
            histories,
            waiting: Vec::new(),
            waiting_precincts: HashSet::new(),
        }
    }

    /// Takes the next batch in file order: its decision now, or `None` when it waits.
    pub fn offer(&mut self, item: T) -> Option<(T, Decision)> {
        self.take(item, true)
    }

    /// Decides the batches that waited, in precinct and sequence order (file order among equals).
    pub fn finish(mut self) -> Vec<(T, Decision)> {
        let mut waiting = std::mem::take(&mut self.waiting);
        waiting.sort_by(|a, b| {
            let (a, b) = (a.borrow(), b.borrow());
            (&a.payload.precinct, a.payload.sequence)
                .cmp(&(&b.payload.precinct, b.payload.sequence))
        });
        waiting
            .into_iter()
            .filter_map(|item| self.take(item, false))
            .collect()
    }

    fn take(&mut self, item: T, may_wait: bool) -> Option<(T, Decision)> {
        let batch = item.borrow();
        if may_wait && self.waiting_precincts.contains(&batch.payload.precinct) {
            self.waiting.push(item);
            return None;
        }
        let history = self
            .histories
            .entry(batch.payload.precinct.clone())
            .or_default();
        let decision = decide(batch, history);
        match decision {
            Decision::Gap { .. } if may_wait => {
                self.waiting_precincts
                    .insert(batch.payload.precinct.clone());
                self.waiting.push(item);
                return None;
            }
            Decision::Import => {
                let imported = Imported::of(batch, history);
                history.push(imported);
            }
            _ => {}
        }
        Some((item, decision))
    }
}
