// The export and print screens' choices, read from what the app decided (which drive to suggest,
// which versions are printable); no rule is restated here.

import type { FinalInfo, OutboundOverview } from '../../lib/ipc/generated/ipc';

/** The folder the export screen suggests: the drive the app suggests, else nothing. */
export function suggestedExportFolder(overview: OutboundOverview): string {
  return overview.suggestedDrive ?? '';
}

/** The protocol versions the app says can be printed. */
export function printable(finals: readonly FinalInfo[]): FinalInfo[] {
  return finals.filter((final) => final.printable);
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
