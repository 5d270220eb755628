// State of the app shell: what the app said about itself, the precinct overview, who is signed
// in, which screen shows, and the last error.

import { createContext } from 'svelte';

import type { I18n } from '../../lib/i18n/i18n.svelte';
import * as ipc from '../../lib/ipc';
import { type Screen, screenForProtocol, startScreen } from './screens';

export class Shell {
  info: ipc.AppInfo | null = $state(null);
  overview: ipc.Overview | null = $state(null);
  screen: Screen = $state({ name: 'loading' });
  error: ipc.UiError | null = $state(null);
  readonly #i18n: I18n;

  constructor(i18n: I18n) {
    this.#i18n = i18n;
  }

  /** Whether the signed-in user may take `action`: the app says, from its permission table. */
  may(action: ipc.ActionCode): boolean {
    return this.overview?.allowed.includes(action) ?? false;
  }

  /** Asks the app for its info, language and precinct; shows the screen to start on. */
  async load(): Promise<void> {
    // Marks for `cargo xtask bench-app`, which reports where start-up time goes.
    performance.mark('hattama:ipc-start');
    try {
      const [info, language, overview] = await Promise.all([ipc.appInfo(), ipc.getLanguage(), ipc.overview()]);
      performance.mark('hattama:ipc-end');
      this.info = info;
      this.#i18n.locale = language;
      this.overview = overview;
      this.screen = startScreen(overview);
      this.error = null;
    } catch (thrown) {
      this.error = ipc.toUiError(thrown);
    }
  }

  /** Asks the app for the overview again (after anything that changes a protocol). */
  async refresh(): Promise<void> {
    try {
      this.overview = await ipc.overview();
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

  /** Shows `screen`, clearing the last error. */
  go(screen: Screen): void {
    this.error = null;
    this.screen = screen;
  }

  /** Back to the dashboard, with a fresh overview. */
  async home(): Promise<void> {
    await this.refresh();
    this.go({ name: 'dashboard' });
  }

  /** Opens the screen where `protocol` is worked on now. */
  openProtocol(protocol: ipc.ProtocolSummary): void {
    this.go(screenForProtocol(protocol.contest, protocol.state.phase));
  }

  /** Signs out and shows the PIN dialog for the next user. */
  async switchUser(): Promise<void> {
    try {
      await ipc.logout();
      await this.refresh();
      this.go({ name: 'login' });
    } catch (thrown) {
      this.error = ipc.toUiError(thrown);
    }
  }

  /** Shows a refused action's error. */
  fail(thrown: unknown): void {
    this.error = ipc.toUiError(thrown);
  }
}

const [getShell, setShell] = createContext<Shell>();

export { getShell, setShell };
