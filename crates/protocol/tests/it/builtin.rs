//! The built-in template set and demo definition load and have the shape domain.md describes.

use hattama_protocol::builtin;
use hattama_protocol::template::{LineKind, RegionKind, RowSource};

#[test]
fn builtin_templates_load() {
    let set = builtin::templates();
    let ids: Vec<&str> = set.templates().iter().map(|t| t.id.as_str()).collect();
    assert_eq!(ids, ["P1", "P2", "P3", "P4", "P5"]);
    for template in set.templates() {
        let lines: Vec<&str> = template.lines().iter().map(|l| l.id.as_str()).collect();
        assert_eq!(
            lines,
            [
                "L1", "L2", "L3", "L3a", "L3b", "L4", "L5", "L5b", "L6", "L7", "L8", "L9"
            ]
        );
        assert_eq!(template.block().kind, LineKind::Rows);
        let codes: Vec<&str> = template.rules().iter().map(|r| r.code.as_str()).collect();
        assert_eq!(
            codes,
            [
                "E01", "E02", "E03", "E04", "E05", "E06", "W01", "W02", "W03", "W04", "W05", "W07"
            ]
        );
    }
    assert_eq!(set.template("P1").unwrap().rows_from, RowSource::Parties);
    assert_eq!(set.template("P2").unwrap().rows_from, RowSource::Candidates);
    assert_eq!(
        set.template("P2").unwrap().block().label.en,
        "Votes for each candidate"
    );
    assert_eq!(
        set.template("P5").unwrap().region_kinds,
        [RegionKind::Oblast]
    );
    let precinct: Vec<&str> = set
        .precinct_rules()
        .iter()
        .map(|r| r.rule().code.as_str())
        .collect();
    assert_eq!(precinct, ["W06"]);
}

#[test]
fn builtin_demo_loads() {
    let demo = builtin::demo();
    let definition = &demo.definition;
    assert!(definition.demo);
    assert_eq!(definition.regions.len(), 20);
    assert!(200 <= definition.precincts.len(), "a few hundred precincts");
    let majilis = demo.contest("majilis-list").unwrap();
    let parties: Vec<&str> = majilis.rows.iter().map(|r| r.name.en.as_str()).collect();
    assert_eq!(
        parties,
        [
            "AMANAT",
            "Auyl",
            "Respublica",
            "People's Party of Kazakhstan",
            "Baytaq",
            "Ak Zhol",
            "Nationwide Social Democratic Party"
        ]
    );
    let smds = definition
        .contests
        .iter()
        .filter(|c| c.template == "P2")
        .count();
    assert_eq!(smds, 29);
    for contest in definition
        .contests
        .iter()
        .filter(|c| c.template != "P1" && c.template != "P3")
    {
        assert!(
            contest.rows.iter().all(|row| row.invented),
            "{} has a candidate not marked invented",
            contest.id
        );
    }
    let most = definition
        .contests
        .iter()
        .map(|c| c.rows.len())
        .max()
        .unwrap();
    assert!(
        (42..=50).contains(&most),
        "the largest district has {most} rows"
    );
    for precinct in &definition.precincts {
        let kind = demo.region(&precinct.region).unwrap().kind;
        let expected = if kind == RegionKind::City { 4 } else { 5 };
        assert_eq!(
            precinct.contests.len(),
            expected,
            "precinct {}/{}",
            precinct.region,
            precinct.number
        );
    }
    assert_eq!(demo.hash.len(), 64);
    assert_eq!(
        demo.hash,
        hattama_protocol::definition::sha256_hex(builtin::DEMO_JSON)
    );
}

/// The statuses of every check of P1 on `lines`, typed into a demo precinct's P1.
fn p1_statuses(lines: &[(&str, u32)]) -> Vec<(String, hattama_protocol::Status)> {
    let p1 = builtin::templates().template("P1").unwrap();
    let parties = builtin::demo()
        .definition
        .contests
        .iter()
        .find(|contest| contest.id == "majilis-list")
        .unwrap()
        .rows
        .len();
    let mut values = hattama_protocol::Values::new(p1, parties);
    for (line, value) in lines {
        let slot = p1.slot(line, parties).unwrap();
        values.set(slot, Some(hattama_protocol::Count::new(*value).unwrap()));
    }
    hattama_protocol::check::reports(p1, &values)
        .into_iter()
        .map(|report| (report.code.to_string(), report.status))
        .collect()
}

#[test]
fn the_demo_clean_p1_passes_every_check() {
    for (code, status) in p1_statuses(builtin::DEMO_CLEAN_P1) {
        assert_eq!(
            status,
            hattama_protocol::Status::Pass,
            "{code} on the clean P1"
        );
    }
}

#[test]
fn the_demo_w05_p1_fails_w05_only() {
    let statuses = p1_statuses(builtin::DEMO_W05_P1);
    assert!(statuses.iter().any(|(code, _)| code == "W05"));
    for (code, status) in statuses {
        let expected = if code == "W05" {
            hattama_protocol::Status::Fail
        } else {
            hattama_protocol::Status::Pass
        };
        assert_eq!(status, expected, "{code} on the W05 P1");
    }
}
