//! The `audit` and `audit_head` tables: a hash-chained, append-only log of every change, written
//! in the same transaction as the change it records, and the check that walks it.
//!
//! # Encoding
//!
//! Row `seq` stores `hash = SHA-256(encoding)`, by the one rule in
//! `hattama_protocol::audit_chain` (the commission recomputes the same hashes over the log a
//! batch carries): the domain tag, `seq`, `at`, the user, the action, the payload and the
//! previous row's hash.
//!
//! `audit_head` holds the last row's `seq` and `hash`, updated in the same transaction.
//!
//! # What [`verify`] detects, and what it cannot
//!
//! Detected: an edited row (its hash no longer matches its contents), a deleted row (a gap in
//! `seq`, or a `prev_hash` that does not match), reordered rows (`seq` is hashed, so moved content
//! fails), deleted last rows (the chain ends before the head), and entry or final values that
//! differ from what the log says was saved, and user rows that differ from what the log says
//! was added and changed (a role edited, a PIN hash copied over, a user slipped in), compared
//! by the SHA-256 of each PIN hash. Not detectable from inside the file: someone who
//! rewrites the log from some row on, recomputing every hash and the head, or who deletes the
//! last rows and rewinds the head to match. Only a copy of the head kept outside the file (the
//! signed results batch, the printed protocol) catches that.

use std::collections::BTreeMap;

use rusqlite::{Connection, OptionalExtension, Transaction, params};
use serde::Serialize;
use sha2::{Digest, Sha256};

use hattama_protocol::audit_chain::{self, Link};

use crate::error::StoreError;
use crate::types::{Timestamp, UserId};
use crate::users;

/// What kind of change an audit row records. The name is hashed into the row, so a name that
/// has shipped is never changed; a new kind of change gets a new variant.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    /// The installation was set up for a precinct of a definition.
    PrecinctSetup,
    /// A user was added.
    UserAdd,
    /// A commission member was added.
    MemberAdd,
    /// The first value of an entry was typed.
    EntryStart,
    /// A field was saved (or cleared).
    ValueSave,
    /// An entry was marked done.
    EntryFinish,
    /// A differing line was settled with the paper value.
    LineReconcile,
    /// The last differing line was settled.
    ReconcileDone,
    /// A failing warning was checked against the paper.
    WarningAcknowledge,
    /// An act was attached to a failing error.
    ErrorAct,
    /// A protocol version was finalized.
    ProtocolFinalize,
    /// A repeated protocol (the next version) was started.
    ProtocolRepeat,
    /// The device key was made.
    DeviceKeyCreated,
    /// A batch was signed.
    ExportSigned,
    /// A batch was written to a drive and read back.
    ExportWritten,
    /// The commission key was confirmed against the commission's paper and pinned.
    CommissionKeyPin,
    /// A user's role was changed.
    UserChange,
    /// A user was removed (they can no longer sign in or act).
    UserRemove,
    /// The users a database held before users joined the chain (schema migration 4).
    UsersVouched,
    /// A wrong PIN was typed for a user.
    PinFailed,
    /// A user was locked out after wrong PINs.
    UserLocked,
    /// A chair lifted a user's lockout.
    UserUnlocked,
}

impl Action {
    /// The name stored and hashed in the row, e.g. `value.save`.
    pub fn as_str(self) -> &'static str {
        match self {
            Action::PrecinctSetup => "precinct.setup",
            Action::UserAdd => "user.add",
            Action::MemberAdd => "member.add",
            Action::EntryStart => "entry.start",
            Action::ValueSave => "value.save",
            Action::EntryFinish => "entry.finish",
            Action::LineReconcile => "line.reconcile",
            Action::ReconcileDone => "reconcile.done",
            Action::WarningAcknowledge => "warning.acknowledge",
            Action::ErrorAct => "error.act",
            Action::ProtocolFinalize => hattama_protocol::audit_chain::FINALIZE_ACTION,
            Action::ProtocolRepeat => "protocol.repeat",
            Action::DeviceKeyCreated => "device_key.created",
            Action::ExportSigned => "export.signed",
            Action::ExportWritten => "export.written",
            Action::CommissionKeyPin => "commission_key.pin",
            Action::UserChange => "user.change",
            Action::UserRemove => "user.remove",
            Action::UsersVouched => "users.vouched",
            Action::PinFailed => "pin.failed",
            Action::UserLocked => "user.locked",
            Action::UserUnlocked => "user.unlocked",
        }
    }
}

/// One row of the audit log.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct AuditEntry {
    /// Position in the chain, from 1.
    pub seq: i64,
    /// When, by the caller's clock.
    pub at: Timestamp,
    /// Who, or `None` for the installation itself (setup, adding users).
    pub user: Option<UserId>,
    /// What kind of change, e.g. `value.save`.
    pub action: String,
    /// The change itself, as JSON.
    pub payload: String,
}

/// The encoding that row hashes are computed over (`hattama_protocol::audit_chain::encode`).
pub fn encode(
    seq: i64,
    at: Timestamp,
    user: Option<UserId>,
    action: &str,
    payload: &str,
    prev_hash: &[u8; 32],
) -> Vec<u8> {
    audit_chain::encode(&link(seq, at, user, action, payload), prev_hash)
}

fn link<'a>(
    seq: i64,
    at: Timestamp,
    user: Option<UserId>,
    action: &'a str,
    payload: &'a str,
) -> Link<'a> {
    Link {
        seq,
        at: at.0,
        user: user.map(|user| user.0),
        action,
        payload,
    }
}

fn hash(encoding: &[u8]) -> [u8; 32] {
    Sha256::digest(encoding).into()
}

/// The chain head: the last row's seq (0 for an empty log) and hash (zeros for an empty log).
pub fn head(conn: &Connection) -> Result<(i64, [u8; 32]), StoreError> {
    let (seq, hash): (i64, Vec<u8>) = conn
        .prepare_cached("SELECT seq, hash FROM audit_head WHERE id = 1")?
        .query_row([], |row| Ok((row.get(0)?, row.get(1)?)))?;
    let hash = <[u8; 32]>::try_from(hash.as_slice())
        .map_err(|_| StoreError::Inconsistent("the audit head hash is not 32 bytes".into()))?;
    Ok((seq, hash))
}

/// Appends a row for a change made in `tx`, and moves the head; returns its seq.
pub fn append(
    tx: &Transaction<'_>,
    at: Timestamp,
    user: Option<UserId>,
    action: Action,
    payload: &serde_json::Value,
) -> Result<i64, StoreError> {
    let action = action.as_str();
    let payload = payload.to_string();
    let (prev_seq, prev_hash) = head(tx)?;
    let seq = prev_seq + 1;
    let row_hash = hash(&encode(seq, at, user, action, &payload, &prev_hash));
    tx.prepare_cached(
        "INSERT INTO audit (seq, at, user_id, action, payload, prev_hash, hash)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?
    .execute(params![
        seq,
        at.0,
        user.map(|user| user.0),
        action,
        payload,
        &prev_hash[..],
        &row_hash[..]
    ])?;
    tx.prepare_cached("UPDATE audit_head SET seq = ?1, hash = ?2 WHERE id = 1")?
        .execute(params![seq, &row_hash[..]])?;
    Ok(seq)
}

/// The rows from `from_seq` on, in order.
pub fn entries(conn: &Connection, from_seq: i64) -> Result<Vec<AuditEntry>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT seq, at, user_id, action, payload FROM audit WHERE ?1 <= seq ORDER BY seq",
    )?;
    let rows = stmt.query_map([from_seq], |row| {
        Ok(AuditEntry {
            seq: row.get(0)?,
            at: Timestamp(row.get(1)?),
            user: row.get::<_, Option<i64>>(2)?.map(UserId),
            action: row.get(3)?,
            payload: row.get(4)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// The whole audit log with each row's stored hash, and the stored head: what a results batch
/// carries, so that the commission can recompute the chain.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AuditChain {
    /// Every row in order, with its stored hash (lowercase hex).
    pub entries: Vec<(AuditEntry, String)>,
    /// The stored head: last seq and its hash (lowercase hex).
    pub head: (i64, String),
}

/// Every row in order with its stored hash (lowercase hex): the log a results batch carries, so
/// that the commission can recompute the chain.
pub fn chain(conn: &Connection) -> Result<Vec<(AuditEntry, String)>, StoreError> {
    let mut stmt = conn
        .prepare_cached("SELECT seq, at, user_id, action, payload, hash FROM audit ORDER BY seq")?;
    let rows = stmt.query_map([], |row| {
        Ok((
            AuditEntry {
                seq: row.get(0)?,
                at: Timestamp(row.get(1)?),
                user: row.get::<_, Option<i64>>(2)?.map(UserId),
                action: row.get(3)?,
                payload: row.get(4)?,
            },
            hex(&row.get::<_, Vec<u8>>(5)?),
        ))
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// What [`verify`] found.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct AuditReport {
    /// Rows walked.
    pub rows: i64,
    /// The head as stored: last seq and its hash in hex.
    pub head_seq: i64,
    /// The head hash, lowercase hex.
    pub head_hash: String,
    /// The first problem, or `None` when the chain and the tables agree.
    pub broken: Option<Break>,
}

impl AuditReport {
    /// Whether the log is intact.
    pub fn is_ok(&self) -> bool {
        self.broken.is_none()
    }
}

/// The first broken link of the chain.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Break {
    /// The seq where it breaks.
    pub seq: i64,
    /// How.
    pub kind: BreakKind,
}

/// How a chain is broken.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BreakKind {
    /// The row's contents do not hash to its stored hash: it was edited (or moved).
    Edited,
    /// The row's `prev_hash` is not the previous row's hash: a row before it was removed or replaced.
    Unlinked,
    /// The row with this seq is missing (deleted, or the rows were renumbered).
    Missing,
    /// The chain ends before the stored head: rows at the end were deleted.
    Truncated,
    /// A table holds a value the log does not record (an edit outside the app).
    TableMismatch {
        /// Which value, e.g. `entry_values P1 v1 entry 1 L3`.
        what: String,
    },
}

impl BreakKind {
    /// The kind's stable name, as serialized: `edited`, `unlinked`, `missing`, `truncated` or
    /// `table_mismatch`.
    pub fn code(&self) -> &'static str {
        match self {
            BreakKind::Edited => "edited",
            BreakKind::Unlinked => "unlinked",
            BreakKind::Missing => "missing",
            BreakKind::Truncated => "truncated",
            BreakKind::TableMismatch { .. } => "table_mismatch",
        }
    }
}

/// Walks the whole chain from row 1 and compares the value tables with what the log recorded.
/// Reports the first problem.
pub fn verify(conn: &Connection) -> Result<AuditReport, StoreError> {
    let (head_seq, head_hash) = head(conn)?;
    let mut report = AuditReport {
        rows: 0,
        head_seq,
        head_hash: hex(&head_hash),
        broken: None,
    };
    let mut stmt = conn.prepare(
        "SELECT seq, at, user_id, action, payload, prev_hash, hash FROM audit ORDER BY seq",
    )?;
    let mut rows = stmt.query([])?;
    let mut prev_hash = [0u8; 32];
    let mut expected_seq = 1;
    let mut replay = Replay::default();
    while let Some(row) = rows.next()? {
        let seq: i64 = row.get(0)?;
        let at = Timestamp(row.get(1)?);
        let user = row.get::<_, Option<i64>>(2)?.map(UserId);
        let action: String = row.get(3)?;
        let payload: String = row.get(4)?;
        let stored_prev: Vec<u8> = row.get(5)?;
        let stored_hash: Vec<u8> = row.get(6)?;
        report.rows += 1;
        if seq != expected_seq {
            report.broken = Some(Break {
                seq: expected_seq,
                kind: BreakKind::Missing,
            });
            return Ok(report);
        }
        if stored_prev != prev_hash {
            report.broken = Some(Break {
                seq,
                kind: BreakKind::Unlinked,
            });
            return Ok(report);
        }
        let row_hash = hash(&encode(seq, at, user, &action, &payload, &prev_hash));
        if stored_hash != row_hash {
            report.broken = Some(Break {
                seq,
                kind: BreakKind::Edited,
            });
            return Ok(report);
        }
        replay.record(seq, &action, &payload);
        prev_hash = row_hash;
        expected_seq += 1;
    }
    if expected_seq - 1 != head_seq || prev_hash != head_hash {
        report.broken = Some(Break {
            seq: expected_seq,
            kind: BreakKind::Truncated,
        });
        return Ok(report);
    }
    report.broken = replay.compare(conn)?;
    Ok(report)
}

/// Which entry field: (contest, version, entry, line).
type FieldKey = (String, i64, i64, String);

/// A user row as the log says it should be: name, role, PIN digest, removed.
type LoggedUser = (String, String, String, bool);

/// The values the log says were saved, to compare with the tables.
#[derive(Default)]
struct Replay {
    /// User id → what the log says of the row.
    users: BTreeMap<i64, LoggedUser>,
    /// Field → (value, seq of the save).
    entries: BTreeMap<FieldKey, (Option<i64>, i64)>,
    /// (contest, version) → (line → value, seq of the finalize).
    finals: BTreeMap<(String, i64), (BTreeMap<String, i64>, i64)>,
    /// The pinned commission key as logged: (public key, seq of the pinning).
    commission_key: Option<(String, i64)>,
}

impl Replay {
    fn record(&mut self, seq: i64, action: &str, payload: &str) {
        let Ok(payload) = serde_json::from_str::<serde_json::Value>(payload) else {
            return;
        };
        let contest = payload["contest"].as_str().unwrap_or_default().to_owned();
        let version = payload["version"].as_i64().unwrap_or_default();
        match action {
            a if a == Action::ValueSave.as_str() => {
                let entry = payload["entry"].as_i64().unwrap_or_default();
                let line = payload["line"].as_str().unwrap_or_default().to_owned();
                let value = payload["value"].as_i64();
                self.entries
                    .insert((contest, version, entry, line), (value, seq));
            }
            a if a == Action::ProtocolFinalize.as_str() => {
                let values = payload["values"]
                    .as_object()
                    .map(|map| {
                        map.iter()
                            .filter_map(|(line, value)| Some((line.clone(), value.as_i64()?)))
                            .collect()
                    })
                    .unwrap_or_default();
                self.finals.insert((contest, version), (values, seq));
            }
            a if a == Action::CommissionKeyPin.as_str() => {
                let public_key = payload["public_key"].as_str().unwrap_or_default();
                self.commission_key = Some((public_key.to_owned(), seq));
            }
            a if a == Action::UserAdd.as_str() => self.record_user(&payload),
            a if a == Action::UsersVouched.as_str() => {
                for user in payload["users"].as_array().into_iter().flatten() {
                    self.record_user(user);
                }
            }
            a if a == Action::UserChange.as_str() => {
                let id = payload["id"].as_i64().unwrap_or_default();
                let role = payload["role"].as_str().unwrap_or_default().to_owned();
                if let Some(user) = self.users.get_mut(&id) {
                    user.1 = role;
                }
            }
            a if a == Action::UserRemove.as_str() => {
                let id = payload["id"].as_i64().unwrap_or_default();
                if let Some(user) = self.users.get_mut(&id) {
                    user.3 = true;
                }
            }
            _ => {}
        }
    }

    fn record_user(&mut self, payload: &serde_json::Value) {
        let text = |key: &str| payload[key].as_str().unwrap_or_default().to_owned();
        self.users.insert(
            payload["id"].as_i64().unwrap_or_default(),
            (text("name"), text("role"), text("pin"), false),
        );
    }

    /// The first user row that differs from what the log says (an added, edited or
    /// copied-over row, or a role changed outside the app).
    fn compare_users(&mut self, conn: &Connection) -> Result<Option<Break>, StoreError> {
        let (head_seq, _) = head(conn)?;
        let mismatch = |what: String| {
            Some(Break {
                seq: head_seq,
                kind: BreakKind::TableMismatch { what },
            })
        };
        for (id, name, role, pin, removed) in users::rows_for_verify(conn)? {
            match self.users.remove(&id) {
                None => return Ok(mismatch(format!("users {id} (not in the log)"))),
                Some(logged) if logged != (name, role, pin, removed) => {
                    return Ok(mismatch(format!("users {id}")));
                }
                Some(_) => {}
            }
        }
        if let Some(id) = self.users.keys().next() {
            return Ok(mismatch(format!("users {id} (missing)")));
        }
        Ok(None)
    }

    fn compare(mut self, conn: &Connection) -> Result<Option<Break>, StoreError> {
        if let Some(found) = self.compare_commission_key(conn)? {
            return Ok(Some(found));
        }
        if let Some(broken) = self.compare_users(conn)? {
            return Ok(Some(broken));
        }
        let mut stmt = conn.prepare(
            "SELECT p.contest, p.version, e.entry, e.line, e.value, e.audit_seq
             FROM entry_values e JOIN protocols p ON p.id = e.protocol
             ORDER BY p.contest, p.version, e.entry, e.line",
        )?;
        let rows = stmt.query_map([], |row| {
            Ok((
                (
                    row.get::<_, String>(0)?,
                    row.get::<_, i64>(1)?,
                    row.get::<_, i64>(2)?,
                    row.get::<_, String>(3)?,
                ),
                (row.get::<_, Option<i64>>(4)?, row.get::<_, i64>(5)?),
            ))
        })?;
        for row in rows {
            let (key, stored) = row?;
            let logged = self.entries.remove(&key);
            if logged != Some(stored) {
                return Ok(Some(Break {
                    seq: logged.map_or(stored.1, |(_, seq)| seq),
                    kind: BreakKind::TableMismatch {
                        what: format!(
                            "entry_values {} v{} entry {} {}",
                            key.0, key.1, key.2, key.3
                        ),
                    },
                }));
            }
        }
        if let Some((key, (_, seq))) = self.entries.into_iter().next() {
            return Ok(Some(Break {
                seq,
                kind: BreakKind::TableMismatch {
                    what: format!(
                        "entry_values {} v{} entry {} {} (missing)",
                        key.0, key.1, key.2, key.3
                    ),
                },
            }));
        }
        let mut stmt = conn.prepare(
            "SELECT p.contest, p.version, f.line, f.value
             FROM final_values f JOIN protocols p ON p.id = f.protocol",
        )?;
        let mut stored: BTreeMap<(String, i64), BTreeMap<String, i64>> = BTreeMap::new();
        let rows = stmt.query_map([], |row| {
            Ok((
                row.get::<_, String>(0)?,
                row.get::<_, i64>(1)?,
                row.get::<_, String>(2)?,
                row.get::<_, i64>(3)?,
            ))
        })?;
        for row in rows {
            let (contest, version, line, value) = row?;
            stored
                .entry((contest, version))
                .or_default()
                .insert(line, value);
        }
        for (key, (values, seq)) in &self.finals {
            if stored.remove(key).as_ref() != Some(values) {
                return Ok(Some(Break {
                    seq: *seq,
                    kind: BreakKind::TableMismatch {
                        what: format!("final_values {} v{}", key.0, key.1),
                    },
                }));
            }
        }
        if let Some(((contest, version), _)) = stored.into_iter().next() {
            let (head_seq, _) = head(conn)?;
            return Ok(Some(Break {
                seq: head_seq,
                kind: BreakKind::TableMismatch {
                    what: format!("final_values {contest} v{version} (not in the log)"),
                },
            }));
        }
        Ok(None)
    }
}

impl Replay {
    /// The pinned commission key must be the one the log says was pinned, and at its seq.
    fn compare_commission_key(&self, conn: &Connection) -> Result<Option<Break>, StoreError> {
        let stored: Option<(String, i64)> = conn
            .query_row(
                "SELECT public_key, audit_seq FROM commission_key WHERE id = 1",
                [],
                |row| Ok((row.get(0)?, row.get(1)?)),
            )
            .optional()?;
        if stored == self.commission_key {
            return Ok(None);
        }
        let seq = match (&self.commission_key, &stored) {
            (Some((_, seq)), _) | (None, Some((_, seq))) => *seq,
            (None, None) => 0,
        };
        Ok(Some(Break {
            seq,
            kind: BreakKind::TableMismatch {
                what: "commission_key".to_owned(),
            },
        }))
    }
}

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

/// Lowercase hex of `bytes`.
pub fn hex(bytes: &[u8]) -> String {
    audit_chain::hex(bytes)
}

/// Looks up one row.
pub fn entry(conn: &Connection, seq: i64) -> Result<Option<AuditEntry>, StoreError> {
    Ok(conn
        .prepare_cached("SELECT seq, at, user_id, action, payload FROM audit WHERE seq = ?1")?
        .query_row([seq], |row| {
            Ok(AuditEntry {
                seq: row.get(0)?,
                at: Timestamp(row.get(1)?),
                user: row.get::<_, Option<i64>>(2)?.map(UserId),
                action: row.get(3)?,
                payload: row.get(4)?,
            })
        })
        .optional()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encoding_is_stable() {
        // Golden: changing the encoding breaks every existing chain. A new encoding is a new tag.
        let encoding = encode(1, Timestamp(2), Some(UserId(3)), "a", "{}", &[0; 32]);
        assert_eq!(
            hex(&hash(&encoding)),
            "6fdf2162178a8a2a27d832f064e094ac130d2f16260efa3992694cb2bcf7990c"
        );
        let none = encode(1, Timestamp(2), None, "a", "{}", &[0; 32]);
        assert_ne!(encoding, none);
    }
}
