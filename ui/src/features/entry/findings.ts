// Which findings to show and which fields to mark: a view of what the app reported, no judging.

import type { Finding, FindingSeverity } from '../../lib/ipc';

/** The failing findings, errors first, each group in the template's order. */
export function failing(findings: readonly Finding[]): Finding[] {
  const failed = findings.filter((finding) => finding.status === 'fail');
  return [
    ...failed.filter((finding) => finding.severity === 'error'),
    ...failed.filter((finding) => finding.severity === 'warning'),
  ];
}

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
