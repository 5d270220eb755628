// The audit log for people: each action's message key, and times in the laptop's local time
// with its offset. Pure functions over what the app sends.

import type { MessageKey } from '../../lib/i18n/catalogues';

/** The message key naming each action the store records, in words. */
const ACTIONS: Readonly<Record<string, MessageKey>> = {
  'precinct.setup': 'audit.action.precinct_setup',
  'member.add': 'audit.action.member_add',
  'user.add': 'audit.action.user_add',
  'entry.start': 'audit.action.entry_start',
  'value.save': 'audit.action.value_save',
  'entry.finish': 'audit.action.entry_finish',
  'line.reconcile': 'audit.action.line_reconcile',
  'reconcile.done': 'audit.action.reconcile_done',
  'warning.acknowledge': 'audit.action.warning_acknowledge',
  'error.act': 'audit.action.error_act',
  'protocol.finalize': 'audit.action.protocol_finalize',
  'protocol.repeat': 'audit.action.protocol_repeat',
  'device_key.created': 'audit.action.device_key_created',
  'export.signed': 'audit.action.export_signed',
  'export.written': 'audit.action.export_written',
  'commission_key.pin': 'audit.action.commission_key_pin',
};

/** The words for `action`, or `null` for an action this UI does not know (its code is shown). */
export function actionKey(action: string): MessageKey | null {
  return ACTIONS[action] ?? null;
}

/**
 * `at` (RFC 3339) in local time with the offset from UTC, as `2023-03-19 20:15:03 +05:00`;
 * `offsetMinutes` is minutes east of UTC at that moment (the negated `getTimezoneOffset`).
 * Text that is not a time comes back unchanged.
 */
export function localTime(at: string, offsetMinutes: (date: Date) => number = (date) => -date.getTimezoneOffset()): string {
  const date = new Date(at);
  if (Number.isNaN(date.getTime())) {
    return at;
  }
  const offset = offsetMinutes(date);
  const local = new Date(date.getTime() + offset * 60_000);
  const two = (value: number): string => String(value).padStart(2, '0');
  const sign = offset < 0 ? '-' : '+';
  const hours = two(Math.floor(Math.abs(offset) / 60));
  const minutes = two(Math.abs(offset) % 60);
  return (
    `${local.getUTCFullYear()}-${two(local.getUTCMonth() + 1)}-${two(local.getUTCDate())} ` +
    `${two(local.getUTCHours())}:${two(local.getUTCMinutes())}:${two(local.getUTCSeconds())} ${sign}${hours}:${minutes}`
  );
}
