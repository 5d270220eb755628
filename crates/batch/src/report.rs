//! Tally reports: CSV, JSON and a self-contained HTML page with bar charts, from a
//! [`Tally`] and the definition that names its contests, regions and rows.
//!
//! Pure functions returning text; the caller writes the file. The HTML has no script and no
//! external resource, so it opens the same on an offline machine.

use std::fmt::Write;

use hattama_protocol::tally::Tally;
use hattama_protocol::{Lang, LoadedDefinition, Text};

/// The label of `line` in `contest`: a row's party or candidate name, or the template's line label.
fn line_name(
    definition: &LoadedDefinition,
    templates: &hattama_protocol::TemplateSet,
    contest: &str,
    line: &str,
) -> Text {
    let Some(contest) = definition.contest(contest) else {
        return Text::new(line, line, line);
    };
    if let Some((_, k)) = line.split_once('.')
        && let Some(row) = k
            .parse::<usize>()
            .ok()
            .and_then(|k| k.checked_sub(1))
            .and_then(|idx| contest.rows.get(idx))
    {
        return row.name.clone();
    }
    match templates
        .template(&contest.template)
        .and_then(|template| template.line(line))
    {
        Some(found) => found.label.clone(),
        None => Text::new(line, line, line),
    }
}

fn csv_field(text: &str) -> String {
    if text.contains([',', '"', '\n']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_owned()
    }
}

/// CSV: `contest,region,line,name_kk,name_ru,name_en,total`; region `ALL` for the contest total.
pub fn csv(
    tally: &Tally,
    definition: &LoadedDefinition,
    templates: &hattama_protocol::TemplateSet,
) -> String {
    let mut out = String::from("contest,region,line,name_kk,name_ru,name_en,total\n");
    for (contest_id, contest) in &tally.contests {
        let mut blocks: Vec<(&str, &Vec<(String, u64)>)> = vec![("ALL", &contest.totals)];
        blocks.extend(
            contest
                .regions
                .iter()
                .map(|(region, totals)| (region.as_str(), &totals.totals)),
        );
        for (region, totals) in blocks {
            for (line, total) in totals {
                let name = line_name(definition, templates, contest_id, line);
                let _ = writeln!(
                    out,
                    "{},{},{},{},{},{},{total}",
                    csv_field(contest_id),
                    csv_field(region),
                    csv_field(line),
                    csv_field(&name.kk),
                    csv_field(&name.ru),
                    csv_field(&name.en)
                );
            }
        }
    }
    out
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Per-mille share `part / whole`, for bar widths and percentages without floats.
fn per_mille(part: u64, whole: u64) -> u64 {
    part.saturating_mul(1000).checked_div(whole).unwrap_or(0)
}

/// A self-contained HTML report: per contest, the votes of each row and against all as bars (share
/// of valid ballots), then a table of every line per region.
pub fn html(
    tally: &Tally,
    definition: &LoadedDefinition,
    templates: &hattama_protocol::TemplateSet,
    lang: Lang,
) -> String {
    let title = definition.definition.name.get(lang);
    let heading = Text::new(
        "Дауыс беру қорытындылары",
        "Итоги голосования",
        "Voting results",
    );
    let protocols_word = Text::new("хаттама", "протоколов", "protocols");
    let mut out = String::new();
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"{}\"><head><meta charset=\"utf-8\"><title>{}</title><style>\
body{{font-family:sans-serif;margin:2em;max-width:60em}}h2{{margin-top:2em}}\
.bar{{display:grid;grid-template-columns:22em 1fr 9em;gap:.5em;align-items:center;margin:.2em 0}}\
.fill{{background:#1f6f8b;height:1.1em}}table{{border-collapse:collapse;margin-top:1em}}\
td,th{{border:1px solid #999;padding:.2em .5em;text-align:right}}td:first-child,th:first-child{{text-align:left}}\
</style></head><body><h1>{} — {}</h1><p>{} {}</p>\n",
        lang.code(),
        escape(title),
        escape(heading.get(lang)),
        escape(title),
        escape(&definition.hash),
        escape(&definition.definition.date),
    );
    for (contest_id, contest) in &tally.contests {
        let name = definition
            .contest(contest_id)
            .map_or_else(|| contest_id.clone(), |c| c.name.get(lang).to_owned());
        let valid = contest
            .totals
            .iter()
            .find(|(line, _)| line == "L7")
            .map_or(0, |(_, total)| *total);
        let _ = writeln!(
            out,
            "<h2>{}</h2><p>{} {}</p>",
            escape(&name),
            contest.protocols,
            escape(protocols_word.get(lang))
        );
        for (line, total) in contest
            .totals
            .iter()
            .filter(|(line, _)| line.contains('.') || line == "L9")
        {
            let share = per_mille(*total, valid);
            let label = line_name(definition, templates, contest_id, line);
            let _ = writeln!(
                out,
                "<div class=\"bar\"><span>{}</span><div class=\"fill\" style=\"width:{}.{}%\"></div><span>{} ({}.{} %)</span></div>",
                escape(label.get(lang)),
                share / 10,
                share % 10,
                total,
                share / 10,
                share % 10
            );
        }
        out.push_str("<table><tr><th></th><th>ALL</th>");
        for region in contest.regions.keys() {
            let region_name = definition
                .region(region)
                .map_or(region.as_str(), |r| r.name.get(lang));
            let _ = write!(out, "<th>{}</th>", escape(region_name));
        }
        out.push_str("</tr>\n");
        for (line, total) in &contest.totals {
            let label = line_name(definition, templates, contest_id, line);
            let _ = write!(
                out,
                "<tr><td>{} {}</td><td>{total}</td>",
                escape(line),
                escape(label.get(lang))
            );
            for region in contest.regions.values() {
                let value = region
                    .totals
                    .iter()
                    .find(|(id, _)| id == line)
                    .map_or(0, |(_, v)| *v);
                let _ = write!(out, "<td>{value}</td>");
            }
            out.push_str("</tr>\n");
        }
        out.push_str("</table>\n");
    }
    out.push_str("</body></html>\n");
    out
}
