// Which fields to mark: a view of what the app reported, no judging.

import { failing } from '../../lib/findings';
import type { Finding, FindingSeverity } from '../../lib/ipc';

/** Each line named by a failing finding, with the gravest severity naming it. */
export function flaggedLines(findings: readonly Finding[]): Map<string, FindingSeverity> {
  const flagged = new Map<string, FindingSeverity>();
  for (const finding of failing(findings)) {
    for (const line of finding.lines) {
      if (!flagged.has(line)) {
        flagged.set(line, finding.severity);
      }
    }
  }
  return flagged;
}
