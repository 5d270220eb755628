// The blind reconcile for people: what to say after the reconciler typed the paper's value.
// Pure functions over what the app answers; whether a value matches an entry is the app's
// decision, never the UI's (the UI never receives the entries' values).

import type { MessageKey } from '../../lib/i18n/catalogues';
import type { EntryMatch, ReconcileOutcome } from '../../lib/ipc';

/** A value on neither entry that the app asked the reconciler to confirm. */
export interface Pending {
  readonly line: string;
  /** Exactly the text that was sent, which a confirmation sends again. */
  readonly raw: string;
}

/** The words for which entry a settled value matched. */
export function matchKey(matched: EntryMatch): MessageKey {
  switch (matched) {
    case 'first':
      return 'reconcile.matched.first';
    case 'second':
      return 'reconcile.matched.second';
    case 'neither':
      return 'reconcile.matched.neither';
  }
}

/** What the screen keeps asking after an answer: the value to confirm, or nothing. */
export function pendingAfter(outcome: ReconcileOutcome, line: string, raw: string): Pending | null {
  return outcome.needsConfirmation ? { line, raw } : null;
}

/**
 * Whether the confirmation still applies to `line` as it reads now: only for the very text the
 * app answered about. Typing anything else asks the app again.
 */
export function confirming(pending: Pending | null, line: string, text: string): boolean {
  return pending !== null && pending.line === line && pending.raw === text;
}
