// The only module that calls `invoke`: one typed function per app command.
//
// Types come from `generated/ipc.ts`, which Rust writes (`cargo xtask codegen`). A rejected call
// always throws a `UiError`: the app's `{ code, params }`, or `error.unexpected` for anything else
// (such as Tauri refusing a command), so components only ever show catalogue messages.

import { invoke } from '@tauri-apps/api/core';

import type { MessageKey } from '../i18n/catalogues';
import type { AppInfo, ErrorCode, IpcError, Language } from './generated/ipc';

export type { AppInfo, ErrorCode, IpcError, Language };

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
