// One field of an entry form as the UI holds it: what is shown, what the app last accepted, and
// whether it is saved. Pure functions; the app decides what a value is, this only follows it.

import type { UiError } from '../../lib/ipc';

/** How a field stands: nothing typed, waiting for the app, stored, or the last text refused. */
export type FieldStatus = 'empty' | 'saving' | 'saved' | 'refused';

export interface Field {
  /** What the input shows. */
  readonly draft: string;
  /** The last text the app accepted (what is stored). */
  readonly accepted: string;
  readonly status: FieldStatus;
  /** Why the last text was refused. */
  readonly error: UiError | null;
}

/** A field loaded with its stored value (`null` when empty). */
export function loaded(value: number | null): Field {
  const text = value === null ? '' : String(value);
  return { draft: text, accepted: text, status: value === null ? 'empty' : 'saved', error: null };
}

/** The field after the clerk typed `text`: shown at once, saving until the app answers. */
export function typed(field: Field, text: string): Field {
  return { ...field, draft: text, status: 'saving' };
}

/**
 * The field after the app stored `sent` as `value`. Later typing that is still on its way
 * stays in the input; otherwise the input shows the stored value.
 */
export function stored(field: Field, sent: string, value: number | null): Field {
  const text = value === null ? '' : String(value);
  if (field.draft !== sent) {
    return { ...field, accepted: text, error: null };
  }
  return { draft: text, accepted: text, status: value === null ? 'empty' : 'saved', error: null };
}

/** The field after the app refused `sent`: the input goes back to what is stored. */
export function refused(field: Field, sent: string, error: UiError): Field {
  if (field.draft !== sent) {
    return { ...field, error };
  }
  return { draft: field.accepted, accepted: field.accepted, status: 'refused', error };
}

/** Input error codes the protocol crate gives, each with an `error.input.*` message. */
const INPUT_ERRORS = ['empty', 'not_a_number', 'negative', 'too_large'] as const;

/** The message key and params that explain a refused field: the input error when it is one. */
export function refusalMessage(error: UiError): { key: `error.input.${(typeof INPUT_ERRORS)[number]}` | UiError['code']; params: Readonly<Record<string, string>> } {
  const input = INPUT_ERRORS.find((code) => code === error.params['input']);
  if (error.code === 'error.store.bad_value' && input !== undefined) {
    return { key: `error.input.${input}`, params: {} };
  }
  return { key: error.code, params: error.params };
}
