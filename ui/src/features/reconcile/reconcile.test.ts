import { describe, expect, it } from 'vitest';

import type { ReconcileOutcome } from '../../lib/ipc';
import { confirming, matchKey, pendingAfter } from './reconcile';

const stored: ReconcileOutcome = {
  needsConfirmation: false,
  matched: 'second',
  state: { phase: 'agreed', openEntry: null, first: 1, second: 2 },
};
const neither: ReconcileOutcome = { needsConfirmation: true, matched: null, state: null };

describe('the blind reconcile', () => {
  it('names the entry a settled value matched', () => {
    expect(matchKey('first')).toBe('reconcile.matched.first');
    expect(matchKey('second')).toBe('reconcile.matched.second');
    expect(matchKey('neither')).toBe('reconcile.matched.neither');
  });

  it('asks for a confirmation only when the app says the value is on neither entry', () => {
    expect(pendingAfter(stored, 'L9', '81')).toBeNull();
    expect(pendingAfter(neither, 'L9', '79')).toEqual({ line: 'L9', raw: '79' });
  });

  it('confirms exactly the text the app answered about, on its own line', () => {
    const pending = pendingAfter(neither, 'L9', '79');
    expect(confirming(pending, 'L9', '79')).toBe(true);
    // Retyped, or another line: the app is asked again, nothing is confirmed for it.
    expect(confirming(pending, 'L9', '78')).toBe(false);
    expect(confirming(pending, 'L9', '79 ')).toBe(false);
    expect(confirming(pending, 'L6', '79')).toBe(false);
    expect(confirming(null, 'L9', '79')).toBe(false);
  });
});
