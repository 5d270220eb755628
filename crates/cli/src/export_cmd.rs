//! The precinct's outbound side, headless: `hattama device-key`, `hattama export`,
//! `hattama drives`, `hattama print` and `hattama verify-qr`.
//!
//! The device key's passphrase (the chair's) comes from `HATTAMA_PASSPHRASE`.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use clap::{Args, ValueEnum};
use hattama_batch::drives;
use hattama_batch::keys;
use hattama_batch::write::{BatchFiles, RealIo, write_batch};
use hattama_print::pdf::{self, Act, PrintableProtocol};
use hattama_print::{assemble, fonts, qr, scan};
use hattama_store::Store;
use serde_json::json;

use crate::common::{self, print_json};
use crate::registry_cmd::{load_registry, passphrase};
use crate::store_cmd::{DbArg, now, open, refused};

#[derive(Debug, clap::Subcommand)]
pub(crate) enum MemberCommand {
    /// Add a commission member, printed in the signature block.
    Add {
        #[command(flatten)]
        db: DbArg,
        /// Full name.
        #[arg(long)]
        name: String,
        /// `chair`, `deputy_chair`, `secretary` or `member`.
        #[arg(long)]
        position: String,
    },
}

pub(crate) fn member(command: &MemberCommand) -> Result<ExitCode> {
    let MemberCommand::Add { db, name, position } = command;
    let mut store = open(db)?;
    let id = store.add_member(name, position, now()).map_err(refused)?;
    print_json(&json!({ "id": id, "name": name, "position": position }))?;
    Ok(ExitCode::SUCCESS)
}

#[derive(Debug, Args)]
pub(crate) struct DeviceKeyArgs {
    #[command(flatten)]
    db: DbArg,
}

#[derive(Debug, Args)]
pub(crate) struct ExportArgs {
    #[command(flatten)]
    db: DbArg,
    /// The folder to write to; default: the only mounted removable drive.
    #[arg(long)]
    out: Option<PathBuf>,
}

/// Which document to print.
#[derive(Clone, Copy, Debug, ValueEnum)]
pub(crate) enum Document {
    /// The results protocol (the legal original).
    Protocol,
    /// The large-print copy posted at the polling station.
    Posting,
    /// The empty form for the count by hand.
    Blank,
    /// The device key's enrolment sheet.
    Enrolment,
}

#[derive(Debug, Args)]
pub(crate) struct PrintArgs {
    #[command(flatten)]
    db: DbArg,
    /// What to print.
    #[arg(long, value_enum, default_value = "protocol")]
    document: Document,
    /// The contest (not needed for the enrolment sheet).
    #[arg(long)]
    contest: Option<String>,
    /// The protocol version; default: the newest final one.
    #[arg(long)]
    version: Option<u32>,
    /// The PDF file to write.
    #[arg(long)]
    out: PathBuf,
}

#[derive(Debug, Args)]
pub(crate) struct VerifyQrArgs {
    /// A scan or PNG/JPEG picture of a printed protocol.
    image: PathBuf,
    /// The registry folder holding the device keys.
    #[arg(long)]
    registry: PathBuf,
    /// The commission's public key; default: `commission.pub` in the registry folder.
    #[arg(long)]
    commission_key: Option<PathBuf>,
}

pub(crate) fn device_key(args: &DeviceKeyArgs) -> Result<ExitCode> {
    let mut store = open(&args.db)?;
    let key = store
        .create_device_key(&passphrase()?, now())
        .map_err(refused)?;
    print_json(
        &json!({ "key_id": key.key_id, "public_key": key.public_key, "fingerprint": key.fingerprint }),
    )?;
    Ok(ExitCode::SUCCESS)
}

pub(crate) fn list_drives() -> Result<ExitCode> {
    let found: Vec<_> = drives::find_removable_drives()
        .into_iter()
        .map(|mount| json!({ "device": mount.device, "mount_point": mount.mount_point, "fs_type": mount.fs_type }))
        .collect();
    print_json(&json!({ "removable_drives": found }))?;
    Ok(ExitCode::SUCCESS)
}

pub(crate) fn export(args: &ExportArgs) -> Result<ExitCode> {
    let mut store = open(&args.db)?;
    let out = match &args.out {
        Some(out) => out.clone(),
        None => {
            let found = drives::find_removable_drives();
            match found.as_slice() {
                [only] => only.mount_point.clone(),
                [] => bail!("no removable drive is mounted; insert one or give --out FOLDER"),
                _ => bail!("several removable drives are mounted; choose one with --out"),
            }
        }
    };
    let export = store
        .export(&passphrase()?, env!("CARGO_PKG_VERSION"), now())
        .map_err(refused)?;
    let written = write_batch(
        &RealIo,
        &out,
        &BatchFiles {
            base_name: &export.base_name,
            payload: &export.payload,
            signature: &export.signature,
        },
    )
    .with_context(|| format!("writing to {}", out.display()))?;
    store
        .record_export_written(export.sequence, &out.display().to_string(), now())
        .map_err(refused)?;
    print_json(&json!({
        "sequence": export.sequence,
        "hash": export.hash,
        "hash_grouped": keys::group_hex(&export.hash),
        "reused": export.reused,
        "protocols": export.protocols,
        "payload": written.payload,
        "signature": written.signature,
        "safe_to_remove": true,
    }))?;
    common::eprint_line("written, synced and verified: safe to remove the drive");
    Ok(ExitCode::SUCCESS)
}

/// The precinct as the print crate takes it: definition, precinct id and the signing members.
fn precinct_of(store: &Store) -> Result<assemble::Precinct<'_>> {
    let (Some(definition), Some(precinct)) = (store.definition(), store.precinct()) else {
        bail!("the installation is not set up [store.not_set_up]");
    };
    let members = store
        .members()
        .map_err(refused)?
        .iter()
        .map(|m| assemble::member(&m.name, &m.position))
        .collect();
    Ok(assemble::Precinct {
        definition,
        precinct,
        members,
    })
}

pub(crate) fn print(args: &PrintArgs) -> Result<ExitCode> {
    let store = open(&args.db)?;
    let fonts = fonts::load_installed()?;
    let precinct = precinct_of(&store)?;
    let bytes = match args.document {
        Document::Enrolment => {
            let key = store.device_key().map_err(refused)?.context(
                "no device key yet: run `hattama device-key` first [store.no_device_key]",
            )?;
            let sheet = assemble::enrolment(
                &precinct,
                &key.key_id,
                &key.fingerprint,
                &key.public_key,
                chrono::Local::now().date_naive(),
            );
            pdf::enrolment_sheet(&sheet, &fonts)?
        }
        Document::Blank => {
            let contest_id = args.contest.as_deref().context("--contest is needed")?;
            pdf::blank_protocol(&assemble::blank(&precinct, contest_id)?, &fonts)?
        }
        Document::Protocol | Document::Posting => {
            let contest_id = args.contest.as_deref().context("--contest is needed")?;
            let printable = printable(&store, &precinct, contest_id, args.version)?;
            match args.document {
                Document::Posting => pdf::posting_copy(&printable, &fonts)?,
                _ => pdf::protocol(&printable, &fonts)?,
            }
        }
    };
    std::fs::write(&args.out, &bytes)
        .with_context(|| format!("cannot write {}", args.out.display()))?;
    print_json(&json!({ "written": args.out, "bytes": bytes.len() }))?;
    Ok(ExitCode::SUCCESS)
}

fn printable(
    store: &Store,
    precinct: &assemble::Precinct<'_>,
    contest_id: &str,
    version: Option<u32>,
) -> Result<PrintableProtocol> {
    let finals = store.final_protocols().map_err(refused)?;
    let Some(final_protocol) = finals
        .iter()
        .filter(|p| p.contest == contest_id)
        .filter(|p| version.is_none_or(|v| v == p.version))
        .max_by_key(|p| p.version)
    else {
        bail!(
            "contest {contest_id} has no final protocol{} yet",
            version.map(|v| format!(" version {v}")).unwrap_or_default()
        );
    };
    let Some(batch_hash) = store
        .batch_hash_of(contest_id, final_protocol.version)
        .map_err(refused)?
    else {
        bail!(
            "export the protocol first (`hattama export`): the printed protocol carries its batch hash"
        );
    };
    let protocol = assemble::FinalVersion {
        contest: final_protocol.contest.clone(),
        version: final_protocol.version,
        reason: final_protocol.reason.clone(),
        // The paper shows the laptop's local time (`TZ`, else /etc/localtime) with its offset.
        signed_at: final_protocol
            .finalized_at
            .to_utc()
            .with_timezone(&chrono::Local)
            .fixed_offset(),
        values: final_protocol.values.clone(),
        acknowledged: final_protocol
            .acknowledged
            .iter()
            .map(|(code, by, _)| (code.clone(), by.clone()))
            .collect(),
        acts: final_protocol
            .acts
            .iter()
            .map(|(code, text, by, _)| Act {
                code: code.clone(),
                text: text.clone(),
                by: by.clone(),
            })
            .collect(),
    };
    let key = keys::unlock(&stored_secret(store)?, Some(&passphrase()?))?;
    let key_id = keys::public_key_id(&key.public_key())?;
    let message = qr::message(&assemble::qr_protocol(precinct, &protocol, key_id.0)?)?;
    let (_, signature) = key.sign_raw(&message)?;
    Ok(assemble::printable(
        precinct,
        &protocol,
        &batch_hash,
        qr::encode(&message, &signature),
    )?)
}

fn stored_secret(store: &Store) -> Result<String> {
    store
        .device_secret_key()
        .map_err(refused)?
        .context("no device key yet [store.no_device_key]")
}

pub(crate) fn verify_qr(args: &VerifyQrArgs) -> Result<ExitCode> {
    let registry = load_registry(&args.registry, args.commission_key.as_deref())?;
    let image = std::fs::read(&args.image)
        .with_context(|| format!("cannot read {}", args.image.display()))?;
    let check = |key_id: &[u8; 8], message: &[u8], signature: &[u8; 64]| {
        registry
            .entry(keys::KeyId(*key_id))
            .filter(|entry| entry.status == hattama_batch::registry::KeyStatus::Valid)
            .is_some_and(|entry| keys::verify_raw(&entry.public_key, message, signature))
    };
    match scan::verify_image(&image, &check) {
        Ok(data) => {
            let key_precinct = registry
                .entry(keys::KeyId(data.key_id))
                .map(|entry| entry.precinct.clone());
            if key_precinct.as_ref() != Some(&data.precinct) {
                common::eprint_line(
                    "error: the QR is signed with another precinct's key [qr.key_precinct_mismatch]",
                );
                print_json(&json!({ "verified": false, "code": "qr.key_precinct_mismatch" }))?;
                return Ok(ExitCode::from(1));
            }
            print_json(&json!({
                "verified": true,
                "election": data.election,
                "precinct": data.precinct,
                "contest": data.contest,
                "template": data.template,
                "version": data.version,
                "values": data.values.iter().map(|count| count.get()).collect::<Vec<_>>(),
            }))?;
            Ok(ExitCode::SUCCESS)
        }
        Err(error) => {
            common::eprint_line(&format!("error: {error}"));
            print_json(&json!({ "verified": false, "message": error.to_string() }))?;
            Ok(ExitCode::from(1))
        }
    }
}
