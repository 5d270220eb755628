//! Generates the TypeScript twins of the IPC DTOs and checks the committed file is current.
//!
//! `cargo xtask codegen` runs the test below with `UPDATE_EXPECT=1`, which rewrites the file;
//! without it, the test fails on any difference, so CI catches a stale file.

use std::path::{Path, PathBuf};

use ts_rs::{Config, TS};

use crate::app::dto::{AppInfo, Language, LocalText};
use crate::error::{IpcError, error_codes, input_error_codes};
use crate::outbound::dto::{
    AuditBreak, AuditCheck, DeviceKeyInfo, DocumentKind, DriveInfo, ExportInfo, ExportResult,
    FinalInfo, OutboundOverview, SavedFile,
};
use crate::precinct::dto::{
    CommissionKeyChallenge, DefinitionChoices, MemberInfo, Overview, PrecinctChoice,
    PrecinctOverview, RegionChoice, SessionInfo, UserInfo, UserRole,
};
use crate::protocol::dto::{
    ActInfo, AuditLog, AuditRow, Difference, EntryMatch, FieldValue, Finding, FindingSeverity,
    FindingStatus, FormLine, ProtocolForm, ProtocolState, ProtocolSummary, ReconcileOutcome,
    ReviewInfo, RowInfo, SavedField,
};

/// The committed file, relative to this crate.
const GENERATED: &str = "../ui/src/lib/ipc/generated/ipc.ts";

/// The whole generated file: one exported declaration per DTO, in a fixed order.
pub(crate) fn typescript() -> String {
    let config = Config::new();
    let error_codes = error_codes();
    let declarations = [
        Language::decl(&config),
        AppInfo::decl(&config),
        string_union("ErrorCode", error_codes.iter().map(String::as_str)),
        IpcError::decl(&config),
        string_union("InputErrorCode", input_error_codes().into_iter()),
        string_list(
            "INPUT_ERROR_CODES",
            "InputErrorCode",
            input_error_codes().into_iter(),
        ),
        string_union(
            "ActionCode",
            hattama_store::Permission::all().map(hattama_store::Permission::code),
        ),
        SessionInfo::decl(&config),
        LocalText::decl(&config),
        UserRole::decl(&config),
        UserInfo::decl(&config),
        MemberInfo::decl(&config),
        PrecinctChoice::decl(&config),
        RegionChoice::decl(&config),
        CommissionKeyChallenge::decl(&config),
        DefinitionChoices::decl(&config),
        string_union(
            "ProtocolPhase",
            hattama_store::Phase::ALL
                .into_iter()
                .map(hattama_store::Phase::as_str),
        ),
        ProtocolState::decl(&config),
        ProtocolSummary::decl(&config),
        PrecinctOverview::decl(&config),
        Overview::decl(&config),
        RowInfo::decl(&config),
        FormLine::decl(&config),
        FieldValue::decl(&config),
        ProtocolForm::decl(&config),
        FindingSeverity::decl(&config),
        FindingStatus::decl(&config),
        Finding::decl(&config),
        SavedField::decl(&config),
        EntryMatch::decl(&config),
        Difference::decl(&config),
        ReconcileOutcome::decl(&config),
        ActInfo::decl(&config),
        ReviewInfo::decl(&config),
        AuditRow::decl(&config),
        AuditLog::decl(&config),
        DeviceKeyInfo::decl(&config),
        DocumentKind::decl(&config),
        SavedFile::decl(&config),
        DriveInfo::decl(&config),
        FinalInfo::decl(&config),
        ExportInfo::decl(&config),
        OutboundOverview::decl(&config),
        ExportResult::decl(&config),
        AuditBreak::decl(&config),
        AuditCheck::decl(&config),
    ];
    let mut out = String::from(
        "// Generated from the Rust DTOs in src-tauri by `cargo xtask codegen`. Do not edit.\n",
    );
    for declaration in declarations {
        out.push_str("\nexport ");
        // ts-rs leaves a space before each line break; keep the file free of trailing whitespace.
        for line in declaration.lines() {
            out.push_str(line.trim_end());
            out.push('\n');
        }
    }
    out
}

/// A TypeScript union of string literals, written from the list that is the one place for it
/// (the error tables, the permission table, the store's phases).
fn string_union<'a>(name: &str, members: impl Iterator<Item = &'a str>) -> String {
    let members: Vec<String> = members.map(|member| format!("\"{member}\"")).collect();
    format!("type {name} = {};", members.join(" | "))
}

/// A TypeScript constant holding the same string literals as the union `union`, for code that
/// must look a value up in the list at run time.
fn string_list<'a>(name: &str, union: &str, members: impl Iterator<Item = &'a str>) -> String {
    let members: Vec<String> = members.map(|member| format!("\"{member}\"")).collect();
    format!(
        "const {name}: readonly {union}[] = [{}];",
        members.join(", ")
    )
}

fn generated_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(GENERATED)
}

#[test]
fn generated_typescript_is_current() {
    let fresh = typescript();
    let path = generated_path();
    if std::env::var_os("UPDATE_EXPECT").is_some() {
        std::fs::write(&path, &fresh).unwrap();
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == fresh,
        "{} is stale: run `cargo xtask codegen` and commit the result.\n--- expected ---\n{fresh}",
        path.display()
    );
}
