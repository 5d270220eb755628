// The only module that calls `invoke`: one typed function per app command.
//
// Types come from `generated/ipc.ts`, which Rust writes (`cargo xtask codegen`). A rejected call
// always throws a `UiError`: the app's `{ code, params }`, or `error.unexpected` for anything else
// (such as Tauri refusing a command), so components only ever show catalogue messages.

import { Channel, invoke } from '@tauri-apps/api/core';

import type { MessageKey } from '../i18n/catalogues';
import type {
  AppInfo,
  AuditLog,
  CommissionKeyChallenge,
  DefinitionChoices,
  Difference,
  ErrorCode,
  IpcError,
  Language,
  Overview,
  ProtocolForm,
  ProtocolState,
  ReconcileOutcome,
  ReviewInfo,
  SavedField,
  SessionInfo,
  UserRole,
} from './generated/ipc';

export type * from './generated/ipc';
export { INPUT_ERROR_CODES } from './generated/ipc';

/** An error the UI can show: a message key and its params. */
export interface UiError {
  readonly code: ErrorCode | 'error.unexpected';
  readonly params: Readonly<Record<string, string>>;
}

/** Compile-time check: every error code the app can send has a message key. */
export type ErrorCodesAreMessageKeys = UiError['code'] extends MessageKey ? true : never;

/** Turns whatever a rejected `invoke` threw into a `UiError`. */
export function toUiError(thrown: unknown): UiError {
  if (isIpcError(thrown)) {
    return { code: thrown.code, params: thrown.params };
  }
  return { code: 'error.unexpected', params: { detail: String(thrown) } };
}

function isIpcError(value: unknown): value is IpcError {
  return (
    typeof value === 'object' &&
    value !== null &&
    'code' in value &&
    typeof value.code === 'string' &&
    value.code.startsWith('error.') &&
    'params' in value &&
    typeof value.params === 'object' &&
    value.params !== null
  );
}

async function call<T>(command: string, args: Record<string, unknown> = {}): Promise<T> {
  try {
    return await invoke<T>(command, args);
  } catch (thrown) {
    throw toUiError(thrown);
  }
}

/** The app's version, its languages and where its database lives. */
export function appInfo(): Promise<AppInfo> {
  return call('app_info');
}

/** The language the app has chosen for the UI. */
export function getLanguage(): Promise<Language> {
  return call('get_language');
}

/** Switches the app to `language`; resolves to the language now in effect. */
export function setLanguage(language: Language): Promise<Language> {
  return call('set_language', { language });
}

/** Shows the system's file dialog for an election definition (`.json`); `null` when cancelled. */
export function chooseDefinitionFile(title: string, filter: string): Promise<string | null> {
  return call('choose_definition_file', { title, filter });
}

/** The commission key beside the definition file at `path`, to confirm against the paper. */
export function commissionKeyChallenge(path: string): Promise<CommissionKeyChallenge> {
  return call('commission_key_challenge', { path });
}

/** Pins the commission key beside `path` with the two blanked groups typed from the paper. */
export function pinCommissionKey(path: string, groups: string[]): Promise<CommissionKeyChallenge> {
  return call('pin_commission_key', { path, groups });
}

/** What a definition offers at first run: the demo when `path` is null, else the file's. */
export function definitionChoices(path: string | null): Promise<DefinitionChoices> {
  return call('definition_choices', { path });
}

/** Sets this laptop up for precinct `number` of `region`; the person setting up becomes its
 * first chair, signed in. */
export function setupPrecinct(
  path: string | null,
  region: string,
  number: number,
  chairName: string,
  chairPin: string,
): Promise<Overview> {
  return call('setup_precinct', { path, region, number, chairName, chairPin });
}

/** Adds a user who signs in with `pin`; a new chair needs the signed-in chair's own PIN. */
export function addUser(name: string, role: UserRole, pin: string, chairPin: string | null): Promise<Overview> {
  return call('add_user', { name, role, pin, chairPin });
}

/** Lifts a clerk's or a secretary's lockout after wrong PINs. */
export function unlockUser(user: number): Promise<Overview> {
  return call('unlock_user', { user });
}

/** Adds a commission member. */
export function addMember(name: string, position: string): Promise<Overview> {
  return call('add_member', { name, position });
}

/** Signs `name` in with `pin`; resolves to who signed in and what they may do. */
export function login(name: string, pin: string): Promise<SessionInfo> {
  return call('login', { name, pin });
}

/** Signs the current user out. */
export function logout(): Promise<void> {
  return call('logout');
}

/** The precinct, its protocols, the users and who is signed in. */
export function overview(): Promise<Overview> {
  return call('overview');
}

/** The form of a contest's newest protocol version. */
export function openProtocol(contest: string): Promise<ProtocolForm> {
  return call('open_protocol', { contest });
}

/** Sends what was typed into a field, raw; the app parses, saves and checks it. */
export function saveValue(
  contest: string,
  entry: number,
  line: string,
  raw: string,
  onChecked: (checked: SavedField) => void,
): Promise<SavedField> {
  // The app sends the checks here as soon as it has them, before it makes the write durable;
  // the promise resolves (with the same fields) once the value is stored.
  const checked = new Channel<SavedField>();
  checked.onmessage = onChecked;
  return call('save_value', { contest, entry, line, raw, checked });
}

/** Marks an entry done. */
export function finishEntry(contest: string, entry: number): Promise<ProtocolState> {
  return call('finish_entry', { contest, entry });
}

/** The lines on which the two entries differ (blind: never either entry's value). */
export function differences(contest: string): Promise<Difference[]> {
  return call('differences', { contest });
}

/**
 * Settles a differing line with the value read on the paper; the answer says which entry it
 * matched. A value on neither entry is stored only with `confirmNeither`.
 */
export function reconcile(contest: string, line: string, raw: string, confirmNeither: boolean): Promise<ReconcileOutcome> {
  return call('reconcile', { contest, line, raw, confirmNeither });
}

/** The agreed values' checks, acknowledgements and acts. */
export function review(contest: string): Promise<ReviewInfo> {
  return call('review', { contest });
}

/** Acknowledges a failing warning as checked against the paper. */
export function acknowledge(contest: string, code: string): Promise<void> {
  return call('acknowledge', { contest, code });
}

/** Attaches the commission's act (its paper number and description) to a failing error. */
export function attachAct(contest: string, code: string, number: string, text: string): Promise<void> {
  return call('attach_act', { contest, code, number, text });
}

/** Finalizes, as the chair signed in; resolves to the version finalized. */
export function finalize(contest: string): Promise<number> {
  return call('finalize', { contest });
}

/** Starts a repeated protocol for `reason`; resolves to its version. */
export function repeatProtocol(contest: string, reason: string): Promise<number> {
  return call('repeat_protocol', { contest, reason });
}

/** The audit log, newest first. */
export function auditLog(): Promise<AuditLog> {
  return call('audit_log');
}
