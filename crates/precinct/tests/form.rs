//! The protocol form a screen shows (`hattama_precinct::protocol::form`): the lines in paper
//! order with the contest's rows, and the open entry's values only for the person typing it.

#[path = "../../store/tests/common/mod.rs"]
pub mod common;

use hattama_precinct::protocol;
use hattama_protocol::Count;
use hattama_protocol::check::PaperLine;
use hattama_store::{EntryNo, TypedField};

use common::{NOW, P1, precinct};

/// The values the form offers `who`, line → value, or `None` when it offers none.
fn offered(form: &protocol::Form<'_>) -> Option<Vec<(String, Option<u32>)>> {
    form.open.as_ref().map(|(values, _)| {
        values
            .iter()
            .map(|value| (value.line.clone(), value.value.map(Count::get)))
            .collect()
    })
}

#[test]
fn the_form_shows_each_row_of_the_contest_under_its_block_in_paper_order() {
    let p = precinct();
    let form = protocol::form(&p.store, Some(&p.ana), P1).unwrap();
    let rows = form.contest.rows.len();
    let lines = form.template.paper_lines(rows);
    let row_ids: Vec<&str> = lines
        .iter()
        .filter_map(|line| match line {
            PaperLine::Row { id, .. } => Some(id.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(row_ids.len(), rows);
    assert_eq!(row_ids.first(), Some(&"L8.1"));
    assert_eq!(row_ids.last().copied(), Some(format!("L8.{rows}").as_str()));
    assert_eq!(form.status.contest, P1);
}

#[test]
fn the_open_entry_is_offered_to_the_person_typing_it_and_to_nobody_else() {
    let mut p = precinct();
    // Nothing typed yet: the first entry is open, every line empty.
    let empty = offered(&protocol::form(&p.store, Some(&p.ana), P1).unwrap()).unwrap();
    assert!(empty.iter().all(|(_, value)| value.is_none()), "{empty:?}");
    let typed = TypedField {
        contest: P1,
        entry: EntryNo::First,
        line: "L1",
        raw: "1000",
    };
    protocol::save_value(&mut p.store, &p.ana, &typed, NOW, |_| ()).unwrap();

    let ana = offered(&protocol::form(&p.store, Some(&p.ana), P1).unwrap()).unwrap();
    assert!(ana.contains(&("L1".to_owned(), Some(1000))), "{ana:?}");
    // Bek, who will type the second entry, and nobody signed in see none of Ana's numbers.
    assert_eq!(
        offered(&protocol::form(&p.store, Some(&p.bek), P1).unwrap()),
        None
    );
    assert_eq!(offered(&protocol::form(&p.store, None, P1).unwrap()), None);
}

#[test]
fn a_form_of_a_contest_the_definition_lacks_is_refused() {
    let p = precinct();
    let error = protocol::form(&p.store, Some(&p.ana), "no-such-contest").unwrap_err();
    assert_eq!(error.code(), "store.unknown_contest", "{error}");
}
