//! The `users` and `members` tables, and PINs: users sign in and act (clerk, secretary, chair);
//! members are the commission as printed on the protocol.
//!
//! A PIN is 6 to 12 digits, neither one digit repeated (`111111`) nor a straight run up or down
//! (`123456`, `987654`), and is stored only as an Argon2id PHC string with a random salt and
//! [`PIN_COST`], so the file never reveals it and one guess costs about a quarter of a second
//! (`cargo bench -p hattama-store --bench pin` prints the figure on this machine). The PHC
//! string carries its own parameters, so a hash made with other parameters still verifies.
//!
//! A user is never deleted (their name stays on what they did): removing sets `removed_at`,
//! after which they can neither sign in nor act. Every row and change is in the audit chain,
//! which `audit verify` compares with this table.

use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use argon2::{Algorithm, Argon2, Params, Version};
use rusqlite::{Connection, OptionalExtension, Transaction, params};
use serde::Serialize;
use sha2::{Digest, Sha256};

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

/// The Argon2id cost of a new PIN hash.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PinCost {
    /// Memory, in KiB.
    pub memory_kib: u32,
    /// Passes over the memory.
    pub passes: u32,
    /// Lanes (parallelism).
    pub lanes: u32,
}

/// The cost every installation uses: 128 MiB and 3 passes take at least a quarter of a second
/// per verification on the 2-core reference laptop (the `pin` bench prints the figure; 64 MiB
/// measured 0.20 s there with 3 or 4 passes), so trying all 10^6 six-digit PINs from a stolen
/// file takes days of one core, and each guess needs 128 MiB.
pub const PIN_COST: PinCost = PinCost {
    memory_kib: 128 * 1024,
    passes: 3,
    lanes: 1,
};

/// Refuses a PIN that is not 6 to 12 ASCII digits ([`StoreError::PinFormat`]), or that is one
/// digit repeated or a straight run up or down, 0 following 9 (`123456`, `654321`, `890123`)
/// ([`StoreError::WeakPin`]).
pub fn check_pin(pin: &str) -> Result<(), StoreError> {
    let well_formed = (6..=12).contains(&pin.len()) && pin.bytes().all(|b| b.is_ascii_digit());
    if !well_formed {
        return Err(StoreError::PinFormat);
    }
    // Steps between digits, modulo 10: 0 for a repeated digit, 1 up (`7890` too), 9 down.
    // (The digits' bytes differ as the digits do.)
    let steps: Vec<i16> = pin
        .as_bytes()
        .windows(2)
        .map(|pair| (i16::from(pair[1]) - i16::from(pair[0])).rem_euclid(10))
        .collect();
    let straight = |step: i16| steps.iter().all(|s| *s == step);
    if straight(0) || straight(1) || straight(9) {
        return Err(StoreError::WeakPin);
    }
    Ok(())
}

fn hasher(cost: PinCost) -> Result<Argon2<'static>, StoreError> {
    let params = Params::new(cost.memory_kib, cost.passes, cost.lanes, None)
        .map_err(|error| StoreError::Inconsistent(format!("bad Argon2 parameters: {error}")))?;
    Ok(Argon2::new(Algorithm::Argon2id, Version::V0x13, params))
}

/// The Argon2id PHC string of `pin` (checked first), with a fresh random salt and `cost`
/// ([`PIN_COST`] unless a test chose less).
pub fn hash_pin(pin: &str, cost: PinCost) -> Result<String, StoreError> {
    check_pin(pin)?;
    hasher(cost)?
        .hash_password(pin.as_bytes())
        .map(|hash| hash.to_string())
        .map_err(|error| StoreError::Inconsistent(format!("cannot hash a PIN: {error}")))
}

/// Whether `pin` matches the stored PHC string (whose own parameters are used).
pub fn pin_matches(phc: &str, pin: &str) -> bool {
    Argon2::default()
        .verify_password(pin.as_bytes(), phc)
        .is_ok()
}

/// A PHC string that matches no PIN, hashed with [`PIN_COST`]: verified against when the name
/// is unknown, so an unknown name costs what a wrong PIN costs.
pub(crate) const DECOY_PHC: &str = "$argon2id$v=19$m=131072,t=3,p=1$aGF0dGFtYWRlY295c2FsdA$\
MDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDA";

/// What the audit chain records of a PIN hash: SHA-256 of the PHC string, lowercase hex. It
/// shows that the stored hash is the one the chain vouches for without revealing it.
pub fn pin_digest(phc: &str) -> String {
    crate::audit::hex(&Sha256::digest(phc.as_bytes()))
}

/// A user row with what sign-in needs.
#[derive(Clone, Debug)]
pub(crate) struct Account {
    pub(crate) user: User,
    pub(crate) pin_hash: String,
    pub(crate) removed: bool,
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

/// The user with this id, removed or not, with their PIN hash.
pub(crate) fn account(conn: &Connection, id: UserId) -> Result<Option<Account>, StoreError> {
    let row: Option<(String, String, String, Option<i64>)> = conn
        .prepare_cached("SELECT name, role, pin_hash, removed_at FROM users WHERE id = ?1")?
        .query_row([id.0], |row| {
            Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?))
        })
        .optional()?;
    let Some((name, role, pin_hash, removed_at)) = row else {
        return Ok(None);
    };
    Ok(Some(Account {
        user: User {
            id,
            name,
            role: role_of(&role)?,
        },
        pin_hash,
        removed: removed_at.is_some(),
    }))
}

/// The user with this name, removed or not, with their PIN hash.
pub(crate) fn account_by_name(
    conn: &Connection,
    name: &str,
) -> Result<Option<Account>, StoreError> {
    let id: Option<i64> = conn
        .prepare_cached("SELECT id FROM users WHERE name = ?1")?
        .query_row([name], |row| row.get(0))
        .optional()?;
    match id {
        Some(id) => account(conn, UserId(id)),
        None => Ok(None),
    }
}

/// The user with this id (removed users too: their name stays on what they did).
pub fn get(conn: &Connection, id: UserId) -> Result<User, StoreError> {
    account(conn, id)?
        .map(|account| account.user)
        .ok_or_else(|| StoreError::UnknownUser(id.0.to_string()))
}

/// Whether any user row exists (removed ones included).
pub fn any(conn: &Connection) -> Result<bool, StoreError> {
    Ok(conn.query_row("SELECT EXISTS (SELECT 1 FROM users)", [], |row| row.get(0))?)
}

/// Every user who has not been removed, by id.
pub fn all(conn: &Connection) -> Result<Vec<User>, StoreError> {
    let mut stmt =
        conn.prepare("SELECT id, name, role FROM users WHERE removed_at IS NULL ORDER BY id")?;
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

/// A user row as the audit check compares it: id, name, role, PIN digest, removed.
pub(crate) type VerifiedRow = (i64, String, String, String, bool);

/// Every user row as the audit check compares it.
pub(crate) fn rows_for_verify(conn: &Connection) -> Result<Vec<VerifiedRow>, StoreError> {
    let mut stmt =
        conn.prepare("SELECT id, name, role, pin_hash, removed_at FROM users ORDER BY id")?;
    let rows = stmt.query_map([], |row| {
        Ok((
            row.get::<_, i64>(0)?,
            row.get::<_, String>(1)?,
            row.get::<_, String>(2)?,
            pin_digest(&row.get::<_, String>(3)?),
            row.get::<_, Option<i64>>(4)?.is_some(),
        ))
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Changes a user's role. The caller appends the `user.change` audit row first (a trigger
/// refuses the update otherwise).
pub(crate) fn set_role(tx: &Transaction<'_>, id: UserId, role: Role) -> Result<(), StoreError> {
    tx.execute(
        "UPDATE users SET role = ?2 WHERE id = ?1",
        params![id.0, role.as_str()],
    )?;
    Ok(())
}

/// Marks a user removed. The caller appends the `user.remove` audit row first.
pub(crate) fn set_removed(
    tx: &Transaction<'_>,
    id: UserId,
    now: Timestamp,
) -> Result<(), StoreError> {
    tx.execute(
        "UPDATE users SET removed_at = ?2 WHERE id = ?1",
        params![id.0, now.0],
    )?;
    Ok(())
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

#[cfg(test)]
mod tests {
    use argon2::password_hash::phc::PasswordHash;

    use super::*;

    #[test]
    fn the_decoy_is_a_real_hash_at_the_installation_cost() {
        let parsed = PasswordHash::new(DECOY_PHC).unwrap();
        assert_eq!(parsed.params.get_decimal("m"), Some(PIN_COST.memory_kib));
        assert_eq!(parsed.params.get_decimal("t"), Some(PIN_COST.passes));
        assert!(!pin_matches(DECOY_PHC, "590417"));
    }

    #[test]
    fn store_weak_pin_is_one_digit_or_a_straight_run() {
        for weak in [
            "111111",
            "123456",
            "654321",
            "234567",
            "987654",
            "890123456789",
        ] {
            let refused = check_pin(weak);
            assert!(
                matches!(refused, Err(StoreError::WeakPin | StoreError::PinFormat)),
                "{weak}"
            );
        }
        assert!(matches!(check_pin("123456"), Err(StoreError::WeakPin)));
        for fine in ["590417", "123457", "112233", "909090"] {
            check_pin(fine).unwrap();
        }
    }

    #[test]
    fn store_pin_format_is_six_to_twelve_digits() {
        for bad in [
            "",
            "59041",
            "5904172680131",
            "59041a",
            " 590417",
            "５９０４１７",
        ] {
            assert!(
                matches!(check_pin(bad), Err(StoreError::PinFormat)),
                "{bad:?}"
            );
        }
        check_pin("590417268013").unwrap();
    }
}
