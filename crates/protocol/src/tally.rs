//! Tallying: adding up the final protocols of many precincts, per contest and per region.
//!
//! Sums are `u64` with checked addition (10,223 precincts × 9,999,999 fits with room to spare, but
//! an overflow would be reported, never wrapped). Line order follows the first protocol added for a
//! contest, which is the template's paper order.

use std::collections::BTreeMap;

use serde::Serialize;

/// Totals of one contest, overall and per region.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct ContestTally {
    /// The contest's template.
    pub template: String,
    /// How many protocols were added.
    pub protocols: u64,
    /// Line id → total, in paper order.
    pub totals: Vec<(String, u64)>,
    /// Region id → (protocols, line totals in paper order).
    pub regions: BTreeMap<String, RegionTally>,
}

/// Totals of one contest in one region.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct RegionTally {
    /// How many protocols were added.
    pub protocols: u64,
    /// Line id → total, in paper order.
    pub totals: Vec<(String, u64)>,
}

/// The totals of every contest.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Tally {
    /// Contest id → totals.
    pub contests: BTreeMap<String, ContestTally>,
}

/// A sum went past `u64`: impossible with valid counts, reported rather than wrapped.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("the total of line {line} of contest {contest} overflows")]
pub struct TallyOverflow {
    /// The contest.
    pub contest: String,
    /// The line.
    pub line: String,
}

impl Tally {
    /// Adds one final protocol of `contest` (template `template`) from a precinct of `region`.
    pub fn add(
        &mut self,
        contest: &str,
        template: &str,
        region: &str,
        values: &[(String, u32)],
    ) -> Result<(), TallyOverflow> {
        let entry = self.contests.entry(contest.to_owned()).or_default();
        if entry.template.is_empty() {
            entry.template = template.to_owned();
        }
        entry.protocols += 1;
        add_lines(&mut entry.totals, contest, values)?;
        let region_entry = entry.regions.entry(region.to_owned()).or_default();
        region_entry.protocols += 1;
        add_lines(&mut region_entry.totals, contest, values)
    }

    /// The total of `line` in `contest`, if any protocol had it.
    pub fn total(&self, contest: &str, line: &str) -> Option<u64> {
        let totals = &self.contests.get(contest)?.totals;
        totals
            .iter()
            .find(|(id, _)| id == line)
            .map(|(_, total)| *total)
    }
}

fn add_lines(
    totals: &mut Vec<(String, u64)>,
    contest: &str,
    values: &[(String, u32)],
) -> Result<(), TallyOverflow> {
    for (line, value) in values {
        let slot = match totals.iter().position(|(id, _)| id == line) {
            Some(idx) => &mut totals[idx].1,
            None => {
                totals.push((line.clone(), 0));
                let last = totals.len() - 1;
                &mut totals[last].1
            }
        };
        *slot = slot
            .checked_add(u64::from(*value))
            .ok_or_else(|| TallyOverflow {
                contest: contest.to_owned(),
                line: line.clone(),
            })?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(pairs: &[(&str, u32)]) -> Vec<(String, u32)> {
        pairs.iter().map(|(id, v)| ((*id).to_owned(), *v)).collect()
    }

    #[test]
    fn adds_per_contest_and_region_in_paper_order() {
        let mut tally = Tally::default();
        tally
            .add(
                "majilis-list",
                "P1",
                "abai",
                &lines(&[("L7", 10), ("L8.1", 6), ("L9", 4)]),
            )
            .unwrap();
        tally
            .add(
                "majilis-list",
                "P1",
                "abai",
                &lines(&[("L7", 5), ("L8.1", 5), ("L9", 0)]),
            )
            .unwrap();
        tally
            .add(
                "majilis-list",
                "P1",
                "astana",
                &lines(&[("L7", 1), ("L8.1", 1), ("L9", 0)]),
            )
            .unwrap();
        let contest = &tally.contests["majilis-list"];
        assert_eq!(contest.protocols, 3);
        assert_eq!(
            contest.totals,
            [
                ("L7".to_owned(), 16),
                ("L8.1".to_owned(), 12),
                ("L9".to_owned(), 4)
            ]
        );
        assert_eq!(contest.regions["abai"].totals[0], ("L7".to_owned(), 15));
        assert_eq!(contest.regions["astana"].protocols, 1);
        assert_eq!(tally.total("majilis-list", "L8.1"), Some(12));
        assert_eq!(tally.total("majilis-list", "L99"), None);
    }
}
