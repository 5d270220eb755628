//! The device key: made once at setup, its secret key encrypted with the chair's passphrase,
//! kept in the store; shown to people as key id, fingerprint and public key, never the secret.

use hattama_batch::keys;
use hattama_store::{Permission, Session, Store, StoreError, StoredKey, Timestamp};

use crate::error::PrecinctError;

/// The installation's device key, as shown to people (never the secret key).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeviceKey {
    /// The key id (16 hex digits).
    pub key_id: String,
    /// The public key, minisign base64.
    pub public_key: String,
    /// The fingerprint printed on the enrolment sheet.
    pub fingerprint: String,
}

impl DeviceKey {
    fn of(stored: &StoredKey) -> Result<DeviceKey, PrecinctError> {
        Ok(DeviceKey {
            key_id: stored.key_id.clone(),
            public_key: stored.public_key.clone(),
            fingerprint: keys::fingerprint(&stored.public_key)?,
        })
    }
}

/// Makes the device key (once), its secret key encrypted with `passphrase`, which the chair
/// typed twice (`repeated`). Only the chair, checked before anything else.
pub fn make(
    store: &mut Store,
    actor: &Session,
    passphrase: &str,
    repeated: &str,
    now: Timestamp,
) -> Result<DeviceKey, PrecinctError> {
    let _span = tracing::info_span!("make_device_key").entered();
    store.require(actor, Permission::MakeDeviceKey)?;
    if passphrase != repeated {
        return Err(PrecinctError::PassphraseMismatch);
    }
    if store.device_key()?.is_some() {
        return Err(StoreError::DeviceKeyExists.into());
    }
    let pair = keys::generate(passphrase, "hattama device key")?;
    let stored = StoredKey {
        key_id: pair.key_id.to_string(),
        public_key: pair.public_key,
        secret_key: pair.secret_key,
        created_at: now,
    };
    store.save_device_key(actor, &stored)?;
    tracing::info!(key_id = %stored.key_id, "device key made");
    DeviceKey::of(&stored)
}

/// The device key, if made.
pub fn get(store: &Store) -> Result<Option<DeviceKey>, PrecinctError> {
    store.device_key()?.as_ref().map(DeviceKey::of).transpose()
}

/// The device key unlocked with the chair's passphrase, for one signature.
pub(crate) fn unlock(store: &Store, passphrase: &str) -> Result<keys::UnlockedKey, PrecinctError> {
    let stored = store.device_key()?.ok_or(StoreError::NoDeviceKey)?;
    Ok(keys::unlock(&stored.secret_key, Some(passphrase))?)
}
