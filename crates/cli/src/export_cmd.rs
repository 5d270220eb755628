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
use hattama_print::pdf::{
    self, Acknowledged, Act, BlankProtocol, EnrolmentSheet, Member, PrintableProtocol,
    ProtocolHeader,
};
use hattama_print::{fonts, qr, scan};
use hattama_protocol::{Count, Text, Values, builtin};
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

/// What a commission member's position is called on paper.
fn position(position: &str) -> Text {
    match position {
        "chair" => Text::new("Комиссия төрағасы", "Председатель комиссии", "Chair"),
        "deputy_chair" => Text::new(
            "Төрағаның орынбасары",
            "Заместитель председателя",
            "Deputy chair",
        ),
        "secretary" => Text::new("Комиссия хатшысы", "Секретарь комиссии", "Secretary"),
        _ => Text::new("Комиссия мүшесі", "Член комиссии", "Member"),
    }
}

struct Precinct<'a> {
    store: &'a Store,
    definition: &'a hattama_protocol::LoadedDefinition,
    precinct: &'a hattama_protocol::PrecinctId,
}

impl Precinct<'_> {
    fn members(&self) -> Result<Vec<Member>> {
        Ok(self
            .store
            .members()
            .map_err(refused)?
            .into_iter()
            .map(|m| Member {
                role: position(&m.position),
                name: m.name,
            })
            .collect())
    }

    fn header(
        &self,
        contest_id: &str,
    ) -> Result<(
        ProtocolHeader,
        &hattama_protocol::definition::Contest,
        &'static hattama_protocol::Template,
    )> {
        let definition = &self.definition.definition;
        let contest = self
            .definition
            .contest(contest_id)
            .with_context(|| format!("no contest `{contest_id}`"))?;
        let template = builtin::templates()
            .template(&contest.template)
            .with_context(|| format!("no template `{}`", contest.template))?;
        let region = self
            .definition
            .region(&self.precinct.region)
            .map_or_else(|| Text::new("", "", ""), |r| r.name.clone());
        let address = self
            .definition
            .precinct(self.precinct)
            .map_or_else(|| Text::new("", "", ""), |p| p.address.clone());
        Ok((
            ProtocolHeader {
                election: definition.name.clone(),
                mode: definition.mode,
                region,
                precinct_number: self.precinct.number,
                address,
                contest: contest.name.clone(),
                district: contest.district,
                template_id: template.id.clone(),
                title: template.title.clone(),
            },
            contest,
            template,
        ))
    }
}

pub(crate) fn print(args: &PrintArgs) -> Result<ExitCode> {
    let store = open(&args.db)?;
    let fonts = fonts::load_installed()?;
    let (Some(definition), Some(precinct)) = (store.definition(), store.precinct()) else {
        bail!("the installation is not set up [store.not_set_up]");
    };
    let context = Precinct {
        store: &store,
        definition,
        precinct,
    };
    let bytes = match args.document {
        Document::Enrolment => {
            let key = store.device_key().map_err(refused)?.context(
                "no device key yet: run `hattama device-key` first [store.no_device_key]",
            )?;
            let sheet = EnrolmentSheet {
                election: definition.definition.name.clone(),
                mode: definition.definition.mode,
                region: definition
                    .region(&precinct.region)
                    .map_or_else(|| Text::new("", "", ""), |r| r.name.clone()),
                precinct_number: precinct.number,
                address: definition
                    .precinct(precinct)
                    .map_or_else(|| Text::new("", "", ""), |p| p.address.clone()),
                key_id: key.key_id,
                fingerprint: key.fingerprint,
                public_key: key.public_key,
                date: definition.definition.date.clone(),
                members: context.members()?,
            };
            pdf::enrolment_sheet(&sheet, &fonts)?
        }
        Document::Blank => {
            let contest_id = args.contest.as_deref().context("--contest is needed")?;
            let (header, contest, template) = context.header(contest_id)?;
            let rows: Vec<Text> = contest.rows.iter().map(|row| row.name.clone()).collect();
            pdf::blank_protocol(
                &BlankProtocol {
                    header,
                    lines: pdf::form_lines(template, &rows),
                    members: context.members()?,
                },
                &fonts,
            )?
        }
        Document::Protocol | Document::Posting => {
            let contest_id = args.contest.as_deref().context("--contest is needed")?;
            let printable = printable(&context, contest_id, args.version)?;
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
    context: &Precinct<'_>,
    contest_id: &str,
    version: Option<u32>,
) -> Result<PrintableProtocol> {
    let (header, contest, template) = context.header(contest_id)?;
    let finals = context.store.final_protocols().map_err(refused)?;
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
    let Some(batch_hash) = context
        .store
        .batch_hash_of(contest_id, final_protocol.version)
        .map_err(refused)?
    else {
        bail!(
            "export the protocol first (`hattama export`): the printed protocol carries its batch hash"
        );
    };
    let rows: Vec<Text> = contest.rows.iter().map(|row| row.name.clone()).collect();
    let mut values = Values::new(template, rows.len());
    let mut counts = Vec::with_capacity(final_protocol.values.len());
    for (line, value) in &final_protocol.values {
        let count = Count::new(*value).context("stored value out of range")?;
        if let Some(slot) = template.slot(line, rows.len()) {
            values.set(slot, Some(count));
        }
        counts.push(count);
    }
    let key = keys::unlock(&stored_secret(context.store)?, Some(&passphrase()?))?;
    let public = key.public_key();
    let key_id = keys::public_key_id(&public)?;
    let qr_data = qr::QrProtocol {
        key_id: key_id.0,
        mode: context.definition.definition.mode,
        definition_hash: qr::definition_hash_prefix(&context.definition.hash)
            .context("definition hash")?,
        election: context.definition.definition.id.clone(),
        precinct: context.precinct.clone(),
        contest: contest_id.to_owned(),
        template: template.id.clone(),
        version: final_protocol.version,
        values: counts,
    };
    let message = qr::message(&qr_data)?;
    let (_, signature) = key.sign_raw(&message)?;
    Ok(PrintableProtocol {
        header,
        version: final_protocol.version,
        repeated_reason: final_protocol.reason.clone(),
        lines: pdf::printed_lines(template, &rows, &values),
        acknowledged: final_protocol
            .acknowledged
            .iter()
            .map(|(code, by, _)| Acknowledged {
                code: code.clone(),
                statement: template.rule(code).map_or_else(
                    || Text::new(code, code, code),
                    |rule| rule.statement.clone(),
                ),
                by: by.clone(),
            })
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
        members: context.members()?,
        signed_at: final_protocol.finalized_at.to_rfc3339(),
        batch_hash,
        qr_text: qr::encode(&message, &signature),
    })
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
