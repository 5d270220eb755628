import { describe, expect, it } from 'vitest';

import type { Overview, PrecinctOverview, UserInfo } from '../../lib/ipc';
import { screenForProtocol, startScreen } from './screens';

const text = { kk: 'x', ru: 'x', en: 'x' };
const precinct: PrecinctOverview = {
  election: text,
  demo: true,
  test: true,
  region: text,
  number: 1,
  address: text,
  protocols: [],
};
const ana: UserInfo = { id: 1, name: 'Ana', role: 'clerk' };

function overview(parts: Partial<Overview>): Overview {
  return { precinct: null, users: [], members: [], user: null, allowed: [], ...parts };
}

describe('the screen to start on', () => {
  it('is setup until there is a precinct and a user', () => {
    expect(startScreen(overview({}))).toEqual({ name: 'setup' });
    expect(startScreen(overview({ precinct }))).toEqual({ name: 'setup' });
  });

  it('is the PIN dialog when nobody is signed in', () => {
    expect(startScreen(overview({ precinct, users: [ana] }))).toEqual({ name: 'login' });
  });

  it('is the dashboard for a signed-in user', () => {
    expect(startScreen(overview({ precinct, users: [ana], user: ana }))).toEqual({ name: 'dashboard' });
  });
});

describe('where a protocol is worked on', () => {
  it('follows its phase', () => {
    expect(screenForProtocol('p', 'empty')).toEqual({ name: 'entry', contest: 'p' });
    expect(screenForProtocol('p', 'second_in_progress')).toEqual({ name: 'entry', contest: 'p' });
    expect(screenForProtocol('p', 'differ')).toEqual({ name: 'reconcile', contest: 'p' });
    expect(screenForProtocol('p', 'agreed')).toEqual({ name: 'review', contest: 'p' });
    expect(screenForProtocol('p', 'final')).toEqual({ name: 'review', contest: 'p' });
  });
});
