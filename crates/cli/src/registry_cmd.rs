//! `hattama registry …`, `hattama keygen`, `hattama definition sign|verify` and `hattama verify`:
//! the commission's keys and registry, and checking a batch file by hand.
//!
//! A registry folder holds `commission.pub`, `commission.key` (encrypted with the commission's
//! passphrase, readable by its owner only), `registry.json` and `registry.json.minisig`. The
//! passphrase is read by [`crate::secret`]: prompted on the terminal, or `HATTAMA_PASSPHRASE`, or
//! a line of standard input with `--pin-stdin`; never from the command line.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Result;
use clap::{Args, Subcommand};
use hattama_batch::keys;
use hattama_commission::receiver::{Receiver, ReceiverConfig};
use hattama_commission::{CommissionError, registry};
use hattama_protocol::{Mode, PrecinctId};
use serde_json::json;

use crate::common::{self, print_json};
use crate::secret::Secrets;

#[derive(Debug, Subcommand)]
pub(crate) enum RegistryCommand {
    /// Create the commission key and an empty signed registry in DIR.
    Init {
        /// The registry folder (created).
        #[arg(long)]
        dir: PathBuf,
        /// The election id the registry serves.
        #[arg(long)]
        election: String,
    },
    /// Add a precinct's device key.
    Add {
        /// The registry folder.
        #[arg(long)]
        dir: PathBuf,
        /// The device's public key (minisign base64 line), or a file holding it.
        #[arg(long)]
        public_key: String,
        /// The precinct's region id.
        #[arg(long)]
        region: String,
        /// The precinct's number.
        #[arg(long)]
        precinct: u32,
    },
    /// Revoke a key (the entry stays, marked revoked).
    Revoke {
        /// The registry folder.
        #[arg(long)]
        dir: PathBuf,
        /// The key id (16 hex digits).
        #[arg(long)]
        key_id: String,
        /// Why.
        #[arg(long)]
        reason: String,
    },
    /// Verify the registry's signature and print it as JSON.
    Show {
        /// The registry folder.
        #[arg(long)]
        dir: PathBuf,
    },
}

#[derive(Debug, Subcommand)]
pub(crate) enum DefinitionCommand {
    /// Sign a definition file with the commission key (writes FILE.minisig).
    Sign {
        /// The registry folder holding the commission key.
        #[arg(long)]
        dir: PathBuf,
        /// The definition file.
        file: PathBuf,
    },
    /// Verify a definition file's signature with the commission's public key and print its hash.
    Verify {
        /// The commission's public key file (`commission.pub`).
        #[arg(long)]
        commission_key: PathBuf,
        /// The definition file (its signature is FILE.minisig).
        file: PathBuf,
    },
}

#[derive(Debug, Args)]
pub(crate) struct KeygenArgs {
    /// Folder to write `device.pub` and `device.key` (encrypted with the new passphrase).
    #[arg(long)]
    out: PathBuf,
}

/// Where the receiver's trust comes from: the registry folder, the definition, the mode.
#[derive(Debug, Args)]
pub(crate) struct ReceiverArgs {
    /// The registry folder (`registry.json`, its signature).
    #[arg(long)]
    pub(crate) registry: PathBuf,
    /// The commission's public key; default: `commission.pub` in the registry folder.
    #[arg(long)]
    pub(crate) commission_key: Option<PathBuf>,
    /// The election definition: `demo` or a path.
    #[arg(long, default_value = "demo")]
    pub(crate) definition: String,
    /// `live` refuses test batches; `test` refuses live ones.
    #[arg(long, default_value = "live", value_parser = parse_mode)]
    pub(crate) mode: Mode,
}

#[derive(Debug, Args)]
pub(crate) struct VerifyArgs {
    /// The batch payload file (`….json`; its signature is beside it as `….json.minisig`).
    file: PathBuf,
    #[command(flatten)]
    receiver: ReceiverArgs,
}

fn parse_mode(text: &str) -> Result<Mode, String> {
    match text {
        "test" => Ok(Mode::Test),
        "live" => Ok(Mode::Live),
        _ => Err(format!("unknown mode `{text}` (test or live)")),
    }
}

/// A commission use case's error as the CLI reports it: the message and the stable code.
pub(crate) fn failed(error: CommissionError) -> anyhow::Error {
    let code = error.code();
    anyhow::Error::new(error).context(format!("[{code}]"))
}

pub(crate) fn registry(command: &RegistryCommand, secrets: &mut Secrets) -> Result<ExitCode> {
    match command {
        RegistryCommand::Init { dir, election } => {
            let pair =
                registry::init(dir, election, &secrets.read_new("passphrase")?).map_err(failed)?;
            print_json(
                &json!({ "commission_key": pair.key_id, "public_key": pair.public_key, "fingerprint": keys::fingerprint(&pair.public_key)? }),
            )?;
        }
        RegistryCommand::Add {
            dir,
            public_key,
            region,
            precinct,
        } => {
            let precinct = PrecinctId {
                region: region.clone(),
                number: *precinct,
            };
            let (key_id, registry) =
                registry::add(dir, public_key, precinct, &secrets.read("passphrase")?)
                    .map_err(failed)?;
            let public_key = registry
                .entry(key_id)
                .map(|entry| entry.public_key.clone())
                .unwrap_or_default();
            print_json(
                &json!({ "added": key_id, "fingerprint": keys::fingerprint(&public_key)?, "serial": registry.serial }),
            )?;
        }
        RegistryCommand::Revoke {
            dir,
            key_id,
            reason,
        } => {
            let (key_id, registry) =
                registry::revoke(dir, key_id, reason, &secrets.read("passphrase")?)
                    .map_err(failed)?;
            print_json(&json!({ "revoked": key_id, "serial": registry.serial }))?;
        }
        RegistryCommand::Show { dir } => {
            let registry = registry::load(dir, None).map_err(failed)?;
            print_json(&serde_json::to_value(&registry)?)?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

pub(crate) fn definition(command: &DefinitionCommand, secrets: &mut Secrets) -> Result<ExitCode> {
    match command {
        DefinitionCommand::Sign { dir, file } => {
            let (signature, sha256) =
                registry::sign_definition_file(dir, file, &secrets.read("passphrase")?)
                    .map_err(failed)?;
            print_json(&json!({ "signature": signature, "sha256": sha256 }))?;
            Ok(ExitCode::SUCCESS)
        }
        DefinitionCommand::Verify {
            commission_key,
            file,
        } => match registry::verify_definition_file(commission_key, file).map_err(failed)? {
            Ok(sha256) => {
                print_json(&json!({ "verified": true, "sha256": sha256 }))?;
                Ok(ExitCode::SUCCESS)
            }
            Err(error) => {
                common::eprint_line(&format!("error: {error} [{}]", error.code()));
                print_json(&json!({ "verified": false, "code": error.code() }))?;
                Ok(ExitCode::from(1))
            }
        },
    }
}

pub(crate) fn keygen(args: &KeygenArgs, secrets: &mut Secrets) -> Result<ExitCode> {
    let pair = registry::keygen(&args.out, &secrets.read_new("passphrase")?).map_err(failed)?;
    print_json(
        &json!({ "key_id": pair.key_id, "public_key": pair.public_key, "fingerprint": keys::fingerprint(&pair.public_key)? }),
    )?;
    Ok(ExitCode::SUCCESS)
}

impl ReceiverArgs {
    /// The receiver's trust, loaded: registry, definition, mode.
    pub(crate) fn load(&self) -> Result<Receiver> {
        Receiver::load(&ReceiverConfig {
            registry: self.registry.clone(),
            commission_key: self.commission_key.clone(),
            definition: self.definition.clone(),
            mode: self.mode,
        })
        .map_err(failed)
    }
}

pub(crate) fn verify(args: &VerifyArgs) -> Result<ExitCode> {
    let receiver = args.receiver.load()?;
    match receiver.verify_file(&args.file) {
        Ok(batch) => {
            print_json(&json!({
                "verified": true,
                "hash": batch.hash,
                "key_id": batch.key_id,
                "precinct": batch.payload.precinct,
                "sequence": batch.payload.sequence,
                "protocols": batch.payload.protocols.iter().map(|p| json!({ "contest": p.contest, "version": p.version })).collect::<Vec<_>>(),
            }))?;
            Ok(ExitCode::SUCCESS)
        }
        Err(error) => {
            common::eprint_line(&format!("error: {error} [batch.{}]", error.code()));
            print_json(
                &json!({ "verified": false, "code": format!("batch.{}", error.code()), "message": error.to_string() }),
            )?;
            Ok(ExitCode::from(1))
        }
    }
}
