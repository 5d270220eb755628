//! `hattama state`: the installation's state as JSON (definition, precinct, audit head, each
//! protocol's phase and people, and one protocol's detail with `--contest`).

use anyhow::Result;
use hattama_store::{State, Store};
use serde_json::json;

use crate::access::refused;

pub(super) fn state_json(store: &Store, state: State) -> serde_json::Value {
    let name = |user: Option<hattama_store::UserId>| {
        user.and_then(|id| {
            store
                .users()
                .ok()?
                .into_iter()
                .find(|user| user.id == id)
                .map(|user| user.name)
        })
    };
    json!({
        "phase": state.phase().as_str(),
        "first": name(state.first()),
        "second": name(state.second()),
        "chair": name(state.chair()),
    })
}

pub(super) fn state(store: &Store, contest: Option<&str>) -> Result<serde_json::Value> {
    let (head_seq, head_hash) = store.audit_head().map_err(refused)?;
    let Some(definition) = store.definition() else {
        return Ok(
            json!({ "set_up": false, "audit_head": { "seq": head_seq, "hash": head_hash } }),
        );
    };
    let precinct = store.precinct().map(ToString::to_string);
    let mut protocols = Vec::new();
    for status in store.statuses().map_err(refused)? {
        protocols.push(json!({
            "contest": status.contest,
            "template": status.template,
            "version": status.version,
            "reason": status.reason,
            "state": state_json(store, status.state),
        }));
    }
    let mut out = json!({
        "set_up": true,
        "election": definition.definition.id,
        "definition_hash": definition.hash,
        "precinct": precinct,
        "audit_head": { "seq": head_seq, "hash": head_hash },
        "protocols": protocols,
    });
    if let Some(contest) = contest {
        let status = store.status(contest).map_err(refused)?;
        let mut detail = json!({
            "contest": contest,
            "version": status.version,
            "state": state_json(store, status.state),
        });
        if let Ok(differences) = store.differences(contest) {
            detail["differences"] = serde_json::to_value(differences)?;
        }
        if let Ok(review) = store.review(contest) {
            detail["review"] = serde_json::to_value(review)?;
        }
        if let Some(values) = store
            .final_values(contest, status.version)
            .map_err(refused)?
        {
            let values: serde_json::Map<String, serde_json::Value> = values
                .into_iter()
                .map(|(line, value)| (line, json!(value.get())))
                .collect();
            detail["final_values"] = serde_json::Value::Object(values);
        }
        out["protocol"] = detail;
    }
    Ok(out)
}
