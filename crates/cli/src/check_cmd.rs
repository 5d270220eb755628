//! `hattama check` and `hattama templates`.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Result, bail};
use clap::Args;
use hattama_protocol::check::{FindingReport, Status, reports};
use hattama_protocol::input::{ProtocolInput, values_from_map};
use hattama_protocol::{Lang, Severity};
use serde_json::json;

use crate::common::{self, eprint_line, parse_lang, print_json};

#[derive(Debug, Args)]
pub(crate) struct CheckArgs {
    /// The protocol as JSON: {"definition": "demo" | PATH, "contest": ID, "values": {"L1": 1200, …}}.
    /// `-` or nothing reads stdin.
    file: Option<PathBuf>,
    /// Language of the messages (kk, ru, en).
    #[arg(long, default_value = "en", value_parser = parse_lang)]
    lang: Lang,
    /// Load the template set from this file instead of the built-in one.
    #[arg(long)]
    templates: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub(crate) struct TemplatesArgs {
    /// Print JSON instead of text.
    #[arg(long)]
    json: bool,
    /// Language of the titles and statements (kk, ru, en).
    #[arg(long, default_value = "en", value_parser = parse_lang)]
    lang: Lang,
    /// Load the template set from this file instead of the built-in one.
    #[arg(long)]
    templates: Option<PathBuf>,
}

/// Checks one protocol: exit 0 without errors, 1 with errors, 2 on bad input.
pub(crate) fn check(args: &CheckArgs) -> Result<ExitCode> {
    let templates = common::template_set(args.templates.as_deref())?;
    let bytes = common::read_input(args.file.as_ref())?;
    let input = match ProtocolInput::from_json(&bytes) {
        Ok(input) => input,
        Err(error) => bail!("not a protocol input file: {error}"),
    };
    let definition = common::definition(&input.definition, &templates)?;
    let Some(contest) = definition.contest(&input.contest) else {
        bail!("the definition has no contest `{}`", input.contest);
    };
    let Some(template) = templates.template(&contest.template) else {
        bail!("the template set has no template `{}`", contest.template);
    };
    let values = match values_from_map(template, contest.rows.len(), &input.values) {
        Ok(values) => values,
        Err(errors) => {
            let listed: Vec<_> = errors
                .iter()
                .map(|error| {
                    let message = error.kind.message();
                    eprint_line(&format!("error: line {}: {} [input.{}]", error.line, message.get(args.lang), error.kind.code()));
                    json!({ "line": error.line, "code": format!("input.{}", error.kind.code()), "message": message })
                })
                .collect();
            print_json(&json!({ "input_errors": listed }))?;
            return Ok(ExitCode::from(2));
        }
    };
    let reports: Vec<FindingReport> = reports(template, &values);
    let failing = |severity: Severity| {
        reports
            .iter()
            .filter(|r| r.severity == severity && r.status == Status::Fail)
            .count()
    };
    let (errors, warnings) = (failing(Severity::Error), failing(Severity::Warning));
    print_json(&json!({
        "definition": definition.definition.id,
        "definition_hash": definition.hash,
        "contest": contest.id,
        "template": template.id,
        "errors": errors,
        "warnings": warnings,
        "findings": reports,
    }))?;
    for report in reports.iter().filter(|r| r.status == Status::Fail) {
        let message = report.message.as_ref().map_or("", |m| m.get(args.lang));
        eprint_line(&format!(
            "{} {}: {message}",
            report.code,
            severity_word(report.severity)
        ));
    }
    Ok(if errors == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

fn severity_word(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    }
}

/// Lists the templates and their rules.
pub(crate) fn templates(args: &TemplatesArgs) -> Result<ExitCode> {
    let set = common::template_set(args.templates.as_deref())?;
    if args.json {
        let templates: Vec<_> = set
            .templates()
            .iter()
            .map(|template| {
                let lines: Vec<_> = template
                    .lines()
                    .iter()
                    .map(|line| json!({ "id": line.id, "label": line.label, "parent": line.parent, "rows": line.kind == hattama_protocol::template::LineKind::Rows }))
                    .collect();
                let rules: Vec<_> = template
                    .rules()
                    .iter()
                    .map(|rule| json!({ "code": rule.code.as_str(), "severity": rule.severity, "expr": rule.expr, "statement": rule.statement }))
                    .collect();
                json!({ "id": template.id, "version": template.version, "title": template.title, "rows_from": template.rows_from, "lines": lines, "rules": rules })
            })
            .collect();
        let precinct_rules: Vec<_> = set
            .precinct_rules()
            .iter()
            .map(|precinct_rule| {
                let rule = precinct_rule.rule();
                json!({ "code": rule.code.as_str(), "severity": rule.severity, "expr": rule.expr, "reference": precinct_rule.reference, "applies_to": precinct_rule.applies_to().collect::<Vec<_>>(), "statement": rule.statement })
            })
            .collect();
        print_json(
            &json!({ "id": set.id, "title": set.title, "templates": templates, "precinct_rules": precinct_rules }),
        )?;
        return Ok(ExitCode::SUCCESS);
    }
    let mut text = String::new();
    text.push_str(&format!("{} — {}\n", set.id, set.title.get(args.lang)));
    for template in set.templates() {
        text.push_str(&format!(
            "\n{} v{}: {}\n",
            template.id,
            template.version,
            template.title.get(args.lang)
        ));
        for rule in template.rules() {
            text.push_str(&format!(
                "  {} {:<7} {:<40} {}\n",
                rule.code,
                severity_word(rule.severity),
                rule.expr,
                rule.statement.get(args.lang)
            ));
        }
    }
    text.push_str("\nprecinct rules:\n");
    for precinct_rule in set.precinct_rules() {
        let rule = precinct_rule.rule();
        let targets: Vec<&str> = precinct_rule.applies_to().collect();
        text.push_str(&format!(
            "  {} {:<7} {:<40} {} (ref {}; {})\n",
            rule.code,
            severity_word(rule.severity),
            rule.expr,
            rule.statement.get(args.lang),
            precinct_rule.reference,
            targets.join(", ")
        ));
    }
    std::io::stdout().lock().write_all(text.as_bytes())?;
    Ok(ExitCode::SUCCESS)
}
