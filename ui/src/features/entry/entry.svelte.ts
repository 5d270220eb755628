// State of one entry form: the protocol's lines, each field as shown and as stored, and the live
// findings the app returned with the last save. Saves go one at a time, in typing order, so the
// findings shown are always those of the newest values.

import { createContext } from 'svelte';

import * as ipc from '../../lib/ipc';
import { type Field, loaded, refused, stored, typed } from './field';

export class EntryForm {
  readonly contest: string;
  form: ipc.ProtocolForm | null = $state(null);
  fields: Record<string, Field> = $state({});
  findings: ipc.Finding[] = $state([]);
  error: ipc.UiError | null = $state(null);
  #queue: Promise<void> = Promise.resolve();

  constructor(contest: string) {
    this.contest = contest;
  }

  /** The entry typed now (1 or 2), or null when none is open. */
  get entry(): number | null {
    return this.form?.summary.state.openEntry ?? null;
  }

  /** Loads the form, the open entry's stored values and their findings (none when blind). */
  async load(): Promise<void> {
    try {
      const form = await ipc.openProtocol(this.contest);
      const values: Record<string, number | null> = Object.fromEntries(
        (form.values ?? []).map((value) => [value.line, value.value]),
      );
      const fields: Record<string, Field> = {};
      for (const line of form.lines) {
        fields[line.id] = loaded(values[line.id] ?? null);
      }
      this.fields = fields;
      this.findings = form.findings ?? [];
      this.form = form;
      this.error = null;
    } catch (thrown) {
      this.error = ipc.toUiError(thrown);
    }
  }

  /** The clerk typed `text` into `line`: shown now, sent to the app raw, in order. */
  type(line: string, text: string): void {
    const field = this.fields[line];
    if (field === undefined) {
      return;
    }
    this.fields[line] = typed(field, text);
    this.#queue = this.#queue.then(() => this.#send(line));
  }

  /** Resolves once every save sent so far has been answered. */
  settled(): Promise<void> {
    return this.#queue;
  }

  async #send(line: string): Promise<void> {
    const entry = this.entry;
    const before = this.fields[line];
    if (entry === null || before === undefined || before.status !== 'saving') {
      return;
    }
    const sent = before.draft;
    try {
      const saved = await ipc.saveValue(this.contest, entry, line, sent);
      const field = this.fields[line] ?? before;
      this.fields[line] = stored(field, sent, saved.value);
      this.findings = saved.findings;
      if (this.form) {
        this.form.summary.state = saved.state;
      }
      this.error = null;
    } catch (thrown) {
      const error = ipc.toUiError(thrown);
      const field = this.fields[line] ?? before;
      this.fields[line] = refused(field, sent, error);
      if (error.code !== 'error.store.bad_value') {
        this.error = error;
      }
    }
  }

  /** Marks the entry done once every save has landed; resolves to the new state. */
  async finish(): Promise<ipc.ProtocolState | null> {
    const entry = this.entry;
    if (entry === null) {
      return null;
    }
    await this.settled();
    try {
      const state = await ipc.finishEntry(this.contest, entry);
      this.error = null;
      return state;
    } catch (thrown) {
      this.error = ipc.toUiError(thrown);
      return null;
    }
  }
}

const [getEntryForm, setEntryForm] = createContext<EntryForm>();

export { getEntryForm, setEntryForm };
