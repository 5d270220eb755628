//! The IPC values of the precinct's outbound side: the device key, exports to a drive, printed
//! documents and the audit chain check, with their generated TypeScript twins.
//!
//! Hashes and fingerprints arrive already in groups of four hex digits, as the paper prints
//! them, so the UI never reshapes them.

use hattama_batch::drives::Mount;
use hattama_batch::keys;
use hattama_precinct::device_key::DeviceKey;
use hattama_precinct::print::{Document, Saved};
use hattama_store::{AuditReport, BreakKind, ExportRow};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::app::dto::LocalText;

/// The device key as people see it: never the secret key.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub(crate) struct DeviceKeyInfo {
    /// The key id, 16 hex digits.
    pub(crate) key_id: String,
    /// The fingerprint printed on the enrolment sheet, in groups of four.
    pub(crate) fingerprint: String,
    /// The public key, minisign base64.
    pub(crate) public_key: String,
}

impl From<DeviceKey> for DeviceKeyInfo {
    fn from(key: DeviceKey) -> DeviceKeyInfo {
        DeviceKeyInfo {
            key_id: key.key_id,
            fingerprint: key.fingerprint,
            public_key: key.public_key,
        }
    }
}

/// Which document a saved PDF holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
pub(crate) enum DocumentKind {
    /// The device key's enrolment sheet.
    Enrolment,
    /// The results protocol, the legal original.
    Protocol,
    /// The large-print copy posted at the polling station.
    Posting,
    /// The blank form for the count by hand.
    Blank,
}

impl From<Document> for DocumentKind {
    fn from(document: Document) -> DocumentKind {
        match document {
            Document::Enrolment => DocumentKind::Enrolment,
            Document::Protocol => DocumentKind::Protocol,
            Document::Posting => DocumentKind::Posting,
            Document::Blank => DocumentKind::Blank,
        }
    }
}

impl DocumentKind {
    /// The kind as the UI names it.
    pub(crate) fn word(self) -> &'static str {
        match self {
            DocumentKind::Enrolment => "enrolment",
            DocumentKind::Protocol => "protocol",
            DocumentKind::Posting => "posting",
            DocumentKind::Blank => "blank",
        }
    }
}

impl From<DocumentKind> for Document {
    fn from(kind: DocumentKind) -> Document {
        match kind {
            DocumentKind::Enrolment => Document::Enrolment,
            DocumentKind::Protocol => Document::Protocol,
            DocumentKind::Posting => Document::Posting,
            DocumentKind::Blank => Document::Blank,
        }
    }
}

/// A file the app wrote.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub(crate) struct SavedFile {
    /// Which document it is.
    pub(crate) kind: DocumentKind,
    /// Where it is.
    pub(crate) path: String,
}

impl From<Saved> for SavedFile {
    fn from(saved: Saved) -> SavedFile {
        SavedFile {
            kind: saved.document.into(),
            path: saved.path.display().to_string(),
        }
    }
}

/// A mounted removable drive.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub(crate) struct DriveInfo {
    /// The device, e.g. `/dev/sdb1`.
    pub(crate) device: String,
    /// Where it is mounted: the folder to write to.
    pub(crate) mount_point: String,
    /// The file system, e.g. `vfat`.
    pub(crate) fs_type: String,
}

impl From<Mount> for DriveInfo {
    fn from(mount: Mount) -> DriveInfo {
        DriveInfo {
            device: mount.device,
            mount_point: mount.mount_point.display().to_string(),
            fs_type: mount.fs_type,
        }
    }
}

/// A finalized protocol version, with the batch that carried it if it was exported.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub(crate) struct FinalInfo {
    /// The contest id.
    pub(crate) contest: String,
    /// The template id, e.g. `P1`.
    pub(crate) template: String,
    /// The contest's name.
    pub(crate) name: LocalText,
    /// The version.
    pub(crate) version: u32,
    /// The hash of the newest batch carrying this version, in groups of four; `null` before export.
    pub(crate) batch_hash: Option<String>,
    /// Whether it can be printed now (the paper carries the batch hash, so after export).
    pub(crate) printable: bool,
}

/// An export that was signed (and maybe written).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ExportInfo {
    /// The batch sequence number.
    pub(crate) sequence: u32,
    /// The batch hash in groups of four hex digits.
    pub(crate) hash: String,
    /// The number of protocol versions it carries.
    pub(crate) protocols: u32,
}

impl From<&ExportRow> for ExportInfo {
    fn from(export: &ExportRow) -> ExportInfo {
        ExportInfo {
            sequence: u32::try_from(export.sequence).unwrap_or(u32::MAX),
            hash: keys::group_hex(&export.hash),
            protocols: u32::try_from(export.protocols.len()).unwrap_or(u32::MAX),
        }
    }
}

/// What the export and print screens start from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub(crate) struct OutboundOverview {
    /// The device key, once made.
    pub(crate) device_key: Option<DeviceKeyInfo>,
    /// Every finalized protocol version, by contest then version.
    pub(crate) finals: Vec<FinalInfo>,
    /// The exports so far, oldest first.
    pub(crate) exports: Vec<ExportInfo>,
    /// True when the newest export already carries every finalized version: exporting again
    /// writes the same batch.
    pub(crate) up_to_date: bool,
    /// The removable drives mounted now.
    pub(crate) drives: Vec<DriveInfo>,
    /// The drive to write to when exactly one is mounted, else `null`.
    pub(crate) suggested_drive: Option<String>,
    /// The folder suggested for saving documents: Documents, else home.
    pub(crate) documents_folder: String,
}

/// A batch written, synced and read back: the drive may be removed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ExportResult {
    /// The batch that was written.
    pub(crate) export: ExportInfo,
    /// True when nothing new was finalized and the earlier batch was written again, unchanged.
    pub(crate) reused: bool,
    /// The payload file.
    pub(crate) payload: String,
    /// The signature file.
    pub(crate) signature: String,
}

/// How the audit chain breaks, in the words of the store's check.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub(crate) enum AuditBreak {
    /// A row's content does not hash to its stored hash: it was edited.
    Edited,
    /// A row does not link to the one before: a row was removed or replaced.
    Unlinked,
    /// A row is missing.
    Missing,
    /// The chain ends before the stored head: rows at the end were deleted.
    Truncated,
    /// A table holds a value the log does not record.
    TableMismatch,
}

/// The result of walking the audit chain.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub(crate) struct AuditCheck {
    /// Rows walked.
    pub(crate) rows: u32,
    /// The last row's sequence number.
    pub(crate) head_seq: u32,
    /// The last row's hash, in groups of four.
    pub(crate) head_hash: String,
    /// The first broken link, or `null` when the chain holds.
    pub(crate) broken_at: Option<u32>,
    /// How it breaks there.
    pub(crate) broken_kind: Option<AuditBreak>,
}

fn count(value: i64) -> u32 {
    u32::try_from(value).unwrap_or(u32::MAX)
}

impl From<&AuditReport> for AuditCheck {
    fn from(report: &AuditReport) -> AuditCheck {
        AuditCheck {
            rows: count(report.rows),
            head_seq: count(report.head_seq),
            head_hash: keys::group_hex(&report.head_hash),
            broken_at: report.broken.as_ref().map(|broken| count(broken.seq)),
            broken_kind: report.broken.as_ref().map(|broken| match broken.kind {
                BreakKind::Edited => AuditBreak::Edited,
                BreakKind::Unlinked => AuditBreak::Unlinked,
                BreakKind::Missing => AuditBreak::Missing,
                BreakKind::Truncated => AuditBreak::Truncated,
                BreakKind::TableMismatch { .. } => AuditBreak::TableMismatch,
            }),
        }
    }
}
