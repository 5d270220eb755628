//! Exporting: every finalized protocol version in one signed batch, written crash-safely to a
//! removable drive (or a folder the person names) and read back before anything says the drive
//! may be removed.
//!
//! Signing again with nothing newly finalized returns the recorded batch unchanged, so a retried
//! or second copy carries the same bytes and hash, never a second batch with the same sequence.

use std::path::{Path, PathBuf};

use hattama_batch::drives::{self, Mount};
use hattama_batch::export::sign_batch;
use hattama_batch::format::{
    self, Acknowledged, AuditHead, BatchProtocol, ElectionRef, LineValue, LogEntry, Payload,
};
use hattama_batch::write::{BatchFiles, RealIo, write_batch};
use hattama_protocol::builtin;
use hattama_store::{
    AuditEntry, ExportRow, FinalProtocol, Permission, Session, Store, StoreError, Timestamp,
};

use crate::device_key;
use crate::error::PrecinctError;

/// A signed batch, ready to write or already written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Export {
    /// The batch as recorded: sequence, hash, bytes, signature, what it carries.
    pub batch: ExportRow,
    /// True when an earlier export already held exactly these protocols and is returned again.
    pub reused: bool,
}

/// Where to write a batch.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Target {
    /// The one removable drive mounted now; refused when there is none or more than one.
    OnlyDrive,
    /// A folder the person chose (a drive's mount point, or any folder).
    Folder(String),
}

/// A batch written, synced and read back: only this means the drive may be removed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Exported {
    /// The batch.
    pub export: Export,
    /// The payload file written.
    pub payload: PathBuf,
    /// The signature file written.
    pub signature: PathBuf,
    /// The folder it went to.
    pub folder: PathBuf,
}

/// The protocol versions a batch carries: (contest, version).
fn carried(finals: &[FinalProtocol]) -> Vec<(String, u32)> {
    finals
        .iter()
        .map(|protocol| (protocol.contest.clone(), protocol.version))
        .collect()
}

/// Whether `newest` (the newest export) already carries exactly the protocol versions `carried`:
/// then exporting again writes that same batch.
fn carries_all(newest: Option<&ExportRow>, carried: &[(String, u32)]) -> bool {
    newest.is_some_and(|newest| !carried.is_empty() && newest.protocols == carried)
}

/// The hash of the newest export among `exports` that carries `contest` version `version`.
pub(crate) fn batch_hash_in(exports: &[ExportRow], contest: &str, version: u32) -> Option<String> {
    exports
        .iter()
        .rev()
        .find(|export| {
            export
                .protocols
                .iter()
                .any(|(c, v)| c == contest && *v == version)
        })
        .map(|export| export.hash.clone())
}

/// Signs a batch of every finalized protocol with the device key (unlocked with `passphrase`)
/// and records it; or, when the newest export already holds exactly these protocols, returns
/// that export again, byte for byte. First the store must vouch for the file
/// ([`Store::vouch`]: integrity check, final values against the audit chain, the chain itself);
/// when it does not, nothing is signed or recorded.
pub fn sign(
    store: &mut Store,
    actor: &Session,
    passphrase: &str,
    app_version: &str,
    now: Timestamp,
) -> Result<Export, PrecinctError> {
    let _span = tracing::info_span!("sign_export").entered();
    store.require(actor, Permission::Export)?;
    // Nothing is signed that the file and its chain do not vouch for; a refusal writes nothing.
    store.vouch()?;
    let finals = store.final_protocols()?;
    if finals.is_empty() {
        return Err(StoreError::NothingToExport.into());
    }
    let carried = carried(&finals);
    let newest = store.exports()?.pop();
    if let Some(newest) = newest
        .as_ref()
        .filter(|newest| carries_all(Some(newest), &carried))
    {
        return Ok(Export {
            batch: newest.clone(),
            reused: true,
        });
    }
    let key = device_key::unlock(store, passphrase)?;
    let (Some(definition), Some(precinct)) = (store.definition(), store.precinct()) else {
        return Err(StoreError::NotSetUp.into());
    };
    let chain = store.audit_chain()?;
    let (audit_seq, audit_hash) = chain.head;
    let sequence = newest.as_ref().map_or(1, |export| export.sequence + 1);
    let previous = newest.map(|export| export.hash);
    let payload = Payload {
        format: format::FORMAT_NAME.to_owned(),
        version: format::FORMAT_VERSION,
        election: ElectionRef {
            id: definition.definition.id.clone(),
            definition_hash: definition.hash.clone(),
            mode: definition.definition.mode,
        },
        precinct: precinct.clone(),
        sequence,
        previous: previous.clone(),
        audit_head: AuditHead {
            seq: u64::try_from(audit_seq)
                .map_err(|_| StoreError::Inconsistent("negative audit head".into()))?,
            hash: audit_hash,
        },
        app_version: app_version.to_owned(),
        created_at: now.to_rfc3339(),
        protocols: finals.iter().map(batch_protocol).collect(),
        audit_log: chain
            .entries
            .into_iter()
            .map(log_entry)
            .collect::<Result<_, StoreError>>()?,
    };
    let signed = sign_batch(&payload, &key)?;
    let batch = ExportRow {
        sequence,
        hash: signed.hash,
        previous,
        base_name: signed.base_name,
        payload: signed.payload,
        signature: signed.signature,
        protocols: carried,
        created_at: now,
    };
    store.record_export(actor, &batch)?;
    Ok(Export {
        batch,
        reused: false,
    })
}

/// The folder `target` names: the only removable drive, or an existing folder.
pub fn folder_of(target: &Target) -> Result<PathBuf, PrecinctError> {
    match target {
        Target::OnlyDrive => only_drive(&drives::find_removable_drives()),
        Target::Folder(path) => existing_folder(path),
    }
}

/// The drive to suggest when exactly one removable drive is mounted.
pub fn suggested_drive(mounted: &[Mount]) -> Option<&Mount> {
    match mounted {
        [only] => Some(only),
        _ => None,
    }
}

fn only_drive(mounted: &[Mount]) -> Result<PathBuf, PrecinctError> {
    match mounted {
        [] => Err(PrecinctError::NoDrive),
        [only] => Ok(only.mount_point.clone()),
        _ => Err(PrecinctError::SeveralDrives),
    }
}

/// The folder `path` names, which must exist.
pub fn existing_folder(path: &str) -> Result<PathBuf, PrecinctError> {
    let trimmed = path.trim();
    if trimmed.is_empty() {
        return Err(PrecinctError::NoFolder);
    }
    let folder = PathBuf::from(trimmed);
    if !folder.is_dir() {
        return Err(PrecinctError::NotAFolder {
            path: trimmed.to_owned(),
        });
    }
    Ok(folder)
}

/// Signs (or takes the earlier batch when nothing is new), writes it to `target` crash-safely,
/// reads it back, and records where it went. Only an `Ok` means the drive may be removed. A file
/// the store does not vouch for is refused before anything touches the drive.
pub fn export(
    store: &mut Store,
    actor: &Session,
    passphrase: &str,
    target: &Target,
    app_version: &str,
    now: Timestamp,
) -> Result<Exported, PrecinctError> {
    store.require(actor, Permission::Export)?;
    let folder = folder_of(target)?;
    // A folder that is or passes through a link is refused before anything is signed.
    hattama_batch::write::refuse_links(&folder, &[])?;
    let export = sign(store, actor, passphrase, app_version, now)?;
    write_to(store, actor, export, &folder, now)
}

fn write_to(
    store: &mut Store,
    actor: &Session,
    export: Export,
    folder: &Path,
    now: Timestamp,
) -> Result<Exported, PrecinctError> {
    let written = write_batch(
        &RealIo,
        folder,
        &BatchFiles {
            base_name: &export.batch.base_name,
            payload: &export.batch.payload,
            signature: &export.batch.signature,
        },
    )?;
    let place = folder.display().to_string();
    store.record_export_written(actor, export.batch.sequence, &place, now)?;
    tracing::info!(sequence = export.batch.sequence, reused = export.reused, %place, "batch written");
    Ok(Exported {
        export,
        payload: written.payload,
        signature: written.signature,
        folder: folder.to_owned(),
    })
}

/// An audit row as the batch carries it: what its hash is computed over, and the hash.
fn log_entry((entry, hash): (AuditEntry, String)) -> Result<LogEntry, StoreError> {
    Ok(LogEntry {
        seq: u64::try_from(entry.seq)
            .map_err(|_| StoreError::Inconsistent("negative audit seq".into()))?,
        at: entry.at.0,
        user: entry.user.map(|user| user.0),
        action: entry.action,
        payload: entry.payload,
        hash,
    })
}

fn batch_protocol(protocol: &FinalProtocol) -> BatchProtocol {
    let template_version = builtin::templates()
        .template(&protocol.template)
        .map_or(1, |template| template.version);
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

/// A finalized protocol version as the export and print screens list it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FinalEntry {
    /// The protocol version.
    pub protocol: FinalProtocol,
    /// The hash of the newest batch carrying it, `None` before it is exported.
    pub batch_hash: Option<String>,
}

impl FinalEntry {
    /// Whether it can be printed: the paper carries its batch hash, so it must be exported first.
    pub fn printable(&self) -> bool {
        self.batch_hash.is_some()
    }
}

/// What the export and print screens start from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Overview {
    /// The device key, once made.
    pub device_key: Option<crate::device_key::DeviceKey>,
    /// Every finalized protocol version, by contest then version.
    pub finals: Vec<FinalEntry>,
    /// The exports so far, oldest first.
    pub exports: Vec<ExportRow>,
    /// True when the newest export already carries every finalized version.
    pub up_to_date: bool,
    /// The removable drives mounted now.
    pub drives: Vec<Mount>,
    /// The drive to write to when exactly one is mounted.
    pub suggested_drive: Option<Mount>,
}

/// The device key, the finalized protocols, the exports so far and the drives mounted now, from
/// one read of the finals and one of the exports.
pub fn overview(store: &Store) -> Result<Overview, PrecinctError> {
    let protocols = store.final_protocols()?;
    let exports = store.exports()?;
    let up_to_date = carries_all(exports.last(), &carried(&protocols));
    let finals = protocols
        .into_iter()
        .map(|protocol| FinalEntry {
            batch_hash: batch_hash_in(&exports, &protocol.contest, protocol.version),
            protocol,
        })
        .collect();
    let drives = drives::find_removable_drives();
    Ok(Overview {
        device_key: crate::device_key::get(store)?,
        up_to_date,
        exports,
        suggested_drive: suggested_drive(&drives).cloned(),
        drives,
        finals,
    })
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use hattama_batch::drives::Mount;

    use super::{only_drive, suggested_drive};
    use crate::error::PrecinctError;

    fn mounts(points: &[&str]) -> Vec<Mount> {
        points
            .iter()
            .map(|point| Mount {
                device: "/dev/sdb1".into(),
                mount_point: PathBuf::from(point),
                fs_type: "vfat".into(),
            })
            .collect()
    }

    #[test]
    fn the_only_removable_drive_is_suggested_and_used() {
        let one = mounts(&["/media/usb"]);
        assert_eq!(
            suggested_drive(&one).map(|m| m.mount_point.clone()),
            Some(PathBuf::from("/media/usb"))
        );
        assert_eq!(only_drive(&one).unwrap(), PathBuf::from("/media/usb"));
    }

    #[test]
    fn no_drive_or_several_drives_make_the_person_choose() {
        assert!(suggested_drive(&mounts(&[])).is_none());
        assert!(suggested_drive(&mounts(&["/media/a", "/media/b"])).is_none());
        assert!(matches!(only_drive(&[]), Err(PrecinctError::NoDrive)));
        assert!(matches!(
            only_drive(&mounts(&["/media/a", "/media/b"])),
            Err(PrecinctError::SeveralDrives)
        ));
    }
}
