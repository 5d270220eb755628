//! `hattama setup | user | enter | reconcile | ack | act | finalize | repeat | state | restore |
//! audit verify`: drive a precinct's store headless, so a whole precinct can be scripted.
//!
//! Every command takes `--db PATH`, else `HATTAMA_DB`, else the platform data folder (the same
//! file the desktop app uses). Each prints JSON on stdout. A refused step exits 2 with the
//! store's message and its code (`store.same_user_second_entry`, …) on stderr; `audit verify`
//! exits 1 when the chain is broken. The time recorded is this machine's clock.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::SystemTime;

use anyhow::{Context, Result, anyhow, bail};
use clap::{Args, Subcommand};
use hattama_precinct::definition::DefinitionSource;
use hattama_precinct::{PrecinctError, installation};
use hattama_protocol::{PrecinctId, Status};
use hattama_store::{
    EntryNo, Reconciled, Role, State, Store, StoreError, Timestamp, User, restore,
};
use serde_json::json;

use crate::common::print_json;

/// The store's subcommands, flattened into the top level of `hattama`.
#[derive(Debug, Subcommand)]
pub(crate) enum StoreCommand {
    /// Set up this installation: the election definition and the precinct.
    Setup {
        #[command(flatten)]
        db: DbArg,
        /// `demo` for the built-in definition, or a definition file.
        #[arg(long)]
        definition: String,
        /// The precinct's region id.
        #[arg(long)]
        region: String,
        /// The precinct's number within the region.
        #[arg(long)]
        precinct: u32,
    },
    /// Users: `hattama user add --name N --role clerk|secretary|chair --pin 1234`.
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
        /// Who settles it (user name).
        #[arg(long)]
        user: String,
    },
    /// Acknowledge a failing warning as checked against the paper.
    Ack {
        #[command(flatten)]
        db: DbArg,
        /// The contest id.
        #[arg(long)]
        contest: String,
        /// The warning's code, e.g. `W05`.
        #[arg(long)]
        code: String,
        /// Who acknowledges (user name).
        #[arg(long)]
        user: String,
    },
    /// Attach the commission's act to a failing error.
    Act {
        #[command(flatten)]
        db: DbArg,
        /// The contest id.
        #[arg(long)]
        contest: String,
        /// The error's code, e.g. `E01`.
        #[arg(long)]
        code: String,
        /// The act's text.
        #[arg(long)]
        text: String,
        /// Who records it (user name).
        #[arg(long)]
        user: String,
    },
    /// Finalize a protocol with the chair's PIN (then an automatic backup is written).
    Finalize {
        #[command(flatten)]
        db: DbArg,
        /// The contest id.
        #[arg(long)]
        contest: String,
        /// The chair's PIN.
        #[arg(long)]
        chair_pin: String,
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
        /// Who starts it (user name).
        #[arg(long)]
        user: String,
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

/// The database path option every store command takes.
#[derive(Debug, Args)]
pub(crate) struct DbArg {
    /// The database file (default: `HATTAMA_DB`, else the platform data folder).
    #[arg(long)]
    pub(crate) db: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub(crate) enum UserCommand {
    /// Add a user.
    Add {
        #[command(flatten)]
        db: DbArg,
        /// The name, typed at sign-in.
        #[arg(long)]
        name: String,
        /// `clerk`, `secretary` or `chair`.
        #[arg(long, value_parser = parse_role)]
        role: Role,
        /// The PIN: 4 to 12 digits.
        #[arg(long)]
        pin: String,
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
    /// Who types (user name).
    #[arg(long)]
    user: String,
    /// The user's PIN; when given it must match.
    #[arg(long)]
    pin: Option<String>,
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

pub(crate) fn now() -> Timestamp {
    Timestamp::from_system(SystemTime::now())
}

/// A store error as the CLI reports it: the message and the stable code.
pub(crate) fn refused(error: StoreError) -> anyhow::Error {
    let code = error.code();
    anyhow::Error::new(error).context(format!("[{code}]"))
}

/// A precinct use case's error as the CLI reports it: the message and the stable code.
pub(crate) fn failed(error: PrecinctError) -> anyhow::Error {
    match error {
        PrecinctError::Store(error) => refused(error),
        other => {
            let code = other.code();
            anyhow::Error::new(other).context(format!("[{code}]"))
        }
    }
}

pub(crate) fn open(db: &DbArg) -> Result<Store> {
    let path = installation::database_path(db.db.as_deref()).map_err(failed)?;
    installation::open(&path).map_err(|error| match error {
        PrecinctError::Store(error) => store_refusal(error),
        other => failed(other),
    })
}

/// A store that does not open: with the newest backup named, when there is one.
fn store_refusal(error: StoreError) -> anyhow::Error {
    match &error {
        StoreError::Corrupt { backups, .. } | StoreError::NotHattama { backups, .. } => {
            match backups.first() {
                Some(newest) => anyhow!(
                    "{error} [{}]; the newest backup is {}: `hattama restore` puts it in place",
                    error.code(),
                    newest.display()
                ),
                None => refused(error),
            }
        }
        _ => refused(error),
    }
}

fn user(store: &Store, name: &str) -> Result<User> {
    store.user_by_name(name).map_err(refused)
}

fn state_json(store: &Store, state: State) -> serde_json::Value {
    let name = |user: Option<hattama_store::UserId>| {
        user.and_then(|id| {
            store
                .users()
                .ok()?
                .into_iter()
                .find(|user| user.id == id)
                .map(|user| user.name)
        })
    };
    json!({
        "phase": state.phase().as_str(),
        "first": name(state.first()),
        "second": name(state.second()),
        "chair": name(state.chair()),
    })
}

/// Runs one store command.
pub(crate) fn run(command: &StoreCommand) -> Result<ExitCode> {
    match command {
        StoreCommand::Setup {
            db,
            definition,
            region,
            precinct,
        } => {
            let mut store = open(db)?;
            let precinct = PrecinctId {
                region: region.clone(),
                number: *precinct,
            };
            hattama_precinct::definition::setup(
                &mut store,
                &DefinitionSource::parse(definition),
                &precinct,
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
            name,
            role,
            pin,
        }) => {
            let mut store = open(db)?;
            let id = store.add_user(name, *role, pin, now()).map_err(refused)?;
            print_json(&json!({ "id": id.0, "name": name, "role": role.as_str() }))?;
        }
        StoreCommand::Enter(args) => return enter(args),
        StoreCommand::Reconcile {
            db,
            contest,
            line,
            value,
            confirm_neither,
            user: name,
        } => {
            let mut store = open(db)?;
            let user = user(&store, name)?;
            let reconciled = store
                .reconcile(contest, line, value, *confirm_neither, user.id, now())
                .map_err(refused)?;
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
            contest,
            code,
            user: name,
        } => {
            let mut store = open(db)?;
            let user = user(&store, name)?;
            store
                .acknowledge(contest, code, user.id, now())
                .map_err(refused)?;
            print_json(&json!({ "contest": contest, "acknowledged": code }))?;
        }
        StoreCommand::Act {
            db,
            contest,
            code,
            text,
            user: name,
        } => {
            let mut store = open(db)?;
            let user = user(&store, name)?;
            store
                .attach_act(contest, code, text, user.id, now())
                .map_err(refused)?;
            print_json(&json!({ "contest": contest, "act": code }))?;
        }
        StoreCommand::Finalize {
            db,
            contest,
            chair_pin,
        } => {
            let mut store = open(db)?;
            let finalized = store.finalize(contest, chair_pin, now()).map_err(refused)?;
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
            user: name,
        } => {
            let mut store = open(db)?;
            let user = user(&store, name)?;
            let version = store
                .repeat(contest, reason, user.id, now())
                .map_err(refused)?;
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

fn enter(args: &EnterArgs) -> Result<ExitCode> {
    let bytes = std::fs::read(&args.file)
        .with_context(|| format!("cannot read {}", args.file.display()))?;
    let json: serde_json::Value = serde_json::from_slice(&bytes)
        .with_context(|| format!("{} is not JSON", args.file.display()))?;
    let map = match json.get("values").unwrap_or(&json) {
        serde_json::Value::Object(map) => map.clone(),
        _ => bail!(
            "{}: expected an object of line → value",
            args.file.display()
        ),
    };
    let mut store = open(&args.db)?;
    let user = match &args.pin {
        Some(pin) => store.login(&args.user, pin).map_err(refused)?,
        None => user(&store, &args.user)?,
    };
    let mut last = None;
    for (line, value) in &map {
        let raw = match value {
            serde_json::Value::String(text) => text.clone(),
            serde_json::Value::Null => String::new(),
            other => other.to_string(),
        };
        let saved = store
            .save_value(&args.contest, args.entry, user.id, line, &raw, now())
            .map_err(refused)
            .with_context(|| format!("line {line}"))?;
        last = Some(saved);
    }
    let state = if args.keep_open {
        store.status(&args.contest).map_err(refused)?.state
    } else {
        store
            .finish_entry(&args.contest, args.entry, user.id, now())
            .map_err(refused)?
    };
    let failing: Vec<&str> = last
        .as_ref()
        .map(|saved| {
            saved
                .findings
                .iter()
                .filter(|finding| finding.status == Status::Fail)
                .map(|finding| finding.code.as_str())
                .collect()
        })
        .unwrap_or_default();
    print_json(&json!({
        "contest": args.contest,
        "entry": args.entry.number(),
        "saved": map.len(),
        "failing": failing,
        "state": state_json(&store, state),
    }))?;
    Ok(ExitCode::SUCCESS)
}

fn state(store: &Store, contest: Option<&str>) -> Result<serde_json::Value> {
    let (head_seq, head_hash) = store.audit_head().map_err(refused)?;
    let Some(definition) = store.definition() else {
        return Ok(
            json!({ "set_up": false, "audit_head": { "seq": head_seq, "hash": head_hash } }),
        );
    };
    let precinct = store.precinct().map(ToString::to_string);
    let mut protocols = Vec::new();
    for status in store.statuses().map_err(refused)? {
        protocols.push(json!({
            "contest": status.contest,
            "template": status.template,
            "version": status.version,
            "reason": status.reason,
            "state": state_json(store, status.state),
        }));
    }
    let mut out = json!({
        "set_up": true,
        "election": definition.definition.id,
        "definition_hash": definition.hash,
        "precinct": precinct,
        "audit_head": { "seq": head_seq, "hash": head_hash },
        "protocols": protocols,
    });
    if let Some(contest) = contest {
        let status = store.status(contest).map_err(refused)?;
        let mut detail = json!({
            "contest": contest,
            "version": status.version,
            "state": state_json(store, status.state),
        });
        if let Ok(differences) = store.differences(contest) {
            detail["differences"] = serde_json::to_value(differences)?;
        }
        if let Ok(review) = store.review(contest) {
            detail["review"] = serde_json::to_value(review)?;
        }
        if let Some(values) = store
            .final_values(contest, status.version)
            .map_err(refused)?
        {
            let values: serde_json::Map<String, serde_json::Value> = values
                .into_iter()
                .map(|(line, value)| (line, json!(value.get())))
                .collect();
            detail["final_values"] = serde_json::Value::Object(values);
        }
        out["protocol"] = detail;
    }
    Ok(out)
}
