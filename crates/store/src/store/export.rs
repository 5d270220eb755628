//! The device key and signed exports as records: what the precinct crate made and signed, kept
//! with its audit rows. Making keys, building payloads and signing are not the store's job
//! (`hattama-precinct` does them with `hattama-batch`); the store keeps the exact bytes it is
//! given, so a retried or second copy of a batch carries the same bytes and hash.

use serde_json::json;

use super::Store;
use crate::audit::{self, Action};
use crate::device_key::{self, StoredKey};
use crate::error::StoreError;
use crate::exports::{self, ExportRow};
use crate::permissions::Permission;
use crate::protocols;
use crate::review;
use crate::state::State;
use crate::types::{Session, Timestamp, UserId};
use crate::users;

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
    /// Acts attached to errors: (code, text, who, when); the text starts with the act's paper
    /// number (`№ 3: …`) when it has one.
    pub acts: Vec<(String, String, String, Timestamp)>,
}

impl Store {
    /// Keeps the device key, made once: a second one is refused.
    pub fn save_device_key(&mut self, actor: &Session, key: &StoredKey) -> Result<(), StoreError> {
        let _span = tracing::info_span!("save_device_key", key_id = %key.key_id).entered();
        let by = self.require(actor, Permission::MakeDeviceKey)?.id;
        self.setup()?;
        self.write(|tx| {
            if device_key::get(tx)?.is_some() {
                return Err(StoreError::DeviceKeyExists);
            }
            device_key::insert(tx, key)?;
            audit::append(
                tx,
                key.created_at,
                Some(by),
                Action::DeviceKeyCreated,
                &json!({ "key_id": key.key_id, "public_key": key.public_key }),
            )?;
            Ok(())
        })
    }

    /// The device key, if made.
    pub fn device_key(&self) -> Result<Option<StoredKey>, StoreError> {
        device_key::get(&self.conn)
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
            for ack in review::acknowledgements(&self.conn, row.id)? {
                acknowledged.push((ack.code, name(ack.user)?, ack.at));
            }
            let mut acts = Vec::new();
            for act in review::acts(&self.conn, row.id)? {
                let text = match &act.paper_number {
                    Some(number) => format!("№ {number}: {}", act.text),
                    None => act.text,
                };
                acts.push((act.code, text, name(act.user)?, act.at));
            }
            let finalized_at = row.finalized_at.ok_or_else(|| {
                StoreError::Inconsistent(format!(
                    "final protocol {} v{} has no finalizing time",
                    row.contest, row.version
                ))
            })?;
            out.push(FinalProtocol {
                contest: row.contest.clone(),
                template: template.id.clone(),
                version: u32::try_from(row.version)
                    .map_err(|_| StoreError::Inconsistent("version out of range".into()))?,
                reason: row.reason.clone(),
                finalized_at,
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

    /// Records a signed batch, exactly as signed, with its audit row. Its sequence must be the
    /// next one.
    pub fn record_export(&mut self, actor: &Session, export: &ExportRow) -> Result<(), StoreError> {
        let _span = tracing::info_span!("record_export", sequence = export.sequence).entered();
        let by = self.require(actor, Permission::Export)?.id;
        self.write(|tx| {
            let next = exports::all(tx)?
                .last()
                .map_or(1, |newest| newest.sequence + 1);
            if export.sequence != next {
                return Err(StoreError::Inconsistent(format!(
                    "export {} recorded where {next} is next",
                    export.sequence
                )));
            }
            let audit_seq = audit::append(
                tx,
                export.created_at,
                Some(by),
                Action::ExportSigned,
                &json!({
                    "sequence": export.sequence,
                    "hash": export.hash,
                    "protocols": export.protocols,
                }),
            )?;
            exports::insert(tx, export, audit_seq)
        })
    }

    /// Records that export `sequence` was written and verified at `place` (a drive or folder).
    pub fn record_export_written(
        &mut self,
        actor: &Session,
        sequence: u64,
        place: &str,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        let by = self.require(actor, Permission::Export)?.id;
        self.write(|tx| {
            if !exports::all(tx)?
                .iter()
                .any(|export| export.sequence == sequence)
            {
                return Err(StoreError::UnknownExport(sequence));
            }
            exports::insert_write(tx, sequence, place, now)?;
            audit::append(
                tx,
                now,
                Some(by),
                Action::ExportWritten,
                &json!({ "sequence": sequence, "place": place }),
            )?;
            Ok(())
        })
    }

    /// Every export, oldest first.
    pub fn exports(&self) -> Result<Vec<ExportRow>, StoreError> {
        exports::all(&self.conn)
    }
}
