//! The `entry_values` and `value_history` tables: the current value of each line of each entry,
//! and every value ever saved, each row pointing at its audit row.
//!
//! A cleared field is stored as NULL, never deleted, so its history stays whole.

use rusqlite::{Connection, Transaction, params};

use hattama_protocol::{Count, Template, Values};

use crate::error::StoreError;
use crate::types::{EntryNo, Timestamp, UserId};

/// One saved value, as the caller hands it in.
#[derive(Clone, Copy, Debug)]
pub struct Save<'a> {
    /// The protocol row.
    pub protocol: i64,
    /// Which entry.
    pub entry: EntryNo,
    /// The line id.
    pub line: &'a str,
    /// The value, or `None` for a cleared field.
    pub value: Option<Count>,
    /// What was typed.
    pub raw: &'a str,
    /// Who.
    pub user: UserId,
    /// When.
    pub at: Timestamp,
    /// The audit row recording it.
    pub audit_seq: i64,
}

/// Writes the current value and appends the history row.
pub fn save(tx: &Transaction<'_>, save: &Save<'_>) -> Result<(), StoreError> {
    let value = save.value.map(|count| i64::from(count.get()));
    tx.prepare_cached(
        "INSERT INTO entry_values (protocol, entry, line, value, user_id, saved_at, audit_seq)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
         ON CONFLICT (protocol, entry, line) DO UPDATE SET value = excluded.value,
         user_id = excluded.user_id, saved_at = excluded.saved_at, audit_seq = excluded.audit_seq",
    )?
    .execute(params![
        save.protocol,
        save.entry.number(),
        save.line,
        value,
        save.user.0,
        save.at.0,
        save.audit_seq
    ])?;
    tx.prepare_cached(
        "INSERT INTO value_history (protocol, entry, line, value, raw, user_id, saved_at, audit_seq)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?
    .execute(params![
        save.protocol,
        save.entry.number(),
        save.line,
        value,
        save.raw,
        save.user.0,
        save.at.0,
        save.audit_seq
    ])?;
    Ok(())
}

/// A stored integer as a count; anything else is an outside edit.
pub fn count_of(value: i64) -> Result<Count, StoreError> {
    u32::try_from(value)
        .ok()
        .and_then(Count::new)
        .ok_or_else(|| StoreError::Inconsistent(format!("stored value {value} is not a count")))
}

/// The saved lines of an entry, with their values (`None` for cleared fields), by line id.
pub fn list(
    conn: &Connection,
    protocol: i64,
    entry: EntryNo,
) -> Result<Vec<(String, Option<Count>)>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT line, value FROM entry_values WHERE protocol = ?1 AND entry = ?2 ORDER BY line",
    )?;
    let rows = stmt.query_map(params![protocol, entry.number()], |row| {
        Ok((row.get::<_, String>(0)?, row.get::<_, Option<i64>>(1)?))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (line, value) = row?;
        out.push((line, value.map(count_of).transpose()?));
    }
    Ok(out)
}

/// An entry's values laid out for its template.
pub fn load(
    conn: &Connection,
    protocol: i64,
    entry: EntryNo,
    template: &Template,
    n_rows: usize,
) -> Result<Values, StoreError> {
    let mut values = Values::new(template, n_rows);
    for (line, value) in list(conn, protocol, entry)? {
        let Some(slot) = template.slot(&line, n_rows) else {
            return Err(StoreError::Inconsistent(format!(
                "a value is stored for line `{line}`, which the form does not have"
            )));
        };
        values.set(slot, value);
    }
    Ok(values)
}

/// One row of a field's history.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct HistoryRow {
    /// The value saved, `None` for a clear.
    pub value: Option<Count>,
    /// What was typed.
    pub raw: String,
    /// Who.
    pub user: UserId,
    /// When.
    pub at: Timestamp,
    /// Its audit row.
    pub audit_seq: i64,
}

/// Every value saved for one line of one entry, oldest first.
pub fn history(
    conn: &Connection,
    protocol: i64,
    entry: EntryNo,
    line: &str,
) -> Result<Vec<HistoryRow>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT value, raw, user_id, saved_at, audit_seq FROM value_history
         WHERE protocol = ?1 AND entry = ?2 AND line = ?3 ORDER BY audit_seq",
    )?;
    let rows = stmt.query_map(params![protocol, entry.number(), line], |row| {
        Ok((
            row.get::<_, Option<i64>>(0)?,
            row.get::<_, String>(1)?,
            row.get::<_, i64>(2)?,
            row.get::<_, i64>(3)?,
            row.get::<_, i64>(4)?,
        ))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (value, raw, user, at, audit_seq) = row?;
        out.push(HistoryRow {
            value: value.map(count_of).transpose()?,
            raw,
            user: UserId(user),
            at: Timestamp(at),
            audit_seq,
        });
    }
    Ok(out)
}
