//! `hattama registry …`, `hattama keygen`, `hattama definition sign|verify` and `hattama verify`:
//! the commission's keys and registry, and checking a batch file by hand.
//!
//! A registry folder holds `commission.pub`, `commission.key` (encrypted with the commission's
//! passphrase), `registry.json` and `registry.json.minisig`. Passphrases come from the
//! environment variable `HATTAMA_PASSPHRASE`, so scripts can drive the commands and nothing secret
//! appears in the process list.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use clap::{Args, Subcommand};
use hattama_batch::keys::{self, KeyId};
use hattama_batch::receive::{Expect, read_and_verify};
use hattama_batch::registry::{self, Registry};
use hattama_protocol::{Mode, PrecinctId};
use serde_json::json;

use crate::common::{self, print_json};

/// The environment variable that carries a passphrase.
pub(crate) const PASSPHRASE_ENV: &str = "HATTAMA_PASSPHRASE";

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
    /// Folder to write `device.pub` and `device.key` (encrypted with `HATTAMA_PASSPHRASE`).
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

/// The passphrase from the environment.
pub(crate) fn passphrase() -> Result<String> {
    std::env::var(PASSPHRASE_ENV).with_context(|| format!("set {PASSPHRASE_ENV} to the passphrase"))
}

/// Writes `bytes` to `path` through a temporary file and a rename.
pub(crate) fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let tmp = path.with_extension("tmp");
    std::fs::write(&tmp, bytes).with_context(|| format!("cannot write {}", tmp.display()))?;
    std::fs::File::open(&tmp)?.sync_all()?;
    std::fs::rename(&tmp, path).with_context(|| format!("cannot write {}", path.display()))?;
    Ok(())
}

fn read_text(path: &Path) -> Result<String> {
    std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))
}

/// Loads and verifies the registry in `dir` with the commission key (default: `dir/commission.pub`).
pub(crate) fn load_registry(dir: &Path, commission_key: Option<&Path>) -> Result<Registry> {
    let key_path = commission_key.map_or_else(|| dir.join("commission.pub"), Path::to_path_buf);
    let public = read_text(&key_path)?;
    let bytes = std::fs::read(dir.join("registry.json"))
        .with_context(|| format!("cannot read {}/registry.json", dir.display()))?;
    let signature = read_text(&dir.join("registry.json.minisig"))?;
    Registry::verify_and_load(&bytes, &signature, &public).map_err(|error| {
        anyhow::anyhow!("registry in {}: {error} [{}]", dir.display(), error.code())
    })
}

fn save_registry(dir: &Path, registry: &mut Registry) -> Result<()> {
    let secret = read_text(&dir.join("commission.key"))?;
    let commission = keys::unlock(&secret, Some(&passphrase()?))?;
    let (bytes, signature) = registry.sign(&commission)?;
    write_atomic(&dir.join("registry.json"), &bytes)?;
    write_atomic(&dir.join("registry.json.minisig"), signature.as_bytes())?;
    Ok(())
}

pub(crate) fn registry(command: &RegistryCommand) -> Result<ExitCode> {
    match command {
        RegistryCommand::Init { dir, election } => {
            if dir.join("commission.key").exists() {
                bail!("{} already holds a commission key", dir.display());
            }
            std::fs::create_dir_all(dir)?;
            let pair = keys::generate(&passphrase()?, "hattama commission key")?;
            write_atomic(
                &dir.join("commission.pub"),
                format!("{}\n", pair.public_key).as_bytes(),
            )?;
            write_atomic(&dir.join("commission.key"), pair.secret_key.as_bytes())?;
            let mut registry = Registry::new(election, pair.key_id);
            save_registry(dir, &mut registry)?;
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
            let mut registry = load_registry(dir, None)?;
            let key_text = match std::fs::read_to_string(public_key) {
                Ok(text) => text,
                Err(_) => public_key.clone(),
            };
            let key_line = keys::public_key_line(&key_text)?.to_owned();
            let key_id = registry.add(
                &key_line,
                PrecinctId {
                    region: region.clone(),
                    number: *precinct,
                },
            )?;
            save_registry(dir, &mut registry)?;
            print_json(
                &json!({ "added": key_id, "fingerprint": keys::fingerprint(&key_line)?, "serial": registry.serial }),
            )?;
        }
        RegistryCommand::Revoke {
            dir,
            key_id,
            reason,
        } => {
            let mut registry = load_registry(dir, None)?;
            let Some(key_id) = KeyId::parse(key_id) else {
                bail!("`{key_id}` is not a key id (16 hex digits)")
            };
            registry.revoke(key_id, reason)?;
            save_registry(dir, &mut registry)?;
            print_json(&json!({ "revoked": key_id, "serial": registry.serial }))?;
        }
        RegistryCommand::Show { dir } => {
            let registry = load_registry(dir, None)?;
            print_json(&serde_json::to_value(&registry)?)?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

pub(crate) fn definition(command: &DefinitionCommand) -> Result<ExitCode> {
    match command {
        DefinitionCommand::Sign { dir, file } => {
            let bytes =
                std::fs::read(file).with_context(|| format!("cannot read {}", file.display()))?;
            let templates = common::template_set(None)?;
            hattama_protocol::definition::load_definition(&bytes, &templates)
                .with_context(|| format!("{} is not a valid definition", file.display()))?;
            let secret = read_text(&dir.join("commission.key"))?;
            let commission = keys::unlock(&secret, Some(&passphrase()?))?;
            let signature = registry::sign_definition(&bytes, &commission)?;
            let sig_path = PathBuf::from(format!("{}.minisig", file.display()));
            write_atomic(&sig_path, signature.as_bytes())?;
            print_json(
                &json!({ "signature": sig_path, "sha256": hattama_protocol::definition::sha256_hex(&bytes) }),
            )?;
            Ok(ExitCode::SUCCESS)
        }
        DefinitionCommand::Verify {
            commission_key,
            file,
        } => {
            let bytes =
                std::fs::read(file).with_context(|| format!("cannot read {}", file.display()))?;
            let signature = read_text(&PathBuf::from(format!("{}.minisig", file.display())))?;
            let public = read_text(commission_key)?;
            match registry::verify_definition(&bytes, &signature, &public) {
                Ok(()) => {
                    print_json(
                        &json!({ "verified": true, "sha256": hattama_protocol::definition::sha256_hex(&bytes) }),
                    )?;
                    Ok(ExitCode::SUCCESS)
                }
                Err(error) => {
                    common::eprint_line(&format!("error: {error} [{}]", error.code()));
                    print_json(&json!({ "verified": false, "code": error.code() }))?;
                    Ok(ExitCode::from(1))
                }
            }
        }
    }
}

pub(crate) fn keygen(args: &KeygenArgs) -> Result<ExitCode> {
    std::fs::create_dir_all(&args.out)?;
    if args.out.join("device.key").exists() {
        bail!("{} already holds a device key", args.out.display());
    }
    let pair = keys::generate(&passphrase()?, "hattama device key")?;
    write_atomic(
        &args.out.join("device.pub"),
        format!("{}\n", pair.public_key).as_bytes(),
    )?;
    write_atomic(&args.out.join("device.key"), pair.secret_key.as_bytes())?;
    print_json(
        &json!({ "key_id": pair.key_id, "public_key": pair.public_key, "fingerprint": keys::fingerprint(&pair.public_key)? }),
    )?;
    Ok(ExitCode::SUCCESS)
}

/// The receiver's expectations: registry, definition, mode.
pub(crate) struct Receiver {
    pub(crate) registry: Registry,
    pub(crate) definition: hattama_protocol::LoadedDefinition,
    pub(crate) templates: hattama_protocol::TemplateSet,
    pub(crate) mode: Mode,
}

impl Receiver {
    pub(crate) fn load(args: &ReceiverArgs) -> Result<Receiver> {
        let templates = common::template_set(None)?;
        let definition = common::definition(&args.definition, &templates)?;
        let registry = load_registry(&args.registry, args.commission_key.as_deref())?;
        if registry.election != definition.definition.id {
            bail!(
                "the registry is for election {}, the definition is {}",
                registry.election,
                definition.definition.id
            );
        }
        Ok(Receiver {
            registry,
            definition,
            templates,
            mode: args.mode,
        })
    }

    pub(crate) fn expect(&self) -> Expect<'_> {
        Expect {
            definition: &self.definition,
            templates: &self.templates,
            mode: self.mode,
        }
    }

    pub(crate) fn qr_expect<'a>(
        &'a self,
        key_precinct: Option<&'a PrecinctId>,
    ) -> hattama_print::qr::QrExpect<'a> {
        hattama_print::qr::QrExpect {
            definition: &self.definition,
            templates: &self.templates,
            mode: self.mode,
            key_precinct,
        }
    }
}

pub(crate) fn verify(args: &VerifyArgs) -> Result<ExitCode> {
    let receiver = Receiver::load(&args.receiver)?;
    match read_and_verify(&args.file, &receiver.registry, &receiver.expect()).result {
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
