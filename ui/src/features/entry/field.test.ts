import { describe, expect, it } from 'vitest';

import { catalogues } from '../../lib/i18n/catalogues';
import { INPUT_ERROR_CODES } from '../../lib/ipc';

import { entered, loaded, needsRestore, refusalMessage, refused, restored, stored, storedAs, typed } from './field';

const notANumber = { code: 'error.store.bad_value', params: { line: 'L1', input: 'not_a_number' } } as const;

describe('a field shows what the clerk typed and follows what the app stored', () => {
  it('starts from the stored value', () => {
    expect(loaded(null)).toEqual({ draft: '', stored: null, base: null, status: 'empty', error: null });
    expect(loaded(1203)).toEqual({ draft: '1203', stored: 1203, base: 1203, status: 'saved', error: null });
  });

  it('shows typing at once and is saved once the app answers', () => {
    const field = typed(loaded(null), '12');
    expect(field.status).toBe('saving');
    expect(stored(field, '12', 12)).toEqual({ draft: '12', stored: 12, base: null, status: 'saved', error: null });
  });

  it('keeps the characters typed when the app stores another form of them', () => {
    const field = stored(typed(loaded(null), '007'), '007', 7);
    expect(field.draft).toBe('007');
    expect(storedAs(field)).toBe(7);
    expect(storedAs(stored(typed(loaded(null), '7'), '7', 7))).toBeNull();
  });

  it('keeps newer typing that is still on its way', () => {
    const field = typed(typed(loaded(null), '1'), '12');
    expect(stored(field, '1', 1)).toEqual({ draft: '12', stored: 1, base: null, status: 'saving', error: null });
  });

  it('keeps the refused text in the input, marked, and the stored value beside it', () => {
    const field = refused(typed(loaded(12), '12a'), '12a', notANumber);
    expect(field).toEqual({ draft: '12a', stored: 12, base: 12, status: 'refused', error: notANumber });
  });

  it('an answer to older text does not mark newer text', () => {
    const field = typed(loaded(null), '1a');
    expect(refused(field, '1', notANumber)).toEqual(field);
  });

  it('a refusal after an accepted prefix asks for the value held when the clerk came', () => {
    const visited = entered(loaded(10));
    const prefix = stored(typed(visited, '1'), '1', 1);
    const refusedText = refused(typed(prefix, '1o'), '1o', notANumber);
    expect(needsRestore(refusedText)).toBe(true);
    const back = restored(refusedText, refusedText.base);
    expect(back).toEqual({ draft: '1o', stored: 10, base: 10, status: 'refused', error: notANumber });
    expect(needsRestore(back)).toBe(false);
  });

  it('a visit makes what is stored now the value a refusal keeps', () => {
    const saved = stored(typed(loaded(null), '15'), '15', 15);
    expect(entered(saved).base).toBe(15);
  });

  it('the refusal stays beside the field until the app answers the new text', () => {
    const field = typed(refused(typed(loaded(null), '1a'), '1a', notANumber), '1ab');
    expect(field.error).toEqual(notANumber);
    expect(stored(typed(field, '1'), '1', 1).error).toBeNull();
  });

  it('clearing a field stores nothing and shows it empty', () => {
    expect(stored(typed(loaded(5), ''), '', null)).toEqual({ draft: '', stored: null, base: 5, status: 'empty', error: null });
  });
});

describe('the message for a refused field', () => {
  it('is the input error when the app names one', () => {
    expect(refusalMessage(notANumber)).toEqual({ key: 'error.input.not_a_number', params: {} });
  });

  it.each(Object.entries(catalogues))('has a %s message for every input error the app names', (_locale, catalogue) => {
    expect(INPUT_ERROR_CODES.length).toBeGreaterThan(0);
    for (const input of INPUT_ERROR_CODES) {
      const { key } = refusalMessage({ code: 'error.store.bad_value', params: { line: 'L1', input } });
      expect([input, key in catalogue]).toEqual([input, true]);
    }
  });

  it('is the error itself otherwise', () => {
    const error = { code: 'error.store.same_user_second_entry', params: {} } as const;
    expect(refusalMessage(error)).toEqual({ key: 'error.store.same_user_second_entry', params: {} });
  });
});
