// The outbound side's commands: device key, export to a drive, printing, audit chain check.
// One typed function per command; like `index.ts`, a rejected call throws a `UiError`.

import { invoke } from '@tauri-apps/api/core';

import type { AuditCheck, DeviceKeyInfo, DocumentKind, ExportResult, OutboundOverview, SavedFile } from './generated/ipc';
import { toUiError } from './index';

async function call<T>(command: string, args: Record<string, unknown> = {}): Promise<T> {
  try {
    return await invoke<T>(command, args);
  } catch (thrown) {
    throw toUiError(thrown);
  }
}

/** The device key, the final protocols, the exports so far and the drives mounted now. */
export function outboundOverview(): Promise<OutboundOverview> {
  return call('outbound_overview');
}

/** Makes the device key with the chair's passphrase, typed twice. */
export function createDeviceKey(passphrase: string, repeated: string): Promise<DeviceKeyInfo> {
  return call('create_device_key', { passphrase, repeated });
}

/** Shows the system's folder dialog titled `title`, starting in `start`; `null` when cancelled. */
export function chooseFolder(title: string, start: string | null): Promise<string | null> {
  return call('choose_folder', { title, start });
}

/**
 * Opens the newest saved document of `kind` in the desktop's PDF viewer, from which the clerk
 * prints it; resolves to the file it opened. The app opens only files it saved in this run.
 */
export function openDocument(kind: DocumentKind): Promise<string> {
  return call('open_document', { kind });
}

/** Saves the enrolment sheet PDF in `folder`. */
export function saveEnrolmentSheet(folder: string): Promise<SavedFile> {
  return call('save_enrolment_sheet', { folder });
}

/** Signs (or reuses) the batch and writes it to `folder`; resolves once it is safe to remove. */
export function exportBatch(passphrase: string, folder: string): Promise<ExportResult> {
  return call('export_batch', { passphrase, folder });
}

/** Saves the protocol, its posting copy and the blank form as PDFs in `folder`. */
export function printProtocol(contest: string, version: number, passphrase: string, folder: string): Promise<SavedFile[]> {
  return call('print_protocol', { contest, version, passphrase, folder });
}

/** Walks the audit chain; reports the first broken link, if any. */
export function verifyAudit(): Promise<AuditCheck> {
  return call('verify_audit');
}
