// One field of an entry form as the UI holds it: exactly what the clerk typed, what the app has
// stored for the line, and how the app answered the typed text. Pure functions; the app decides
// what a count is, this only follows its answers.
//
// The rule this module keeps: the input shows the clerk's characters and nothing else; no answer
// ever rewrites them. When the app refuses the text, the value the line held when the clerk came
// to the field (`base`) is stored again, so what is stored is either the number typed or the one
// that was there before, never a part of the text, and never something that depends on how fast
// the keys came.

import { INPUT_ERROR_CODES, type InputErrorCode, type UiError } from '../../lib/ipc';

/** How a field stands: nothing typed, waiting for the app, stored, or the typed text refused. */
export type FieldStatus = 'empty' | 'saving' | 'saved' | 'refused';

export interface Field {
  /** Exactly what the input shows: the characters the clerk typed (or the stored value on load). */
  readonly draft: string;
  /** What the app has stored for this line (`null`: nothing). */
  readonly stored: number | null;
  /** What was stored when the clerk came to the field; a refused text leaves this stored. */
  readonly base: number | null;
  readonly status: FieldStatus;
  /** Why the text shown was refused. */
  readonly error: UiError | null;
}

/** A field loaded with its stored value (`null` when empty). */
export function loaded(value: number | null): Field {
  return { draft: textOf(value), stored: value, base: value, status: value === null ? 'empty' : 'saved', error: null };
}

/** The text a stored value is sent as again: its digits, or nothing. */
export function textOf(value: number | null): string {
  return value === null ? '' : String(value);
}

/**
 * The field after the clerk typed `text`: shown as typed, saving until the app answers. A
 * refusal stays beside it until the app has answered the new text, so it does not flicker.
 */
export function typed(field: Field, text: string): Field {
  return { ...field, draft: text, status: 'saving' };
}

/** The clerk came to the field: what is stored now is what a refusal keeps from here on. */
export function entered(field: Field): Field {
  return { ...field, base: field.stored };
}

/**
 * The field after the app stored `value` for the text `sent`. When `sent` is what the input
 * shows, the field is saved; otherwise newer typing is on its way and keeps its status.
 */
export function stored(field: Field, sent: string, value: number | null): Field {
  if (field.draft !== sent) {
    return { ...field, stored: value };
  }
  return { ...field, stored: value, status: value === null ? 'empty' : 'saved', error: null };
}

/** The field after the app refused the text `sent`; the input keeps showing it, marked. */
export function refused(field: Field, sent: string, error: UiError): Field {
  if (field.draft !== sent) {
    return field;
  }
  return { ...field, status: 'refused', error };
}

/** The field after the value it held before was stored again (`value`), following a refusal. */
export function restored(field: Field, value: number | null): Field {
  return { ...field, stored: value };
}

/** Whether a refusal of the typed text means storing `base` again. */
export function needsRestore(field: Field): boolean {
  return field.stored !== field.base;
}

/**
 * What to say beside a saved field when the input shows another form of the stored number
 * (`007` stored as 7, ` 12 ` as 12): the stored value, or `null` when the text is that value.
 */
export function storedAs(field: Field): number | null {
  if (field.status !== 'saved' || field.stored === null) {
    return null;
  }
  return field.draft === String(field.stored) ? null : field.stored;
}

/**
 * The message key and params that explain a refused field: the input error when it is one. The
 * input error codes come from the protocol crate through the generated IPC contract, each with an
 * `error.input.*` message.
 */
export function refusalMessage(error: UiError): { key: `error.input.${InputErrorCode}` | UiError['code']; params: Readonly<Record<string, string>> } {
  const input = INPUT_ERROR_CODES.find((code) => code === error.params['input']);
  if (error.code === 'error.store.bad_value' && input !== undefined) {
    return { key: `error.input.${input}`, params: {} };
  }
  return { key: error.code, params: error.params };
}
