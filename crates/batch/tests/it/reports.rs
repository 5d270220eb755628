//! Tally reports: the CSV has one header and seven fields per line, quoting what needs it; the
//! HTML page escapes every name it prints and shows shares of the valid ballots.

use hattama_batch::report::{csv, html};
use hattama_protocol::tally::Tally;
use hattama_protocol::{Lang, LoadedDefinition, Text, builtin};

/// The demo definition with the first row of `abai-list` renamed to `name`.
fn renamed(name: Text) -> LoadedDefinition {
    let mut definition = builtin::demo().clone();
    let contest = definition
        .definition
        .contests
        .iter_mut()
        .find(|contest| contest.id == "abai-list")
        .unwrap();
    contest.rows[0].name = name;
    definition
}

/// Two protocols of `abai-list`, from two regions.
fn tally() -> Tally {
    let mut tally = Tally::default();
    let lines = |l7: u32, first: u32, second: u32| -> Vec<(String, u32)> {
        vec![
            ("L7".to_owned(), l7),
            ("L8.1".to_owned(), first),
            ("L8.2".to_owned(), second),
            ("L9".to_owned(), l7 - first - second),
        ]
    };
    tally
        .add("abai-list", "P3", "abai", &lines(150, 30, 100))
        .unwrap();
    tally
        .add("abai-list", "P3", "zhetisu", &lines(50, 20, 20))
        .unwrap();
    tally
}

#[test]
fn the_csv_has_a_header_and_seven_fields_per_line() {
    let definition = renamed(Text::new("Бірінші", "Первая", "First"));
    let text = csv(&tally(), &definition, builtin::templates());
    let mut lines = text.lines();
    assert_eq!(
        lines.next(),
        Some("contest,region,line,name_kk,name_ru,name_en,total")
    );
    let rows: Vec<Vec<&str>> = lines.map(|line| line.split(',').collect()).collect();
    // Four lines for the whole contest, then four per region.
    assert_eq!(rows.len(), 12);
    for row in &rows {
        assert_eq!(row.len(), 7, "{row:?}");
        assert_eq!(row[0], "abai-list");
    }
    let regions: Vec<&str> = rows.iter().map(|row| row[1]).collect();
    assert_eq!(regions[..4], ["ALL"; 4]);
    assert_eq!(regions[4..8], ["abai"; 4]);
    assert_eq!(regions[8..], ["zhetisu"; 4]);
    assert_eq!(
        rows[1],
        [
            "abai-list",
            "ALL",
            "L8.1",
            "Бірінші",
            "Первая",
            "First",
            "50"
        ]
    );
    assert_eq!((rows[4][2], rows[4][6]), ("L7", "150"));
    assert_eq!(rows[11][2], "L9");
    assert_eq!(rows[11][6], "10");
    assert!(!rows[0][3].is_empty(), "L7 is named by its template label");
}

#[test]
fn the_csv_quotes_names_with_commas_quotes_or_line_breaks() {
    let definition = renamed(Text::new("a, b", "say \"no\"", "two\nlines"));
    let text = csv(&tally(), &definition, builtin::templates());
    assert!(
        text.contains("abai-list,ALL,L8.1,\"a, b\",\"say \"\"no\"\"\",\"two\nlines\",50\n"),
        "{text}"
    );
}

#[test]
fn the_html_page_escapes_every_name() {
    let definition = renamed(Text::new(
        "<script>alert(1)</script>",
        "Tom & \"Jerry\"",
        "<b>bold</b>",
    ));
    for (lang, raw, escaped) in [
        (
            Lang::Kk,
            "<script>",
            "&lt;script&gt;alert(1)&lt;/script&gt;",
        ),
        (Lang::Ru, "& \"Jerry\"", "Tom &amp; &quot;Jerry&quot;"),
        (Lang::En, "<b>", "&lt;b&gt;bold&lt;/b&gt;"),
    ] {
        let page = html(&tally(), &definition, builtin::templates(), lang);
        assert!(!page.contains(raw), "{raw} unescaped in\n{page}");
        assert!(page.contains(escaped), "{escaped} missing in\n{page}");
        assert!(page.starts_with("<!DOCTYPE html>"));
        assert!(page.contains(&format!("<html lang=\"{}\">", lang.code())));
        assert!(!page.contains("<script"), "no script at all");
    }
}

#[test]
fn the_html_bars_show_shares_of_the_valid_ballots() {
    let definition = renamed(Text::new("First", "First", "First"));
    let page = html(&tally(), &definition, builtin::templates(), Lang::En);
    // 50 of 200 valid ballots, 120 of 200, and 30 against all.
    assert!(
        page.contains("style=\"width:25.0%\"></div><span>50 (25.0 %)</span>"),
        "{page}"
    );
    assert!(page.contains("width:60.0%"), "{page}");
    assert!(page.contains("<span>30 (15.0 %)</span>"), "{page}");
    assert!(page.contains("<p>2 protocols</p>"), "{page}");
    assert!(page.contains("<tr><td>L8.1 First</td><td>50</td><td>30</td><td>20</td></tr>"));
    // No valid ballots: shares are zero, not a division by zero.
    let mut empty = Tally::default();
    empty
        .add(
            "abai-list",
            "P3",
            "abai",
            &[("L7".to_owned(), 0), ("L8.1".to_owned(), 0)],
        )
        .unwrap();
    let page = html(&empty, &definition, builtin::templates(), Lang::En);
    assert!(page.contains("<span>0 (0.0 %)</span>"), "{page}");
}
