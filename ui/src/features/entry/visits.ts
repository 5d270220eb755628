// Which focus events mean the clerk came to a field. An input gets `focus` in two cases that look
// alike from the input: the clerk moved to it (a visit: from here on a refused text keeps what is
// stored now), or the window lost focus and got it back while the field stayed the document's
// active element (another program's window, a notification; WebKit may send `focus` more than
// once then). The second is no visit: taking it for one would make a half-typed number the value
// a refusal keeps.

export class FieldVisits {
  /** The field the clerk is in: it has focus, or had it when the window lost focus. */
  #current: string | null = null;

  /**
   * `line` lost focus. `stillActive`: it is still the document's active element, so the window
   * lost focus, not the field, and the clerk is still in it.
   */
  left(line: string, stillActive: boolean): void {
    if (!stillActive && this.#current === line) {
      this.#current = null;
    }
  }

  /** `line` got focus; whether the clerk came to it (false when they were in it already). */
  came(line: string): boolean {
    const visit = this.#current !== line;
    this.#current = line;
    return visit;
  }
}
