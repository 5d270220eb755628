// Which screen shows: pure functions over what the app said, so Vitest covers them.

import type { Overview, ProtocolPhase } from '../../lib/ipc';

/** A screen and what it is about. */
export type Screen =
  | { readonly name: 'loading' }
  | { readonly name: 'setup' }
  | { readonly name: 'login' }
  | { readonly name: 'dashboard' }
  | { readonly name: 'entry'; readonly contest: string }
  | { readonly name: 'reconcile'; readonly contest: string }
  | { readonly name: 'review'; readonly contest: string }
  | { readonly name: 'audit' }
  | { readonly name: 'device_key' }
  | { readonly name: 'export' }
  | { readonly name: 'print' };

/** The props of a screen about one protocol (entry, reconcile, review). */
export interface ProtocolScreenProps {
  /** The contest whose protocol the screen works on. */
  readonly contest: string;
}

/** The screen to start on: setup until there is a precinct and a user, then sign-in. */
export function startScreen(overview: Overview): Screen {
  if (overview.precinct === null || overview.users.length === 0) {
    return { name: 'setup' };
  }
  if (overview.user === null) {
    return { name: 'login' };
  }
  return { name: 'dashboard' };
}

/** The screen where a protocol in `phase` is worked on. */
export function screenForProtocol(contest: string, phase: ProtocolPhase): Screen {
  switch (phase) {
    case 'empty':
    case 'first_in_progress':
    case 'first_done':
    case 'second_in_progress':
      return { name: 'entry', contest };
    case 'differ':
      return { name: 'reconcile', contest };
    case 'agreed':
    case 'final':
      return { name: 'review', contest };
  }
}
