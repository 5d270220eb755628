// Moving between the fields of a protocol form by keyboard: pure functions over line ids.

/** What a key does in a protocol field. */
export type FieldMove = 'next' | 'previous' | 'jump' | null;

/** The move a key asks for: Enter and ↓ go on, ↑ goes back, Ctrl+G jumps to a row. */
export function moveForKey(key: string, ctrl: boolean): FieldMove {
  if (ctrl && (key === 'g' || key === 'G')) {
    return 'jump';
  }
  if (ctrl) {
    return null;
  }
  switch (key) {
    case 'Enter':
    case 'ArrowDown':
      return 'next';
    case 'ArrowUp':
      return 'previous';
    default:
      return null;
  }
}

/** The index after `index` among `count` fields, staying on the last one. */
export function nextIndex(index: number, count: number): number {
  return Math.min(index + 1, count - 1);
}

/** The index before `index`, staying on the first one. */
export function previousIndex(index: number): number {
  return Math.max(index - 1, 0);
}

/**
 * The line a "go to" box names: a bare number is a row of the row block (`3` → the third party or
 * candidate), anything else a line id with or without its `L` (`5b`, `L5b`). `null` when no line
 * of `lines` fits.
 */
export function lineForJump(query: string, lines: readonly { id: string; row: { number: number } | null }[]): string | null {
  const text = query.trim();
  if (text === '') {
    return null;
  }
  if (/^\d+$/u.test(text)) {
    const number = Number(text);
    return lines.find((line) => line.row?.number === number)?.id ?? null;
  }
  const wanted = text.toUpperCase().startsWith('L') ? text.toUpperCase() : `L${text.toUpperCase()}`;
  return lines.find((line) => line.id.toUpperCase() === wanted)?.id ?? null;
}
