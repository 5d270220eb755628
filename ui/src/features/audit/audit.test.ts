import { describe, expect, it } from 'vitest';

import { actionKey, localTime } from './audit';

describe('the audit log for people', () => {
  it('names known actions in words and leaves unknown ones as codes', () => {
    expect(actionKey('protocol.finalize')).toBe('audit.action.protocol_finalize');
    expect(actionKey('something.new')).toBeNull();
  });

  it('shows a time in local time with its offset', () => {
    expect(localTime('2023-03-19T15:15:03Z', () => 300)).toBe('2023-03-19 20:15:03 +05:00');
    expect(localTime('2023-03-19T23:30:00Z', () => 330)).toBe('2023-03-20 05:00:00 +05:30');
    expect(localTime('2023-03-19T01:00:00Z', () => -180)).toBe('2023-03-18 22:00:00 -03:00');
    expect(localTime('2023-03-19T01:00:00.000+00:00', () => 0)).toBe('2023-03-19 01:00:00 +00:00');
  });

  it('leaves text that is not a time alone', () => {
    expect(localTime('yesterday', () => 0)).toBe('yesterday');
  });
});
