// Generated from the Rust DTOs in src-tauri by `cargo xtask codegen`. Do not edit.

export type Language = "kk" | "ru" | "en";

export type AppInfo = {
/**
 * The app's version, as in its package.
 */
version: string,
/**
 * The languages the user interface offers, in display order.
 */
languages: Array<Language>,
/**
 * Where the app keeps its database, shown so that support can find it.
 */
databasePath: string, };

export type ErrorCode = "error.app.unknown_language" | "error.app.state_unavailable" | "error.app.not_signed_in" | "error.app.unknown_entry" | "error.app.path_not_text" | "error.app.not_printed" | "error.app.viewer_failed" | "error.store.already_final" | "error.store.same_user_second_entry" | "error.store.not_your_entry" | "error.store.first_entry_not_done" | "error.store.entry_closed" | "error.store.incomplete_entry" | "error.store.entry_blind" | "error.store.nothing_to_reconcile" | "error.store.not_agreed" | "error.store.unacknowledged_warnings" | "error.store.errors_without_act" | "error.store.not_final" | "error.store.empty_reason" | "error.store.corrupt" | "error.store.not_hattama" | "error.store.too_new" | "error.store.not_set_up" | "error.store.already_set_up" | "error.store.bad_definition" | "error.store.unknown_precinct" | "error.store.unknown_contest" | "error.store.unknown_line" | "error.store.bad_value" | "error.store.line_not_differing" | "error.store.unknown_rule" | "error.store.wrong_severity" | "error.store.rule_not_failing" | "error.store.already_acknowledged" | "error.store.empty_text" | "error.store.unknown_user" | "error.store.duplicate_user" | "error.store.pin_format" | "error.store.weak_pin" | "error.store.wrong_pin" | "error.store.locked" | "error.store.not_permitted" | "error.store.typed_an_entry" | "error.store.pin_needed" | "error.store.last_chair" | "error.store.act_too_short" | "error.store.no_chair" | "error.store.io" | "error.store.no_data_dir" | "error.store.bad_backup" | "error.store.inconsistent" | "error.store.sqlite" | "error.store.device_key_exists" | "error.store.no_device_key" | "error.store.nothing_to_export" | "error.store.unknown_export" | "error.store.integrity_failed" | "error.store.audit_broken" | "error.store.final_not_vouched" | "error.store.commission_key_pinned" | "error.batch.drive_full" | "error.batch.drive_failed" | "error.batch.drive_read_back" | "error.batch.link_in_path" | "error.app.definition_file" | "error.app.definition_signature" | "error.app.commission_key_not_pinned" | "error.app.commission_key_file" | "error.app.fingerprint_mismatch" | "error.device_key.mismatch" | "error.store.weak_passphrase" | "error.store.wrong_passphrase" | "error.store.key_failed" | "error.export.no_folder" | "error.export.not_a_folder" | "error.export.no_drive" | "error.export.several_drives" | "error.print.fonts" | "error.print.pdf" | "error.print.assemble" | "error.print.no_final" | "error.print.not_exported" | "error.print.write_file";

export type IpcError = {
/**
 * The message key, one of [`error_codes`].
 */
code: ErrorCode,
/**
 * Values for the message's placeholders, by name.
 */
params: { [key in string]: string }, };

export type InputErrorCode = "empty" | "not_a_number" | "negative" | "too_large";

export const INPUT_ERROR_CODES: readonly InputErrorCode[] = ["empty", "not_a_number", "negative", "too_large"];

export type ActionCode = "perm.add_user" | "perm.add_chair" | "perm.change_user" | "perm.remove_user" | "perm.unlock_user" | "perm.add_member" | "perm.enter" | "perm.reconcile" | "perm.acknowledge" | "perm.attach_act" | "perm.finalize" | "perm.repeat" | "perm.make_device_key" | "perm.export" | "perm.print" | "perm.view_audit" | "perm.verify_audit";

export type SessionInfo = {
/**
 * The signed-in user.
 */
user: UserInfo,
/**
 * What they may do, by the permission table.
 */
allowed: Array<ActionCode>, };

export type LocalText = {
/**
 * Kazakh.
 */
kk: string,
/**
 * Russian.
 */
ru: string,
/**
 * English.
 */
en: string, };

export type UserRole = "clerk" | "secretary" | "chair";

export type UserInfo = {
/**
 * The store's id.
 */
id: number,
/**
 * The name the user signs in with.
 */
name: string,
/**
 * The role.
 */
role: UserRole, };

export type MemberInfo = {
/**
 * The full name.
 */
name: string,
/**
 * `chair`, `deputy_chair`, `secretary` or `member`.
 */
position: string, };

export type PrecinctChoice = {
/**
 * The number within its region.
 */
number: number,
/**
 * Where it sits.
 */
address: LocalText, };

export type RegionChoice = {
/**
 * The region id.
 */
id: string,
/**
 * Its name.
 */
name: LocalText,
/**
 * Its precincts.
 */
precincts: Array<PrecinctChoice>, };

export type CommissionKeyChallenge = {
/**
 * The key id (16 hex digits).
 */
keyId: string,
/**
 * The fingerprint's eight groups of four hex digits, `null` where blanked.
 */
groups: Array<string | null>,
/**
 * The blanked groups' positions (0-based, ascending).
 */
blanked: Array<number>,
/**
 * True when this key is pinned already: nothing is to be typed.
 */
pinned: boolean, };

export type DefinitionChoices = {
/**
 * The election id.
 */
id: string,
/**
 * The election's name.
 */
name: LocalText,
/**
 * True for the built-in demo, whose candidates are invented.
 */
demo: boolean,
/**
 * True for a test (training) election.
 */
test: boolean,
/**
 * SHA-256 of the definition file in groups of four hex digits, to compare with the
 * published one.
 */
hash: string,
/**
 * Regions with precincts, in CEC order.
 */
regions: Array<RegionChoice>, };

export type ProtocolPhase = "empty" | "first_in_progress" | "first_done" | "second_in_progress" | "differ" | "agreed" | "final";

export type ProtocolState = {
/**
 * The phase.
 */
phase: ProtocolPhase,
/**
 * The entry typed now (1 or 2), if one is open.
 */
openEntry: number | null,
/**
 * The first clerk's id.
 */
first: number | null,
/**
 * The second clerk's id.
 */
second: number | null, };

export type ProtocolSummary = {
/**
 * The contest id.
 */
contest: string,
/**
 * The template id (`P1` … `P5`).
 */
template: string,
/**
 * The contest's name.
 */
name: LocalText,
/**
 * The newest version.
 */
version: number,
/**
 * Why it was repeated (versions from 2 on).
 */
reason: string | null,
/**
 * Where it stands.
 */
state: ProtocolState, };

export type PrecinctOverview = {
/**
 * The election.
 */
election: LocalText,
/**
 * True for the built-in demo, whose candidates are invented.
 */
demo: boolean,
/**
 * True for a test (training) election.
 */
test: boolean,
/**
 * The region's name.
 */
region: LocalText,
/**
 * The precinct number.
 */
number: number,
/**
 * The precinct's address.
 */
address: LocalText,
/**
 * Its protocols, in the definition's order.
 */
protocols: Array<ProtocolSummary>, };

export type Overview = {
/**
 * The precinct, `null` before first-run setup.
 */
precinct: PrecinctOverview | null,
/**
 * The users of this laptop.
 */
users: Array<UserInfo>,
/**
 * The commission members.
 */
members: Array<MemberInfo>,
/**
 * The user signed in now.
 */
user: UserInfo | null,
/**
 * What the signed-in user may do, by the permission table (empty when nobody is signed
 * in): the UI shows only these controls.
 */
allowed: Array<ActionCode>, };

export type RowInfo = {
/**
 * The row number on the paper (1-based): the key to jump to it.
 */
number: number,
/**
 * The party or candidate.
 */
name: LocalText,
/**
 * True when the name is invented (demo definitions), which the UI must say.
 */
invented: boolean, };

export type FormLine = {
/**
 * The line id (`L3a`, `L8.2`).
 */
id: string,
/**
 * The line's label.
 */
label: LocalText,
/**
 * The line this one is part of ("of whom"), if any.
 */
parent: string | null,
/**
 * For a row of the row block: the party or candidate.
 */
row: RowInfo | null, };

export type FieldValue = {
/**
 * The line id.
 */
line: string,
/**
 * The saved value, `null` when empty.
 */
value: number | null, };

export type ProtocolForm = {
/**
 * The summary (contest, names, version, state).
 */
summary: ProtocolSummary,
/**
 * The protocol's title on the paper.
 */
title: LocalText,
/**
 * True when the definition is the demo (its rows are invented).
 */
demo: boolean,
/**
 * Every line in paper order.
 */
lines: Array<FormLine>,
/**
 * The open entry's values, when the signed-in user may see them; `null` when blind.
 */
values: Array<FieldValue> | null,
/**
 * Every check on those values as they stand, under the same blindness: the check panel
 * of a form opened again (after a restart, say) shows what the last save returned.
 */
findings: Array<Finding> | null, };

export type FindingSeverity = "error" | "warning";

export type FindingStatus = "pass" | "fail" | "missing";

export type Finding = {
/**
 * The rule code (`E05`).
 */
code: string,
/**
 * Error or warning.
 */
severity: FindingSeverity,
/**
 * Pass, fail or missing.
 */
status: FindingStatus,
/**
 * The lines the rule reads, for highlighting.
 */
lines: Array<string>,
/**
 * For a failed relation: what was entered.
 */
entered: number | null,
/**
 * For a failed relation: what the other lines imply.
 */
expected: number | null,
/**
 * For a failed relation: `==`, `<=`, …
 */
relation: string | null,
/**
 * The message, when it fails.
 */
message: LocalText | null, };

export type SavedField = {
/**
 * The line.
 */
line: string,
/**
 * The value stored, `null` for a cleared field.
 */
value: number | null,
/**
 * The protocol's state after the save.
 */
state: ProtocolState,
/**
 * Every check on the entry as it now stands.
 */
findings: Array<Finding>, };

export type EntryMatch = "first" | "second" | "neither";

export type Difference = {
/**
 * The line id.
 */
line: string,
/**
 * The value on the paper, once settled.
 */
settled: number | null,
/**
 * Which entry the paper value matched, once settled.
 */
matched: EntryMatch | null, };

export type ReconcileOutcome = {
/**
 * True when nothing was stored: the value is on neither entry; send it again confirmed.
 */
needsConfirmation: boolean,
/**
 * Which entry the stored value matched.
 */
matched: EntryMatch | null,
/**
 * The protocol's state after storing.
 */
state: ProtocolState | null, };

export type ActInfo = {
/**
 * The error's code.
 */
code: string,
/**
 * The act's number on paper (`null` for acts recorded before numbers were kept).
 */
number: string | null,
/**
 * The act's text.
 */
text: string, };

export type ReviewInfo = {
/**
 * Every check on the agreed values.
 */
findings: Array<Finding>,
/**
 * Acknowledged warning codes.
 */
acknowledged: Array<string>,
/**
 * Acts attached to errors.
 */
acts: Array<ActInfo>, };

export type AuditRow = {
/**
 * Its place in the chain.
 */
seq: number,
/**
 * When (the laptop clock, informational), RFC 3339.
 */
at: string,
/**
 * Who, by user id.
 */
user: number | null,
/**
 * What happened (`value.save`, `protocol.finalize`, …).
 */
action: string,
/**
 * The details, as JSON text, without numbers when `hidden`.
 */
payload: string,
/**
 * True when the numbers were left out: the protocol's two entries are not both done and
 * agreed yet.
 */
hidden: boolean, };

export type AuditLog = {
/**
 * True when every row hashes the one before and the tables agree with it.
 */
intact: boolean,
/**
 * The rows, newest first.
 */
rows: Array<AuditRow>, };

export type DeviceKeyInfo = {
/**
 * The key id, 16 hex digits.
 */
keyId: string,
/**
 * The fingerprint printed on the enrolment sheet, in groups of four.
 */
fingerprint: string,
/**
 * The public key, minisign base64.
 */
publicKey: string, };

export type DocumentKind = "enrolment" | "protocol" | "posting" | "blank";

export type SavedFile = {
/**
 * Which document it is.
 */
kind: DocumentKind,
/**
 * Where it is.
 */
path: string, };

export type DriveInfo = {
/**
 * The device, e.g. `/dev/sdb1`.
 */
device: string,
/**
 * Where it is mounted: the folder to write to.
 */
mountPoint: string,
/**
 * The file system, e.g. `vfat`.
 */
fsType: string, };

export type FinalInfo = {
/**
 * The contest id.
 */
contest: string,
/**
 * The template id, e.g. `P1`.
 */
template: string,
/**
 * The contest's name.
 */
name: LocalText,
/**
 * The version.
 */
version: number,
/**
 * The hash of the newest batch carrying this version, in groups of four; `null` before export.
 */
batchHash: string | null,
/**
 * Whether it can be printed now (the paper carries the batch hash, so after export).
 */
printable: boolean, };

export type ExportInfo = {
/**
 * The batch sequence number.
 */
sequence: number,
/**
 * The batch hash in groups of four hex digits.
 */
hash: string,
/**
 * The number of protocol versions it carries.
 */
protocols: number, };

export type OutboundOverview = {
/**
 * The device key, once made.
 */
deviceKey: DeviceKeyInfo | null,
/**
 * Every finalized protocol version, by contest then version.
 */
finals: Array<FinalInfo>,
/**
 * The exports so far, oldest first.
 */
exports: Array<ExportInfo>,
/**
 * True when the newest export already carries every finalized version: exporting again
 * writes the same batch.
 */
upToDate: boolean,
/**
 * The removable drives mounted now.
 */
drives: Array<DriveInfo>,
/**
 * The drive to write to when exactly one is mounted, else `null`.
 */
suggestedDrive: string | null,
/**
 * The folder suggested for saving documents: Documents, else home.
 */
documentsFolder: string, };

export type ExportResult = {
/**
 * The batch that was written.
 */
export: ExportInfo,
/**
 * True when nothing new was finalized and the earlier batch was written again, unchanged.
 */
reused: boolean,
/**
 * The payload file.
 */
payload: string,
/**
 * The signature file.
 */
signature: string, };

export type AuditBreak = "edited" | "unlinked" | "missing" | "truncated" | "table_mismatch";

export type AuditCheck = {
/**
 * Rows walked.
 */
rows: number,
/**
 * The last row's sequence number.
 */
headSeq: number,
/**
 * The last row's hash, in groups of four.
 */
headHash: string,
/**
 * The first broken link, or `null` when the chain holds.
 */
brokenAt: number | null,
/**
 * How it breaks there.
 */
brokenKind: AuditBreak | null, };
