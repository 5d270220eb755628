//! `hattama enter`: one clerk's entry of a protocol from a JSON file, each line saved as the
//! app saves a typed field, then the entry finished unless `--keep-open`.

use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use hattama_precinct::protocol::{self, TypedField};
use hattama_protocol::Status;
use serde_json::json;

use crate::access::{failed, now, open_as, refused};
use crate::common::print_json;
use crate::secret::Secrets;
use crate::store_cmd::EnterArgs;
use crate::store_cmd::state::state_json;

pub(super) fn enter(args: &EnterArgs, secrets: &mut Secrets) -> Result<ExitCode> {
    let bytes = std::fs::read(&args.file)
        .with_context(|| format!("cannot read {}", args.file.display()))?;
    let json: serde_json::Value = serde_json::from_slice(&bytes)
        .with_context(|| format!("{} is not JSON", args.file.display()))?;
    let map = match json.get("values").unwrap_or(&json) {
        serde_json::Value::Object(map) => map.clone(),
        _ => bail!(
            "{}: expected an object of line → value",
            args.file.display()
        ),
    };
    let (mut store, actor) = open_as(&args.db, &args.who, secrets)?;
    let mut last = None;
    for (line, value) in &map {
        let raw = match value {
            serde_json::Value::String(text) => text.clone(),
            serde_json::Value::Null => String::new(),
            other => other.to_string(),
        };
        let typed = TypedField {
            contest: &args.contest,
            entry: args.entry,
            line,
            raw: &raw,
        };
        // The CLI reports once the whole file is saved, so nothing is shown early.
        let saved = protocol::save_value(&mut store, &actor, &typed, now(), |_checked| ())
            .map_err(failed)
            .with_context(|| format!("line {line}"))?;
        last = Some(saved);
    }
    let state = if args.keep_open {
        store.status(&args.contest).map_err(refused)?.state
    } else {
        protocol::finish_entry(&mut store, &actor, &args.contest, args.entry, now())
            .map_err(failed)?
    };
    let failing: Vec<&str> = last
        .as_ref()
        .map(|saved| {
            saved
                .findings
                .iter()
                .filter(|finding| finding.status == Status::Fail)
                .map(|finding| finding.code.as_str())
                .collect()
        })
        .unwrap_or_default();
    print_json(&json!({
        "contest": args.contest,
        "entry": args.entry.number(),
        "saved": map.len(),
        "failing": failing,
        "state": state_json(&store, state),
    }))?;
    Ok(ExitCode::SUCCESS)
}
