//! The device key and signed exports: what leaves the precinct on a USB stick.
//!
//! The device key is made once, its secret key encrypted with the chair's passphrase, and kept in
//! the database beside its public key. An export takes every finalized protocol version, builds
//! the batch payload (`hattama_batch::format`), signs its exact bytes with the device key, and
//! records the signed bytes before anything is written to a drive. Exporting again with nothing
//! newly finalized returns the recorded batch unchanged, so a retried or second copy carries the
//! same bytes and hash, never a second batch with the same sequence.

use rusqlite::{OptionalExtension, TransactionBehavior, params};
use serde_json::json;

use hattama_batch::export::sign_batch;
use hattama_batch::format::{
    self, Acknowledged, AuditHead, BatchProtocol, ElectionRef, LineValue, Payload,
};
use hattama_batch::keys;

use super::Store;
use crate::audit;
use crate::error::StoreError;
use crate::protocols;
use crate::review;
use crate::state::State;
use crate::types::{Timestamp, UserId};
use crate::users;

/// The installation's device key, as shown to people (never the secret key).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct DeviceKey {
    /// The key id (16 hex digits).
    pub key_id: String,
    /// The public key, minisign base64.
    pub public_key: String,
    /// The fingerprint printed on the enrolment sheet.
    pub fingerprint: String,
}

/// A signed export, ready to write to a drive.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Export {
    /// The batch sequence number.
    pub sequence: u64,
    /// The batch hash (SHA-256 of the payload bytes).
    pub hash: String,
    /// The file base name.
    pub base_name: String,
    /// The payload bytes.
    pub payload: Vec<u8>,
    /// The signature text.
    pub signature: String,
    /// The protocol versions it carries: (contest, version).
    pub protocols: Vec<(String, u32)>,
    /// True when an earlier export already held exactly these protocols and is returned again.
    pub reused: bool,
}

/// A finalized protocol version with everything the batch and the printed protocol need.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FinalProtocol {
    /// The contest.
    pub contest: String,
    /// Its template.
    pub template: String,
    /// The version.
    pub version: u32,
    /// Why it was repeated (versions from 2 on).
    pub reason: Option<String>,
    /// When it was finalized.
    pub finalized_at: Timestamp,
    /// The chair who finalized it.
    pub finalized_by: String,
    /// Every line's value, in paper order.
    pub values: Vec<(String, u32)>,
    /// Acknowledged warnings: (code, who, when).
    pub acknowledged: Vec<(String, String, Timestamp)>,
    /// Acts attached to errors: (code, text, who, when).
    pub acts: Vec<(String, String, String, Timestamp)>,
}

impl Store {
    /// Makes the device key (once), its secret key encrypted with `passphrase`.
    pub fn create_device_key(
        &mut self,
        passphrase: &str,
        now: Timestamp,
    ) -> Result<DeviceKey, StoreError> {
        let _span = tracing::info_span!("create_device_key").entered();
        self.setup()?;
        if self.device_key()?.is_some() {
            return Err(StoreError::DeviceKeyExists);
        }
        let pair = keys::generate(passphrase, "hattama device key")?;
        let key_id = pair.key_id.to_string();
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        tx.execute(
            "INSERT INTO device_key (id, key_id, public_key, secret_key, created_at) VALUES (1, ?1, ?2, ?3, ?4)",
            params![key_id, pair.public_key, pair.secret_key, now.0],
        )?;
        audit::append(
            &tx,
            now,
            None,
            "device_key.created",
            &json!({ "key_id": key_id, "public_key": pair.public_key }),
        )?;
        tx.commit()?;
        Ok(DeviceKey {
            fingerprint: keys::fingerprint(&pair.public_key)?,
            key_id,
            public_key: pair.public_key,
        })
    }

    /// The device key, if made.
    pub fn device_key(&self) -> Result<Option<DeviceKey>, StoreError> {
        let row: Option<(String, String)> = self
            .conn
            .query_row(
                "SELECT key_id, public_key FROM device_key WHERE id = 1",
                [],
                |row| Ok((row.get(0)?, row.get(1)?)),
            )
            .optional()?;
        match row {
            None => Ok(None),
            Some((key_id, public_key)) => Ok(Some(DeviceKey {
                fingerprint: keys::fingerprint(&public_key)?,
                key_id,
                public_key,
            })),
        }
    }

    /// The device's secret key file, encrypted with the chair's passphrase, if made.
    pub fn device_secret_key(&self) -> Result<Option<String>, StoreError> {
        Ok(self
            .conn
            .query_row(
                "SELECT secret_key FROM device_key WHERE id = 1",
                [],
                |row| row.get(0),
            )
            .optional()?)
    }

    /// Every finalized protocol version, sorted by contest then version.
    pub fn final_protocols(&self) -> Result<Vec<FinalProtocol>, StoreError> {
        let setup = self.setup()?;
        let mut out = Vec::new();
        for row in protocols::all(&self.conn)? {
            let State::Final { chair, .. } = row.state else {
                continue;
            };
            let (template, _) = setup.contest(&row.contest)?;
            let values = self
                .final_values(&row.contest, row.version)?
                .ok_or_else(|| {
                    StoreError::Inconsistent(format!(
                        "final protocol {} v{} has no values",
                        row.contest, row.version
                    ))
                })?;
            let name = |user: UserId| users::get(&self.conn, user).map(|u| u.name);
            let mut acknowledged = Vec::new();
            for (code, user, at) in acknowledgements(&self.conn, row.id)? {
                acknowledged.push((code, name(user)?, at));
            }
            let mut acts = Vec::new();
            for act in review::acts(&self.conn, row.id)? {
                acts.push((act.code, act.text, name(act.user)?, act.at));
            }
            out.push(FinalProtocol {
                contest: row.contest.clone(),
                template: template.id.clone(),
                version: u32::try_from(row.version)
                    .map_err(|_| StoreError::Inconsistent("version out of range".into()))?,
                reason: row.reason.clone(),
                finalized_at: row.finalized_at.unwrap_or(Timestamp(0)),
                finalized_by: name(chair)?,
                values: values
                    .into_iter()
                    .map(|(line, value)| (line, value.get()))
                    .collect(),
                acknowledged,
                acts,
            });
        }
        out.sort_by(|a, b| (&a.contest, a.version).cmp(&(&b.contest, b.version)));
        Ok(out)
    }

    /// Signs a batch of every finalized protocol with the device key (unlocked with
    /// `passphrase`) and records it; or, when the newest export already holds exactly these
    /// protocols, returns that export again, byte for byte.
    pub fn export(
        &mut self,
        passphrase: &str,
        app_version: &str,
        now: Timestamp,
    ) -> Result<Export, StoreError> {
        let _span = tracing::info_span!("export").entered();
        let finals = self.final_protocols()?;
        if finals.is_empty() {
            return Err(StoreError::NothingToExport);
        }
        let carried: Vec<(String, u32)> = finals
            .iter()
            .map(|p| (p.contest.clone(), p.version))
            .collect();
        let newest = self.exports()?.pop();
        if let Some(newest) = &newest
            && newest.protocols == carried
        {
            return Ok(Export {
                reused: true,
                ..newest.clone()
            });
        }
        let secret: String = self
            .conn
            .query_row(
                "SELECT secret_key FROM device_key WHERE id = 1",
                [],
                |row| row.get(0),
            )
            .optional()?
            .ok_or(StoreError::NoDeviceKey)?;
        let key = keys::unlock(&secret, Some(passphrase))?;
        let setup = self.setup()?;
        let (audit_seq, audit_hash) = self.audit_head()?;
        let sequence = newest.as_ref().map_or(1, |export| export.sequence + 1);
        let payload = Payload {
            format: format::FORMAT_NAME.to_owned(),
            version: format::FORMAT_VERSION,
            election: ElectionRef {
                id: setup.definition.definition.id.clone(),
                definition_hash: setup.definition.hash.clone(),
                mode: setup.definition.definition.mode,
            },
            precinct: setup.precinct.clone(),
            sequence,
            previous: newest.as_ref().map(|export| export.hash.clone()),
            audit_head: AuditHead {
                seq: u64::try_from(audit_seq).unwrap_or(0),
                hash: audit_hash,
            },
            app_version: app_version.to_owned(),
            created_at: now.to_rfc3339(),
            protocols: finals.iter().map(batch_protocol).collect(),
        };
        let signed = sign_batch(&payload, &key)?;
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let audit_row = audit::append(
            &tx,
            now,
            None,
            "export.signed",
            &json!({ "sequence": sequence, "hash": signed.hash, "protocols": carried }),
        )?;
        tx.execute(
            "INSERT INTO exports (sequence, hash, previous, base_name, payload, signature, protocols, created_at, audit_seq)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            params![
                i64::try_from(sequence).unwrap_or(i64::MAX),
                signed.hash,
                payload.previous,
                signed.base_name,
                signed.payload,
                signed.signature,
                serde_json::to_string(&carried).unwrap_or_default(),
                now.0,
                audit_row
            ],
        )?;
        tx.commit()?;
        Ok(Export {
            sequence,
            hash: signed.hash,
            base_name: signed.base_name,
            payload: signed.payload,
            signature: signed.signature,
            protocols: carried,
            reused: false,
        })
    }

    /// Records that export `sequence` was written and verified at `place` (a drive or folder).
    pub fn record_export_written(
        &mut self,
        sequence: u64,
        place: &str,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        if !self
            .exports()?
            .iter()
            .any(|export| export.sequence == sequence)
        {
            return Err(StoreError::UnknownExport(sequence));
        }
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        tx.execute(
            "INSERT INTO export_writes (sequence, place, at) VALUES (?1, ?2, ?3)",
            params![i64::try_from(sequence).unwrap_or(i64::MAX), place, now.0],
        )?;
        audit::append(
            &tx,
            now,
            None,
            "export.written",
            &json!({ "sequence": sequence, "place": place }),
        )?;
        tx.commit()?;
        Ok(())
    }

    /// Every export, oldest first.
    pub fn exports(&self) -> Result<Vec<Export>, StoreError> {
        let mut statement = self
            .conn
            .prepare("SELECT sequence, hash, base_name, payload, signature, protocols FROM exports ORDER BY sequence")?;
        let rows = statement.query_map([], |row| {
            Ok((
                row.get::<_, i64>(0)?,
                row.get::<_, String>(1)?,
                row.get::<_, String>(2)?,
                row.get::<_, Vec<u8>>(3)?,
                row.get::<_, String>(4)?,
                row.get::<_, String>(5)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (sequence, hash, base_name, payload, signature, protocols) = row?;
            let protocols: Vec<(String, u32)> = serde_json::from_str(&protocols)
                .map_err(|error| StoreError::Inconsistent(format!("export {sequence}: {error}")))?;
            out.push(Export {
                sequence: u64::try_from(sequence).unwrap_or(0),
                hash,
                base_name,
                payload,
                signature,
                protocols,
                reused: false,
            });
        }
        Ok(out)
    }

    /// The hash of the newest export that carries `contest` version `version`, for the printed protocol.
    pub fn batch_hash_of(&self, contest: &str, version: u32) -> Result<Option<String>, StoreError> {
        Ok(self
            .exports()?
            .into_iter()
            .rev()
            .find(|export| {
                export
                    .protocols
                    .iter()
                    .any(|(c, v)| c == contest && *v == version)
            })
            .map(|export| export.hash))
    }
}

fn acknowledgements(
    conn: &rusqlite::Connection,
    protocol: i64,
) -> Result<Vec<(String, UserId, Timestamp)>, StoreError> {
    let mut statement = conn.prepare_cached(
        "SELECT code, user_id, at FROM acknowledgements WHERE protocol = ?1 ORDER BY code",
    )?;
    let rows = statement.query_map([protocol], |row| {
        Ok((
            row.get::<_, String>(0)?,
            UserId(row.get(1)?),
            Timestamp(row.get(2)?),
        ))
    })?;
    Ok(rows.collect::<Result<Vec<_>, _>>()?)
}

fn batch_protocol(protocol: &FinalProtocol) -> BatchProtocol {
    let template_version = hattama_protocol::builtin::templates()
        .template(&protocol.template)
        .map_or(1, |t| t.version);
    BatchProtocol {
        contest: protocol.contest.clone(),
        template: protocol.template.clone(),
        template_version,
        version: protocol.version,
        repeated_reason: protocol.reason.clone(),
        finalized_at: protocol.finalized_at.to_rfc3339(),
        finalized_by: protocol.finalized_by.clone(),
        values: protocol
            .values
            .iter()
            .map(|(line, value)| LineValue {
                line: line.clone(),
                value: *value,
            })
            .collect(),
        acknowledged: protocol
            .acknowledged
            .iter()
            .map(|(code, by, at)| Acknowledged {
                code: code.clone(),
                by: by.clone(),
                at: at.to_rfc3339(),
            })
            .collect(),
        acts: protocol
            .acts
            .iter()
            .map(|(code, text, by, at)| format::Act {
                code: code.clone(),
                text: text.clone(),
                by: by.clone(),
                at: at.to_rfc3339(),
            })
            .collect(),
    }
}
