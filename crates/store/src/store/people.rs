//! Setting the installation up, and the people it knows: users who sign in with a PIN and the
//! commission members printed in the signature block.
//!
//! [`Store::sign_in`] is the only way to a [`Session`]; [`Store::require`] checks the permission
//! table (`permissions`) for it, and every store method a person performs calls it before it
//! reads or writes anything else. Every PIN check (signing in, the chair's PIN again when adding
//! a chair) goes through one counter of wrong PINs per user (`pin_attempts`), which locks a user
//! out after five in a row; a locked user is refused before the PIN is checked.

use serde_json::json;

use hattama_protocol::definition::load_definition;
use hattama_protocol::{PrecinctId, builtin};

use super::{Setup, Store};
use crate::audit::{self, Action};
use crate::commission_key::{self, CommissionKey, PinnedKey};
use crate::error::StoreError;
use crate::permissions::Permission;
use crate::pin_attempts::{self, Attempts, FAILURES_BEFORE_LOCK};
use crate::protocols;
use crate::setup;
use crate::types::{Role, Session, Timestamp, UserId};
use crate::users::{self, Account, Member, User};

/// The person setting the installation up, who becomes its first chair.
#[derive(Clone, Copy, Debug)]
pub struct FirstChair<'a> {
    /// Their name, typed at sign-in.
    pub name: &'a str,
    /// Their PIN.
    pub pin: &'a str,
}

impl Store {
    /// Sets up the installation: stores the definition's exact bytes and hash and the precinct,
    /// creates version 1 of a protocol for each contest the precinct holds, and adds the person
    /// setting up as the first chair, signed in. Allowed only while the installation has no
    /// user and no precinct: first-run setup is the one action without a session.
    pub fn setup_precinct(
        &mut self,
        definition: &[u8],
        precinct: &PrecinctId,
        first_chair: &FirstChair<'_>,
        now: Timestamp,
    ) -> Result<Session, StoreError> {
        let _span = tracing::info_span!("setup_precinct", %precinct).entered();
        if self.setup.is_some() || users::any(&self.conn)? {
            return Err(StoreError::AlreadySetUp);
        }
        let name = checked_name(first_chair.name)?;
        let pin_hash = users::hash_pin(first_chair.pin, self.config.pin_cost)?;
        let loaded = load_definition(definition, builtin::templates())?;
        let Some(found) = loaded.precinct(precinct) else {
            return Err(StoreError::UnknownPrecinct(precinct.clone()));
        };
        let contests = found.contests.clone();
        let chair = self.write(|tx| {
            if setup::load(tx)?.is_some() || users::any(tx)? {
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
            insert_user(tx, None, name, Role::Chair, &pin_hash, now)
        })?;
        self.setup = Some(Setup {
            definition: loaded,
            precinct: precinct.clone(),
        });
        Ok(Session::new(chair, name.to_owned(), Role::Chair))
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

    /// Signs a user in when the PIN matches. A locked user is refused with
    /// [`StoreError::Locked`] before the PIN is checked; a wrong PIN counts towards the lockout
    /// (and is audited); an unknown or removed name costs and answers as a wrong PIN does.
    pub fn sign_in(
        &mut self,
        name: &str,
        pin: &str,
        now: Timestamp,
    ) -> Result<Session, StoreError> {
        let _span = tracing::info_span!("sign_in", name).entered();
        let account = users::account_by_name(&self.conn, name.trim())?;
        let Some(account) = account.filter(|account| !account.removed) else {
            users::pin_matches(users::DECOY_PHC, pin);
            return Err(StoreError::WrongPin);
        };
        self.counted_pin_check(&account, pin, now)?;
        tracing::info!(user = account.user.id.0, "signed in");
        Ok(Session::new(
            account.user.id,
            account.user.name,
            account.user.role,
        ))
    }

    /// The actor's current row when their role allows `permission` by the table; otherwise
    /// [`StoreError::NotPermitted`] (a removed user holds no permission). Reads nothing else and
    /// writes nothing, so a refusal reveals nothing and changes nothing.
    pub fn require(&self, actor: &Session, permission: Permission) -> Result<User, StoreError> {
        let refused = StoreError::NotPermitted { permission };
        let Some(account) = users::account(&self.conn, actor.user())? else {
            return Err(refused);
        };
        if account.removed || !permission.allows(account.user.role) {
            tracing::warn!(
                user = actor.user().0,
                action = permission.code(),
                "not permitted"
            );
            return Err(refused);
        }
        Ok(account.user)
    }

    /// What the signed-in user may do now, by the permission table: what the app offers them.
    pub fn allowed(&self, actor: &Session) -> Result<Vec<Permission>, StoreError> {
        let Some(account) = users::account(&self.conn, actor.user())? else {
            return Ok(Vec::new());
        };
        if account.removed {
            return Ok(Vec::new());
        }
        Ok(crate::permissions::allowed(account.user.role))
    }

    /// Adds a user with a PIN (6 to 12 digits, not a trivial one; stored as Argon2id). Only a
    /// chair adds users; adding a chair needs the acting chair's own PIN (`actor_pin`) again,
    /// checked through the same counter as signing in.
    pub fn add_user(
        &mut self,
        actor: &Session,
        name: &str,
        role: Role,
        pin: &str,
        actor_pin: Option<&str>,
        now: Timestamp,
    ) -> Result<UserId, StoreError> {
        let _span = tracing::info_span!("add_user", name, role = role.as_str()).entered();
        self.require(actor, Permission::AddUser)?;
        if role == Role::Chair {
            self.confirm_chair(actor, actor_pin, now)?;
        }
        let name = checked_name(name)?;
        let pin_hash = users::hash_pin(pin, self.config.pin_cost)?;
        let by = actor.user();
        self.write(|tx| insert_user(tx, Some(by), name, role, &pin_hash, now))
    }

    /// Gives a user another role. Only a chair; making someone chair needs the acting chair's PIN
    /// again; the last chair keeps the role.
    pub fn change_role(
        &mut self,
        actor: &Session,
        user: UserId,
        role: Role,
        actor_pin: Option<&str>,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        let _span =
            tracing::info_span!("change_role", user = user.0, role = role.as_str()).entered();
        self.require(actor, Permission::ChangeUser)?;
        if role == Role::Chair {
            self.confirm_chair(actor, actor_pin, now)?;
        }
        let target = self.live_account(user)?;
        if target.user.role == role {
            return Ok(());
        }
        if target.user.role == Role::Chair {
            self.keep_a_chair(user)?;
        }
        let payload =
            json!({ "id": user.0, "role": role.as_str(), "from": target.user.role.as_str() });
        self.change_account(actor, now, Action::UserChange, &payload, |tx| {
            users::set_role(tx, user, role)
        })
    }

    /// Removes a user: they can no longer sign in or act; what they did keeps their name. Only a
    /// chair; the last chair stays.
    pub fn remove_user(
        &mut self,
        actor: &Session,
        user: UserId,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        let _span = tracing::info_span!("remove_user", user = user.0).entered();
        self.require(actor, Permission::RemoveUser)?;
        let target = self.live_account(user)?;
        if target.user.role == Role::Chair {
            self.keep_a_chair(user)?;
        }
        let payload = json!({ "id": user.0, "name": target.user.name });
        self.change_account(actor, now, Action::UserRemove, &payload, |tx| {
            users::set_removed(tx, user, now)
        })
    }

    /// One change `actor` makes to an account: its audit row (`action`, `payload`), then
    /// `change`, in one transaction.
    fn change_account(
        &mut self,
        actor: &Session,
        now: Timestamp,
        action: Action,
        payload: &serde_json::Value,
        change: impl FnOnce(&rusqlite::Transaction<'_>) -> Result<(), StoreError>,
    ) -> Result<(), StoreError> {
        self.write(|tx| {
            audit::append(tx, now, Some(actor.user()), action, payload)?;
            change(tx)
        })
    }

    /// Lifts a clerk's or a secretary's lockout and forgets their wrong PINs and earlier locks.
    /// Only a chair; a locked chair waits out the lock.
    pub fn unlock_user(
        &mut self,
        actor: &Session,
        user: UserId,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        let _span = tracing::info_span!("unlock_user", user = user.0).entered();
        self.require(actor, Permission::UnlockUser)?;
        let target = self.live_account(user)?;
        if target.user.role == Role::Chair {
            return Err(StoreError::NotPermitted {
                permission: Permission::UnlockUser,
            });
        }
        self.write(|tx| {
            pin_attempts::set(tx, user, &Attempts::default())?;
            audit::append(
                tx,
                now,
                Some(actor.user()),
                Action::UserUnlocked,
                &json!({ "id": user.0 }),
            )?;
            Ok(())
        })
    }

    /// The wrong-PIN counter of a user.
    pub fn pin_attempts(&self, user: UserId) -> Result<Attempts, StoreError> {
        pin_attempts::get(&self.conn, user)
    }

    /// Every user who has not been removed.
    pub fn users(&self) -> Result<Vec<User>, StoreError> {
        users::all(&self.conn)
    }

    /// The user with this name.
    pub fn user_by_name(&self, name: &str) -> Result<User, StoreError> {
        users::account_by_name(&self.conn, name)?
            .filter(|account| !account.removed)
            .map(|account| account.user)
            .ok_or_else(|| StoreError::UnknownUser(name.to_owned()))
    }

    /// Adds a commission member (as printed on the protocol). Only a chair.
    pub fn add_member(
        &mut self,
        actor: &Session,
        name: &str,
        position: &str,
        now: Timestamp,
    ) -> Result<i64, StoreError> {
        self.require(actor, Permission::AddMember)?;
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
                Some(actor.user()),
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

    /// The acting chair's PIN again, through the counter.
    fn confirm_chair(
        &mut self,
        actor: &Session,
        actor_pin: Option<&str>,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        self.require(actor, Permission::AddChair)?;
        let Some(pin) = actor_pin else {
            return Err(StoreError::PinNeeded);
        };
        let account = self.live_account(actor.user())?;
        self.counted_pin_check(&account, pin, now)
    }

    /// A user who exists and was not removed.
    fn live_account(&self, user: UserId) -> Result<Account, StoreError> {
        users::account(&self.conn, user)?
            .filter(|account| !account.removed)
            .ok_or_else(|| StoreError::UnknownUser(user.0.to_string()))
    }

    /// Refuses to take the chair role from `user` when nobody else holds it.
    fn keep_a_chair(&self, user: UserId) -> Result<(), StoreError> {
        let others = users::all(&self.conn)?
            .iter()
            .any(|other| other.id != user && other.role == Role::Chair);
        if !others {
            return Err(StoreError::LastChair);
        }
        Ok(())
    }

    /// Checks `pin` against the account through its counter: refused while locked (without
    /// checking the PIN); a wrong PIN is counted and audited, the fifth in a row locks the user;
    /// a right one clears the row of failures.
    fn counted_pin_check(
        &mut self,
        account: &Account,
        pin: &str,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        let id = account.user.id;
        let attempts = pin_attempts::get(&self.conn, id)?;
        if let Some(until) = attempts.locked_at(now) {
            return Err(StoreError::Locked { until });
        }
        if users::pin_matches(&account.pin_hash, pin) {
            if 0 < attempts.failures {
                let cleared = Attempts {
                    failures: 0,
                    ..attempts
                };
                self.write(|tx| pin_attempts::set(tx, id, &cleared))?;
            }
            return Ok(());
        }
        let failures = attempts.failures + 1;
        let outcome = self.write(|tx| {
            audit::append(
                tx,
                now,
                None,
                Action::PinFailed,
                &json!({ "id": id.0, "failures": failures }),
            )?;
            if failures < FAILURES_BEFORE_LOCK {
                pin_attempts::set(
                    tx,
                    id,
                    &Attempts {
                        failures,
                        ..attempts
                    },
                )?;
                return Ok(StoreError::WrongPin);
            }
            let locks = attempts.locks + 1;
            let minutes = pin_attempts::lock_minutes(locks);
            let until = Timestamp(now.0.saturating_add(minutes * 60_000));
            pin_attempts::set(
                tx,
                id,
                &Attempts {
                    failures: 0,
                    locks,
                    locked_until: Some(until),
                },
            )?;
            audit::append(
                tx,
                now,
                None,
                Action::UserLocked,
                &json!({ "id": id.0, "minutes": minutes, "until": until.0 }),
            )?;
            tracing::warn!(user = id.0, minutes, "locked out after wrong PINs");
            Ok(StoreError::Locked { until })
        })?;
        Err(outcome)
    }
}

/// A user's name, trimmed and not empty.
fn checked_name(name: &str) -> Result<&str, StoreError> {
    let name = name.trim();
    if name.is_empty() {
        return Err(StoreError::EmptyText("name"));
    }
    Ok(name)
}

/// Inserts a user and appends its `user.add` row, which carries the digest of the PIN hash so
/// `audit verify` can tell a copied-over hash.
fn insert_user(
    tx: &rusqlite::Transaction<'_>,
    by: Option<UserId>,
    name: &str,
    role: Role,
    pin_hash: &str,
    now: Timestamp,
) -> Result<UserId, StoreError> {
    let id = users::insert(tx, name, role, pin_hash, now)?;
    audit::append(
        tx,
        now,
        by.or(Some(id)),
        Action::UserAdd,
        &json!({
            "id": id.0,
            "name": name,
            "role": role.as_str(),
            "pin": users::pin_digest(pin_hash),
        }),
    )?;
    Ok(id)
}
