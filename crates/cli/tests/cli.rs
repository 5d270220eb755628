//! The `hattama` binary as a user runs it: exit codes, JSON on stdout, messages on stderr.

#![expect(
    clippy::unwrap_used,
    reason = "test helpers unwrap: a panic there is a failed test"
)]

#[path = "support/binary.rs"]
mod binary;

use std::process::Output;

const GOOD: &str = r#""L1": 1000, "L2": 800, "L3": 700, "L3a": 10, "L3b": 20, "L4": 100, "L5": 700, "L5b": 20,
"L6": 14, "L7": 686, "L8.1": 300, "L8.2": 100, "L8.3": 100, "L8.4": 50, "L8.5": 50, "L8.6": 50, "L8.7": 0, "L9": 36"#;

fn hattama(args: &[&str], stdin: &str) -> Output {
    binary::output_with_stdin(binary::command().args(args), stdin.as_bytes())
}

fn protocol(values: &str) -> String {
    format!(r#"{{"definition": "demo", "contest": "majilis-list", "values": {{{values}}}}}"#)
}

fn stdout_json(output: &Output) -> serde_json::Value {
    serde_json::from_slice(&output.stdout).unwrap()
}

fn stderr(output: &Output) -> String {
    String::from_utf8(output.stderr.clone()).unwrap()
}

#[test]
fn a_clean_protocol_exits_0() {
    let output = hattama(&["check", "-"], &protocol(GOOD));
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let json = stdout_json(&output);
    assert_eq!(json["errors"], 0);
    assert_eq!(json["warnings"], 0);
    assert_eq!(json["findings"].as_array().unwrap().len(), 12);
    assert_eq!(json["findings"][0]["code"], "E01");
    assert_eq!(json["findings"][0]["status"], "pass");
}

#[test]
fn a_protocol_with_an_error_exits_1_and_shows_both_sides() {
    let output = hattama(
        &["check", "--lang", "ru"],
        &protocol(&GOOD.replace("\"L9\": 36", "\"L9\": 37")),
    );
    assert_eq!(output.status.code(), Some(1));
    let json = stdout_json(&output);
    assert_eq!(json["errors"], 1);
    let e05 = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["code"] == "E05")
        .unwrap();
    assert_eq!(e05["status"], "fail");
    assert_eq!(e05["entered"], 686);
    assert_eq!(e05["expected"], 687);
    assert_eq!(e05["lines"][0], "L7");
    assert_eq!(
        e05["lines"].as_array().unwrap().len(),
        9,
        "L7, the seven rows and L9"
    );
    assert!(
        stderr(&output).contains("E05 error: Действительные бюллетени"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn warnings_alone_exit_0() {
    let output = hattama(
        &["check"],
        &protocol(
            &GOOD
                .replace("\"L2\": 800", "\"L2\": 1200")
                .replace("\"L4\": 100", "\"L4\": 500"),
        ),
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(
        stdout_json(&output)["warnings"],
        1,
        "W04: 1200 received for 1000 voters"
    );
}

#[test]
fn each_kind_of_bad_input_exits_2_with_its_message() {
    let cases = [
        (
            GOOD.replace("\"L6\": 14", "\"L6\": \"14a\""),
            "line L6: Only digits are allowed",
            "input.not_a_number",
        ),
        (
            GOOD.replace("\"L4\": 100", "\"L4\": -100"),
            "line L4: A count cannot be negative",
            "input.negative",
        ),
        (
            GOOD.replace("\"L1\": 1000", "\"L1\": 10000000"),
            "line L1: Above 9,999,999",
            "input.too_large",
        ),
        (
            format!("{GOOD}, \"L10\": 5"),
            "line L10: The protocol has no such line",
            "input.unknown_line",
        ),
        (
            GOOD.replace("\"L5b\": 20,", ""),
            "line L5b: The line has no value",
            "input.missing",
        ),
    ];
    for (values, message, code) in cases {
        let output = hattama(&["check", "-"], &protocol(&values));
        assert_eq!(output.status.code(), Some(2), "{message}");
        assert!(
            stderr(&output).contains(message),
            "{message} not in {}",
            stderr(&output)
        );
        assert_eq!(stdout_json(&output)["input_errors"][0]["code"], code);
    }
    let kazakh = hattama(
        &["check", "--lang", "kk"],
        &protocol(&GOOD.replace("\"L4\": 100", "\"L4\": -1")),
    );
    assert!(stderr(&kazakh).contains("Сан теріс бола алмайды"));
}

#[test]
fn malformed_files_exit_2_with_a_clear_message() {
    let cases = [
        ("not json", "not a protocol input file"),
        (
            r#"{"definition": "demo", "contest": "nowhere", "values": {}}"#,
            "the definition has no contest `nowhere`",
        ),
        (
            r#"{"definition": "/nonexistent/def.json", "contest": "x", "values": {}}"#,
            "cannot read definition file",
        ),
    ];
    for (input, message) in cases {
        let output = hattama(&["check"], input);
        assert_eq!(output.status.code(), Some(2));
        assert!(
            stderr(&output).contains(message),
            "{message} not in {}",
            stderr(&output)
        );
    }
    let output = hattama(&["check", "--lang", "xx"], "");
    assert_eq!(output.status.code(), Some(2));
}

#[test]
fn templates_lists_every_rule() {
    let output = hattama(&["templates"], "");
    assert_eq!(output.status.code(), Some(0));
    let text = String::from_utf8(output.stdout).unwrap();
    for code in ["E01", "E06", "W01", "W05", "W06", "W07"] {
        assert!(text.contains(code), "{code}");
    }
    let json: serde_json::Value =
        serde_json::from_slice(&hattama(&["templates", "--json"], "").stdout).unwrap();
    assert_eq!(json["templates"].as_array().unwrap().len(), 5);
    assert_eq!(json["precinct_rules"][0]["code"], "W06");
}

#[test]
fn a_broken_template_file_names_file_rule_and_column() {
    let dir = std::env::temp_dir().join(format!("hattama-cli-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("broken.toml");
    let text = hattama_protocol::builtin::TEMPLATES_TOML
        .replace("expr = \"L5b <= L5\"", "expr = \"L5b <= L55\"");
    std::fs::write(&path, text).unwrap();
    let output = hattama(&["templates", "--templates", path.to_str().unwrap()], "");
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output)
            .contains("broken.toml: template P1: rule E06: column 8: unknown line `L55`"),
        "{}",
        stderr(&output)
    );
    std::fs::remove_dir_all(&dir).unwrap();
}
