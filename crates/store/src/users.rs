//! The `users` and `members` tables, and PINs: users sign in and act (clerk, secretary, chair);
//! members are the commission as printed on the protocol.
//!
//! A PIN is 4 to 12 digits and is stored only as an Argon2id PHC string (random salt, the
//! `argon2` crate's default cost), so the file never reveals it.

use argon2::Argon2;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use rusqlite::{Connection, OptionalExtension, Transaction, params};
use serde::Serialize;

use crate::error::StoreError;
use crate::types::{Role, Timestamp, UserId};

/// A user as the app lists them (never with the PIN hash).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct User {
    /// The id.
    pub id: UserId,
    /// The name shown and typed at sign-in.
    pub name: String,
    /// The role.
    pub role: Role,
}

/// A commission member as printed on the protocol.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Member {
    /// The row id.
    pub id: i64,
    /// Full name.
    pub name: String,
    /// Position on the commission (`chair`, `deputy_chair`, `secretary`, `member`, …).
    pub position: String,
}

/// Refuses a PIN that is not 4 to 12 ASCII digits.
pub fn check_pin_format(pin: &str) -> Result<(), StoreError> {
    let well_formed = (4..=12).contains(&pin.len()) && pin.bytes().all(|b| b.is_ascii_digit());
    if !well_formed {
        return Err(StoreError::PinFormat);
    }
    Ok(())
}

/// The Argon2id PHC string of `pin`, with a fresh random salt.
pub fn hash_pin(pin: &str) -> Result<String, StoreError> {
    check_pin_format(pin)?;
    Argon2::default()
        .hash_password(pin.as_bytes())
        .map(|hash| hash.to_string())
        .map_err(|error| StoreError::Inconsistent(format!("cannot hash a PIN: {error}")))
}

/// Whether `pin` matches the stored PHC string.
pub fn pin_matches(phc: &str, pin: &str) -> bool {
    Argon2::default()
        .verify_password(pin.as_bytes(), phc)
        .is_ok()
}

/// Adds a user with an already hashed PIN.
pub fn insert(
    tx: &Transaction<'_>,
    name: &str,
    role: Role,
    pin_hash: &str,
    now: Timestamp,
) -> Result<UserId, StoreError> {
    let exists: Option<i64> = tx
        .query_row("SELECT id FROM users WHERE name = ?1", [name], |row| {
            row.get(0)
        })
        .optional()?;
    if exists.is_some() {
        return Err(StoreError::DuplicateUser(name.to_owned()));
    }
    tx.execute(
        "INSERT INTO users (name, role, pin_hash, created_at) VALUES (?1, ?2, ?3, ?4)",
        params![name, role.as_str(), pin_hash, now.0],
    )?;
    Ok(UserId(tx.last_insert_rowid()))
}

fn role_of(text: &str) -> Result<Role, StoreError> {
    Role::parse(text).ok_or_else(|| StoreError::Inconsistent(format!("unknown role `{text}`")))
}

/// The user with this id.
pub fn get(conn: &Connection, id: UserId) -> Result<User, StoreError> {
    let row: Option<(String, String)> = conn
        .prepare_cached("SELECT name, role FROM users WHERE id = ?1")?
        .query_row([id.0], |row| Ok((row.get(0)?, row.get(1)?)))
        .optional()?;
    let Some((name, role)) = row else {
        return Err(StoreError::UnknownUser(id.0.to_string()));
    };
    Ok(User {
        id,
        name,
        role: role_of(&role)?,
    })
}

/// The user with this name and their PIN hash.
pub fn by_name(conn: &Connection, name: &str) -> Result<(User, String), StoreError> {
    let row: Option<(i64, String, String)> = conn
        .query_row(
            "SELECT id, role, pin_hash FROM users WHERE name = ?1",
            [name],
            |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)),
        )
        .optional()?;
    let Some((id, role, pin_hash)) = row else {
        return Err(StoreError::UnknownUser(name.to_owned()));
    };
    let user = User {
        id: UserId(id),
        name: name.to_owned(),
        role: role_of(&role)?,
    };
    Ok((user, pin_hash))
}

/// Every user, by id.
pub fn all(conn: &Connection) -> Result<Vec<User>, StoreError> {
    let mut stmt = conn.prepare("SELECT id, name, role FROM users ORDER BY id")?;
    let rows = stmt.query_map([], |row| {
        Ok((
            row.get::<_, i64>(0)?,
            row.get::<_, String>(1)?,
            row.get::<_, String>(2)?,
        ))
    })?;
    let mut users = Vec::new();
    for row in rows {
        let (id, name, role) = row?;
        users.push(User {
            id: UserId(id),
            name,
            role: role_of(&role)?,
        });
    }
    Ok(users)
}

/// The chairs and their PIN hashes.
pub fn chairs(conn: &Connection) -> Result<Vec<(UserId, String)>, StoreError> {
    let mut stmt =
        conn.prepare("SELECT id, pin_hash FROM users WHERE role = 'chair' ORDER BY id")?;
    let rows = stmt.query_map([], |row| Ok((UserId(row.get(0)?), row.get(1)?)))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Adds a commission member.
pub fn insert_member(
    tx: &Transaction<'_>,
    name: &str,
    position: &str,
    now: Timestamp,
) -> Result<i64, StoreError> {
    tx.execute(
        "INSERT INTO members (name, position, added_at) VALUES (?1, ?2, ?3)",
        params![name, position, now.0],
    )?;
    Ok(tx.last_insert_rowid())
}

/// Every member, in the order added.
pub fn members(conn: &Connection) -> Result<Vec<Member>, StoreError> {
    let mut stmt = conn.prepare("SELECT id, name, position FROM members ORDER BY id")?;
    let rows = stmt.query_map([], |row| {
        Ok(Member {
            id: row.get(0)?,
            name: row.get(1)?,
            position: row.get(2)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}
