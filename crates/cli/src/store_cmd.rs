//! `hattama setup | user | enter | reconcile | ack | act | finalize | repeat | state | restore |
//! audit verify`: drive a precinct's store headless, so a whole precinct can be scripted.
//!
//! Every command takes `--db PATH`, else `HATTAMA_DB`, else the platform data folder (the same
//! file the desktop app uses). Every action a person takes signs them in first (`--user NAME`
//! and their PIN) and acts as them, through the same permission table and wrong-PIN counter as
//! the app; `setup` makes the person setting up (`--user NAME` and a new PIN) the first chair.
//! Each prints JSON on stdout. A refused step exits 2 with the store's message and its code
//! (`store.same_user_second_entry`, …) on stderr; `audit verify` exits 1 when the chain is
//! broken. The time recorded is this machine's clock.
//!
//! PINs never travel on the command line: [`crate::secret`] reads them (a prompt on the
//! terminal, `HATTAMA_PIN` for the signed-in user's and `HATTAMA_NEW_PIN` for a new user's, or
//! `--pin-stdin`: the signed-in user's PIN first, then a new PIN, then a passphrase).
//!
//! `setup --definition FILE` trusts the file only with the commission key pinned on this
//! installation. Before one is pinned, the key (`--commission-key`, else `commission.pub` beside
//! the file) is shown with two fingerprint groups blanked, and the operator types those two
//! from the commission's paper, at the prompt or with `--fingerprint-groups "G1 G2"`.

mod commission_key;
mod enter;
mod state;

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use clap::{Args, Subcommand};
use hattama_precinct::definition::{self, DefinitionSource};
use hattama_precinct::people::NewUser;
use hattama_precinct::protocol::{ActPaper, PaperValue};
use hattama_precinct::{installation, people, protocol};
use hattama_protocol::PrecinctId;
use hattama_store::{EntryNo, FirstChair, Reconciled, Role, restore};
use serde_json::json;

use crate::access::{DbArg, SignInArgs, failed, now, open, open_as, refused, sign_in_keeping_pin};
use crate::common::print_json;
use crate::secret::Secrets;
use crate::store_cmd::commission_key::confirm_commission_key;
use crate::store_cmd::state::{state, state_json};

/// A failing check of one protocol: what `ack` acknowledges and `act` explains.
#[derive(Debug, Args)]
pub(crate) struct FailingCheck {
    /// The contest id.
    #[arg(long)]
    contest: String,
    /// The check's code: a warning's for `ack` (e.g. `W05`), an error's for `act` (e.g. `E01`).
    #[arg(long)]
    code: String,
}

/// The store's subcommands, flattened into the top level of `hattama`.
#[derive(Debug, Subcommand)]
pub(crate) enum StoreCommand {
    /// Set up this installation: the election definition, the precinct, and the person setting
    /// up (`--user`) as the first chair, with a new PIN (asked twice at a prompt, or
    /// `HATTAMA_NEW_PIN`, or `--pin-stdin`).
    Setup {
        #[command(flatten)]
        db: DbArg,
        /// The first chair's name: the person setting up (their new PIN is read: asked twice at
        /// a prompt, `HATTAMA_NEW_PIN` or `--pin-stdin`).
        #[arg(long)]
        user: String,
        /// `demo` for the built-in definition, or a definition file.
        #[arg(long)]
        definition: String,
        /// The precinct's region id.
        #[arg(long)]
        region: String,
        /// The precinct's number within the region.
        #[arg(long)]
        precinct: u32,
        /// The commission's public key file (default: `commission.pub` beside the definition).
        #[arg(long)]
        commission_key: Option<PathBuf>,
        /// The two blanked groups of the commission key's fingerprint, as the commission's paper
        /// shows them (`"ab12 cd34"`); without it they are asked on the terminal.
        #[arg(long)]
        fingerprint_groups: Option<String>,
    },
    /// Users: `hattama user add --user CHAIR --name N --role clerk|secretary|chair` (the chair's
    /// PIN, then the new user's: prompts, `HATTAMA_PIN` and `HATTAMA_NEW_PIN`, or `--pin-stdin`).
    #[command(subcommand)]
    User(UserCommand),
    /// Type one entry of a protocol from a JSON file of line → value, then mark it done.
    Enter(EnterArgs),
    /// Settle a line on which the two entries differ with the value read on the paper. The
    /// answer says whether it matched entry 1 or entry 2; a value on neither entry is stored only
    /// with `--confirm-neither` (without it nothing is stored, the JSON says
    /// `"needs_confirmation": true` and the exit code is 2).
    Reconcile {
        #[command(flatten)]
        db: DbArg,
        /// The contest id.
        #[arg(long)]
        contest: String,
        /// The line id, e.g. `L9` or `L8.3`.
        #[arg(long)]
        line: String,
        /// The value on the paper.
        #[arg(long)]
        value: String,
        /// Store the value even though it matches neither entry (both clerks misread the paper).
        #[arg(long)]
        confirm_neither: bool,
        #[command(flatten)]
        who: SignInArgs,
    },
    /// Acknowledge a failing warning as checked against the paper.
    Ack {
        #[command(flatten)]
        db: DbArg,
        #[command(flatten)]
        check: FailingCheck,
        #[command(flatten)]
        who: SignInArgs,
    },
    /// Attach the commission's act to a failing error.
    Act {
        #[command(flatten)]
        db: DbArg,
        #[command(flatten)]
        check: FailingCheck,
        /// The act's number on paper.
        #[arg(long)]
        number: String,
        /// The act's description (at least 20 characters).
        #[arg(long)]
        text: String,
        #[command(flatten)]
        who: SignInArgs,
    },
    /// Finalize a protocol, signed in as the chair (then an automatic backup is written).
    Finalize {
        #[command(flatten)]
        db: DbArg,
        /// The contest id.
        #[arg(long)]
        contest: String,
        #[command(flatten)]
        who: SignInArgs,
    },
    /// Start a repeated protocol (the next version) of a final protocol.
    Repeat {
        #[command(flatten)]
        db: DbArg,
        /// The contest id.
        #[arg(long)]
        contest: String,
        /// Why the protocol is repeated.
        #[arg(long)]
        reason: String,
        #[command(flatten)]
        who: SignInArgs,
    },
    /// Show the precinct and its protocols; with `--contest`, that protocol in detail.
    State {
        #[command(flatten)]
        db: DbArg,
        /// One contest to show in detail.
        #[arg(long)]
        contest: Option<String>,
    },
    /// Put a backup in place of the database (the newest one unless `--backup` names one).
    Restore {
        #[command(flatten)]
        db: DbArg,
        /// The backup file.
        #[arg(long)]
        backup: Option<PathBuf>,
    },
    /// The audit log: `hattama audit verify`.
    #[command(subcommand)]
    Audit(AuditCommand),
}

#[derive(Debug, Subcommand)]
pub(crate) enum UserCommand {
    /// Add a user (a chair signs in; adding a chair checks the chair's PIN again). The new
    /// user's PIN (6 to 12 digits, not one digit repeated nor a straight run) is read after the
    /// chair's: asked twice at a prompt, or `HATTAMA_NEW_PIN`, or `--pin-stdin`.
    Add {
        #[command(flatten)]
        db: DbArg,
        #[command(flatten)]
        who: SignInArgs,
        /// The new user's name, typed at sign-in.
        #[arg(long)]
        name: String,
        /// `clerk`, `secretary` or `chair`.
        #[arg(long, value_parser = parse_role)]
        role: Role,
    },
}

#[derive(Debug, Subcommand)]
pub(crate) enum AuditCommand {
    /// Walk the hash chain and compare the tables with it; exit 1 at the first broken link.
    Verify {
        #[command(flatten)]
        db: DbArg,
    },
}

#[derive(Debug, Args)]
pub(crate) struct EnterArgs {
    #[command(flatten)]
    db: DbArg,
    #[command(flatten)]
    who: SignInArgs,
    /// The contest id.
    #[arg(long)]
    contest: String,
    /// 1 or 2.
    #[arg(long, value_parser = parse_entry)]
    entry: EntryNo,
    /// JSON: {"L1": 1000, "L8.1": "250", …}, or a `hattama check` input with a "values" object.
    #[arg(long)]
    file: PathBuf,
    /// Leave the entry open instead of marking it done.
    #[arg(long)]
    keep_open: bool,
}

fn parse_role(text: &str) -> Result<Role, String> {
    Role::parse(text).ok_or_else(|| format!("unknown role `{text}` (clerk, secretary or chair)"))
}

fn parse_entry(text: &str) -> Result<EntryNo, String> {
    text.parse::<i64>()
        .ok()
        .and_then(EntryNo::from_number)
        .ok_or_else(|| format!("entry is 1 or 2, not `{text}`"))
}

/// Runs one store command.
pub(crate) fn run(command: &StoreCommand, secrets: &mut Secrets) -> Result<ExitCode> {
    match command {
        StoreCommand::Setup {
            db,
            user,
            definition,
            region,
            precinct,
            commission_key,
            fingerprint_groups,
        } => {
            let mut store = open(db)?;
            let precinct = PrecinctId {
                region: region.clone(),
                number: *precinct,
            };
            let source = DefinitionSource::parse(definition);
            if let DefinitionSource::File(path) = &source {
                confirm_commission_key(
                    &mut store,
                    path,
                    commission_key.as_deref(),
                    fingerprint_groups.as_deref(),
                )?;
            }
            let pin = secrets.read_new("new-pin")?;
            definition::setup(
                &mut store,
                &source,
                &precinct,
                &FirstChair {
                    name: user,
                    pin: &pin,
                },
                now(),
            )
            .map_err(failed)?;
            let loaded = store.definition().context("set up")?;
            print_json(&json!({
                "precinct": precinct.to_string(),
                "election": loaded.definition.id,
                "definition_hash": loaded.hash,
                "contests": store.statuses().map_err(refused)?.iter().map(|s| &s.contest).collect::<Vec<_>>(),
            }))?;
        }
        StoreCommand::User(UserCommand::Add {
            db,
            who,
            name,
            role,
        }) => {
            let mut store = open(db)?;
            let (actor, pin) = sign_in_keeping_pin(&mut store, who, secrets)?;
            let new_pin = secrets.read_new("new-pin")?;
            let actor_pin = (*role == Role::Chair).then_some(pin.as_str());
            let user = NewUser {
                name,
                role: *role,
                pin: &new_pin,
                actor_pin,
            };
            let id = people::add_user(&mut store, &actor, &user, now()).map_err(failed)?;
            print_json(&json!({ "id": id.0, "name": name, "role": role.as_str() }))?;
        }
        StoreCommand::Enter(args) => return enter::enter(args, secrets),
        StoreCommand::Reconcile {
            db,
            contest,
            line,
            value,
            confirm_neither,
            who,
        } => {
            let (mut store, actor) = open_as(db, who, secrets)?;
            let paper = PaperValue {
                contest,
                line,
                raw: value,
                confirm_neither: *confirm_neither,
            };
            let reconciled =
                protocol::reconcile(&mut store, &actor, &paper, now()).map_err(failed)?;
            let Reconciled::Settled { matched, state } = reconciled else {
                print_json(
                    &json!({ "contest": contest, "line": line, "needs_confirmation": true }),
                )?;
                return Ok(ExitCode::from(2));
            };
            print_json(&json!({
                "contest": contest,
                "line": line,
                "matched": matched.as_str(),
                "state": state_json(&store, state),
            }))?;
        }
        StoreCommand::Ack {
            db,
            check: FailingCheck { contest, code },
            who,
        } => {
            let (mut store, actor) = open_as(db, who, secrets)?;
            protocol::acknowledge(&mut store, &actor, contest, code, now()).map_err(failed)?;
            print_json(&json!({ "contest": contest, "acknowledged": code }))?;
        }
        StoreCommand::Act {
            db,
            check: FailingCheck { contest, code },
            number,
            text,
            who,
        } => {
            let (mut store, actor) = open_as(db, who, secrets)?;
            let act = ActPaper {
                contest,
                code,
                paper_number: number,
                text,
            };
            protocol::attach_act(&mut store, &actor, &act, now()).map_err(failed)?;
            print_json(&json!({ "contest": contest, "act": code }))?;
        }
        StoreCommand::Finalize { db, contest, who } => {
            let (mut store, actor) = open_as(db, who, secrets)?;
            let finalized =
                protocol::finalize(&mut store, &actor, contest, now()).map_err(failed)?;
            let (backup, backup_error) = match &finalized.backup {
                Ok(path) => (Some(path.display().to_string()), None),
                Err(error) => (None, Some(format!("{error} [{}]", error.code()))),
            };
            print_json(&json!({
                "contest": contest,
                "version": finalized.version,
                "audit_seq": finalized.audit_seq,
                "backup": backup,
                "backup_error": backup_error,
            }))?;
        }
        StoreCommand::Repeat {
            db,
            contest,
            reason,
            who,
        } => {
            let (mut store, actor) = open_as(db, who, secrets)?;
            let version =
                protocol::repeat(&mut store, &actor, contest, reason, now()).map_err(failed)?;
            print_json(&json!({ "contest": contest, "version": version }))?;
        }
        StoreCommand::State { db, contest } => {
            let store = open(db)?;
            print_json(&state(&store, contest.as_deref())?)?;
        }
        StoreCommand::Restore { db, backup } => {
            let path = installation::database_path(db.db.as_deref()).map_err(failed)?;
            let backup = match backup {
                Some(backup) => backup.clone(),
                None => match hattama_store::backup::list(&path).into_iter().next() {
                    Some(newest) => newest,
                    None => bail!("no backups next to {}", path.display()),
                },
            };
            let restored = restore(&backup, &path, now()).map_err(refused)?;
            print_json(&json!({
                "restored_from": restored.from.display().to_string(),
                "moved_aside": restored.moved_aside.iter().map(|p| p.display().to_string()).collect::<Vec<_>>(),
                "note": "changes made after this backup are not in it",
            }))?;
        }
        StoreCommand::Audit(AuditCommand::Verify { db }) => {
            let store = open(db)?;
            let report = store.verify_audit().map_err(refused)?;
            print_json(&serde_json::to_value(&report)?)?;
            if !report.is_ok() {
                return Ok(ExitCode::from(1));
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
