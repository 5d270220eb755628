//! What the audit view shows a person: which protocol a row belongs to ([`protocol_of`]), a
//! payload without its numbers ([`redact`]), and the row as shown ([`AuditViewRow`]).

use serde::Serialize;

use crate::audit::AuditEntry;

/// The payload keys that carry an entry's numbers (`value.save`'s `value` and `raw`, a
/// reconcile's `value`, a finalize's `values`): what the audit view hides while a protocol's
/// entries are not both done and agreed.
const VALUE_KEYS: [&str; 3] = ["value", "raw", "values"];

/// The (contest, version) a payload belongs to, when it names one.
pub fn protocol_of(payload: &str) -> Option<(String, i64)> {
    let payload: serde_json::Value = serde_json::from_str(payload).ok()?;
    Some((
        payload.get("contest")?.as_str()?.to_owned(),
        payload.get("version")?.as_i64()?,
    ))
}

/// `payload` without the keys that carry numbers, or `None` when it carries none (then it is
/// shown as it is). A payload that is not a JSON object is hidden whole.
pub fn redact(payload: &str) -> Option<String> {
    let Ok(serde_json::Value::Object(mut object)) = serde_json::from_str(payload) else {
        return Some("{}".to_owned());
    };
    let mut removed = false;
    for key in VALUE_KEYS {
        removed |= object.remove(key).is_some();
    }
    removed.then(|| serde_json::Value::Object(object).to_string())
}

/// One row of the audit log as a person sees it: values of unfinished entries hidden.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct AuditViewRow {
    /// The row, its payload stripped of numbers when `hidden`.
    pub entry: AuditEntry,
    /// True when the payload carried values of a protocol whose entries are not both done and
    /// agreed, and they were left out.
    pub hidden: bool,
}
