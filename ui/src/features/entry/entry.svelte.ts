// State of one entry form: the protocol's lines, each field as typed and as stored, and the live
// findings the app sent for the last save (ahead of its durable write, then with its answer).
//
// Every keystroke and every visit to a field becomes a step in one queue, run one at a time in
// the order the clerk made them, so what ends up stored depends only on the keys, never on how
// fast they came or when the app answered. A typed text whose newer text is already queued (with
// no visit between) is not sent: the newer one decides the same outcome. When the app refuses
// a text, the value the line held when the clerk came to the field is stored again (see
// `field.ts`), and the input keeps the refused characters, marked, until the clerk corrects them.

import { createContext } from 'svelte';

import * as ipc from '../../lib/ipc';
import { type Field, entered, loaded, needsRestore, refused, restored, stored, textOf, typed } from './field';

/** Why finishing did not happen, with the lines to mark: refused text, or lines left empty. */
export interface FinishProblem {
  readonly kind: 'refused' | 'missing';
  readonly lines: readonly string[];
}

export class EntryForm {
  readonly contest: string;
  form: ipc.ProtocolForm | null = $state(null);
  fields: Record<string, Field> = $state({});
  findings: ipc.Finding[] = $state([]);
  error: ipc.UiError | null = $state(null);
  /** The last refused "finish", with the lines it names; cleared as those lines are typed. */
  problem: FinishProblem | null = $state(null);
  #queue: Promise<void> = Promise.resolve();
  #steps = 0;
  /** Per line, the step number of the newest typed text and of the newest visit. */
  // Plain records: nothing renders from them.
  #lastText: Record<string, number> = {};
  #lastVisit: Record<string, number> = {};
  /** The findings of the last answer, that is of the values as stored. */
  #storedFindings: ipc.Finding[] = [];

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
      this.#storedFindings = this.findings;
      this.form = form;
      this.error = null;
    } catch (thrown) {
      this.error = ipc.toUiError(thrown);
    }
  }

  /** The clerk came to `line`: from now on a refused text there keeps what is stored now. */
  visit(line: string): void {
    const step = this.#next();
    this.#lastVisit[line] = step;
    this.#run(() => {
      const field = this.fields[line];
      if (field !== undefined) {
        this.fields[line] = entered(field);
      }
    });
  }

  /** The clerk typed `text` into `line`: shown as typed now, sent to the app raw, in order. */
  type(line: string, text: string): void {
    const field = this.fields[line];
    if (field === undefined) {
      return;
    }
    this.fields[line] = typed(field, text);
    if (this.problem?.lines.includes(line)) {
      const lines = this.problem.lines.filter((other) => other !== line);
      this.problem = lines.length === 0 ? null : { ...this.problem, lines };
    }
    const step = this.#next();
    this.#lastText[line] = step;
    this.#run(() => this.#save(line, text, step));
  }

  /** Resolves once every step queued so far has been answered. */
  settled(): Promise<void> {
    return this.#queue;
  }

  #next(): number {
    this.#steps += 1;
    return this.#steps;
  }

  #run(step: () => Promise<void> | void): void {
    this.#queue = this.#queue.then(step);
  }

  /** Whether a newer text for `line` is queued after `step` with no visit between them. */
  #superseded(line: string, step: number): boolean {
    const newest = this.#lastText[line] ?? step;
    const visit = this.#lastVisit[line] ?? 0;
    return step < newest && visit < step;
  }

  async #save(line: string, text: string, step: number): Promise<void> {
    const entry = this.entry;
    if (entry === null || this.#superseded(line, step)) {
      return;
    }
    try {
      const saved = await ipc.saveValue(this.contest, entry, line, text, (checked) => this.#checked(checked));
      const field = this.fields[line];
      if (field !== undefined) {
        this.fields[line] = stored(field, text, saved.value);
      }
      this.#answered(saved);
    } catch (thrown) {
      const error = ipc.toUiError(thrown);
      // Checks shown ahead of a write that then failed are not what is stored: show the last
      // stored answer's again.
      this.findings = this.#storedFindings;
      const field = this.fields[line];
      if (field === undefined) {
        return;
      }
      this.fields[line] = refused(field, text, error);
      if (error.code !== 'error.store.bad_value') {
        this.error = error;
        return;
      }
      if (needsRestore(field)) {
        await this.#restore(line, entry, field.base);
      }
    }
  }

  /** Stores `base` for `line` again, after the app refused what was typed there. */
  async #restore(line: string, entry: number, base: number | null): Promise<void> {
    try {
      const saved = await ipc.saveValue(this.contest, entry, line, textOf(base), (checked) => this.#checked(checked));
      const field = this.fields[line];
      if (field !== undefined) {
        this.fields[line] = restored(field, saved.value);
      }
      this.#answered(saved);
    } catch (thrown) {
      this.findings = this.#storedFindings;
      this.error = ipc.toUiError(thrown);
    }
  }

  /**
   * The app's checks of a save it has written but not yet made durable: the panel shows them
   * now, without waiting for the disk. Steps run one at a time, so these always belong to the
   * save in flight; the field itself stays "saving" until the answer says the value is stored.
   */
  #checked(checked: ipc.SavedField): void {
    this.findings = checked.findings;
  }

  #answered(saved: ipc.SavedField): void {
    this.#storedFindings = saved.findings;
    this.findings = saved.findings;
    if (this.form) {
      this.form.summary.state = saved.state;
    }
    this.error = null;
  }

  /**
   * Marks the entry done once every save has landed; resolves to the new state, or to null with
   * `problem` (or `error`) saying why not. A field still showing refused text stops it here:
   * what it shows is not what is stored.
   */
  async finish(): Promise<ipc.ProtocolState | null> {
    const entry = this.entry;
    if (entry === null) {
      return null;
    }
    await this.settled();
    const lines = this.form?.lines ?? [];
    const refusedLines = lines.filter((line) => this.fields[line.id]?.status === 'refused').map((line) => line.id);
    if (0 < refusedLines.length) {
      this.problem = { kind: 'refused', lines: refusedLines };
      this.error = null;
      return null;
    }
    try {
      const state = await ipc.finishEntry(this.contest, entry);
      this.error = null;
      this.problem = null;
      return state;
    } catch (thrown) {
      const error = ipc.toUiError(thrown);
      if (error.code === 'error.store.incomplete_entry') {
        const missing = (error.params['lines'] ?? '').split(', ').filter((line) => line !== '');
        this.problem = { kind: 'missing', lines: missing };
        this.error = null;
      } else {
        this.error = error;
      }
      return null;
    }
  }
}

const [getEntryForm, setEntryForm] = createContext<EntryForm>();

export { getEntryForm, setEntryForm };
