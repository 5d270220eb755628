import { describe, expect, it } from 'vitest';

import { failing } from '../../lib/findings';
import type { Finding } from '../../lib/ipc';
import { flaggedLines } from './findings';

function finding(code: string, status: Finding['status'], lines: string[]): Finding {
  return {
    code,
    severity: code.startsWith('E') ? 'error' : 'warning',
    status,
    lines,
    entered: null,
    expected: null,
    relation: null,
    message: null,
  };
}

const findings = [
  finding('E01', 'pass', ['L2', 'L3', 'L4']),
  finding('W05', 'fail', ['L6', 'L5']),
  finding('E05', 'fail', ['L7', 'L8.1', 'L9']),
  finding('E04', 'missing', ['L5', 'L6', 'L7']),
];

describe('findings as the form shows them', () => {
  it('lists the failing ones, errors first', () => {
    expect(failing(findings).map((item) => item.code)).toEqual(['E05', 'W05']);
  });

  it('marks each line a failing check names, with the gravest severity', () => {
    const flagged = flaggedLines([...findings, finding('W01', 'fail', ['L7'])]);
    expect(Object.fromEntries(flagged)).toEqual({
      'L7': 'error',
      'L8.1': 'error',
      'L9': 'error',
      'L6': 'warning',
      'L5': 'warning',
    });
  });

  it('marks nothing when every check holds or waits', () => {
    expect(flaggedLines([findings[0] as Finding, findings[3] as Finding]).size).toBe(0);
  });
});
