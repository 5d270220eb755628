// The failing findings as the entry and review screens list them: a view of what the app
// reported, no judging.

import type { Finding } from './ipc';

/** The failing findings, errors first, each group in the template's order. */
export function failing(findings: readonly Finding[]): Finding[] {
  const failed = findings.filter((finding) => finding.status === 'fail');
  return [
    ...failed.filter((finding) => finding.severity === 'error'),
    ...failed.filter((finding) => finding.severity === 'warning'),
  ];
}
