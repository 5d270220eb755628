//! [`verify`]: walking the audit chain from row 1 and comparing the tables with what the log
//! says was saved.
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

use rusqlite::{Connection, OptionalExtension};
use serde::Serialize;

use crate::audit::{Action, encode, hash, head, hex};
use crate::error::StoreError;
use crate::types::{Timestamp, UserId};
use crate::users;

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
