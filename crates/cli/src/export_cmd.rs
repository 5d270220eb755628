//! The precinct's outbound side, headless: `hattama device-key`, `hattama export`,
//! `hattama drives`, `hattama print` and `hattama verify-qr`.
//!
//! Each signs its person in (`--user NAME`, the PIN read by [`crate::secret`]). The device
//! key's passphrase (the chair's) is read after the PIN: prompted on the terminal, or
//! `HATTAMA_PASSPHRASE`, or the next line of standard input with `--pin-stdin`.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::{Args, ValueEnum};
use hattama_batch::drives;
use hattama_batch::keys;
use hattama_precinct::{device_key, export, people, print};
use serde_json::json;

use crate::access::{DbArg, SignInArgs, failed, now, open_as};
use crate::common::{self, print_json};
use crate::registry_cmd::ReceiverArgs;
use crate::secret::Secrets;

#[derive(Debug, clap::Subcommand)]
pub(crate) enum MemberCommand {
    /// Add a commission member, printed in the signature block.
    Add {
        #[command(flatten)]
        db: DbArg,
        #[command(flatten)]
        who: SignInArgs,
        /// Full name.
        #[arg(long)]
        name: String,
        /// `chair`, `deputy_chair`, `secretary` or `member`.
        #[arg(long)]
        position: String,
    },
}

pub(crate) fn member(command: &MemberCommand, secrets: &mut Secrets) -> Result<ExitCode> {
    let MemberCommand::Add {
        db,
        who,
        name,
        position,
    } = command;
    let (mut store, actor) = open_as(db, who, secrets)?;
    let id = people::add_member(&mut store, &actor, name, position, now()).map_err(failed)?;
    print_json(&json!({ "id": id, "name": name, "position": position }))?;
    Ok(ExitCode::SUCCESS)
}

#[derive(Debug, Args)]
pub(crate) struct DeviceKeyArgs {
    #[command(flatten)]
    db: DbArg,
    #[command(flatten)]
    who: SignInArgs,
}

#[derive(Debug, Args)]
pub(crate) struct ExportArgs {
    #[command(flatten)]
    db: DbArg,
    #[command(flatten)]
    who: SignInArgs,
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
    #[command(flatten)]
    who: SignInArgs,
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
    #[command(flatten)]
    receiver: ReceiverArgs,
}

pub(crate) fn device_key(args: &DeviceKeyArgs, secrets: &mut Secrets) -> Result<ExitCode> {
    let (mut store, actor) = open_as(&args.db, &args.who, secrets)?;
    let passphrase = secrets.read_new("passphrase")?;
    let key =
        device_key::make(&mut store, &actor, &passphrase, &passphrase, now()).map_err(failed)?;
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

pub(crate) fn export(args: &ExportArgs, secrets: &mut Secrets) -> Result<ExitCode> {
    let (mut store, actor) = open_as(&args.db, &args.who, secrets)?;
    let target = match &args.out {
        Some(out) => export::Target::Folder(out.display().to_string()),
        None => export::Target::OnlyDrive,
    };
    let exported = export::export(
        &mut store,
        &actor,
        &secrets.read("passphrase")?,
        &target,
        env!("CARGO_PKG_VERSION"),
        now(),
    )
    .map_err(failed)?;
    let batch = &exported.export.batch;
    print_json(&json!({
        "sequence": batch.sequence,
        "hash": batch.hash,
        "hash_grouped": keys::group_hex(&batch.hash),
        "reused": exported.export.reused,
        "protocols": batch.protocols,
        "payload": exported.payload,
        "signature": exported.signature,
        "safe_to_remove": true,
    }))?;
    common::eprint_line("written, synced and verified: safe to remove the drive");
    Ok(ExitCode::SUCCESS)
}

pub(crate) fn print(args: &PrintArgs, secrets: &mut Secrets) -> Result<ExitCode> {
    let (store, actor) = open_as(&args.db, &args.who, secrets)?;
    let contest = || args.contest.as_deref().context("--contest is needed");
    let pdf = match args.document {
        Document::Enrolment => print::enrolment_sheet(&store, &actor).map_err(failed)?,
        Document::Blank => print::blank_form(&store, &actor, contest()?).map_err(failed)?,
        Document::Protocol | Document::Posting => {
            let wanted = match args.document {
                Document::Posting => print::Document::Posting,
                _ => print::Document::Protocol,
            };
            print::protocol_documents(
                &store,
                &actor,
                contest()?,
                args.version,
                &secrets.read("passphrase")?,
            )
            .map_err(failed)?
            .into_iter()
            .find(|pdf| pdf.document == wanted)
            .context("the document was not made")?
        }
    };
    print::save_as(&args.out, &pdf.bytes).map_err(failed)?;
    print_json(&json!({ "written": args.out, "bytes": pdf.bytes.len() }))?;
    Ok(ExitCode::SUCCESS)
}

pub(crate) fn verify_qr(args: &VerifyQrArgs) -> Result<ExitCode> {
    let receiver = args.receiver.load()?;
    let image = std::fs::read(&args.image)
        .with_context(|| format!("cannot read {}", args.image.display()))?;
    match hattama_commission::qr::verify_image(&image, &receiver) {
        Ok(data) => {
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
            common::eprint_line(&format!("error: {error} [qr.{}]", error.code()));
            print_json(
                &json!({ "verified": false, "code": format!("qr.{}", error.code()), "message": error.to_string() }),
            )?;
            Ok(ExitCode::from(1))
        }
    }
}
