//! What the store shows and vouches for beyond the entry forms: the audit log as a person sees it
//! (blind, like the second entry), and the check that runs before anything is signed, exported
//! or printed.
//!
//! The audit view hides every number of a protocol version whose two entries are not both done
//! and agreed: `value.save` rows while an entry is typed, and reconcile rows while the entries
//! still differ, so neither the second clerk nor the reconciler can read the other entry there.
//! The rows themselves stay, with their seq, time, actor and action; hash verification still
//! runs over the real payloads.
//!
//! [`Store::vouch`] runs `PRAGMA integrity_check`, compares every final value with the values
//! the audit log recorded at finalizing, and walks the chain. It cannot catch a chain rewritten
//! consistently inside the file (see the [`audit`](crate::audit) module); the commission does,
//! against the heads of earlier batches.

use std::collections::{BTreeMap, BTreeSet};

use crate::audit::{self, Action, AuditViewRow};
use crate::error::StoreError;
use crate::finals;
use crate::permissions::Permission;
use crate::protocols;
use crate::state::State;
use crate::types::Session;

use super::Store;

impl Store {
    /// The audit rows from `from_seq` on, as the signed-in `actor` may see them
    /// ([`Permission::ViewAudit`]): every number of a protocol version whose entries are not both
    /// done and agreed is left out and the row marked hidden.
    pub fn audit_view(
        &self,
        actor: &Session,
        from_seq: i64,
    ) -> Result<Vec<AuditViewRow>, StoreError> {
        self.require(actor, Permission::ViewAudit)?;
        let open: BTreeSet<(String, i64)> = protocols::all(&self.conn)?
            .into_iter()
            .filter(|row| !matches!(row.state, State::Agreed { .. } | State::Final { .. }))
            .map(|row| (row.contest, row.version))
            .collect();
        let mut out = Vec::new();
        for mut entry in audit::entries(&self.conn, from_seq)? {
            let of_open = audit::protocol_of(&entry.payload).is_some_and(|key| open.contains(&key));
            let redacted = if of_open {
                audit::redact(&entry.payload)
            } else {
                None
            };
            let hidden = redacted.is_some();
            if let Some(redacted) = redacted {
                entry.payload = redacted;
            }
            out.push(AuditViewRow { entry, hidden });
        }
        Ok(out)
    }

    /// Whether the file vouches for what would be signed: `PRAGMA integrity_check` passes, every
    /// final value is the one the audit log recorded when its protocol was finalized, and the
    /// chain walks intact with the tables agreeing. Export and print call this first and refuse
    /// with its error. Reads only.
    pub fn vouch(&self) -> Result<(), StoreError> {
        let _span = tracing::info_span!("vouch").entered();
        if let Some(detail) = self.integrity_check()?.into_iter().next() {
            return Err(StoreError::IntegrityFailed { detail });
        }
        self.finals_vouched()?;
        let report = audit::verify(&self.conn)?;
        if let Some(broken) = report.broken {
            return Err(StoreError::AuditBroken {
                seq: broken.seq,
                problem: broken.kind.code(),
            });
        }
        Ok(())
    }

    /// Every final value against the `protocol.finalize` row of its version, line by line, both
    /// ways: a value the row does not record, a value that differs, a line the row records that
    /// the table lacks, and a final version with no finalize row are all refused.
    fn finals_vouched(&self) -> Result<(), StoreError> {
        type Lines = BTreeMap<String, i64>;
        let mut logged: BTreeMap<(String, i64), Lines> = BTreeMap::new();
        for entry in audit::entries(&self.conn, 1)? {
            if entry.action != Action::ProtocolFinalize.as_str() {
                continue;
            }
            let Some(key) = audit::protocol_of(&entry.payload) else {
                continue;
            };
            let payload: serde_json::Value =
                serde_json::from_str(&entry.payload).unwrap_or_default();
            let lines = payload["values"]
                .as_object()
                .map(|values| {
                    values
                        .iter()
                        .filter_map(|(line, value)| Some((line.clone(), value.as_i64()?)))
                        .collect()
                })
                .unwrap_or_default();
            logged.insert(key, lines);
        }
        for protocol in protocols::all(&self.conn)? {
            let stored: Lines = finals::load(&self.conn, protocol.id)?
                .into_iter()
                .map(|(line, value)| (line, i64::from(value.get())))
                .collect();
            let is_final = matches!(protocol.state, State::Final { .. });
            if stored.is_empty() && !is_final {
                continue;
            }
            let not_vouched = |line: &str| StoreError::FinalNotVouched {
                contest: protocol.contest.clone(),
                version: protocol.version,
                line: line.to_owned(),
            };
            let key = (protocol.contest.clone(), protocol.version);
            let Some(recorded) = logged.get(&key).filter(|_| is_final) else {
                let first = stored.keys().next().map_or("", String::as_str);
                return Err(not_vouched(first));
            };
            for (line, value) in &stored {
                if recorded.get(line) != Some(value) {
                    return Err(not_vouched(line));
                }
            }
            if let Some(line) = recorded.keys().find(|line| !stored.contains_key(*line)) {
                return Err(not_vouched(line));
            }
        }
        Ok(())
    }
}
