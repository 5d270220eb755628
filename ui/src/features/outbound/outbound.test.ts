import { describe, expect, it } from 'vitest';

import type { FinalInfo, OutboundOverview } from '../../lib/ipc/generated/ipc';
import { printable, suggestedExportFolder, suggestedPrintChoice, versionKey } from './outbound';

function final(contest: string, version: number, batchHash: string | null): FinalInfo {
  return {
    contest,
    template: 'P1',
    name: { kk: contest, ru: contest, en: contest },
    version,
    batchHash,
    printable: batchHash !== null,
  };
}

function overview(mountPoints: string[], suggestedDrive: string | null): OutboundOverview {
  return {
    deviceKey: null,
    finals: [],
    exports: [],
    upToDate: false,
    drives: mountPoints.map((mountPoint, idx) => ({ device: `/dev/sdb${String(idx)}`, mountPoint, fsType: 'vfat' })),
    suggestedDrive,
    documentsFolder: '/home/chair/Documents',
  };
}

describe('suggestedExportFolder', () => {
  it('is empty when the app suggests no drive', () => {
    expect(suggestedExportFolder(overview(['/media/a', '/media/b'], null))).toBe('');
  });
  it('is the drive the app suggests', () => {
    expect(suggestedExportFolder(overview(['/media/usb'], '/media/usb'))).toBe('/media/usb');
  });
});

describe('printable', () => {
  it('keeps the versions the app marks printable, in order', () => {
    const finals = [final('a', 1, 'ab12'), final('b', 1, null), final('c', 2, 'cd34')];
    expect(printable(finals).map(versionKey)).toEqual(['a@1', 'c@2']);
  });
});

describe('suggestedPrintChoice', () => {
  it('is the first exported version', () => {
    expect(suggestedPrintChoice([final('a', 1, null), final('b', 1, 'ab12')])).toBe('b@1');
  });
  it('is empty when nothing is exported', () => {
    expect(suggestedPrintChoice([final('a', 1, null)])).toBe('');
  });
});
