// Pure choices of the export and print screens, over what the app sent, so Vitest covers them.

import type { FinalInfo, OutboundOverview } from '../../lib/ipc/generated/ipc';

/** The folder the export screen suggests: the only mounted removable drive, else nothing. */
export function suggestedExportFolder(overview: OutboundOverview): string {
  const [first, ...others] = overview.drives;
  if (first === undefined || others.length !== 0) {
    return '';
  }
  return first.mountPoint;
}

/** The protocol versions that can be printed: those already carried by a batch. */
export function printable(finals: readonly FinalInfo[]): FinalInfo[] {
  return finals.filter((final) => final.batchHash !== null);
}

/** A stable key for a protocol version, as the print screen's choice holds it. */
export function versionKey(final: Pick<FinalInfo, 'contest' | 'version'>): string {
  return `${final.contest}@${String(final.version)}`;
}

/** The choice to preselect on the print screen: the first printable version, if any. */
export function suggestedPrintChoice(finals: readonly FinalInfo[]): string {
  const [first] = printable(finals);
  return first === undefined ? '' : versionKey(first);
}
