// What the export and print screens share: the outbound overview the app reports, the chair's
// passphrase (cleared after every attempt, whatever its outcome), a busy flag and the last error.

import * as ipc from '../../lib/ipc';
import * as outbound from '../../lib/ipc/outbound';

export class OutboundForm {
  overview: ipc.OutboundOverview | null = $state(null);
  passphrase = $state('');
  busy = $state(false);
  error: ipc.UiError | null = $state(null);

  /** Asks the app for the final protocols, the device key, the drives and the folders. */
  async load(): Promise<void> {
    try {
      this.overview = await outbound.outboundOverview();
    } catch (thrown) {
      this.error = ipc.toUiError(thrown);
    }
  }

  /** Runs `task` with the typed passphrase as one busy step: its result, or null with the error shown. */
  async submit<T>(task: (passphrase: string) => Promise<T>): Promise<T | null> {
    this.busy = true;
    this.error = null;
    try {
      return await task(this.passphrase);
    } catch (thrown) {
      this.error = ipc.toUiError(thrown);
      return null;
    } finally {
      this.passphrase = '';
      this.busy = false;
    }
  }
}
