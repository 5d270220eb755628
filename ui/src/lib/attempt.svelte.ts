// One step that asks the app for something: busy while it runs, and the refusal it ended with.

import { toUiError, type UiError } from './ipc';

export class Attempt {
  busy = $state(false);
  error: UiError | null = $state(null);

  /**
   * Runs `task` as one busy step. Its result, with the last refusal cleared; or null, with the
   * refusal kept to show. The refusal shown before stays until the step ends.
   */
  async run<T>(task: () => Promise<T>): Promise<T | null> {
    this.busy = true;
    try {
      const result = await task();
      this.error = null;
      return result;
    } catch (thrown) {
      this.error = toUiError(thrown);
      return null;
    } finally {
      this.busy = false;
    }
  }
}
