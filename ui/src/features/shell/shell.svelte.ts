// State of the app shell: what the app said about itself, the language, and the last error.

import { createContext } from 'svelte';

import type { I18n } from '../../lib/i18n/i18n.svelte';
import * as ipc from '../../lib/ipc';

export class Shell {
  info: ipc.AppInfo | null = $state(null);
  error: ipc.UiError | null = $state(null);
  readonly #i18n: I18n;

  constructor(i18n: I18n) {
    this.#i18n = i18n;
  }

  /** Asks the app for its info and language; shows the app's language once it answers. */
  async load(): Promise<void> {
    try {
      const [info, language] = await Promise.all([ipc.appInfo(), ipc.getLanguage()]);
      this.info = info;
      this.#i18n.locale = language;
      this.error = null;
    } catch (thrown) {
      this.error = ipc.toUiError(thrown);
    }
  }

  /** Switches to `language` once the app has accepted it. */
  async chooseLanguage(language: ipc.Language): Promise<void> {
    try {
      this.#i18n.locale = await ipc.setLanguage(language);
      this.error = null;
    } catch (thrown) {
      this.error = ipc.toUiError(thrown);
    }
  }
}

const [getShell, setShell] = createContext<Shell>();

export { getShell, setShell };
