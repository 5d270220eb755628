//! The `final_values` table: the values of a finalized protocol version, written once at
//! finalizing and frozen by triggers.

use rusqlite::{Connection, Transaction, params};

use hattama_protocol::Count;

use crate::error::StoreError;
use crate::values::count_of;

/// Writes the final values of a protocol version.
pub fn insert(
    tx: &Transaction<'_>,
    protocol: i64,
    values: &[(String, Count)],
) -> Result<(), StoreError> {
    let mut stmt =
        tx.prepare_cached("INSERT INTO final_values (protocol, line, value) VALUES (?1, ?2, ?3)")?;
    for (line, value) in values {
        stmt.execute(params![protocol, line, i64::from(value.get())])?;
    }
    Ok(())
}

/// The final values of a protocol version, by line id.
pub fn load(conn: &Connection, protocol: i64) -> Result<Vec<(String, Count)>, StoreError> {
    let mut stmt =
        conn.prepare_cached("SELECT line, value FROM final_values WHERE protocol = ?1")?;
    let rows = stmt.query_map([protocol], |row| {
        Ok((row.get::<_, String>(0)?, row.get::<_, i64>(1)?))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (line, value) = row?;
        out.push((line, count_of(value)?));
    }
    Ok(out)
}
