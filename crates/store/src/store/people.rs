//! Setting the installation up, and the people it knows: users who sign in with a PIN and the
//! commission members printed in the signature block. Who may add whom is decided by the
//! precinct crate's permission table, not here.

use serde_json::json;

use hattama_protocol::definition::load_definition;
use hattama_protocol::{PrecinctId, builtin};

use super::{Setup, Store};
use crate::audit::{self, Action};
use crate::commission_key::{self, CommissionKey, PinnedKey};
use crate::error::StoreError;
use crate::protocols;
use crate::setup;
use crate::types::{Role, Timestamp, UserId};
use crate::users::{self, Member, User};

impl Store {
    /// Sets up the installation: stores the definition's exact bytes and hash and the precinct,
    /// and creates version 1 of a protocol for each contest the precinct holds.
    pub fn setup_precinct(
        &mut self,
        definition: &[u8],
        precinct: &PrecinctId,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        let _span = tracing::info_span!("setup_precinct", %precinct).entered();
        if self.setup.is_some() {
            return Err(StoreError::AlreadySetUp);
        }
        let loaded = load_definition(definition, builtin::templates())?;
        let Some(found) = loaded.precinct(precinct) else {
            return Err(StoreError::UnknownPrecinct(precinct.clone()));
        };
        let contests = found.contests.clone();
        self.write(|tx| {
            if setup::load(tx)?.is_some() {
                return Err(StoreError::AlreadySetUp);
            }
            setup::insert(
                tx,
                &loaded.definition.id,
                definition,
                &loaded.hash,
                precinct,
                now,
            )?;
            for contest in &contests {
                protocols::insert(tx, contest, 1, None, now)?;
            }
            audit::append(
                tx,
                now,
                None,
                Action::PrecinctSetup,
                &json!({
                    "election": loaded.definition.id,
                    "definition_hash": loaded.hash,
                    "region": precinct.region,
                    "number": precinct.number,
                    "contests": contests,
                }),
            )?;
            Ok(())
        })?;
        self.setup = Some(Setup {
            definition: loaded,
            precinct: precinct.clone(),
        });
        Ok(())
    }

    /// Pins the commission key the operator confirmed against the commission's paper; every
    /// definition file is verified with it from then on. Pinning the pinned key again changes
    /// nothing and returns it; another key is refused (`CommissionKeyPinned`), and so is any
    /// pinning once the precinct is set up. Checking the confirmation is the caller's job.
    pub fn pin_commission_key(
        &mut self,
        key: &CommissionKey,
        now: Timestamp,
    ) -> Result<PinnedKey, StoreError> {
        let _span = tracing::info_span!("pin_commission_key", key_id = %key.key_id).entered();
        if self.setup.is_some() {
            return Err(StoreError::AlreadySetUp);
        }
        if let Some(pinned) = commission_key::get(&self.conn)? {
            return if pinned.key.public_key == key.public_key {
                Ok(pinned)
            } else {
                Err(StoreError::CommissionKeyPinned {
                    pinned: pinned.key.key_id,
                    offered: key.key_id.clone(),
                })
            };
        }
        self.write(|tx| {
            if setup::load(tx)?.is_some() {
                return Err(StoreError::AlreadySetUp);
            }
            let audit_seq = audit::append(
                tx,
                now,
                None,
                Action::CommissionKeyPin,
                &json!({
                    "key_id": key.key_id,
                    "public_key": key.public_key,
                    "fingerprint": key.fingerprint,
                }),
            )?;
            commission_key::insert(tx, key, now, audit_seq)?;
            Ok(PinnedKey {
                key: key.clone(),
                pinned_at: now,
                audit_seq,
            })
        })
    }

    /// The pinned commission key, if one was pinned.
    pub fn commission_key(&self) -> Result<Option<PinnedKey>, StoreError> {
        commission_key::get(&self.conn)
    }

    /// Adds a user with a PIN of 4 to 12 digits (stored as Argon2id).
    pub fn add_user(
        &mut self,
        name: &str,
        role: Role,
        pin: &str,
        now: Timestamp,
    ) -> Result<UserId, StoreError> {
        let _span = tracing::info_span!("add_user", name, role = role.as_str()).entered();
        let name = name.trim();
        if name.is_empty() {
            return Err(StoreError::EmptyText("name"));
        }
        let pin_hash = users::hash_pin(pin)?;
        self.write(|tx| {
            let id = users::insert(tx, name, role, &pin_hash, now)?;
            audit::append(
                tx,
                now,
                None,
                Action::UserAdd,
                &json!({ "id": id.0, "name": name, "role": role.as_str() }),
            )?;
            Ok(id)
        })
    }

    /// Signs a user in: the user with this name, when the PIN matches.
    pub fn login(&self, name: &str, pin: &str) -> Result<User, StoreError> {
        let (user, pin_hash) = users::by_name(&self.conn, name)?;
        if !users::pin_matches(&pin_hash, pin) {
            return Err(StoreError::WrongPin);
        }
        Ok(user)
    }

    /// Every user.
    pub fn users(&self) -> Result<Vec<User>, StoreError> {
        users::all(&self.conn)
    }

    /// The user with this name.
    pub fn user_by_name(&self, name: &str) -> Result<User, StoreError> {
        users::by_name(&self.conn, name).map(|(user, _)| user)
    }

    /// Adds a commission member (as printed on the protocol).
    pub fn add_member(
        &mut self,
        name: &str,
        position: &str,
        now: Timestamp,
    ) -> Result<i64, StoreError> {
        let (name, position) = (name.trim(), position.trim());
        if name.is_empty() {
            return Err(StoreError::EmptyText("name"));
        }
        if position.is_empty() {
            return Err(StoreError::EmptyText("position"));
        }
        self.write(|tx| {
            let id = users::insert_member(tx, name, position, now)?;
            audit::append(
                tx,
                now,
                None,
                Action::MemberAdd,
                &json!({ "id": id, "name": name, "position": position }),
            )?;
            Ok(id)
        })
    }

    /// The commission members.
    pub fn members(&self) -> Result<Vec<Member>, StoreError> {
        users::members(&self.conn)
    }
}
